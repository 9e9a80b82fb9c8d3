"""The register of processings and people's consents: services and selectors."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from legami.core.models import AuditEvent, Consent, DataClass, Processing
from legami.core.selectors import consent_states, consents_of, processings_of
from legami.core.services import define_processing, update_processing
from legami.core.tests import factories as f
from legami.network.services.consents import record_consent

PROCESSING_MANAGERS = ["coordinator", "privacy_officer"]
NOT_PROCESSING_MANAGERS = [
    "case_manager",
    "community_worker",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "district_case_manager",
    "outsider",
    "platform_admin",
    "anonymous",
]
CONSENT_RECORDERS = ["coordinator", "case_manager", "community_worker", "district_case_manager"]
NOT_CONSENT_RECORDERS = ["privacy_officer", "partner_staff", "evaluator", "funder", "citizen", "outsider", "anonymous"]


def define(cast, actor, **extra):
    values = {
        "code": "newsletter",
        "name": "Newsletter della rete",
        "purpose": "Informare sulle attività",
        "legal_basis": "consent",
        **extra,
    }
    return define_processing(actor=actor, network=cast.network, **values)


def codes(exc_info):
    return {field: [e.code for e in errors] for field, errors in exc_info.value.error_dict.items()}


# --- processings ---


@pytest.mark.parametrize("persona", PROCESSING_MANAGERS)
def test_define_processing(cast, persona):
    processing = define(
        cast,
        getattr(cast, persona),
        code=" Presa-in-carico ",
        legal_basis="public_task",
        special_category_condition="health_social_care",
        retention="10 anni",
    )
    assert processing.network == cast.network
    assert processing.code == "presa-in-carico"
    assert processing.special_category_condition == "health_social_care"
    event = AuditEvent.objects.get(object_type="core.processing")
    assert (event.action, event.actor, event.network) == ("create", getattr(cast, persona), cast.network)


@pytest.mark.parametrize("persona", NOT_PROCESSING_MANAGERS)
def test_define_processing_refused(cast, persona):
    with pytest.raises(PermissionDenied):
        define(cast, getattr(cast, persona))
    assert Processing.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "extra, field, code",
    [
        ({"code": ""}, "code", "required"),
        ({"code": "due parole"}, "code", "invalid"),
        ({"name": " "}, "name", "required"),
        ({"purpose": ""}, "purpose", "required"),
        ({"legal_basis": ""}, "legal_basis", "required"),
        ({"legal_basis": "because"}, "legal_basis", "invalid_choice"),
        ({"special_category_condition": "whim"}, "special_category_condition", "invalid_choice"),
        ({"retention": "x" * 201}, "retention", "max_length"),
    ],
)
def test_define_processing_bad_input(cast, extra, field, code):
    with pytest.raises(ValidationError) as exc_info:
        define(cast, cast.coordinator, **extra)
    assert codes(exc_info)[field] == [code]
    assert Processing.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_define_processing_refuses_a_duplicate_code_in_the_network_only(cast):
    define(cast, cast.coordinator)
    with pytest.raises(ValidationError) as exc_info:
        define(cast, cast.privacy_officer, name="Altro nome")
    assert codes(exc_info) == {"code": ["duplicate"]}
    assert Processing.objects.count() == 1
    define_processing(
        actor=cast.outsider, network=cast.other_network, code="newsletter", name="N", purpose="P", legal_basis="consent"
    )
    assert Processing.objects.count() == 2


def test_update_processing(cast):
    processing = define(cast, cast.coordinator)
    update_processing(
        actor=cast.privacy_officer,
        processing=processing,
        data={"legal_basis": "legitimate_interests", "retention": "2 anni"},
    )
    processing.refresh_from_db()
    assert (processing.legal_basis, processing.retention, processing.code) == (
        "legitimate_interests",
        "2 anni",
        "newsletter",
    )
    event = AuditEvent.objects.get(action="update")
    assert event.before == {"legal_basis": "consent", "retention": ""}
    assert event.after == {"legal_basis": "legitimate_interests", "retention": "2 anni"}


def test_update_processing_refusals_and_bad_input(cast):
    processing = define(cast, cast.coordinator)
    with pytest.raises(PermissionDenied):
        update_processing(actor=cast.case_manager, processing=processing, data={"name": "X"})
    with pytest.raises(ValidationError) as exc_info:
        update_processing(actor=cast.coordinator, processing=processing, data={"code": "other"})
    assert codes(exc_info) == {"code": ["unknown"]}
    with pytest.raises(ValidationError) as exc_info:
        update_processing(actor=cast.coordinator, processing=processing, data={"legal_basis": "nope", "name": ""})
    assert codes(exc_info) == {"legal_basis": ["invalid_choice"], "name": ["required"]}
    processing.refresh_from_db()
    assert (processing.name, processing.legal_basis, processing.code) == (
        "Newsletter della rete",
        "consent",
        "newsletter",
    )
    assert AuditEvent.objects.filter(action="update").count() == 0


def test_processings_of_lists_only_the_network(cast):
    b = f.ProcessingFactory(network=cast.network, name="B")
    a = f.ProcessingFactory(network=cast.network, name="A")
    f.ProcessingFactory(network=cast.other_network, name="C")
    assert list(processings_of(cast.network)) == [a, b]


# --- consents ---


@pytest.fixture
def person(cast):
    return f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])


@pytest.fixture
def newsletter(cast):
    return f.ProcessingFactory(network=cast.network, code="newsletter", legal_basis="consent")


def test_consent_transitions_never_asked_given_withdrawn_given(cast, person, newsletter):
    assert consent_states(person, cast.network)[0].state == "never_asked"

    consent = record_consent(
        actor=cast.case_manager, person=person, processing=newsletter, given=True, source="modulo cartaceo"
    )
    first_given_at = consent.given_at
    assert (consent.given, consent.withdrawn_at, consent.source) == (True, None, "modulo cartaceo")
    assert first_given_at is not None
    assert consent_states(person, cast.network)[0].state == "given"

    consent = record_consent(
        actor=cast.case_manager, person=person, processing=newsletter, given=False, source="online"
    )
    assert consent.given is False
    assert consent.withdrawn_at is not None and consent.withdrawn_at >= first_given_at
    assert consent.given_at == first_given_at  # when it had been given stays on record
    assert consent_states(person, cast.network)[0].state == "withdrawn"

    consent = record_consent(
        actor=cast.coordinator, person=person, processing=newsletter, given=True, source="telefono"
    )
    assert (consent.given, consent.withdrawn_at, consent.source) == (True, None, "telefono")
    assert consent.given_at >= first_given_at
    assert Consent.objects.count() == 1

    events = list(AuditEvent.objects.filter(object_type="core.consent").order_by("id"))
    assert [e.action for e in events] == ["create", "update", "update"]
    assert all(e.data_class == DataClass.PERSONAL and e.network_id == cast.network.pk for e in events)
    assert events[1].before["given"] is True and events[1].after["given"] is False


def test_refusal_when_never_asked_is_recorded_as_withdrawn(cast, person, newsletter):
    consent = record_consent(actor=cast.coordinator, person=person, processing=newsletter, given=False)
    assert (consent.given, consent.given_at) == (False, None)
    assert consent.withdrawn_at is not None


@pytest.mark.parametrize(
    "basis", ["contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"]
)
def test_consent_refused_on_a_processing_not_based_on_consent(cast, person, basis):
    processing = f.ProcessingFactory(network=cast.network, legal_basis=basis)
    with pytest.raises(ValidationError) as exc_info:
        record_consent(actor=cast.coordinator, person=person, processing=processing, given=True)
    assert codes(exc_info) == {"processing": ["not_consent_based"]}
    with translation.override("en"):
        assert "does not rest on consent" in exc_info.value.message_dict["processing"][0]
    assert Consent.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_consent_bad_input(cast, person, newsletter):
    elsewhere = f.ProcessingFactory(network=cast.other_network)
    with pytest.raises(ValidationError) as exc_info:
        record_consent(actor=cast.coordinator, person=person, processing=elsewhere, given=True)
    assert codes(exc_info) == {"processing": ["invalid_choice"]}
    with pytest.raises(ValidationError) as exc_info:
        record_consent(actor=cast.coordinator, person=person, processing=newsletter, given="yes", source="x" * 201)
    assert codes(exc_info) == {"given": ["invalid"], "source": ["max_length"]}
    assert Consent.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_consent_rules_missing_answers_and_the_longest_source(cast, person, newsletter):
    with pytest.raises(ValidationError) as exc_info:
        record_consent(actor=cast.coordinator, person=person, processing=None, given=None)
    assert codes(exc_info) == {"processing": ["invalid_choice"], "given": ["invalid"]}
    assert Consent.objects.count() == 0
    consent = record_consent(
        actor=cast.coordinator, person=person, processing=newsletter, given=False, source=f" {'x' * 200} "
    )
    assert (consent.given, consent.source) == (False, "x" * 200)


@pytest.mark.parametrize("persona", CONSENT_RECORDERS)
def test_operators_record_consents(cast, person, newsletter, persona):
    record_consent(actor=getattr(cast, persona), person=person, processing=newsletter, given=True)
    assert Consent.objects.get().given


@pytest.mark.parametrize("persona", NOT_CONSENT_RECORDERS)
def test_others_cannot_record_consents(cast, person, newsletter, persona):
    with pytest.raises(PermissionDenied):
        record_consent(actor=getattr(cast, persona), person=person, processing=newsletter, given=True)
    assert Consent.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_district_case_manager_cannot_record_consents_outside_their_district(cast, newsletter):
    in_crema = f.PersonFactory(network=cast.network, municipality=cast.municipalities[1])
    with pytest.raises(PermissionDenied):
        record_consent(actor=cast.district_case_manager, person=in_crema, processing=newsletter, given=True)
    assert Consent.objects.count() == 0


def test_consents_of_and_states(cast, person, newsletter):
    registry = f.ProcessingFactory(network=cast.network, name="AAA registro", legal_basis="public_task")
    other_person = f.PersonFactory(network=cast.network)
    f.ConsentFactory(person=other_person, processing=newsletter)
    consent = f.ConsentFactory(person=person, processing=newsletter, given=False)
    assert list(consents_of(person)) == [consent]
    states = consent_states(person, cast.network)
    assert [(s.processing, s.consent, s.state) for s in states] == [
        (registry, None, "never_asked"),
        (newsletter, consent, "withdrawn"),
    ]
