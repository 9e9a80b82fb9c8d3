"""Pages of referrals, under /<network-slug>/referrals/: filing and following one's own (sentinels), the triage
queue and a referral's triage page (coordinators and case managers)."""

from django.urls import path  # noqa: F401

app_name = "referrals"

urlpatterns: list = [
    # --- filing and following (the reporter) ---------------------------------------------------------------
]

urlpatterns += [
    # --- triage ---------------------------------------------------------------------------------------------
]
