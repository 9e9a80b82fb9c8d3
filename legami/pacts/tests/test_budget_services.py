"""The budget's writes and reads: Decimal arithmetic, the line's limit, the second person's approval, refusals, bad
input, who may, and the near-the-limit flag the desk reads."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.pacts.models import (
    BudgetLine,
    CaseStatus,
    Expense,
    ExpenseStatus,
    Pact,
    PactStatus,
    PactVersion,
    SignatureMethod,
)
from legami.pacts.selectors.budget import annotate_budget, budget_of, euro, near_limit
from legami.pacts.services import budget as services
from legami.pacts.services.budget import decide_expense, record_expense
from legami.pacts.tests.factories import draft_pact, open_case, signed_pact

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pact(cast):
    return signed_pact(open_case(cast))


def line_of(pact) -> BudgetLine:
    return BudgetLine.objects.get(version_id=pact.current_version_id)


def spend(cast, pact, amount, *, actor=None, description="Quota del corso", **data) -> Expense:
    values = {"line": str(line_of(pact).key), "amount": amount, "spent_on": timezone.localdate()}
    values.update(description=description, **data)
    return record_expense(actor=actor or cast.case_manager, pact=pact, data=values)


def codes(exc: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in exc.error_dict.items()}


# ---------------------------------------------------------------------------------------------- arithmetic


def test_amounts_add_up_exactly_in_decimal(cast, pact):
    spend(cast, pact, "0,10")
    spend(cast, pact, "0.20")
    budget = budget_of(pact)
    assert budget.spent == Decimal("0.30")  # 0.1 + 0.2 in float would be 0.30000000000000004
    assert budget.remaining == Decimal("599.70")
    assert euro(budget.remaining) == "599,70\u00a0€"


def test_three_expenses_of_200_fill_a_600_line_exactly_and_the_fourth_awaits_approval(cast, pact):
    first = [spend(cast, pact, "200,00") for _ in range(3)]
    assert [e.status for e in first] == [ExpenseStatus.RECORDED] * 3
    fourth = spend(cast, pact, "0,01")
    assert fourth.status == ExpenseStatus.AWAITING_APPROVAL
    budget = budget_of(pact)
    line = budget.line(line_of(pact).key)
    assert (line.amount, line.spent, line.pending, line.remaining) == (
        Decimal("600.00"),
        Decimal("600.00"),
        Decimal("0.01"),
        Decimal("0.00"),
    )


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("50,00", "50.00"), ("1.200,50", "1200.50"), ("1.200", "1200.00"), ("1200.5", "1200.50"), ("7", "7.00")],
)
def test_money_reads_italian_and_english_amounts(typed, amount):
    assert services.EXPENSE_INPUTS["amount"].clean(typed, _ctx()) == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("0", "min_value"), ("-5", "min_value"), ("12,345", "decimal_places"), ("dieci", "invalid"), (1.5, "invalid")],
)
def test_money_refuses_what_is_not_an_amount(typed, code):
    with pytest.raises(ValidationError) as refused:
        services.EXPENSE_INPUTS["amount"].clean(typed, _ctx())
    assert refused.value.code == code


def _ctx():
    from legami.core.inputs import Context

    return Context()


# ---------------------------------------------------------------------------------------------- recording


def test_an_expense_is_recorded_with_its_document_encrypted_and_audited(cast, pact, settings):
    receipt = SimpleUploadedFile("ricevuta.pdf", PDF, content_type="application/pdf")
    expense = spend(cast, pact, "120,00")
    with_doc = record_expense(
        actor=cast.partner_staff,
        pact=pact,
        data={"line": str(line_of(pact).key), "amount": "30", "spent_on": timezone.localdate(), "description": "Libri"},
        document=receipt,
    )
    assert expense.status == ExpenseStatus.RECORDED and expense.recorded_by == cast.case_manager
    with_doc.refresh_from_db()
    assert with_doc.document.open("rb").read() == PDF
    on_disk = (settings.MEDIA_ROOT / "private" / with_doc.document.name).read_bytes()
    assert PDF not in on_disk
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="pacts.expense", object_id=expense.pk)
    assert event.data_class == "case" and "Quota del corso" not in str(event.after) and "Quota" not in event.note


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("ricevuta.exe", PDF, "file_type"),
        ("ricevuta.pdf", b"MZ\x90\x00 not a pdf", "file_content"),
        ("foto.png", b"\xff\xd8\xff\xe0 a jpeg", "file_content"),
        ("vuota.pdf", b"", "file_empty"),
    ],
)
def test_a_document_that_is_not_a_pdf_jpeg_or_png_is_refused_and_nothing_is_written(cast, pact, name, content, code):
    with pytest.raises(ValidationError) as refused:
        record_expense(
            actor=cast.case_manager,
            pact=pact,
            data={"line": str(line_of(pact).key), "amount": "10", "spent_on": timezone.localdate(), "description": "x"},
            document=SimpleUploadedFile(name, content),
        )
    assert codes(refused.value) == {"document": [code]}
    assert not Expense.objects.exists()


def test_a_document_over_10_mb_is_refused(cast, pact, monkeypatch):
    monkeypatch.setattr(services, "MAX_DOCUMENT_BYTES", len(PDF) - 1)
    with pytest.raises(ValidationError) as refused:
        services.check_document(SimpleUploadedFile("ricevuta.pdf", PDF))
    assert codes(refused.value) == {"document": ["file_size"]}


def test_jpeg_and_png_receipts_are_accepted():
    services.check_document(SimpleUploadedFile("foto.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF"))
    services.check_document(SimpleUploadedFile("foto.PNG", b"\x89PNG\r\n\x1a\n\x00\x00"))


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"line": "00000000-0000-0000-0000-000000000000"}, "line", "invalid_choice"),
        ({"line": ""}, "line", "required"),
        ({"amount": ""}, "amount", "required"),
        ({"amount": "0,00"}, "amount", "min_value"),
        ({"amount": "3,333"}, "amount", "decimal_places"),
        ({"spent_on": timezone.localdate() + datetime.timedelta(days=1)}, "spent_on", "future"),
        ({"spent_on": timezone.localdate() - datetime.timedelta(days=1)}, "spent_on", "before_start"),
        ({"description": "  "}, "description", "required"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_code(cast, pact, change, field, code):
    data = {"line": str(line_of(pact).key), "amount": "10", "spent_on": timezone.localdate(), "description": "Libri"}
    data.update(change)
    with pytest.raises(ValidationError) as refused:
        record_expense(actor=cast.case_manager, pact=pact, data=data)
    assert codes(refused.value)[field] == [code]
    assert not Expense.objects.exists()


def test_the_line_must_be_of_the_version_in_force(cast, pact):
    other = signed_pact(open_case(cast))
    with pytest.raises(ValidationError) as refused:
        spend(cast, pact, "10", line=str(line_of(other).key))
    assert codes(refused.value) == {"line": ["invalid_choice"]}


@pytest.mark.parametrize("persona", ["coordinator", "community_worker", "district_case_manager", "evaluator"])
def test_who_is_not_on_the_team_cannot_record(cast, pact, persona):
    with pytest.raises(PermissionDenied):
        spend(cast, pact, "10", actor=getattr(cast, persona))
    assert not Expense.objects.exists()


def test_the_privacy_officer_reads_but_cannot_record(cast, pact):
    with pytest.raises(PermissionDenied):
        spend(cast, pact, "10", actor=cast.privacy_officer)


def test_a_draft_pact_takes_no_expense(cast):
    pact = draft_pact(open_case(cast))
    with pytest.raises(ValidationError) as refused:
        record_expense(
            actor=cast.case_manager,
            pact=pact,
            data={"line": "x", "amount": "1", "spent_on": timezone.localdate(), "description": "x"},
        )
    assert refused.value.code == "pact_not_active"


@pytest.mark.parametrize("status", [PactStatus.COMPLETED, PactStatus.INTERRUPTED])
def test_a_closed_pact_takes_no_expense(cast, pact, status):
    Pact.objects.filter(pk=pact.pk).update(status=status, interrupt_reason="other")
    pact.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        spend(cast, pact, "10")
    assert refused.value.code == "pact_not_active"


def test_a_closed_case_takes_no_expense(cast, pact):
    pact.case.__class__.objects.filter(pk=pact.case_id).update(status=CaseStatus.CLOSED, close_reason="other")
    pact.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        spend(cast, pact, "10")
    assert refused.value.code == "case_closed"


# ------------------------------------------------------------------------------------- over budget, approval


def test_an_expense_over_budget_tells_the_approvers_not_the_recorder(cast, pact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        expense = spend(cast, pact, "600,01", actor=cast.partner_staff)
    assert expense.status == ExpenseStatus.AWAITING_APPROVAL
    [message] = mail.outbox
    assert message.to == [cast.case_manager.email]
    text = message.subject + message.body
    assert str(expense.pk) in text and f"/{pact.pk}/budget/" in message.body
    assert "Quota del corso" not in text and pact.case.person.last_name not in text


def test_the_recorder_alone_among_approvers_is_not_told(cast, pact, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        spend(cast, pact, "700")
    assert mail.outbox == []  # the partner staff may not approve; the case manager recorded it


def test_a_second_person_approves_and_it_counts_even_over_the_line(cast, pact):
    expense = spend(cast, pact, "650,00", actor=cast.partner_staff)
    decided = decide_expense(actor=cast.case_manager, expense=expense, decision="approve", data={"reason": "Urgente"})
    assert decided.status == ExpenseStatus.APPROVED and decided.decided_by == cast.case_manager
    assert decided.decision_note == "Urgente" and decided.decided_at is not None
    budget = budget_of(pact)
    assert budget.spent == Decimal("650.00") and budget.remaining == Decimal("-50.00")
    assert budget.over == Decimal("50.00")
    event = AuditEvent.objects.filter(object_type="pacts.expense", action=AuditEvent.Action.UPDATE).get()
    assert event.after["status"] == "approved" and "Urgente" not in str(event.after) and event.note == ""


def test_whoever_recorded_it_cannot_approve_it(cast, pact):
    expense = spend(cast, pact, "650,00")
    with pytest.raises(ValidationError) as refused:
        decide_expense(actor=cast.case_manager, expense=expense, decision="approve", data={"reason": "Io"})
    assert refused.value.code == "same_person"
    assert Expense.objects.get(pk=expense.pk).status == ExpenseStatus.AWAITING_APPROVAL


def test_the_database_backs_the_second_person(cast, pact):
    from django.db import IntegrityError, transaction

    expense = spend(cast, pact, "650,00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Expense.objects.filter(pk=expense.pk).update(decided_by=cast.case_manager)


def test_a_refused_expense_never_counts(cast, pact):
    expense = spend(cast, pact, "650,00", actor=cast.partner_staff)
    decide_expense(actor=cast.case_manager, expense=expense, decision="refuse", data={"reason": "Non previsto"})
    budget = budget_of(pact)
    assert budget.spent == Decimal("0.00") and budget.pending == Decimal("0.00")
    assert Expense.objects.get(pk=expense.pk).status == ExpenseStatus.REFUSED


def test_a_decided_expense_cannot_be_decided_again(cast, pact):
    expense = spend(cast, pact, "650,00", actor=cast.partner_staff)
    decide_expense(actor=cast.case_manager, expense=expense, decision="refuse", data={"reason": "No"})
    with pytest.raises(ValidationError) as refused:
        decide_expense(actor=cast.case_manager, expense=expense, decision="approve", data={"reason": "Sì"})
    assert refused.value.code == "invalid_transition"


def test_an_expense_within_budget_has_nothing_to_approve(cast, pact):
    expense = spend(cast, pact, "10", actor=cast.partner_staff)
    with pytest.raises(ValidationError) as refused:
        decide_expense(actor=cast.case_manager, expense=expense, decision="approve", data={"reason": "ok"})
    assert refused.value.code == "invalid_transition"


def test_a_decision_needs_a_reason(cast, pact):
    expense = spend(cast, pact, "650,00", actor=cast.partner_staff)
    with pytest.raises(ValidationError) as refused:
        decide_expense(actor=cast.case_manager, expense=expense, decision="approve", data={"reason": " "})
    assert codes(refused.value) == {"reason": ["required"]}


@pytest.mark.parametrize("persona", ["partner_staff", "privacy_officer"])
def test_who_lacks_the_capability_cannot_decide(cast, pact, persona):
    expense = spend(cast, pact, "650,00")
    with pytest.raises(PermissionDenied):
        decide_expense(actor=getattr(cast, persona), expense=expense, decision="approve", data={"reason": "x"})


@pytest.mark.parametrize("persona", ["coordinator", "district_case_manager"])
def test_an_approver_off_the_team_cannot_decide(cast, pact, persona):
    expense = spend(cast, pact, "650,00")
    with pytest.raises(PermissionDenied):
        decide_expense(actor=getattr(cast, persona), expense=expense, decision="approve", data={"reason": "x"})


# ---------------------------------------------------------------------------------------------- reads


def test_expenses_under_an_earlier_versions_line_still_count(cast, pact):
    spend(cast, pact, "100")
    v1 = PactVersion.objects.get(pk=pact.current_version_id)
    old = line_of(pact)
    v2 = PactVersion.objects.create(
        network=cast.network,
        pact=pact,
        number=2,
        based_on=v1,
        starts_on=v1.starts_on,
        ends_on=v1.ends_on,
        signed_on=timezone.localdate(),
        signature_method=SignatureMethod.WITNESSED,
    )
    BudgetLine.objects.create(
        version=v2, key=old.key, category=old.category, description="Corso", amount=Decimal("800.00")
    )
    Pact.objects.filter(pk=pact.pk).update(current_version=v2)
    pact.refresh_from_db()
    budget = budget_of(pact)
    [line] = budget.lines
    assert (line.amount, line.spent, line.remaining) == (Decimal("800.00"), Decimal("100.00"), Decimal("700.00"))


def test_near_the_limit_at_80_percent_for_one_pact_and_annotated_for_many(cast, pact, django_assert_num_queries):
    other = signed_pact(open_case(cast))
    spend(cast, pact, "479,99")
    assert not near_limit(pact) and not budget_of(pact).near_limit
    spend(cast, pact, "0,01")
    assert near_limit(pact) and budget_of(pact).near_limit
    with django_assert_num_queries(1):
        rows = {
            p.pk: (p.budget_total, p.budget_spent, p.budget_pending, p.budget_near_limit)
            for p in annotate_budget(Pact.objects.filter(pk__in=[pact.pk, other.pk]))
        }
    assert rows[pact.pk] == (Decimal("600.00"), Decimal("480.00"), Decimal("0.00"), True)
    assert rows[other.pk] == (Decimal("600.00"), Decimal("0.00"), Decimal("0.00"), False)


def test_a_pact_without_a_version_in_force_has_an_empty_budget(cast):
    pact = draft_pact(open_case(cast))
    budget = budget_of(pact)
    assert budget.lines == [] and budget.total == Decimal("0.00") and not budget.near_limit
    assert not near_limit(pact)


@pytest.mark.parametrize(
    ("amount", "shown"),
    [("1200.5", "1.200,50"), ("0", "0,00"), ("-50", "-50,00"), ("1234567.891", "1.234.567,89"), ("999", "999,00")],
)
def test_euro_is_written_the_italian_way(amount, shown):
    assert euro(Decimal(amount)) == f"{shown}\u00a0€"
