"""Pages of cases and generative pacts, under /<network-slug>/pacts/. Every page of a case or a pact is its team's
(and the privacy officer's); for anyone else it answers 404, as for a case that does not exist."""

from django.urls import path  # noqa: F401

app_name = "pacts"

urlpatterns: list = []

# --- the case manager's desk, reminders ------------------------------------------------------------------------
urlpatterns += []

# --- cases, team, assessments, ties ----------------------------------------------------------------------------
urlpatterns += []

# --- pacts: versions, lifecycle, PDF, signature, reviews -------------------------------------------------------
urlpatterns += []

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
