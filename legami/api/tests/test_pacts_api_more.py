"""The API's changes to a pact's unsigned version (its rows and its header), the hand-over of a case and the files
the web pages take (the signed scan, an expense's receipt, as multipart/form-data): allowed and refused for each kind
of caller (outsider 404, a role without the capability 403, a holder of it not on the team 404), bad input as 422
with the field and the code, a state that refuses as 409 with its code, and what each write leaves in the database."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from legami.api.tests.helpers import assert_refused, field_errors, network_url
from legami.api.tests.test_pacts_api_content import NOT_ON_TEAM, OPENERS_NOT_ON_TEAM
from legami.core.models import AuditEvent, LegalBasis
from legami.pacts.models import (
    BudgetLine,
    Case,
    CaseMember,
    Commitment,
    ExpectedResult,
    Expense,
    Objective,
    PactParty,
    PactVersion,
    Support,
)
from legami.pacts.services import pacts as pact_services
from legami.pacts.tests.factories import case_processing, draft_pact, open_case, signed_pact

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a signed pact\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def url(cast, *parts):
    return network_url(cast.network, *parts)


def _errors(response):
    return {(tuple(str(part) for part in i["loc"]), i["type"]) for i in response.json()["detail"]}


def _conflict(response, code):
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == code and body["detail"], body


# --- changing a row of the unsigned version ------------------------------------------------------------------------


def _party(cast, version):
    return pact_services.add_row(
        actor=cast.case_manager, version=version, kind="party", data={"kind": "family", "name": "La sorella"}
    )


def test_the_team_changes_every_kind_of_row(cast, api_as):
    pact = draft_pact(open_case(cast))
    version = pact.versions.get()
    party = _party(cast, version)
    objective, support = version.objectives.get(), version.supports.get()
    result, line = ExpectedResult.objects.get(objective=objective), version.budget_lines.get()
    give_back = version.commitments.get(is_give_back=True)
    client = api_as(cast.partner_staff)  # a member of the team

    def put(kind, key, data):
        response = client.put(url(cast, "pacts", pact.pk, "rows", kind, key), data)
        assert response.status_code == 200, (kind, response.content)
        return response.json()

    changed = put("party", party.key, {"kind": "organization", "organization": cast.organization.pk, "signs": False})
    assert changed["key"] == str(party.key) and changed["organization"]["id"] == cast.organization.pk
    party.refresh_from_db()
    assert (party.kind, party.organization_id, party.signs) == ("organization", cast.organization.pk, False)

    assert put("objective", objective.key, {"text": "Un lavoro a tempo pieno"})["text"] == "Un lavoro a tempo pieno"
    assert Objective.objects.get(pk=objective.pk).text == "Un lavoro a tempo pieno"

    due = str(timezone.localdate() + datetime.timedelta(days=60))
    put("result", result.key, {"indicator": "Contratti firmati", "target": "1", "due_on": due})
    result.refresh_from_db()
    assert (result.indicator, result.target, str(result.due_on)) == ("Contratti firmati", "1", due)
    assert result.objective_id == objective.pk  # a result keeps its objective

    put("support", support.key, {"service": "Tutor", "provider": cast.organization.pk, "frequency": "Ogni lunedì"})
    support.refresh_from_db()
    assert (support.service, support.provider_id, support.frequency) == ("Tutor", cast.organization.pk, "Ogni lunedì")

    # The body is the whole row: the support left out is no longer paid for.
    body = put("budget", line.key, {"category": "food", "description": "Spesa", "amount": "450.5"})
    assert body["amount"] == "450.50" and body["support"] is None
    line.refresh_from_db()
    assert (line.category, line.amount, line.support_id) == ("food", Decimal("450.50"), None)

    # No longer give-back: its hours go.
    put("commitment", give_back.key, {"party": "person", "what": "Cercare lavoro", "is_give_back": False})
    give_back.refresh_from_db()
    assert (give_back.what, give_back.is_give_back, give_back.hours_per_week) == ("Cercare lavoro", False, None)

    updates = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, actor=cast.partner_staff)
    assert updates.count() == 6
    assert PactVersion.objects.filter(pact=pact).count() == 1


def test_a_row_of_the_new_version_changes_and_the_version_in_force_stays(cast, api_as):
    pact = signed_pact(open_case(cast))
    pact_services.open_review(actor=cast.case_manager, pact=pact)
    pact_services.create_version(actor=cast.case_manager, pact=pact, data={"change_note": "Più budget"})
    line = pact.current_version.budget_lines.get()
    data = {"category": "training", "description": "Corso", "amount": "800", "support": str(line.support.key)}
    response = api_as(cast.case_manager).put(url(cast, "pacts", pact.pk, "rows", "budget", line.key), data)
    assert response.status_code == 200, response.content
    assert response.json()["amount"] == "800.00" and response.json()["support"] == str(line.support.key)
    new = BudgetLine.objects.get(version__pact=pact, version__number=2)
    assert new.key == line.key and new.amount == Decimal("800.00") and new.support.version.number == 2
    assert BudgetLine.objects.get(pk=line.pk).amount == Decimal("600.00")


@pytest.mark.parametrize(
    ("kind", "data", "field", "code"),
    [
        ("objective", {"text": ""}, "text", "string_too_short"),
        ("objective", {}, "text", "missing"),
        ("result", {"indicator": "x", "target": "y", "objective": "6a7c8a64-61a8-4c5d-9c4e-1b8f1f0e0000"}, "objective",
         "extra_forbidden"),
        ("result", {"indicator": "", "target": "y"}, "indicator", "string_too_short"),
        ("support", {"service": "Mensa", "provider": 10**9}, "provider", "invalid_choice"),
        ("budget", {"category": "food", "amount": "0"}, "amount", "min_value"),
        ("budget", {"category": "food", "amount": "1.234"}, "amount", "string_pattern_mismatch"),
        (
            "budget",
            {"category": "food", "amount": "10", "support": "6a7c8a64-61a8-4c5d-9c4e-1b8f1f0e0000"},
            "support",
            "invalid_choice",
        ),
        ("commitment", {"party": "person", "what": "x", "is_give_back": True}, "hours_per_week", "hours_required"),
        ("commitment", {"party": "person", "what": "x", "hours_total": "3"}, "is_give_back", "hours_not_give_back"),
    ],
)  # fmt: skip
def test_bad_changes_answer_422_and_change_nothing(cast, api_as, kind, data, field, code):
    pact = draft_pact(open_case(cast))
    version = pact.versions.get()
    row = pact_services.ROW_KINDS[kind].rows(version).first()
    models = (Objective, ExpectedResult, Support, BudgetLine, Commitment, PactParty)
    before = [sorted(m.objects.values_list()) for m in models]
    response = api_as(cast.case_manager).put(url(cast, "pacts", pact.pk, "rows", kind, row.key), data)
    assert response.status_code == 422, response.content
    assert (field, code) in field_errors(response)
    assert [sorted(m.objects.values_list()) for m in models] == before


def test_a_party_names_its_organisation_and_the_body_is_checked_at_its_field(cast, api_as):
    pact = draft_pact(open_case(cast))
    party = _party(cast, pact.versions.get())
    path = url(cast, "pacts", pact.pk, "rows", "party", party.key)
    response = api_as(cast.case_manager).put(path, {"kind": "organization"})
    assert response.status_code == 422
    assert (("body", "payload", "organization"), "organization_required") in _errors(response)
    assert PactParty.objects.get(pk=party.pk).kind == "family"


def test_a_key_that_is_not_of_this_kind_or_version_answers_404(cast, api_as):
    pact = draft_pact(open_case(cast))
    other = draft_pact(open_case(cast))
    client = api_as(cast.case_manager)
    objective = pact.versions.get().objectives.get()
    elsewhere = other.versions.get().objectives.get()
    assert (
        client.put(url(cast, "pacts", pact.pk, "rows", "support", objective.key), {"service": "x"}).status_code == 404
    )
    assert client.put(url(cast, "pacts", pact.pk, "rows", "objective", elsewhere.key), {"text": "x"}).status_code == 404
    assert Objective.objects.get(pk=elsewhere.pk).text == "Trovare un lavoro part-time"


def test_a_signed_or_proposed_version_is_not_changed(cast, api_as):
    client = api_as(cast.case_manager)
    signed = signed_pact(open_case(cast))
    objective = signed.current_version.objectives.get()
    _conflict(
        client.put(url(cast, "pacts", signed.pk, "rows", "objective", objective.key), {"text": "Altro"}), "signed"
    )
    proposed = draft_pact(open_case(cast))
    pact_services.propose_pact(actor=cast.case_manager, pact=proposed)
    objective = proposed.versions.get().objectives.get()
    response = client.put(url(cast, "pacts", proposed.pk, "rows", "objective", objective.key), {"text": "Altro"})
    _conflict(response, "not_editable")
    assert set(Objective.objects.values_list("text", flat=True)) == {"Trovare un lavoro part-time"}


def test_who_may_not_change_a_row(cast, api_as):
    pact = draft_pact(open_case(cast))
    objective = pact.versions.get().objectives.get()
    path = url(cast, "pacts", pact.pk, "rows", "objective", objective.key)
    forbidden = ("privacy_officer", "evaluator", "funder")
    assert_refused(api_as, cast, "put", path, {"text": "Altro"}, forbidden=forbidden, not_found=NOT_ON_TEAM)
    assert Objective.objects.get(pk=objective.pk).text == "Trovare un lavoro part-time"


def test_removing_still_answers_at_each_kinds_address(cast, api_as):
    pact = draft_pact(open_case(cast))
    version = pact.versions.get()
    client = api_as(cast.case_manager)
    support = version.supports.get()
    assert client.delete(url(cast, "pacts", pact.pk, "rows", "support", support.key)).status_code == 204
    assert not Support.objects.filter(pk=support.pk).exists()
    party = _party(cast, version)
    assert client.delete(url(cast, "pacts", pact.pk, "rows", "party", party.key)).status_code == 204
    assert client.delete(url(cast, "pacts", pact.pk, "rows", "party", party.key)).status_code == 404
    line = version.budget_lines.get()
    unknown = client.delete(url(cast, "pacts", pact.pk, "rows", "holiday", line.key))
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["path", "kind"]
    assert api_as(cast.coordinator).delete(url(cast, "pacts", pact.pk, "rows", "budget", line.key)).status_code == 404
    assert BudgetLine.objects.filter(pk=line.pk).exists()


# --- the version's header ------------------------------------------------------------------------------------------


def _header(**change):
    today = timezone.localdate()
    data = {
        "summary": "Un lavoro e una casa.",
        "starts_on": str(today + datetime.timedelta(days=7)),
        "ends_on": str(today + datetime.timedelta(days=365)),
        "review_every_weeks": 6,
    }
    return data | change


def test_the_team_changes_the_header_of_the_draft(cast, api_as):
    pact = draft_pact(open_case(cast))
    data = _header()
    response = api_as(cast.partner_staff).put(url(cast, "pacts", pact.pk, "version"), data)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == 1 and body["summary"] == data["summary"] and body["review_every_weeks"] == 6
    assert body["starts_on"] == data["starts_on"] and body["ends_on"] == data["ends_on"]
    assert len(body["objectives"]) == 1  # the content stays
    version = PactVersion.objects.get(pact=pact)
    assert (str(version.starts_on), version.review_every_weeks) == (data["starts_on"], 6)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, object_id=str(version.pk)).count() == 1


def test_the_header_of_the_new_version_changes_and_the_version_in_force_stays(cast, api_as):
    pact = signed_pact(open_case(cast))
    pact_services.open_review(actor=cast.case_manager, pact=pact)
    pact_services.create_version(actor=cast.case_manager, pact=pact, data={"change_note": "Un anno in più"})
    response = api_as(cast.case_manager).put(url(cast, "pacts", pact.pk, "version"), _header(review_every_weeks=4))
    assert response.status_code == 200, response.content
    assert response.json()["number"] == 2 and response.json()["in_force"] is False
    assert PactVersion.objects.get(pact=pact, number=2).review_every_weeks == 4
    assert PactVersion.objects.get(pact=pact, number=1).review_every_weeks == 12


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"ends_on": "2000-01-01"}, "ends_on", "dates"),
        ({"review_every_weeks": 0}, "review_every_weeks", "greater_than_equal"),
        ({"review_every_weeks": 53}, "review_every_weeks", "less_than_equal"),
        ({"starts_on": "1/1/2030"}, "starts_on", "value_error"),
        ({"summary": "x" * 4001}, "summary", "string_too_long"),
        ({"change_note": "Perché"}, "change_note", "extra_forbidden"),
    ],
)
def test_bad_headers_answer_422_and_change_nothing(cast, api_as, change, field, code):
    pact = draft_pact(open_case(cast))
    response = api_as(cast.case_manager).put(url(cast, "pacts", pact.pk, "version"), _header(**change))
    assert response.status_code == 422, response.content
    assert (field, code) in field_errors(response)
    assert PactVersion.objects.get(pact=pact).review_every_weeks == 12


def test_the_header_of_a_signed_or_proposed_version_is_not_changed(cast, api_as):
    client = api_as(cast.case_manager)
    signed = signed_pact(open_case(cast))
    _conflict(client.put(url(cast, "pacts", signed.pk, "version"), _header()), "signed")
    proposed = draft_pact(open_case(cast))
    pact_services.propose_pact(actor=cast.case_manager, pact=proposed)
    _conflict(client.put(url(cast, "pacts", proposed.pk, "version"), _header()), "not_editable")
    assert set(PactVersion.objects.values_list("review_every_weeks", flat=True)) == {12}


def test_who_may_not_change_the_header(cast, api_as):
    pact = draft_pact(open_case(cast))
    path = url(cast, "pacts", pact.pk, "version")
    forbidden = ("privacy_officer", "evaluator", "funder")
    assert_refused(api_as, cast, "put", path, _header(), forbidden=forbidden, not_found=NOT_ON_TEAM)
    assert PactVersion.objects.get(pact=pact).review_every_weeks == 12


# --- handing a case over -------------------------------------------------------------------------------------------


def _roles(case):
    return dict(CaseMember.objects.filter(case=case).values_list("user_id", "role"))


def test_the_manager_hands_the_case_over_and_stays_a_member(cast, api_as):
    case = open_case(cast)
    client = api_as(cast.case_manager)
    response = client.post(url(cast, "cases", case.pk, "hand-over"), {"user": cast.coordinator.pk})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["my_role"] == "member"
    assert {(m["user"]["id"], m["role"]) for m in body["team"]} == {
        (cast.coordinator.pk, "manager"),
        (cast.case_manager.pk, "member"),
        (cast.partner_staff.pk, "member"),
    }
    assert _roles(case) == {
        cast.coordinator.pk: "manager",
        cast.case_manager.pk: "member",
        cast.partner_staff.pk: "member",
    }
    # The former manager no longer manages it; the new one may hand it back.
    again = client.post(url(cast, "cases", case.pk, "hand-over"), {"user": cast.district_case_manager.pk})
    assert again.status_code == 403
    back = api_as(cast.coordinator).post(url(cast, "cases", case.pk, "hand-over"), {"user": cast.case_manager.pk})
    assert back.status_code == 200 and back.json()["my_role"] == "member"
    assert _roles(case)[cast.case_manager.pk] == "manager" and _roles(case)[cast.coordinator.pk] == "member"


@pytest.mark.parametrize(
    ("who", "field", "code"),
    [
        ("case_manager", "user", "same"),
        ("partner_staff", "user", "cannot_manage"),
        ("evaluator", "user", "cannot_manage"),
        ("outsider", "user", "cannot_manage"),
        ("nobody", "user", "cannot_manage"),
        ("zero", "user", "greater_than_equal"),
    ],
)
def test_bad_hand_overs_answer_422_and_change_nothing(cast, api_as, who, field, code):
    case = open_case(cast)
    before = _roles(case)
    ids = {"nobody": 10**9, "zero": 0}
    user = ids[who] if who in ids else getattr(cast, who).pk
    response = api_as(cast.case_manager).post(url(cast, "cases", case.pk, "hand-over"), {"user": user})
    assert response.status_code == 422, response.content
    assert (field, code) in field_errors(response)
    assert _roles(case) == before


def test_a_closed_case_or_one_without_consent_is_not_handed_over(cast, api_as):
    client = api_as(cast.case_manager)
    closed = open_case(cast, status="closed", close_reason="moved", closed_on=timezone.localdate())
    _conflict(client.post(url(cast, "cases", closed.pk, "hand-over"), {"user": cast.coordinator.pk}), "case_closed")
    # Processed on consent the person never gave: the case can only be closed.
    consent = open_case(cast, processing=case_processing(cast.network, legal_basis=LegalBasis.CONSENT))
    response = client.post(url(cast, "cases", consent.pk, "hand-over"), {"user": cast.coordinator.pk})
    _conflict(response, "consent_withdrawn")
    assert not CaseMember.objects.filter(user=cast.coordinator).exists()


def test_who_may_not_hand_a_case_over(cast, api_as):
    case = open_case(cast, members=("partner_staff", "district_case_manager"))
    data = {"user": cast.coordinator.pk}
    path = url(cast, "cases", case.pk, "hand-over")
    # On the team and able to open cases, but not its case manager; or without the capability.
    assert_refused(
        api_as,
        cast,
        "post",
        path,
        data,
        forbidden=("district_case_manager", "partner_staff", "privacy_officer"),
        not_found=("coordinator",),
    )
    assert _roles(case)[cast.case_manager.pk] == "manager"
    assert Case.objects.get(pk=case.pk).members.filter(role="manager").count() == 1


# --- the signed scan -----------------------------------------------------------------------------------------------


def _proposed(cast, **kwargs):
    pact = draft_pact(open_case(cast, **kwargs))
    pact_services.propose_pact(actor=cast.case_manager, pact=pact)
    return pact


def _signature(**change):
    data = {
        "signed_on": str(timezone.localdate()),
        "signature_method": "paper",
        "scan": SimpleUploadedFile("patto-firmato.pdf", PDF, content_type="application/pdf"),
    }
    return {key: value for key, value in (data | change).items() if value is not None}


def test_a_paper_signature_is_recorded_with_its_scan(cast, api_as):
    pact = _proposed(cast)
    response = api_as(cast.case_manager).post_form(url(cast, "pacts", pact.pk, "signature", "scan"), _signature())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "signed" and body["version_in_force"]["signature_method"] == "paper"
    version = PactVersion.objects.get(pact=pact)
    assert version.signed_on == timezone.localdate() and version.signature_recorded_by == cast.case_manager
    with version.signature_scan.open("rb") as scan:
        assert scan.read() == PDF


def test_a_digital_signature_may_carry_a_scan_too(cast, api_as):
    pact = _proposed(cast)
    scan = SimpleUploadedFile("firma.png", PNG, content_type="image/png")
    data = _signature(signature_method="digital", scan=scan)
    response = api_as(cast.case_manager).post_form(url(cast, "pacts", pact.pk, "signature", "scan"), data)
    assert response.status_code == 200, response.content
    assert PactVersion.objects.get(pact=pact).signature_scan.name.endswith(".png")


@pytest.mark.parametrize(
    ("change", "loc", "code"),
    [
        ({"scan": SimpleUploadedFile("patto.pdf", b"not a pdf")}, ("file", "scan"), "file_type"),
        ({"scan": None}, ("file", "scan"), "missing"),
        ({"signed_on": "2999-01-01"}, ("form", "signed_on"), "future"),
        ({"signed_on": "2000-01-01"}, ("form", "signed_on"), "before_written"),
        ({"signature_method": "fax"}, ("form", "signature_method"), "literal_error"),
        ({"colour": "blu"}, ("form", "colour"), "extra_forbidden"),
        ({"other": SimpleUploadedFile("altro.pdf", PDF)}, ("file", "other"), "extra_forbidden"),
    ],
)
def test_bad_signatures_with_a_scan_answer_422_and_sign_nothing(cast, api_as, change, loc, code):
    pact = _proposed(cast)
    response = api_as(cast.case_manager).post_form(
        url(cast, "pacts", pact.pk, "signature", "scan"), _signature(**change)
    )
    assert response.status_code == 422, response.content
    assert (loc, code) in _errors(response)
    version = PactVersion.objects.get(pact=pact)
    assert version.signed_on is None and not version.signature_scan


def test_a_scan_over_the_limit_is_refused(cast, api_as, monkeypatch):
    monkeypatch.setattr(pact_services, "SCAN_MAX_BYTES", 10)
    pact = _proposed(cast)
    response = api_as(cast.case_manager).post_form(url(cast, "pacts", pact.pk, "signature", "scan"), _signature())
    assert response.status_code == 422 and (("file", "scan"), "too_large") in _errors(response)


def test_nothing_left_to_sign_answers_409_with_its_code(cast, api_as):
    pact = signed_pact(open_case(cast))
    response = api_as(cast.case_manager).post_form(url(cast, "pacts", pact.pk, "signature", "scan"), _signature())
    _conflict(response, "nothing_to_sign")
    assert not PactVersion.objects.get(pact=pact).signature_scan


def test_who_may_not_record_a_signature_with_its_scan(cast, api_as):
    pact = _proposed(cast)
    path = url(cast, "pacts", pact.pk, "signature", "scan")
    for persona in ("partner_staff", "privacy_officer", "community_worker"):
        assert api_as(getattr(cast, persona)).post_form(path, _signature()).status_code == 403
    for persona in (*OPENERS_NOT_ON_TEAM, "outsider"):
        assert api_as(getattr(cast, persona)).post_form(path, _signature()).status_code == 404
    assert PactVersion.objects.get(pact=pact).signed_on is None


# --- an expense's receipt ------------------------------------------------------------------------------------------


def _expense(pact, **change):
    line = pact.current_version.budget_lines.get() if pact.current_version else pact.versions.get().budget_lines.get()
    data = {
        "line": str(line.key),
        "amount": "120.00",
        "spent_on": str(timezone.localdate()),
        "description": "Prima rata del corso",
        "document": SimpleUploadedFile("ricevuta.pdf", PDF, content_type="application/pdf"),
    }
    return {key: value for key, value in (data | change).items() if value is not None}


def test_an_expense_is_recorded_with_its_receipt(cast, api_as):
    pact = signed_pact(open_case(cast))
    response = api_as(cast.partner_staff).post_form(url(cast, "pacts", pact.pk, "expenses", "receipt"), _expense(pact))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == "120.00" and body["status"] == "recorded" and body["has_document"] is True
    expense = Expense.objects.get(pk=body["id"])
    assert expense.amount == Decimal("120.00") and expense.recorded_by == cast.partner_staff
    with expense.document.open("rb") as document:
        assert document.read() == PDF
    budget = api_as(cast.case_manager).get(url(cast, "pacts", pact.pk, "budget")).json()
    assert budget["spent"] == "120.00" and budget["expenses"][0]["has_document"] is True


@pytest.mark.parametrize(
    ("change", "loc", "code"),
    [
        ({"document": SimpleUploadedFile("ricevuta.txt", b"testo")}, ("file", "document"), "file_type"),
        ({"document": SimpleUploadedFile("ricevuta.pdf", PNG)}, ("file", "document"), "file_content"),
        ({"document": SimpleUploadedFile("ricevuta.pdf", b"")}, ("file", "document"), "file_empty"),
        ({"document": None}, ("file", "document"), "missing"),
        ({"amount": "1.234"}, ("form", "amount"), "string_pattern_mismatch"),
        ({"amount": "0"}, ("form", "amount"), "min_value"),
        ({"line": "6a7c8a64-61a8-4c5d-9c4e-1b8f1f0e0000"}, ("form", "line"), "invalid_choice"),
        ({"spent_on": "2999-01-01"}, ("form", "spent_on"), "future"),
        ({"note": "x"}, ("form", "note"), "extra_forbidden"),
    ],
)
def test_bad_expenses_with_a_receipt_answer_422_and_write_nothing(cast, api_as, change, loc, code):
    pact = signed_pact(open_case(cast))
    data = _expense(pact, **change)
    response = api_as(cast.case_manager).post_form(url(cast, "pacts", pact.pk, "expenses", "receipt"), data)
    assert response.status_code == 422, response.content
    assert (loc, code) in _errors(response)
    assert not Expense.objects.exists()


def test_a_pact_not_under_way_takes_no_expense_with_a_receipt(cast, api_as):
    pact = draft_pact(open_case(cast))
    response = api_as(cast.case_manager).post_form(url(cast, "pacts", pact.pk, "expenses", "receipt"), _expense(pact))
    _conflict(response, "pact_not_active")
    assert not Expense.objects.exists()


def test_who_may_not_record_an_expense_with_a_receipt(cast, api_as):
    pact = signed_pact(open_case(cast))
    path = url(cast, "pacts", pact.pk, "expenses", "receipt")
    for persona in ("privacy_officer", "evaluator"):
        assert api_as(getattr(cast, persona)).post_form(path, _expense(pact)).status_code == 403
    for persona in (*NOT_ON_TEAM, "outsider"):
        assert api_as(getattr(cast, persona)).post_form(path, _expense(pact)).status_code == 404
    assert not Expense.objects.exists()
