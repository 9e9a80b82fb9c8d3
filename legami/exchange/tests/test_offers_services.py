"""Offers: recording (operators, owners, the public form), every input rule, editing, every status transition."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.exchange.models import Offer, OfferEvent, OfferStatus
from legami.exchange.services import offers as svc
from legami.exchange.tests.factories_offers import area, offer
from legami.needs.tests.factories import NeedAreaFactory

pytestmark = pytest.mark.django_db


def _codes(exc, field=None):
    errors = exc.value.error_dict if hasattr(exc.value, "error_dict") else {None: exc.value.error_list}
    return [e.code for e in errors[field]]


def _data(cast, **overrides):
    return {
        "title": "Accompagnamento in auto",
        "kind": "transport",
        "areas": [area(cast).pk],
        "municipality": cast.municipalities[0].pk,
        "time_windows": "mar e gio 16-18",
        "languages": "italiano, inglese",
    } | overrides


def test_an_operator_records_an_open_offer_with_its_history_and_audit(cast):
    made = svc.record_offer(actor=cast.coordinator, network=cast.network, data=_data(cast, radius_km="2,5"))
    assert made.status == OfferStatus.OPEN
    assert made.radius_km == Decimal("2.5") and made.capacity == 1
    assert made.languages == ["it", "en"]
    assert made.time_windows == [
        {"day": 1, "start": "16:00", "end": "18:00"},
        {"day": 3, "start": "16:00", "end": "18:00"},
    ]
    assert [a.code for a in made.areas.all()] == ["casa"]
    assert OfferEvent.objects.filter(offer=made, from_status="", to_status=OfferStatus.OPEN).count() == 1
    assert AuditEvent.objects.filter(object_type="exchange.offer", object_id=str(made.pk), action="create").exists()


def test_a_citizens_own_offer_waits_for_a_check(cast):
    made = svc.record_offer(actor=cast.citizen, network=cast.network, data=_data(cast))
    assert made.status == OfferStatus.PENDING
    assert made.submitted_by == cast.citizen and made.contact_email == "citizen@example.org"
    assert made.consent_at is not None


def test_partner_staff_offer_for_their_organisation_only(cast):
    made = svc.record_offer(
        actor=cast.partner_staff, network=cast.network, data=_data(cast, organization=cast.organization.pk)
    )
    assert made.status == OfferStatus.OPEN and made.organization == cast.organization
    other = f.OrganizationFactory(network=cast.network, name="Altra associazione")
    with pytest.raises(ValidationError) as exc:
        svc.record_offer(actor=cast.partner_staff, network=cast.network, data=_data(cast, organization=other.pk))
    assert _codes(exc, "organization") == ["not_yours"]


def test_a_citizen_cannot_post_for_someone_else(cast):
    person = f.PersonFactory(network=cast.network)
    with pytest.raises(ValidationError) as exc:
        svc.record_offer(actor=cast.citizen, network=cast.network, data=_data(cast, person=person.pk))
    assert _codes(exc, "person") == ["not_yours"]


@pytest.mark.parametrize("persona", ["evaluator", "funder", "privacy_officer", "outsider"])
def test_roles_without_offers_are_refused(cast, persona):
    with pytest.raises(PermissionDenied):
        svc.record_offer(actor=getattr(cast, persona), network=cast.network, data=_data(cast))
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("title", "   ", "required"),
        ("title", "x" * 201, "max_length"),
        ("kind", "lessons", "invalid_choice"),
        ("areas", [], "required"),
        ("areas", [999999], "invalid_choice"),
        ("municipality", 999999, "invalid_choice"),
        ("radius_km", "far", "invalid"),
        ("radius_km", "-1", "min_value"),
        ("radius_km", "201", "max_value"),
        ("capacity", "0", "invalid"),
        ("capacity", "501", "invalid"),
        ("capacity", "two", "invalid"),
        ("time_windows", "whenever you like", "invalid"),
        ("languages", "klingon", "unknown"),
        ("latitude", "45.1", "point_incomplete"),
        ("contact_email", "not-an-email", "invalid"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_is_written(cast, field, value, code):
    with pytest.raises(ValidationError) as exc:
        svc.record_offer(actor=cast.coordinator, network=cast.network, data=_data(cast, **{field: value}))
    codes = exc.value.message_dict
    assert field in codes or (field == "latitude" and "longitude" in codes or "latitude" in codes)
    found = [e.code for name, errors in exc.value.error_dict.items() for e in errors]
    assert code in found
    assert not Offer.objects.exists()


def test_a_person_and_an_organisation_together_are_refused(cast):
    person = f.PersonFactory(network=cast.network)
    with pytest.raises(ValidationError) as exc:
        svc.record_offer(
            actor=cast.coordinator,
            network=cast.network,
            data=_data(cast, person=person.pk, organization=cast.organization.pk),
        )
    assert _codes(exc, "organization") == ["one_owner"]


def test_an_area_of_another_network_is_refused(cast):
    foreign = NeedAreaFactory(network=cast.other_network, code="altrove")
    with pytest.raises(ValidationError) as exc:
        svc.record_offer(actor=cast.coordinator, network=cast.network, data=_data(cast, areas=[foreign.pk]))
    assert _codes(exc, "areas") == ["invalid_choice"]


def test_the_external_id_is_unique_in_the_network(cast):
    svc.record_offer(actor=cast.coordinator, network=cast.network, data=_data(cast, external_id="OF-1"))
    with pytest.raises(ValidationError) as exc:
        svc.record_offer(actor=cast.coordinator, network=cast.network, data=_data(cast, external_id="OF-1"))
    assert _codes(exc, "external_id") == ["unique"]


# --- the public form ------------------------------------------------------------------------------------


def _public(cast, **overrides):
    data = _data(cast) | {"contact_name": "Lucia", "contact_email": "lucia@example.org"}
    return data | overrides


def test_anyone_may_offer_with_a_contact(cast):
    made = svc.submit_public_offer(network=cast.network, data=_public(cast))
    assert made.status == OfferStatus.PENDING and made.submitted_by is None
    assert made.contact_name == "Lucia" and made.consent_at is not None


def test_the_public_form_wants_a_name_and_a_way_to_answer(cast):
    with pytest.raises(ValidationError) as exc:
        svc.submit_public_offer(network=cast.network, data=_public(cast, contact_name="", contact_email=""))
    assert set(exc.value.error_dict) == {"contact_name", "contact_email"}
    assert not Offer.objects.exists()


def test_the_public_form_refuses_fields_it_does_not_have(cast):
    with pytest.raises(ValidationError):
        svc.submit_public_offer(network=cast.network, data=_public(cast, organization=cast.organization.pk))
    assert not Offer.objects.exists()


def test_a_logged_in_citizen_is_reached_through_their_account(cast):
    made = svc.submit_public_offer(network=cast.network, data=_data(cast), user=cast.citizen)
    assert made.submitted_by == cast.citizen and made.contact_email == "citizen@example.org"


# --- editing and the status workflow ----------------------------------------------------------------------


def test_the_owner_edits_their_offer_and_an_operator_any(cast):
    made = svc.record_offer(actor=cast.citizen, network=cast.network, data=_data(cast))
    svc.update_offer(actor=cast.citizen, offer=made, data={"capacity": "3"})
    svc.update_offer(actor=cast.community_worker, offer=made, data={"radius_km": "10"})
    made.refresh_from_db()
    assert made.capacity == 3 and made.radius_km == Decimal("10")
    with pytest.raises(PermissionDenied):
        svc.update_offer(actor=cast.partner_staff, offer=made, data={"capacity": "2"})
    with pytest.raises(ValidationError) as exc:
        svc.update_offer(actor=cast.citizen, offer=made, data={"organization": cast.organization.pk})
    assert _codes(exc, "person") == ["not_editable"]
    with pytest.raises(ValidationError):
        svc.update_offer(actor=cast.coordinator, offer=made, data={"status": "open"})


ALLOWED = [(a, b) for a, targets in svc.OFFER_WORKFLOW.table().items() for b in sorted(targets)]
REFUSED = [
    (a, b) for a in OfferStatus.values for b in OfferStatus.values if a != b and b not in svc.OFFER_WORKFLOW.table()[a]
]


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_every_allowed_transition_moves_the_offer(cast, source, target):
    made = offer(cast, [area(cast)], status=source)
    svc.change_offer_status(actor=cast.coordinator, offer=made, to_status=target, note="ok")
    made.refresh_from_db()
    assert made.status == target
    assert OfferEvent.objects.filter(offer=made, from_status=source, to_status=target, note="ok").exists()


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_every_refused_transition_writes_nothing(cast, source, target):
    made = offer(cast, [area(cast)], status=source)
    with pytest.raises(ValidationError) as exc:
        svc.change_offer_status(actor=cast.coordinator, offer=made, to_status=target)
    assert exc.value.code == "invalid_transition"
    made.refresh_from_db()
    assert made.status == source and not OfferEvent.objects.filter(offer=made).exists()


def test_the_owner_pauses_and_closes_but_only_an_operator_verifies_and_reopens(cast):
    made = svc.record_offer(actor=cast.citizen, network=cast.network, data=_data(cast))
    with pytest.raises(PermissionDenied):
        svc.change_offer_status(actor=cast.citizen, offer=made, to_status=OfferStatus.OPEN)
    svc.change_offer_status(actor=cast.community_worker, offer=made, to_status=OfferStatus.OPEN)
    svc.change_offer_status(actor=cast.citizen, offer=made, to_status=OfferStatus.PAUSED)
    svc.change_offer_status(actor=cast.citizen, offer=made, to_status=OfferStatus.OPEN)
    svc.change_offer_status(actor=cast.citizen, offer=made, to_status=OfferStatus.CLOSED)
    with pytest.raises(PermissionDenied):
        svc.change_offer_status(actor=cast.citizen, offer=made, to_status=OfferStatus.OPEN)
    with pytest.raises(PermissionDenied):
        svc.change_offer_status(actor=cast.partner_staff, offer=made, to_status=OfferStatus.OPEN)
    made.refresh_from_db()
    assert made.status == OfferStatus.CLOSED


def test_an_unknown_status_is_refused(cast):
    made = offer(cast, [area(cast)])
    with pytest.raises(ValidationError) as exc:
        svc.change_offer_status(actor=cast.coordinator, offer=made, to_status="gone")
    assert exc.value.code == "invalid_choice"
