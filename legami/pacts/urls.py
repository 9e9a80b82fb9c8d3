"""Pages of cases and generative pacts, under /<network-slug>/pacts/. Every page of a case or a pact is its team's
(and the privacy officer's); for anyone else it answers 404, as for a case that does not exist."""

from django.urls import path  # noqa: F401

app_name = "pacts"

urlpatterns: list = []

# --- the case manager's desk, reminders ------------------------------------------------------------------------
urlpatterns += []

# --- cases, team, assessments, ties ----------------------------------------------------------------------------
from legami.pacts.views import assessments as assessment_views  # noqa: E402
from legami.pacts.views import cases as case_views  # noqa: E402

urlpatterns += [
    path("cases/", case_views.case_list_view, name="cases"),
    path("cases/new/", case_views.case_create, name="case_create"),
    path("referrals/<int:pk>/take/", case_views.case_from_referral, name="case_from_referral"),
    path("cases/<int:pk>/", case_views.case_detail, name="case"),
    path("cases/<int:pk>/team/", case_views.case_team, name="case_team"),
    path("cases/<int:pk>/status/<str:move>/", case_views.case_move, name="case_move"),
    path("cases/<int:pk>/assessments/new/", assessment_views.assessment_create, name="assessment_create"),
    path("assessments/<int:pk>/", assessment_views.assessment_detail, name="assessment"),
]

# --- pacts: versions, lifecycle, PDF, signature, reviews -------------------------------------------------------
urlpatterns += []

# --- budget and expenses ---------------------------------------------------------------------------------------
urlpatterns += []

# --- give-back hours and the host's confirmations --------------------------------------------------------------
urlpatterns += []
