"""Linking a person record to the account of the same person."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.network.services.people import link_user


def test_coordinator_links_and_unlinks(cast):
    person = f.PersonFactory(network=cast.network)
    link_user(actor=cast.coordinator, person=person, user=cast.citizen)
    person.refresh_from_db()
    assert person.user == cast.citizen
    event = AuditEvent.objects.get(object_type="network.person", object_id=str(person.pk))
    assert event.after == {"user_id": cast.citizen.pk}
    link_user(actor=cast.coordinator, person=person, user=None)
    person.refresh_from_db()
    assert person.user is None


@pytest.mark.parametrize("persona", ["case_manager", "community_worker", "citizen", "outsider"])
def test_only_coordinators_link(cast, persona):
    person = f.PersonFactory(network=cast.network)
    with pytest.raises(PermissionDenied):
        link_user(actor=getattr(cast, persona), person=person, user=cast.citizen)
    person.refresh_from_db()
    assert person.user is None


def test_account_must_be_a_member_and_linked_once(cast):
    person = f.PersonFactory(network=cast.network)
    with pytest.raises(ValidationError) as excinfo:
        link_user(actor=cast.coordinator, person=person, user=cast.outsider)
    assert excinfo.value.error_dict["user"][0].code == "user_not_member"
    other = f.PersonFactory(network=cast.network, user=cast.citizen)
    with pytest.raises(ValidationError) as excinfo:
        link_user(actor=cast.coordinator, person=person, user=cast.citizen)
    assert excinfo.value.error_dict["user"][0].code == "user_already_linked"
    person.refresh_from_db()
    assert person.user is None and other.user == cast.citizen
    assert not AuditEvent.objects.filter(object_type="network.person").exists()
