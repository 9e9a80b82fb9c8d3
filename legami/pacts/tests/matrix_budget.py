"""Permission-matrix rows of the budget and the give-back hours (read by legami/core/tests/test_permission_matrix.py).

The pact's team (the cast's case manager and partner staff) works on its budget and give-back pages; the privacy
officer reads them (not the receipts, which are the team's); the coordinator, the community worker and the district
case manager hold pacts.work_on_cases but are not on the team: for them the pact does not exist (404). Deciding on
an expense over budget and answering hours are POST only: whoever may reach them and opens them with GET gets 405.
The host's queue is for pacts.confirm_give_back (coordinator, community worker, partner staff).
"""

from legami.core.tests.matrix import Row

WORK = "pacts.work_on_cases"
APPROVE = "pacts.approve_overspending"
CONFIRM = "pacts.confirm_give_back"
OFF_TEAM = {"coordinator": 404, "community_worker": 404, "district_case_manager": 404}

ROUTES: dict[str, Row] = {
    "pacts:budget": Row(WORK, obj="pacts_budget_pact", overrides={**OFF_TEAM, "privacy_officer": 200}),
    "pacts:expense_create": Row(WORK, obj="pacts_budget_pact", overrides=OFF_TEAM),
    "pacts:expense_document": Row(WORK, obj="pacts_expense", overrides=OFF_TEAM),
    "pacts:expense_decide": Row(
        APPROVE,
        obj="pacts_expense",
        kwargs={"decision": "approve"},
        overrides={"coordinator": 405, "case_manager": 405, "district_case_manager": 405},
    ),
    "pacts:giveback": Row(WORK, obj="pacts_budget_pact", overrides={**OFF_TEAM, "privacy_officer": 200}),
    "pacts:giveback_log": Row(WORK, obj="pacts_budget_pact", overrides=OFF_TEAM),
    "pacts:giveback_confirmations": Row(CONFIRM),
    "pacts:giveback_decide": Row(
        CONFIRM,
        obj="pacts_giveback_pending",
        kwargs={"decision": "confirm"},
        overrides={"coordinator": 405, "community_worker": 405, "partner_staff": 405},
    ),
}


def objects(cast) -> dict:
    """A signed pact of a case whose team is the case manager and the partner staff, an expense over budget with
    its receipt, and hours at a give-back place of the cast's organisation waiting for it."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from legami.pacts.models import BudgetLine
    from legami.pacts.services.budget import record_expense
    from legami.pacts.tests.factories import open_case, signed_pact
    from legami.pacts.tests.factories_giveback import pending_hours

    pact = signed_pact(open_case(cast))
    line = BudgetLine.objects.get(version_id=pact.current_version_id)
    expense = record_expense(
        actor=cast.partner_staff,
        pact=pact,
        data={"line": str(line.key), "amount": "650,00", "spent_on": timezone.localdate(), "description": "Corso"},
        document=SimpleUploadedFile("ricevuta.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    return {
        "pacts_budget_pact": pact,
        "pacts_expense": expense,
        "pacts_giveback_pending": pending_hours(cast, pact, days_ago=0),
    }
