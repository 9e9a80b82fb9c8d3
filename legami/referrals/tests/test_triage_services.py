"""The triage of referrals: every transition of REFERRAL_WORKFLOW allowed and refused, one service per move with
its input rules, who may (the role, and the district's Comuni), notes kept out of the audit, the reporter's e-mail
without case text, and the taking in charge that the pacts app calls."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from legami.core.models import AuditEvent
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.referrals.models import CloseReason, ReferralEvent, ReferralMessage, ReferralStatus
from legami.referrals.services.triage import (
    REFERRAL_WORKFLOW,
    ask_reporter,
    assign_referral,
    close_referral,
    mark_taken_in_charge,
    redirect_referral,
)
from legami.referrals.tests.factories import ReferralFactory, in_cremona

S = ReferralStatus
ALL = list(S)

MOVES = {
    S.ASSIGNED: lambda cast, r: assign_referral(
        actor=cast.coordinator, referral=r, data={"assignee": cast.case_manager}
    ),
    S.INFO_REQUESTED: lambda cast, r: ask_reporter(
        actor=cast.coordinator, referral=r, data={"question": "Dove abita?"}
    ),
    S.REDIRECTED: lambda cast, r: redirect_referral(
        actor=cast.coordinator, referral=r, data={"service": "Consultorio", "note": ""}
    ),
    S.CLOSED: lambda cast, r: close_referral(
        actor=cast.coordinator, referral=r, data={"reason": CloseReason.NO_NEED, "note": ""}
    ),
    S.ACCEPTED: lambda cast, r: mark_taken_in_charge(actor=cast.coordinator, referral=r),
}
ALLOWED = {(source, target) for source, targets in REFERRAL_WORKFLOW.table().items() for target in targets}


def referral_in(cast, status):
    return in_cremona(cast, status=status, close_reason=CloseReason.OTHER if status == S.CLOSED else "")


def errors(exc):
    return {field: [e.code for e in errs] for field, errs in exc.value.error_dict.items()}


def test_the_table_is_the_one_the_brief_describes():
    assert REFERRAL_WORKFLOW.table() == {
        S.NEW: {S.ASSIGNED, S.INFO_REQUESTED, S.ACCEPTED, S.REDIRECTED, S.CLOSED},
        S.ASSIGNED: {S.ASSIGNED, S.INFO_REQUESTED, S.ACCEPTED, S.REDIRECTED, S.CLOSED},
        S.INFO_REQUESTED: {S.ASSIGNED, S.ACCEPTED, S.REDIRECTED, S.CLOSED},
        S.ACCEPTED: set(),
        S.REDIRECTED: set(),
        S.CLOSED: set(),
    }


@pytest.mark.parametrize(
    ("source", "target"),
    sorted((s, t) for s, t in ALLOWED if t in MOVES and not (s == S.INFO_REQUESTED and t == S.ASSIGNED)),
)
def test_every_allowed_move(cast, source, target, django_capture_on_commit_callbacks):
    referral = referral_in(cast, source)
    with django_capture_on_commit_callbacks(execute=True):
        MOVES[target](cast, referral)
    referral.refresh_from_db()
    assert referral.status == target
    step = ReferralEvent.objects.get(referral=referral)
    assert (step.from_status, step.to_status, step.actor) == (source, target, cast.coordinator)
    assert AuditEvent.objects.filter(object_id=str(referral.pk), action=AuditEvent.Action.UPDATE).count() == 1


def test_a_coordinator_assigns_again_from_info_requested(cast):
    # From "more information asked" the way back to triage is the reporter's answer (or a reassignment).
    referral = referral_in(cast, S.INFO_REQUESTED)
    assign_referral(actor=cast.coordinator, referral=referral, data={"assignee": cast.case_manager})
    referral.refresh_from_db()
    assert referral.status == S.ASSIGNED and referral.assigned_to == cast.case_manager


@pytest.mark.parametrize(
    ("source", "target"),
    sorted((s, t) for s in ALL for t in MOVES if (s, t) not in ALLOWED),
)
def test_every_refused_move_writes_nothing(cast, source, target):
    referral = referral_in(cast, source)
    with pytest.raises(ValidationError) as exc:
        MOVES[target](cast, referral)
    assert exc.value.code == "transition"
    referral.refresh_from_db()
    assert referral.status == source
    assert not ReferralEvent.objects.filter(referral=referral).exists()
    assert not ReferralMessage.objects.exists() and not AuditEvent.objects.filter(action="update").exists()
    assert not mail.outbox


@pytest.mark.parametrize("persona", ["community_worker", "partner_staff", "sentinel", "privacy_officer", "outsider"])
@pytest.mark.parametrize("target", list(MOVES))
def test_who_does_not_triage_is_refused(cast, persona, target):
    referral = referral_in(cast, S.NEW)
    actor = getattr(cast, persona)
    moves = {
        S.ASSIGNED: lambda: assign_referral(actor=actor, referral=referral, data={"assignee": cast.case_manager}),
        S.INFO_REQUESTED: lambda: ask_reporter(actor=actor, referral=referral, data={"question": "?"}),
        S.REDIRECTED: lambda: redirect_referral(actor=actor, referral=referral, data={"service": "X"}),
        S.CLOSED: lambda: close_referral(actor=actor, referral=referral, data={"reason": CloseReason.OTHER}),
        S.ACCEPTED: lambda: mark_taken_in_charge(actor=actor, referral=referral),
    }
    with pytest.raises(PermissionDenied):
        moves[target]()
    referral.refresh_from_db()
    assert referral.status == S.NEW and not ReferralEvent.objects.exists()


def test_a_district_case_manager_triages_only_their_districts_comuni(cast):
    in_crema = ReferralFactory(network=cast.network, municipality=cast.municipalities[1], reporter=cast.sentinel)
    with pytest.raises(PermissionDenied):
        close_referral(actor=cast.district_case_manager, referral=in_crema, data={"reason": CloseReason.OTHER})
    in_crema.refresh_from_db()
    assert in_crema.status == S.NEW
    ours = referral_in(cast, S.NEW)
    close_referral(actor=cast.district_case_manager, referral=ours, data={"reason": CloseReason.OTHER})
    ours.refresh_from_db()
    assert ours.status == S.CLOSED


# --- assign ---------------------------------------------------------------------------------------------------


def test_assign_records_the_assignee_and_a_note_out_of_the_audit(cast):
    referral = referral_in(cast, S.NEW)
    assign_referral(
        actor=cast.coordinator,
        referral=referral,
        data={"assignee": cast.case_manager.pk, "note": "Conosce già la famiglia Rossi"},
    )
    referral.refresh_from_db()
    assert referral.assigned_to == cast.case_manager
    step = ReferralEvent.objects.get(referral=referral)
    assert "Conosce già la famiglia Rossi" in step.note and cast.case_manager.acting_name in step.note
    assert not AuditEvent.objects.filter(note__icontains="Rossi").exists()
    assert "Rossi" not in str(list(AuditEvent.objects.values("before", "after", "note", "object_repr")))


def test_assign_to_oneself(cast):
    referral = referral_in(cast, S.NEW)
    assign_referral(actor=cast.district_case_manager, referral=referral, data={"assignee": cast.district_case_manager})
    referral.refresh_from_db()
    assert referral.assigned_to == cast.district_case_manager


@pytest.mark.parametrize(
    ("assignee", "code"),
    [
        (None, "invalid_choice"),
        ("", "invalid_choice"),
        ("evaluator", "not_a_triager"),
        ("sentinel", "not_a_triager"),
        ("outsider", "invalid_choice"),
        ("crema_only", "not_a_triager"),
    ],
)
def test_assign_refuses_whoever_does_not_triage_the_comune(cast, assignee, code):
    crema_only = f.UserFactory(email="crema-only@example.org")
    f.MembershipFactory(network=cast.network, user=crema_only, role=Role.CASE_MANAGER, district=cast.other_district)
    users = {"crema_only": crema_only}
    value = users.get(assignee) or (getattr(cast, assignee) if assignee else assignee)
    referral = referral_in(cast, S.NEW)
    with pytest.raises(ValidationError) as exc:
        assign_referral(actor=cast.coordinator, referral=referral, data={"assignee": value})
    assert errors(exc) == {"assignee": [code]}
    referral.refresh_from_db()
    assert referral.status == S.NEW and referral.assigned_to is None


def test_assign_refuses_a_long_note(cast):
    referral = referral_in(cast, S.NEW)
    with pytest.raises(ValidationError) as exc:
        assign_referral(
            actor=cast.coordinator, referral=referral, data={"assignee": cast.coordinator, "note": "x" * 2001}
        )
    assert errors(exc) == {"note": ["max_length"]}


# --- ask the reporter ---------------------------------------------------------------------------------------


def test_ask_sends_the_question_to_the_reporter_and_an_email_without_it(cast, django_capture_on_commit_callbacks):
    referral = referral_in(cast, S.NEW)
    with django_capture_on_commit_callbacks(execute=True):
        ask_reporter(
            actor=cast.case_manager,
            referral=referral,
            data={"question": "La signora vive con il figlio Marco?"},
            base_url="https://x.it",
        )
    referral.refresh_from_db()
    assert referral.status == S.INFO_REQUESTED and referral.assigned_to == cast.case_manager
    message = ReferralMessage.objects.get(referral=referral)
    assert not message.from_reporter and message.author == cast.case_manager and "Marco" in message.body
    [sent] = mail.outbox
    assert sent.to == ["sentinel@example.org"]
    assert f"https://x.it/{cast.network.slug}/referrals/mine/{referral.pk}/" in sent.body
    for secret in ("Marco", "civico 12", "pensione", "Farmacia"):
        assert secret not in sent.subject + sent.body
    assert "Marco" not in str(list(AuditEvent.objects.values("before", "after", "note", "object_repr")))


def test_ask_keeps_the_assignee(cast):
    referral = referral_in(cast, S.ASSIGNED)
    referral.assigned_to = cast.district_case_manager
    referral.save()
    ask_reporter(actor=cast.coordinator, referral=referral, data={"question": "?"})
    referral.refresh_from_db()
    assert referral.assigned_to == cast.district_case_manager


@pytest.mark.parametrize(("question", "code"), [("", "required"), ("  ", "required"), ("x" * 2001, "max_length")])
def test_ask_refuses_a_bad_question(cast, question, code):
    referral = referral_in(cast, S.NEW)
    with pytest.raises(ValidationError) as exc:
        ask_reporter(actor=cast.coordinator, referral=referral, data={"question": question})
    assert errors(exc) == {"question": [code]}
    referral.refresh_from_db()
    assert referral.status == S.NEW and not ReferralMessage.objects.exists()


def test_ask_is_refused_when_the_reporter_has_left(cast):
    referral = referral_in(cast, S.NEW)
    referral.reporter = None
    referral.save()
    with pytest.raises(ValidationError) as exc:
        ask_reporter(actor=cast.coordinator, referral=referral, data={"question": "?"})
    assert errors(exc) == {"question": ["no_reporter"]}


# --- redirect and close -----------------------------------------------------------------------------------------


def test_redirect_records_the_service_and_the_decision(cast):
    referral = referral_in(cast, S.ASSIGNED)
    redirect_referral(
        actor=cast.coordinator, referral=referral, data={"service": "Centro antiviolenza", "note": "Già in contatto"}
    )
    referral.refresh_from_db()
    assert referral.status == S.REDIRECTED and referral.redirected_to == "Centro antiviolenza"
    assert referral.decided_at is not None
    assert not AuditEvent.objects.filter(note__icontains="contatto").exists()
    assert "antiviolenza" not in str(list(AuditEvent.objects.values("before", "after", "note", "object_repr")))


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"service": ""}, "service", "required"),
        ({"service": "x" * 301}, "service", "max_length"),
        ({"service": "SerD", "note": "x" * 2001}, "note", "max_length"),
    ],
)
def test_redirect_refuses_bad_input(cast, values, field, code):
    referral = referral_in(cast, S.NEW)
    with pytest.raises(ValidationError) as exc:
        redirect_referral(actor=cast.coordinator, referral=referral, data=values)
    assert errors(exc) == {field: [code]}
    referral.refresh_from_db()
    assert referral.status == S.NEW and referral.redirected_to == ""


def test_close_records_the_reason(cast):
    referral = referral_in(cast, S.INFO_REQUESTED)
    close_referral(actor=cast.coordinator, referral=referral, data={"reason": "duplicate", "note": "Vedi n. 3"})
    referral.refresh_from_db()
    assert referral.status == S.CLOSED and referral.close_reason == CloseReason.DUPLICATE
    assert referral.decided_at is not None


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"reason": ""}, "reason", "invalid_choice"),
        ({"reason": "bored"}, "reason", "invalid_choice"),
        ({"reason": "other", "note": "x" * 2001}, "note", "max_length"),
    ],
)
def test_close_refuses_bad_input(cast, values, field, code):
    referral = referral_in(cast, S.NEW)
    with pytest.raises(ValidationError) as exc:
        close_referral(actor=cast.coordinator, referral=referral, data=values)
    assert errors(exc) == {field: [code]}
    referral.refresh_from_db()
    assert referral.status == S.NEW and referral.close_reason == ""


def test_taking_in_charge_sets_the_decision_time(cast):
    referral = referral_in(cast, S.ASSIGNED)
    mark_taken_in_charge(actor=cast.case_manager, referral=referral, note="Caso aperto")
    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED and referral.decided_at is not None
    assert not AuditEvent.objects.filter(note__icontains="Caso aperto").exists()
