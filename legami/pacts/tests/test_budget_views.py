"""The budget's pages: the team works, the privacy officer reads, everyone else gets 404; the receipt download."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.pacts.models import BudgetLine, Expense, ExpenseStatus
from legami.pacts.services.budget import record_expense
from legami.pacts.tests.factories import open_case, signed_pact

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pact(cast):
    return signed_pact(open_case(cast))


def url(cast, name, *args):
    return reverse(f"pacts:{name}", args=[cast.network.slug, *args])


def line_key(pact) -> str:
    return str(BudgetLine.objects.get(version_id=pact.current_version_id).key)


def spend(cast, pact, amount, actor=None, document=None) -> Expense:
    return record_expense(
        actor=actor or cast.partner_staff,
        pact=pact,
        data={"line": line_key(pact), "amount": amount, "spent_on": timezone.localdate(), "description": "Libri"},
        document=document,
    )


def test_the_team_sees_lines_expenses_and_the_remaining_budget(cast, english_login, pact):
    spend(cast, pact, "1,50")
    over = spend(cast, pact, "650")
    page = english_login(cast.case_manager).get(url(cast, "budget", pact.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert "600,00\u00a0€" in body and "598,50\u00a0€" in body and "650,00\u00a0€" in body
    assert url(cast, "expense_create", pact.pk) in body
    assert reverse("pacts:expense_decide", args=[cast.network.slug, over.pk, "approve"]) in body
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_id=pact.pk).exists()


def test_an_approved_overspending_reads_over_the_budget(cast, english_login, pact):
    over = spend(cast, pact, "650")
    client = english_login(cast.case_manager)
    response = client.post(url(cast, "expense_decide", over.pk, "approve"), {"reason": "Urgente"})
    assert response.status_code == 302 and response.url == url(cast, "budget", pact.pk)
    body = client.get(url(cast, "budget", pact.pk)).content.decode()
    assert "over the budget by 50,00\u00a0€" in body and "Urgente" in body


def test_the_recorder_sees_no_decision_buttons_on_their_own_expense(cast, english_login, pact):
    over = spend(cast, pact, "650", actor=cast.case_manager)
    body = english_login(cast.case_manager).get(url(cast, "budget", pact.pk)).content.decode()
    assert reverse("pacts:expense_decide", args=[cast.network.slug, over.pk, "approve"]) not in body


def test_the_privacy_officer_reads_without_buttons_or_receipts(cast, english_login, pact):
    spend(cast, pact, "10", document=SimpleUploadedFile("r.pdf", PDF))
    over = spend(cast, pact, "650")
    page = english_login(cast.privacy_officer).get(url(cast, "budget", pact.pk))
    body = page.content.decode()
    assert page.status_code == 200 and "10,00\u00a0€" in body
    assert url(cast, "expense_create", pact.pk) not in body
    assert reverse("pacts:expense_decide", args=[cast.network.slug, over.pk, "approve"]) not in body
    assert "/document/" not in body


@pytest.mark.parametrize("persona", ["coordinator", "community_worker", "district_case_manager"])
def test_who_holds_the_capability_off_the_team_gets_404(cast, english_login, pact, persona):
    client = english_login(getattr(cast, persona))
    assert client.get(url(cast, "budget", pact.pk)).status_code == 404
    assert client.get(url(cast, "expense_create", pact.pk)).status_code == 404


def test_recording_an_expense_with_its_receipt(cast, english_login, pact):
    client = english_login(cast.partner_staff)
    assert client.get(url(cast, "expense_create", pact.pk)).status_code == 200
    response = client.post(
        url(cast, "expense_create", pact.pk),
        {
            "line": line_key(pact),
            "amount": "1.200,50",
            "spent_on": timezone.localdate().isoformat(),
            "description": "Iscrizione",
            "document": SimpleUploadedFile("ricevuta.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert str(expense.amount) == "1200.50" and expense.status == ExpenseStatus.AWAITING_APPROVAL
    assert expense.document


def test_bad_input_shows_the_error_and_writes_nothing(cast, english_login, pact):
    response = english_login(cast.partner_staff).post(
        url(cast, "expense_create", pact.pk),
        {"line": line_key(pact), "amount": "12,345", "spent_on": timezone.localdate().isoformat(), "description": "x"},
    )
    assert response.status_code == 400 and "at most two decimals" in response.content.decode()
    assert not Expense.objects.exists()


def test_a_decision_without_a_reason_is_shown_again(cast, english_login, pact):
    over = spend(cast, pact, "650")
    response = english_login(cast.case_manager).post(url(cast, "expense_decide", over.pk, "approve"), {"reason": ""})
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    assert Expense.objects.get(pk=over.pk).status == ExpenseStatus.AWAITING_APPROVAL


def test_the_recorder_cannot_approve_through_the_page(cast, english_login, pact):
    over = spend(cast, pact, "650", actor=cast.case_manager)
    response = english_login(cast.case_manager).post(url(cast, "expense_decide", over.pk, "approve"), {"reason": "x"})
    assert response.status_code == 400
    assert Expense.objects.get(pk=over.pk).status == ExpenseStatus.AWAITING_APPROVAL


def test_an_unknown_decision_is_404(cast, english_login, pact):
    over = spend(cast, pact, "650")
    response = english_login(cast.case_manager).post(url(cast, "expense_decide", over.pk, "maybe"), {"reason": "x"})
    assert response.status_code == 404


def test_the_team_downloads_the_receipt_and_the_download_is_audited(cast, english_login, pact):
    expense = spend(cast, pact, "10", document=SimpleUploadedFile("ricevuta.pdf", PDF))
    response = english_login(cast.case_manager).get(url(cast, "expense_document", expense.pk))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.READ, object_type="pacts.expense", object_id=expense.pk
    ).exists()


@pytest.mark.parametrize(("persona", "status"), [("coordinator", 404), ("privacy_officer", 403), ("evaluator", 403)])
def test_no_one_else_downloads_the_receipt(cast, english_login, pact, persona, status):
    expense = spend(cast, pact, "10", document=SimpleUploadedFile("ricevuta.pdf", PDF))
    assert english_login(getattr(cast, persona)).get(url(cast, "expense_document", expense.pk)).status_code == status


def test_the_budget_page_runs_a_constant_number_of_queries(cast, client, pact, django_assert_max_num_queries):
    client.force_login(cast.case_manager)
    spend(cast, pact, "10")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url(cast, "budget", pact.pk))
    for _ in range(10):
        spend(cast, pact, "10")
    with CaptureQueriesContext(connection) as many:
        client.get(url(cast, "budget", pact.pk))
    assert len(many) == len(few)
