"""Filing a referral: who may, every input rule, the due time by urgency, the reporter's organisation, the audit
(no text), the creation step, the e-mail to the district's triage (number, urgency, link; no case text); and the
reporter's answer to a question (the reporter only, only when a question waits)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.core.models import AuditEvent, DataClass
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.referrals.models import (
    TRIAGE_WITHIN,
    AgeBand,
    ConsentState,
    Referral,
    ReferralEvent,
    ReferralMessage,
    ReferralStatus,
    Urgency,
)
from legami.referrals.services.filing import answer_question, file_referral
from legami.referrals.tests.factories import in_cremona

SUBJECT = "Il signor Rossi del terzo piano"
OBSERVED = "Da giorni non apre la porta e la posta si accumula."
WHERE = "Via Dante 4"
CONTACT = "Farmacia Borgo, 0372 111111"


def data(cast, **overrides):
    values = {
        "subject": SUBJECT,
        "age_band": AgeBand.OLDER,
        "municipality": cast.municipalities[0].pk,
        "where": WHERE,
        "observed": OBSERVED,
        "urgency": Urgency.HIGH,
        "consent": ConsentState.NOT_ASKED,
        "consent_note": "Non risponde al campanello.",
        "reporter_contact": CONTACT,
    }
    return values | overrides


def errors(exc):
    return {field: [e.code for e in errs] for field, errs in exc.value.error_dict.items()}


@pytest.mark.parametrize("persona", ["sentinel", "partner_staff", "community_worker", "coordinator", "case_manager"])
def test_who_may_file(cast, persona, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referral = file_referral(actor=getattr(cast, persona), network=cast.network, data=data(cast))
    assert referral.reporter == getattr(cast, persona) and referral.status == ReferralStatus.NEW


@pytest.mark.parametrize("persona", ["evaluator", "funder", "citizen", "privacy_officer", "outsider"])
def test_others_may_not_file_and_nothing_is_written(cast, persona):
    with pytest.raises(PermissionDenied):
        file_referral(actor=getattr(cast, persona), network=cast.network, data=data(cast))
    assert not Referral.objects.exists()


def test_filing_sets_the_due_time_history_audit_and_reporter_organisation(cast, django_capture_on_commit_callbacks):
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        referral = file_referral(actor=cast.partner_staff, network=cast.network, data=data(cast))
    referral.refresh_from_db()
    assert referral.subject == SUBJECT and referral.observed == OBSERVED and referral.where == WHERE
    assert referral.reporter_contact == CONTACT and referral.age_band == AgeBand.OLDER
    assert before + TRIAGE_WITHIN[Urgency.HIGH] <= referral.due_at <= timezone.now() + TRIAGE_WITHIN[Urgency.HIGH]
    assert referral.reporter_organization == cast.organization
    step = ReferralEvent.objects.get(referral=referral)
    assert step.from_status == "" and step.to_status == ReferralStatus.NEW and step.actor == cast.partner_staff
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_id=str(referral.pk))
    assert event.data_class == DataClass.CASE
    audited = f"{event.before} {event.after} {event.note} {event.object_repr}"
    for text in (SUBJECT, OBSERVED, WHERE, CONTACT, "Non risponde"):
        assert text not in audited
    assert event.after["urgency"] == Urgency.HIGH


def test_a_sentinel_has_no_organisation(cast):
    referral = file_referral(actor=cast.sentinel, network=cast.network, data=data(cast))
    assert referral.reporter_organization is None


@pytest.mark.parametrize(
    ("urgency", "within"),
    [(Urgency.IMMEDIATE, datetime.timedelta(hours=24)), (Urgency.ORDINARY, datetime.timedelta(days=14))],
)
def test_the_due_time_follows_the_urgency(cast, urgency, within):
    referral = file_referral(actor=cast.sentinel, network=cast.network, data=data(cast, urgency=urgency))
    assert abs((referral.due_at - referral.created_at) - within) < datetime.timedelta(seconds=5)


def test_the_district_triage_gets_an_email_without_case_text(cast, django_capture_on_commit_callbacks):
    # Cremona is in cast.district: the network-wide coordinator and case manager and the district's case manager.
    elsewhere = f.UserFactory(email="crema-only@example.org")
    f.MembershipFactory(network=cast.network, user=elsewhere, role=Role.CASE_MANAGER, district=cast.other_district)
    with django_capture_on_commit_callbacks(execute=True):
        referral = file_referral(actor=cast.sentinel, network=cast.network, data=data(cast), base_url="https://x.it")
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted(
        ["coordinator@example.org", "case_manager@example.org", "district_case_manager@example.org"]
    )
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert str(referral.pk) in message.subject
        assert f"https://x.it/{cast.network.slug}/referrals/{referral.pk}/" in message.body
        for secret in (SUBJECT, OBSERVED, WHERE, CONTACT, "Rossi", "Cremona"):
            assert secret not in text


def test_a_refused_filing_sends_nothing(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        file_referral(actor=cast.sentinel, network=cast.network, data=data(cast, subject=""))
    assert not mail.outbox and not Referral.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("subject", "", "required"),
        ("subject", "   ", "required"),
        ("subject", "x" * 301, "max_length"),
        ("observed", "", "required"),
        ("observed", "x" * 4001, "max_length"),
        ("where", "x" * 301, "max_length"),
        ("age_band", "toddler", "invalid_choice"),
        ("urgency", "", "invalid_choice"),
        ("urgency", "tomorrow", "invalid_choice"),
        ("consent", "", "invalid_choice"),
        ("consent", "maybe", "invalid_choice"),
        ("consent_note", "x" * 1001, "max_length"),
        ("municipality", "", "invalid_choice"),
        ("municipality", 999999, "invalid_choice"),
        ("reporter_contact", "", "required"),
        ("reporter_contact", "x" * 301, "max_length"),
    ],
)
def test_every_bad_input_is_refused_with_its_field_and_code(cast, field, value, code):
    with pytest.raises(ValidationError) as exc:
        file_referral(actor=cast.sentinel, network=cast.network, data=data(cast, **{field: value}))
    assert code in errors(exc)[field]
    assert not Referral.objects.exists()


def test_a_comune_outside_the_territory_is_refused(cast):
    soncino = f.MunicipalityFactory(istat_code="019096", name="Soncino")
    with pytest.raises(ValidationError) as exc:
        file_referral(actor=cast.sentinel, network=cast.network, data=data(cast, municipality=soncino.pk))
    assert errors(exc)["municipality"] == ["not_in_territory"]


@pytest.mark.parametrize("consent", [ConsentState.NOT_ASKED, ConsentState.REFUSED, ConsentState.UNABLE])
def test_without_consent_the_reporter_says_why(cast, consent):
    with pytest.raises(ValidationError) as exc:
        file_referral(actor=cast.sentinel, network=cast.network, data=data(cast, consent=consent, consent_note="  "))
    assert errors(exc) == {"consent_note": ["consent_note_required"]}


def test_with_consent_no_reason_is_needed_and_the_age_may_be_unknown(cast):
    referral = file_referral(
        actor=cast.sentinel,
        network=cast.network,
        data=data(cast, consent=ConsentState.GIVEN, consent_note="", age_band="", where=""),
    )
    assert referral.consent == ConsentState.GIVEN and referral.age_band == AgeBand.UNKNOWN


def test_unknown_fields_are_refused(cast):
    with pytest.raises(ValidationError) as exc:
        file_referral(actor=cast.sentinel, network=cast.network, data=data(cast, status="closed"))
    assert "status" in errors(exc)


# --- the reporter's answer ----------------------------------------------------------------------------------


def test_the_reporter_answers_and_the_referral_goes_back_to_triage(cast, django_capture_on_commit_callbacks):
    referral = in_cremona(cast, status=ReferralStatus.INFO_REQUESTED, assigned_to=cast.case_manager)
    with django_capture_on_commit_callbacks(execute=True):
        message = answer_question(actor=cast.sentinel, referral=referral, data={"answer": "Abita al civico 12."})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSIGNED
    assert message.from_reporter and message.body == "Abita al civico 12." and message.author == cast.sentinel
    step = ReferralEvent.objects.get(referral=referral)
    assert (step.from_status, step.to_status) == (ReferralStatus.INFO_REQUESTED, ReferralStatus.ASSIGNED)
    [sent] = mail.outbox
    assert sent.to == ["case_manager@example.org"] and "civico" not in sent.body
    assert not AuditEvent.objects.filter(note__icontains="civico").exists()


@pytest.mark.parametrize("persona", ["coordinator", "case_manager", "partner_staff"])
def test_only_the_reporter_answers(cast, persona):
    referral = in_cremona(cast, status=ReferralStatus.INFO_REQUESTED)
    with pytest.raises(PermissionDenied):
        answer_question(actor=getattr(cast, persona), referral=referral, data={"answer": "Risposta"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.INFO_REQUESTED and not ReferralMessage.objects.exists()


@pytest.mark.parametrize("status", [ReferralStatus.NEW, ReferralStatus.ASSIGNED, ReferralStatus.CLOSED])
def test_no_answer_without_a_question(cast, status):
    referral = in_cremona(cast, status=status, close_reason="other" if status == ReferralStatus.CLOSED else "")
    with pytest.raises(ValidationError) as exc:
        answer_question(actor=cast.sentinel, referral=referral, data={"answer": "Risposta"})
    assert errors(exc) == {"answer": ["no_question"]}
    referral.refresh_from_db()
    assert referral.status == status and not ReferralMessage.objects.exists()


@pytest.mark.parametrize(("answer", "code"), [("", "required"), ("x" * 2001, "max_length")])
def test_a_bad_answer_is_refused(cast, answer, code):
    referral = in_cremona(cast, status=ReferralStatus.INFO_REQUESTED)
    with pytest.raises(ValidationError) as exc:
        answer_question(actor=cast.sentinel, referral=referral, data={"answer": answer})
    assert errors(exc) == {"answer": [code]}
    assert not ReferralMessage.objects.exists()
