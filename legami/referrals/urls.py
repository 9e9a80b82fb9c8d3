"""Pages of referrals, under /<network-slug>/referrals/: filing and following one's own (sentinels), the triage
queue and a referral's triage page (coordinators and case managers)."""

from django.urls import path

from legami.referrals.views import filing, triage

app_name = "referrals"

urlpatterns: list = [
    # --- filing and following (the reporter) ---------------------------------------------------------------
    path("new/", filing.referral_file, name="file"),
    path("new/<int:pk>/sent/", filing.referral_filed, name="filed"),
    path("mine/", filing.my_referral_list, name="mine"),
    path("mine/<int:pk>/", filing.my_referral_detail, name="mine_detail"),
]

urlpatterns += [
    # --- triage ---------------------------------------------------------------------------------------------
    path("", triage.queue, name="queue"),
    path("<int:pk>/", triage.detail, name="detail"),
    path("<int:pk>/<slug:move>/", triage.move, name="move"),
]
