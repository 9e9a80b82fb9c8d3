"""Pages of cases and generative pacts, under /<network-slug>/pacts/. Every page of a case or a pact is its team's
(and the privacy officer's); for anyone else it answers 404, as for a case that does not exist."""

from django.urls import path  # noqa: F401

from legami.pacts.views import desk

app_name = "pacts"

urlpatterns: list = []

# --- the case manager's desk, reminders ------------------------------------------------------------------------
urlpatterns += [
    path("", desk.desk, name="desk"),
]

# --- cases, team, assessments, ties ----------------------------------------------------------------------------
urlpatterns += []

# --- pacts: versions, lifecycle, PDF, signature, reviews -------------------------------------------------------
urlpatterns += []

# --- budget and expenses ---------------------------------------------------------------------------------------
urlpatterns += []

# --- give-back hours and the host's confirmations --------------------------------------------------------------
urlpatterns += []
