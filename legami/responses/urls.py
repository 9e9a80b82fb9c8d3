"""Pages of responses and co-design, under /<network-slug>/responses/.

A response's accountability page and the list of responses are public; the rest asks for a role.
"""

from django.urls import path

from legami.core.decorators import network_view
from legami.core.imports.views import import_urls
from legami.responses.services.imports import COPRODUCTION_IMPORT
from legami.responses.views import calls, coproduction, coprogramming, giveback, responses

app_name = "responses"

urlpatterns = [
    # Responses and their accountability page.
    path("", responses.response_list, name="responses"),
    path("new/", responses.response_create, name="response_create"),
    path("<int:pk>/", responses.response_detail, name="response_detail"),
    path("<int:pk>/edit/", responses.response_update, name="response_update"),
    path("<int:pk>/move/<str:transition>/", responses.response_move, name="response_move"),
    path("<int:pk>/answers/", responses.response_answers, name="response_answers"),
    path("<int:pk>/partners/new/", responses.partner_create, name="partner_create"),
    path("partners/<int:pk>/delete/", responses.partner_delete, name="partner_delete"),
    path("<int:pk>/budget/new/", responses.budget_create, name="budget_create"),
    path("budget/<int:pk>/edit/", responses.budget_update, name="budget_update"),
    path("budget/<int:pk>/delete/", responses.budget_delete, name="budget_delete"),
    path("<int:pk>/milestones/new/", responses.milestone_create, name="milestone_create"),
    path("milestones/<int:pk>/edit/", responses.milestone_update, name="milestone_update"),
    path("milestones/<int:pk>/reached/", responses.milestone_reached, name="milestone_reached"),
    # The co-production ledger.
    path("<int:pk>/coproduction/", coproduction.ledger, name="coproduction"),
    path("<int:pk>/coproduction/new/", coproduction.entry_create, name="coproduction_create"),
    path("coproduction/<int:pk>/delete/", coproduction.entry_delete, name="coproduction_delete"),
    path("coproduction/partners/", coproduction.partner_totals, name="coproduction_partners"),
    # The co-production file: coproduction/import/, import/template/, import/jobs/<pk>/; each row names its response.
    *import_urls(COPRODUCTION_IMPORT, guard=network_view, prefix="coproduction/"),
    path("coproduction/export/", coproduction.ledger_export, name="coproduction_export"),
    # Give-back places.
    path("give-back/", giveback.place_list, name="giveback_places"),
    path("<int:pk>/give-back/new/", giveback.place_create, name="giveback_create"),
    path("give-back/<int:pk>/edit/", giveback.place_update, name="giveback_update"),
    path("give-back/<int:pk>/close/", giveback.place_close, name="giveback_close"),
    # Co-programming rounds.
    path("co-programming/", coprogramming.round_list, name="coprogramming"),
    path("co-programming/new/", coprogramming.round_create, name="coprogramming_create"),
    path("co-programming/<int:pk>/", coprogramming.round_detail, name="coprogramming_detail"),
    path("co-programming/<int:pk>/contribute/", coprogramming.contribute, name="coprogramming_contribute"),
    path("co-programming/contributions/<int:pk>/file/", coprogramming.contribution_file, name="contribution_file"),
    path("co-programming/<int:pk>/close/", coprogramming.round_close, name="coprogramming_close"),
    path("co-programming/<int:pk>/outcome.pdf", coprogramming.outcome_pdf, name="coprogramming_pdf"),
    # Co-design tables.
    path("co-design/", calls.call_list, name="calls"),
    path("co-design/new/", calls.call_create, name="call_create"),
    path("co-design/<int:pk>/", calls.call_detail, name="call_detail"),
    path("co-design/<int:pk>/edit/", calls.call_update, name="call_update"),
    path("co-design/<int:pk>/move/<str:transition>/", calls.call_move, name="call_move"),
    path("co-design/<int:pk>/criteria/new/", calls.criterion_create, name="criterion_create"),
    path("co-design/criteria/<int:pk>/edit/", calls.criterion_update, name="criterion_update"),
    path("co-design/criteria/<int:pk>/delete/", calls.criterion_delete, name="criterion_delete"),
    path("co-design/<int:pk>/apply/", calls.application_create, name="application_create"),
    path("co-design/applications/<int:pk>/", calls.application_detail, name="application_detail"),
    path("co-design/applications/<int:pk>/withdraw/", calls.application_withdraw, name="application_withdraw"),
    path("co-design/applications/<int:pk>/exclude/", calls.application_exclude, name="application_exclude"),
    path("co-design/applications/<int:pk>/score/", calls.application_score, name="application_score"),
    path("co-design/<int:pk>/ranking/", calls.call_ranking, name="call_ranking"),
    path("co-design/<int:pk>/award/", calls.call_award, name="call_award"),
    path("<int:pk>/convention.pdf", calls.convention_pdf, name="convention_pdf"),
]
