"""A pact's life: creating it, writing its unsigned version, every transition of PACT_WORKFLOW (allowed and
refused), the signature and its scan, new versions that keep the rows' keys and leave the signed one untouched."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from legami.core.models import AuditEvent, Consent, LegalBasis
from legami.pacts.models import (
    BudgetLine,
    Commitment,
    ExpectedResult,
    InterruptReason,
    Objective,
    Pact,
    PactEvent,
    PactParty,
    PactStatus,
    PactVersion,
    Review,
    SignatureMethod,
    Support,
)
from legami.pacts.services import pacts as services
from legami.pacts.tests.factories import case_processing, draft_pact, open_case, signed_pact

S = PactStatus
W = services.PACT_WORKFLOW
TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"


def header(**overrides):
    return {
        "summary": "Ritrovare un lavoro",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + datetime.timedelta(days=180)).strftime("%d/%m/%Y"),
        "review_every_weeks": "8",
    } | overrides


def scan(content=PDF, name="firmato.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def codes(exc):
    error = exc.value
    if hasattr(error, "error_dict"):
        return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}
    return [e.code for e in error.error_list]


@pytest.fixture
def case(cast):
    return open_case(cast)


# --- creating --------------------------------------------------------------------------------------------------


def test_the_case_manager_creates_a_draft_with_version_1(cast, case):
    pact = services.create_pact(actor=cast.case_manager, case=case, data=header())
    version = pact.versions.get()
    assert pact.status == S.DRAFT and pact.created_by == cast.case_manager
    assert (version.number, version.review_every_weeks, version.summary) == (1, 8, "Ritrovare un lavoro")
    assert version.ends_on == TODAY + datetime.timedelta(days=180)
    assert PactEvent.objects.filter(pact=pact, from_status="", to_status=S.DRAFT).count() == 1
    events = AuditEvent.objects.filter(object_type__in=["pacts.pact", "pacts.pactversion"], action="create")
    assert events.count() == 2 and all(e.data_class == "case" for e in events)
    assert "Ritrovare" not in str(list(events.values("before", "after", "note", "object_repr")))


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        (header(starts_on=""), "starts_on", "required"),
        (header(ends_on="ieri"), "ends_on", "invalid"),
        (header(ends_on=(TODAY - datetime.timedelta(days=1)).isoformat()), "ends_on", "dates"),
        (header(review_every_weeks="0"), "review_every_weeks", "min_value"),
        (header(review_every_weeks="53"), "review_every_weeks", "max_value"),
    ],
)
def test_creating_refuses_bad_input(cast, case, data, field, code):
    with pytest.raises(ValidationError) as exc:
        services.create_pact(actor=cast.case_manager, case=case, data=data)
    assert code in codes(exc)[field]
    assert not Pact.objects.filter(case=case).exists()


@pytest.mark.parametrize("persona", ["partner_staff", "coordinator", "community_worker", "privacy_officer"])
def test_only_a_team_member_with_open_cases_creates(cast, case, persona):
    with pytest.raises(PermissionDenied):
        services.create_pact(actor=getattr(cast, persona), case=case, data=header())
    assert not Pact.objects.exists()


def test_a_case_with_an_open_pact_gets_no_second_one(cast, case):
    draft_pact(case)
    with pytest.raises(ValidationError) as exc:
        services.create_pact(actor=cast.case_manager, case=case, data=header())
    assert codes(exc) == ["pact_open"]


def test_a_closed_case_or_a_withdrawn_consent_refuses(cast):
    closed = open_case(cast, status="closed", close_reason="moved")
    with pytest.raises(ValidationError) as exc:
        services.create_pact(actor=cast.case_manager, case=closed, data=header())
    assert codes(exc) == ["case_closed"]
    consent_case = open_case(cast, processing=case_processing(cast.network, legal_basis=LegalBasis.CONSENT))
    assert not Consent.objects.filter(person=consent_case.person).exists()
    with pytest.raises(ValidationError) as exc:
        services.create_pact(actor=cast.case_manager, case=consent_case, data=header())
    assert codes(exc) == ["consent_withdrawn"]


# --- the content -----------------------------------------------------------------------------------------------


def test_every_kind_of_row_is_added_changed_and_removed(cast, case):
    pact = services.create_pact(actor=cast.case_manager, case=case, data=header())
    version = pact.versions.get()
    member = cast.partner_staff
    party = services.add_row(
        actor=member, version=version, kind="party", data={"kind": "organization", "organization": cast.organization.pk}
    )
    assert isinstance(party, PactParty) and party.signs
    objective = services.add_row(actor=member, version=version, kind="objective", data={"text": "Trovare lavoro"})
    result = services.add_row(
        actor=member,
        version=version,
        kind="result",
        data={"objective": objective.pk, "indicator": "Colloqui", "target": "3", "due_on": "31/12/2030"},
    )
    assert result.objective_id == objective.pk and result.due_on == datetime.date(2030, 12, 31)
    support = services.add_row(
        actor=member, version=version, kind="support", data={"service": "Orientamento", "provider": cast.organization}
    )
    line = services.add_row(
        actor=member,
        version=version,
        kind="budget",
        data={"category": "training", "description": "Corso", "amount": "1.200,50", "support": support.pk},
    )
    assert line.amount == Decimal("1200.50") and line.support_id == support.pk
    commitment = services.add_row(
        actor=member,
        version=version,
        kind="commitment",
        data={"party": "person", "what": "Doposcuola", "is_give_back": "sì", "hours_per_week": "2,5"},
    )
    assert commitment.hours_per_week == Decimal("2.50") and commitment.hours_total is None
    services.update_row(actor=member, version=version, kind="budget", row_id=line.pk, data={"amount": "600,00"})
    assert BudgetLine.objects.get(pk=line.pk).amount == Decimal("600.00")
    services.update_row(actor=member, version=version, kind="objective", row_id=objective.pk, data={"text": "Altro"})
    assert Objective.objects.get(pk=objective.pk).text == "Altro"
    services.remove_row(actor=member, version=version, kind="objective", row_id=objective.pk)
    assert not Objective.objects.filter(pk=objective.pk).exists()
    assert not ExpectedResult.objects.filter(pk=result.pk).exists()
    assert AuditEvent.objects.filter(object_type="pacts.budgetline", action="update").count() == 1


@pytest.mark.parametrize(
    ("amount", "expected"),
    [("600,00", "600.00"), ("1.200,50", "1200.50"), ("1.200", "1200.00"), ("1,200.50", "1200.50"), ("75", "75.00")],
)
def test_amounts_are_read_the_italian_way(cast, case, amount, expected):
    version = draft_pact(case).versions.get()
    line = services.add_row(
        actor=cast.case_manager, version=version, kind="budget", data={"category": "food", "amount": amount}
    )
    assert BudgetLine.objects.get(pk=line.pk).amount == Decimal(expected)


@pytest.mark.parametrize(
    ("kind", "data", "field", "code"),
    [
        ("budget", {"category": "food", "amount": "0"}, "amount", "min_value"),
        ("budget", {"category": "food", "amount": "-5"}, "amount", "min_value"),
        ("budget", {"category": "food", "amount": "tanti"}, "amount", "invalid"),
        ("budget", {"category": "food"}, "amount", "required"),
        ("budget", {"category": "yacht", "amount": "5"}, "category", "invalid_choice"),
        ("budget", {"category": "food", "amount": "5", "support": 999999}, "support", "invalid_choice"),
        ("commitment", {"party": "person", "what": "Aiuto", "is_give_back": True}, "hours_per_week", "hours_required"),
        (
            "commitment",
            {"party": "person", "what": "Aiuto", "is_give_back": True, "hours_per_week": "1", "hours_total": "10"},
            "hours_total",
            "hours_both",
        ),
        (
            "commitment",
            {"party": "person", "what": "Aiuto", "hours_total": "10"},
            "is_give_back",
            "hours_not_give_back",
        ),
        ("commitment", {"party": "person", "what": ""}, "what", "required"),
        (
            "commitment",
            {"party": "person", "what": "x", "is_give_back": 1, "hours_per_week": "0,1"},
            "hours_per_week",
            "min_value",
        ),
        ("party", {"kind": "organization"}, "organization", "organization_required"),
        ("party", {"kind": "family"}, "name", "name_required"),
        ("objective", {"text": "  "}, "text", "required"),
        ("result", {"indicator": "x", "target": "y"}, "objective", "required"),
        ("support", {"service": "x", "provider": 999999}, "provider", "invalid_choice"),
    ],
)
def test_bad_rows_are_refused(cast, case, kind, data, field, code):
    version = draft_pact(case).versions.get()
    before = {
        model: model.objects.count()
        for model in (BudgetLine, Commitment, PactParty, Objective, ExpectedResult, Support)
    }
    with pytest.raises(ValidationError) as exc:
        services.add_row(actor=cast.case_manager, version=version, kind=kind, data=data)
    assert code in codes(exc)[field]
    assert before == {model: model.objects.count() for model in before}


def test_a_result_of_another_versions_objective_is_refused(cast, case):
    version = draft_pact(case).versions.get()
    other = Objective.objects.exclude(version=version).first() or Objective.objects.get(
        version=draft_pact(open_case(cast)).versions.get()
    )
    with pytest.raises(ValidationError) as exc:
        services.add_row(
            actor=cast.case_manager,
            version=version,
            kind="result",
            data={"objective": other.pk, "indicator": "x", "target": "y"},
        )
    assert codes(exc) == {"objective": ["invalid_choice"]}


@pytest.mark.parametrize("persona", ["coordinator", "community_worker", "privacy_officer", "district_case_manager"])
def test_only_the_team_writes_content(cast, case, persona):
    version = draft_pact(case).versions.get()
    with pytest.raises(PermissionDenied):
        services.add_row(actor=getattr(cast, persona), version=version, kind="objective", data={"text": "x"})
    with pytest.raises(PermissionDenied):
        services.update_version(actor=getattr(cast, persona), version=version, data={"summary": "x"})


def test_content_is_not_written_once_proposed(cast, case):
    pact = draft_pact(case)
    services.propose_pact(actor=cast.case_manager, pact=pact)
    with pytest.raises(ValidationError) as exc:
        services.add_row(actor=cast.case_manager, version=pact.versions.get(), kind="objective", data={"text": "x"})
    assert codes(exc) == ["not_editable"]


def test_a_signed_version_is_never_changed(cast, case):
    pact = signed_pact(case)
    version = pact.versions.get()
    objective = Objective.objects.get(version=version)
    Pact.objects.filter(pk=pact.pk).update(status=S.UNDER_REVIEW)
    for call in (
        lambda: services.add_row(actor=cast.case_manager, version=version, kind="objective", data={"text": "x"}),
        lambda: services.update_row(
            actor=cast.case_manager, version=version, kind="objective", row_id=objective.pk, data={"text": "x"}
        ),
        lambda: services.remove_row(actor=cast.case_manager, version=version, kind="objective", row_id=objective.pk),
        lambda: services.update_version(actor=cast.case_manager, version=version, data={"summary": "x"}),
    ):
        with pytest.raises(ValidationError) as exc:
            call()
        assert codes(exc) == ["signed"]


# --- the workflow ----------------------------------------------------------------------------------------------


def test_the_table_is_the_one_declared():
    assert W.table() == {
        S.DRAFT: {S.PROPOSED, S.INTERRUPTED},
        S.PROPOSED: {S.DRAFT, S.SIGNED, S.INTERRUPTED},
        S.SIGNED: {S.ACTIVE, S.INTERRUPTED},
        S.ACTIVE: {S.UNDER_REVIEW, S.INTERRUPTED},
        S.UNDER_REVIEW: {S.ACTIVE, S.COMPLETED, S.INTERRUPTED},
        S.COMPLETED: frozenset(),
        S.INTERRUPTED: frozenset(),
    }


def _pact_in(cast, state):
    pact = signed_pact(open_case(cast)) if state not in (S.DRAFT, S.PROPOSED) else draft_pact(open_case(cast))
    reason = InterruptReason.OTHER if state == S.INTERRUPTED else ""
    Pact.objects.filter(pk=pact.pk).update(status=state, interrupt_reason=reason)
    return Pact.objects.get(pk=pact.pk)


def _move(cast, pact, target):
    """Move `pact` to `target` through its service (the one a page or another service calls)."""
    actor = cast.case_manager
    if target == S.PROPOSED:
        return services.propose_pact(actor=actor, pact=pact)
    if target == S.DRAFT:
        return services.redraft_pact(actor=actor, pact=pact)
    if target == S.SIGNED:
        if pact.status == S.PROPOSED:
            PactVersion.objects.filter(pact=pact).update(signed_on=None, signature_method="")
            Pact.objects.filter(pk=pact.pk).update(current_version=None)
            pact.refresh_from_db()
        return services.record_signature(
            actor=actor, pact=pact, data={"signed_on": TODAY, "signature_method": SignatureMethod.WITNESSED}
        )
    if target == S.ACTIVE and pact.status == S.UNDER_REVIEW:
        return W.apply(pact, S.ACTIVE, actor=actor)
    if target == S.ACTIVE:
        return services.start_pact(actor=actor, pact=pact)
    if target == S.UNDER_REVIEW:
        return services.open_review(actor=actor, pact=pact)
    if target == S.COMPLETED:
        return services.complete_pact(actor=actor, pact=pact)
    return services.interrupt_pact(actor=actor, pact=pact, reason=InterruptReason.MOVED)


ALLOWED = [(a, b) for a in sorted(W.table()) for b in sorted(W.table()[a])]
REFUSED = [(a, b) for a in sorted(W.table()) for b in sorted(W.table()) if b not in W.table()[a] and a != b]


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_every_allowed_transition(cast, source, target):
    pact = _pact_in(cast, source)
    _move(cast, pact, target)
    assert Pact.objects.get(pk=pact.pk).status == target
    assert PactEvent.objects.filter(pact=pact, from_status=source, to_status=target).count() == 1


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_refused_transition(cast, source, target):
    pact = _pact_in(cast, source)
    with pytest.raises(ValidationError) as exc:
        W.apply(pact, target, actor=cast.case_manager)
    assert exc.value.code == "transition"
    assert Pact.objects.get(pk=pact.pk).status == source
    assert not PactEvent.objects.filter(pact=pact).exists()


def test_proposing_needs_an_objective_and_a_commitment(cast, case):
    pact = draft_pact(case)
    Commitment.objects.filter(version__pact=pact).delete()
    with pytest.raises(ValidationError) as exc:
        services.propose_pact(actor=cast.partner_staff, pact=pact)
    assert exc.value.code == "no_commitment"
    Objective.objects.filter(version__pact=pact).delete()
    with pytest.raises(ValidationError) as exc:
        services.propose_pact(actor=cast.partner_staff, pact=pact)
    assert exc.value.code == "no_objective"
    assert Pact.objects.get(pk=pact.pk).status == S.DRAFT


def test_a_team_member_proposes_but_only_the_case_manager_starts_and_closes(cast, case):
    pact = draft_pact(case)
    services.propose_pact(actor=cast.partner_staff, pact=pact)
    services.redraft_pact(actor=cast.partner_staff, pact=pact)
    active = signed_pact(open_case(cast))
    for call in (
        lambda: services.open_review(actor=cast.partner_staff, pact=active),
        lambda: services.interrupt_pact(actor=cast.partner_staff, pact=active, reason="moved"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(PermissionDenied):
        services.propose_pact(actor=cast.coordinator, pact=pact)
    with pytest.raises(PermissionDenied):
        services.propose_pact(actor=cast.privacy_officer, pact=pact)
    assert Pact.objects.get(pk=active.pk).status == S.ACTIVE


def test_interrupting_needs_a_reason(cast, case):
    pact = draft_pact(case)
    with pytest.raises(ValidationError) as exc:
        services.interrupt_pact(actor=cast.case_manager, pact=pact, reason="")
    assert codes(exc) == {"interrupt_reason": ["invalid_choice"]}
    services.interrupt_pact(actor=cast.case_manager, pact=pact, reason="person_withdrew", note="Si è trasferita")
    pact.refresh_from_db()
    assert (pact.status, pact.interrupt_reason) == (S.INTERRUPTED, "person_withdrew")
    audit = AuditEvent.objects.filter(object_type="pacts.pact", action="update").last()
    assert "trasferita" not in str(audit.note) + str(audit.after)


def test_starting_sets_the_first_review(cast, case):
    pact = signed_pact(case)
    Pact.objects.filter(pk=pact.pk).update(status=S.SIGNED, next_review_on=None)
    pact.refresh_from_db()
    services.start_pact(actor=cast.case_manager, pact=pact)
    pact.refresh_from_db()
    version = pact.current_version
    assert pact.next_review_on == version.starts_on + datetime.timedelta(weeks=version.review_every_weeks)


def test_opening_a_review_creates_one_due_today_unless_one_is_planned(cast):
    pact = signed_pact(open_case(cast))
    review = services.open_review(actor=cast.case_manager, pact=pact)
    assert (review.due_on, review.version_id) == (TODAY, pact.current_version_id)
    planned_pact = signed_pact(open_case(cast))
    planned = Review.objects.create(
        network=cast.network, pact=planned_pact, version=planned_pact.current_version, due_on=TODAY
    )
    assert services.open_review(actor=cast.case_manager, pact=planned_pact) == planned
    assert Review.objects.filter(pact=planned_pact).count() == 1


# --- the signature ---------------------------------------------------------------------------------------------


def _proposed(cast):
    pact = draft_pact(open_case(cast))
    return services.propose_pact(actor=cast.case_manager, pact=pact)


def test_signing_version_1_moves_a_proposed_pact_to_signed_with_its_scan(cast, settings, tmp_path):
    settings.LEGAMI_PRIVATE_ROOT = tmp_path / "private"
    pact = _proposed(cast)
    version = services.record_signature(
        actor=cast.case_manager,
        pact=pact,
        data={"signed_on": TODAY.strftime("%d/%m/%Y"), "signature_method": "paper"},
        scan=scan(),
    )
    pact.refresh_from_db()
    assert (pact.status, pact.current_version_id) == (S.SIGNED, version.pk)
    assert version.signed_on == TODAY and version.signature_recorded_by == cast.case_manager
    assert version.signature_scan.name.endswith(".pdf") and "firmato" not in version.signature_scan.name
    stored = next((tmp_path / "private").rglob("*.pdf")).read_bytes()
    assert not stored.startswith(b"%PDF")  # encrypted at rest
    with version.signature_scan.open("rb") as opened:
        assert opened.read() == PDF


@pytest.mark.parametrize(
    ("data", "upload", "field", "code"),
    [
        ({"signed_on": "", "signature_method": "witnessed"}, None, "signed_on", "required"),
        (
            {"signed_on": (TODAY + datetime.timedelta(days=1)).isoformat(), "signature_method": "witnessed"},
            None,
            "signed_on",
            "future",
        ),
        (
            {"signed_on": (TODAY - datetime.timedelta(days=3)).isoformat(), "signature_method": "witnessed"},
            None,
            "signed_on",
            "before_written",
        ),
        ({"signed_on": TODAY, "signature_method": ""}, None, "signature_method", "invalid_choice"),
        ({"signed_on": TODAY, "signature_method": "paper"}, None, "scan", "scan_required"),
        (
            {"signed_on": TODAY, "signature_method": "paper"},
            scan(b"MZ\x90\x00 not a pdf", "a.pdf"),
            "scan",
            "file_type",
        ),
        (
            {"signed_on": TODAY, "signature_method": "digital"},
            scan(b"%PDF-" + b"0" * (10 * 1024 * 1024), "big.pdf"),
            "scan",
            "too_large",
        ),
    ],
)
def test_a_bad_signature_is_refused(cast, data, upload, field, code):
    pact = _proposed(cast)
    with pytest.raises(ValidationError) as exc:
        services.record_signature(actor=cast.case_manager, pact=pact, data=data, scan=upload)
    assert code in codes(exc)[field]
    pact.refresh_from_db()
    assert pact.status == S.PROPOSED and pact.versions.get().signed_on is None


def test_a_jpeg_or_png_scan_is_taken(cast):
    for content, extension in ((b"\xff\xd8\xff\xe0JFIF", "jpg"), (b"\x89PNG\r\n\x1a\nIHDR", "png")):
        pact = _proposed(cast)
        version = services.record_signature(
            actor=cast.case_manager,
            pact=pact,
            data={"signed_on": TODAY, "signature_method": "paper"},
            scan=scan(content, "foto.pdf"),
        )
        assert version.signature_scan.name.endswith(f".{extension}")


def test_a_draft_cannot_be_signed_and_only_the_case_manager_signs(cast, case):
    pact = draft_pact(case)
    with pytest.raises(ValidationError) as exc:
        services.record_signature(
            actor=cast.case_manager, pact=pact, data={"signed_on": TODAY, "signature_method": "digital"}
        )
    assert exc.value.code == "transition"
    proposed = _proposed(cast)
    with pytest.raises(PermissionDenied):
        services.record_signature(
            actor=cast.partner_staff, pact=proposed, data={"signed_on": TODAY, "signature_method": "digital"}
        )


# --- new versions ----------------------------------------------------------------------------------------------


def _frozen(version):
    """Everything version 1 holds, read straight from the database."""
    rows = []
    for model in (PactParty, Objective, Support, BudgetLine, Commitment):
        rows.append(list(model.objects.filter(version=version).order_by("id").values()))
    rows.append(list(ExpectedResult.objects.filter(objective__version=version).order_by("id").values()))
    return list(PactVersion.objects.filter(pk=version.pk).values()), rows


def test_version_2_keeps_the_keys_and_version_1_stays_byte_identical(cast, case):
    pact = signed_pact(case)
    v1 = pact.current_version
    PactParty.objects.create(version=v1, kind="family", name="Sorella", signs=True)
    before = _frozen(v1)
    with pytest.raises(ValidationError) as exc:
        services.create_version(actor=cast.case_manager, pact=pact, data={"change_note": "Più ore"})
    assert codes(exc) == ["not_under_review"]
    services.open_review(actor=cast.case_manager, pact=pact)
    with pytest.raises(ValidationError) as exc:
        services.create_version(actor=cast.case_manager, pact=pact, data={"change_note": " "})
    assert codes(exc) == {"change_note": ["required"]}
    v2 = services.create_version(actor=cast.case_manager, pact=pact, data={"change_note": "Più ore di doposcuola"})
    assert (v2.number, v2.based_on_id, v2.signed_on) == (2, v1.pk, None)
    for model in (PactParty, Objective, Support, BudgetLine, Commitment):
        assert set(model.objects.filter(version=v1).values_list("key", flat=True)) == set(
            model.objects.filter(version=v2).values_list("key", flat=True)
        )
    assert set(ExpectedResult.objects.filter(objective__version=v1).values_list("key", flat=True)) == set(
        ExpectedResult.objects.filter(objective__version=v2).values_list("key", flat=True)
    )
    line = BudgetLine.objects.get(version=v2)
    assert line.support.version_id == v2.pk
    with pytest.raises(ValidationError) as exc:
        services.create_version(actor=cast.case_manager, pact=pact, data={"change_note": "Ancora"})
    assert codes(exc) == ["draft_exists"]
    # Version 2 is edited and signed; version 1 never moves.
    commitment = Commitment.objects.get(version=v2, is_give_back=True)
    services.update_row(
        actor=cast.partner_staff, version=v2, kind="commitment", row_id=commitment.pk, data={"hours_per_week": "3"}
    )
    services.add_row(actor=cast.partner_staff, version=v2, kind="budget", data={"category": "food", "amount": "150"})
    services.remove_row(actor=cast.partner_staff, version=v2, kind="party", row_id=PactParty.objects.get(version=v2).pk)
    services.update_version(actor=cast.partner_staff, version=v2, data={"review_every_weeks": 4})
    pact.refresh_from_db()
    services.record_signature(
        actor=cast.case_manager, pact=pact, data={"signed_on": TODAY, "signature_method": "digital"}
    )
    pact.refresh_from_db()
    assert (pact.status, pact.current_version_id) == (S.ACTIVE, v2.pk)
    assert pact.next_review_on == TODAY + datetime.timedelta(weeks=4)
    assert _frozen(v1) == before
    with pytest.raises(ValidationError) as exc:
        services.add_row(actor=cast.case_manager, version=v2, kind="objective", data={"text": "x"})
    assert codes(exc) == ["signed"]


def test_only_the_case_manager_drafts_a_new_version(cast, case):
    pact = signed_pact(case)
    services.open_review(actor=cast.case_manager, pact=pact)
    with pytest.raises(PermissionDenied):
        services.create_version(actor=cast.partner_staff, pact=pact, data={"change_note": "x"})
    assert PactVersion.objects.filter(pact=pact).count() == 1
