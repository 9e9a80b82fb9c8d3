"""Pages of cases and generative pacts, under /<network-slug>/pacts/. Every page of a case or a pact is its team's
(and the privacy officer's); for anyone else it answers 404, as for a case that does not exist."""

from django.urls import path, re_path

from legami.pacts.views import desk
from legami.pacts.views import pacts as pact_views
from legami.pacts.views import reviews as review_views

app_name = "pacts"

urlpatterns: list = []

# --- the case manager's desk, reminders ------------------------------------------------------------------------
urlpatterns += [
    path("", desk.desk, name="desk"),
]

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
urlpatterns += [
    # <pk> is the case's (the permission matrix fills <pk>).
    path("cases/<int:pk>/pacts/new/", pact_views.pact_create, name="pact_create"),
    path("<int:pk>/", pact_views.pact_detail, name="pact"),
    path("<int:pk>/edit/", pact_views.pact_edit, name="pact_edit"),
    path("<int:pk>/signature/", pact_views.pact_signature, name="pact_signature"),
    path("<int:pk>/versions/", pact_views.pact_versions, name="pact_versions"),
    path("<int:pk>/versions/new/", pact_views.version_create, name="version_create"),
    path("<int:pk>/diff/", pact_views.pact_diff, name="pact_diff"),
    path("<int:pk>/pdf/", pact_views.pact_pdf_view, name="pact_pdf"),
    path("versions/<int:pk>/", pact_views.pact_version, name="pact_version"),
    path("versions/<int:pk>/scan/", pact_views.pact_signature_scan, name="pact_signature_scan"),
    path("reviews/<int:pk>/", review_views.review_detail, name="review"),
    path("reviews/<int:pk>/hold/", review_views.review_hold, name="review_hold"),
    # Only the moves' own names, so that other sections' <pk>/<word>/ pages are not taken.
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<move>propose|redraft|start|review|complete|interrupt)/$",
        pact_views.pact_move,
        name="pact_move",
    ),
]

# --- budget and expenses ---------------------------------------------------------------------------------------
from legami.pacts.views import budget as budget_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/budget/", budget_views.budget, name="budget"),
    path("<int:pk>/expenses/new/", budget_views.expense_create, name="expense_create"),
    path("expenses/<int:pk>/document/", budget_views.expense_document, name="expense_document"),
    path("expenses/<int:pk>/<slug:decision>/", budget_views.expense_decide, name="expense_decide"),
]

# --- give-back hours and the host's confirmations --------------------------------------------------------------
from legami.pacts.views import giveback as giveback_views  # noqa: E402

urlpatterns += [
    path("<int:pk>/give-back/", giveback_views.giveback, name="giveback"),
    path("<int:pk>/give-back/new/", giveback_views.giveback_log, name="giveback_log"),
    path("hours/", giveback_views.giveback_confirmations, name="giveback_confirmations"),
    path("hours/<int:pk>/<slug:decision>/", giveback_views.giveback_decide, name="giveback_decide"),
]
