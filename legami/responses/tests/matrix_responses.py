"""Permission-matrix rows of responses, the co-production ledger and give-back places (read by
legami/core/tests/test_permission_matrix.py)."""

from legami.core.tests.matrix import PUBLIC, Row

VIEW = "responses.view_responses"
MANAGE = "responses.manage_responses"
RECORD = "responses.record_coproduction"

ROUTES: dict[str, Row] = {
    # A response's accountability page and the list are public: anyone may read them.
    "responses:responses": Row(PUBLIC),
    "responses:response_detail": Row(PUBLIC, obj="responses_response"),
    # Designing, editing and moving a response, its partners, budget, milestones and answers: who runs them.
    "responses:response_create": Row(MANAGE),
    "responses:response_update": Row(MANAGE, obj="responses_response"),
    "responses:response_move": Row(MANAGE, obj="responses_response", kwargs={"transition": "suspend"}),
    "responses:response_answers": Row(MANAGE, obj="responses_response"),
    "responses:partner_create": Row(MANAGE, obj="responses_response"),
    "responses:partner_delete": Row(MANAGE, obj="responses_partner"),
    "responses:budget_create": Row(MANAGE, obj="responses_response"),
    "responses:budget_update": Row(MANAGE, obj="responses_budget"),
    "responses:budget_delete": Row(MANAGE, obj="responses_budget"),
    "responses:milestone_create": Row(MANAGE, obj="responses_response"),
    "responses:milestone_update": Row(MANAGE, obj="responses_milestone"),
    "responses:milestone_reached": Row(MANAGE, obj="responses_milestone"),
    # The ledger is read by the network's operators and partners; partners record their own contributions.
    "responses:coproduction": Row(VIEW, obj="responses_response"),
    "responses:coproduction_create": Row(RECORD, obj="responses_response"),
    # An entry is removed by who runs responses, or by its recorder within a week: the planted one is the
    # coordinator's, so partner staff (who may record) may not remove it.
    "responses:coproduction_delete": Row(RECORD, obj="responses_entry", overrides={"partner_staff": 403}),
    "responses:coproduction_partners": Row(VIEW),
    # The co-production file: imported and exported by who may record (partner staff: their own organisation's rows).
    "responses:coproduction_import": Row(RECORD),
    "responses:coproduction_import_template": Row(RECORD),
    "responses:coproduction_import_job": Row(RECORD, obj="responses_coproduction_job"),
    "responses:coproduction_export": Row(RECORD),
    # Give-back places: listed for the network's operators and partners, offered and closed by who runs responses.
    "responses:giveback_places": Row(VIEW),
    "responses:giveback_create": Row(MANAGE, obj="responses_response"),
    "responses:giveback_update": Row(MANAGE, obj="responses_place"),
    "responses:giveback_close": Row(MANAGE, obj="responses_place"),
}


def objects(cast) -> dict:
    """An active response in Cremona with a partner, a budget line, a milestone, an entry and give-back places."""
    from legami.core.models import Job
    from legami.responses.models import ContributorKind
    from legami.responses.tests.factories_responses import (
        BudgetLineFactory,
        CoProductionFactory,
        GiveBackPlaceFactory,
        MilestoneFactory,
        active_response,
    )

    network = cast.network
    response = active_response(network, cast.organization, title="Portierato sociale di Cremona")
    response.municipalities.set([cast.municipalities[0]])
    partner = response.partners.get()
    return {
        "responses_response": response,
        "responses_partner": partner,
        "responses_budget": BudgetLineFactory(response=response, organization=cast.organization),
        "responses_milestone": MilestoneFactory(response=response),
        "responses_entry": CoProductionFactory(
            response=response,
            contributor=ContributorKind.PARTNER,
            organization=cast.organization,
            recorded_by=cast.coordinator,
        ),
        "responses_place": GiveBackPlaceFactory(response=response, host=cast.organization),
        "responses_coproduction_job": Job.objects.create(
            network=network,
            kind="coproduction_import",
            actor=cast.coordinator,
            status=Job.Status.SUCCEEDED,
            original_name="coproduzione.csv",
            result={"created": 0},
        ),
    }
