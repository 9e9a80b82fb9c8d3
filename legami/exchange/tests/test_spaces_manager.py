"""A space's manager: chosen by the coordinators among the network's members who may manage spaces, shown on the
space's page to who may see members, and given the space's booking queue."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.exchange.models import Booking, BookingStatus, Space
from legami.exchange.selectors.spaces import manages, queue_for, space_manager_candidates
from legami.exchange.services import bookings as booking_services
from legami.exchange.services.spaces import create_space, update_space
from legami.exchange.tests.factories_spaces import SpaceFactory, next_weekday

pytestmark = pytest.mark.django_db

NOT_A_MANAGER = "Choose the manager among the network&#x27;s coordinators, community workers and partner staff."


def url(name, cast, *args):
    return reverse(f"exchange:{name}", args=[cast.network.slug, *args])


@pytest.fixture
def other_org(cast):
    return f.OrganizationFactory(network=cast.network, name="Associazione Altrove")


@pytest.fixture
def outside_staff(cast, other_org):
    """Partner staff of another organisation than the space's."""
    user = f.UserFactory(email="altrove@example.org", full_name="Livia Altrove")
    f.MembershipFactory(network=cast.network, user=user, role="partner_staff", organization=other_org)
    return user


def _form(cast, place, **changes):
    return {
        "name": "Sala piccola",
        "place": place.pk,
        "capacity": 12,
        "manager_organization": cast.organization.pk,
        "approval_required": "on",
        "is_active": "on",
    } | changes


def test_the_candidates_are_the_active_members_whose_role_manages_spaces(cast, outside_staff):
    gone = f.UserFactory(email="gone@example.org")
    f.MembershipFactory(network=cast.network, user=gone, role="community_worker", is_active=False)
    candidates = set(space_manager_candidates(cast.network))
    assert candidates == {cast.coordinator, cast.community_worker, cast.partner_staff, outside_staff}
    # another network's coordinator (the outsider) and members without the role are not among them
    assert not {cast.outsider, cast.citizen, cast.case_manager, cast.evaluator, gone} & candidates


def test_the_coordinator_names_a_manager_and_the_page_shows_it_to_who_may_see_members(cast, login, outside_staff):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    client = login(cast.coordinator)
    page = client.get(url("space_create", cast)).content.decode()
    assert 'name="manager"' in page and "Livia Altrove" in page and "Nobody in particular" in page
    response = client.post(url("space_create", cast), _form(cast, place, manager=outside_staff.pk))
    space = Space.objects.get()
    assert response.status_code == 302 and space.manager == outside_staff
    event = AuditEvent.objects.get(object_type="exchange.space", action="create")
    assert event.after["manager_id"] == outside_staff.pk
    for persona, shown in (("coordinator", True), ("community_worker", True), ("case_manager", True)):
        page = login(getattr(cast, persona)).get(url("space_detail", cast, space.pk)).content.decode()
        assert ("Livia Altrove" in page) == shown, persona
    # the manager sees their own name; members who do not see the network's members do not
    assert "Livia Altrove" in login(outside_staff).get(url("space_detail", cast, space.pk)).content.decode()
    for persona in ("citizen", "partner_staff", "evaluator", "funder"):
        page = login(getattr(cast, persona)).get(url("space_detail", cast, space.pk)).content.decode()
        assert "Livia Altrove" not in page and "Manager" not in page, persona


@pytest.mark.parametrize("who", ["citizen", "case_manager", "evaluator", "outsider", "inactive", "nobody", "text"])
def test_a_manager_who_may_not_manage_spaces_here_is_refused_with_a_field_error(cast, login, who):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    if who == "inactive":
        user = f.UserFactory(email="former@example.org")
        f.MembershipFactory(network=cast.network, user=user, role="coordinator", is_active=False)
        value = user.pk
    elif who == "nobody":
        value = 999999
    elif who == "text":
        value = "la signora del piano di sopra"
    else:
        value = getattr(cast, who).pk
    response = login(cast.coordinator).post(url("space_create", cast), _form(cast, place, manager=value))
    assert response.status_code == 400
    assert NOT_A_MANAGER in response.content.decode()
    assert not Space.objects.exists()


@pytest.mark.parametrize("who", ["citizen", "outsider"])
def test_the_service_refuses_a_manager_who_is_not_a_managing_member(cast, who):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    data = {
        "place": place,
        "name": "Sala",
        "capacity": 10,
        "manager_organization": cast.organization,
        "manager": getattr(cast, who),
    }
    with pytest.raises(ValidationError) as exc:
        create_space(actor=cast.coordinator, network=cast.network, data=data)
    assert [e.code for e in exc.value.error_dict["manager"]] == ["invalid_choice"]
    with pytest.raises(ValidationError) as exc:
        create_space(actor=cast.coordinator, network=cast.network, data=data | {"manager": getattr(cast, who).pk})
    assert [e.code for e in exc.value.error_dict["manager"]] == ["invalid_choice"]


def test_partner_staff_do_not_name_a_manager(cast, login, outside_staff):
    place = f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0])
    client = login(cast.partner_staff)
    assert 'name="manager"' not in client.get(url("space_create", cast)).content.decode()
    # a manager sent anyway is not a field of their form: the space has none
    response = client.post(url("space_create", cast), _form(cast, place, manager=outside_staff.pk))
    assert response.status_code == 302 and Space.objects.get().manager is None
    space = Space.objects.get()
    with pytest.raises(ValidationError) as exc:
        update_space(actor=cast.partner_staff, space=space, data={"manager": outside_staff})
    assert [e.code for e in exc.value.error_dict["manager"]] == ["not_allowed"]
    # their edits keep the manager a coordinator named
    update_space(actor=cast.coordinator, space=space, data={"manager": outside_staff})
    response = client.post(url("space_update", cast, space.pk), _form(cast, place, name="Sala piccola rinnovata"))
    space.refresh_from_db()
    assert response.status_code == 302 and space.name == "Sala piccola rinnovata" and space.manager == outside_staff


def test_a_manager_on_file_stays_when_the_space_is_edited_after_they_left(cast, login, outside_staff):
    space = SpaceFactory(network=cast.network, manager_organization=cast.organization, manager=outside_staff)
    outside_staff.memberships.update(is_active=False)
    client = login(cast.coordinator)
    page = client.get(url("space_update", cast, space.pk)).content.decode()
    assert "Livia Altrove" in page
    form = _form(cast, space.place, name="Sala nuova", manager=outside_staff.pk)
    response = client.post(url("space_update", cast, space.pk), form)
    space.refresh_from_db()
    assert response.status_code == 302 and space.name == "Sala nuova" and space.manager == outside_staff
    # naming them again on another space is refused
    other = SpaceFactory(network=cast.network, manager_organization=cast.organization)
    response = client.post(url("space_update", cast, other.pk), _form(cast, other.place, manager=outside_staff.pk))
    assert response.status_code == 400 and NOT_A_MANAGER in response.content.decode()


def test_the_manager_gets_the_spaces_booking_queue_and_confirms(cast, outside_staff):
    space = SpaceFactory(network=cast.network, manager_organization=cast.organization)
    booking = booking_services.request_booking(
        actor=cast.citizen,
        space=space,
        data={"date": next_weekday(1), "start": "16:00", "end": "18:00", "title": "Compleanno", "people": 12},
    )
    assert booking.status == BookingStatus.REQUESTED
    # another organisation's staff: not theirs until a coordinator names them
    assert not manages(outside_staff, space) and list(queue_for(outside_staff, cast.network)) == []
    update_space(actor=cast.coordinator, space=space, data={"manager": outside_staff})
    space.refresh_from_db()
    assert manages(outside_staff, space)
    assert list(queue_for(outside_staff, cast.network)) == [booking]
    booking_services.confirm_booking(actor=outside_staff, booking=Booking.objects.get(pk=booking.pk))
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    # they edit the space they manage, keeping its organisation (not theirs)
    update_space(actor=outside_staff, space=space, data={"name": "Sala del quartiere"})
    space.refresh_from_db()
    assert space.name == "Sala del quartiere" and space.manager_organization == cast.organization
    with pytest.raises(ValidationError) as exc:
        update_space(
            actor=outside_staff,
            space=space,
            data={"manager_organization": f.OrganizationFactory(network=cast.network)},
        )
    assert [e.code for e in exc.value.error_dict["manager_organization"]] == ["not_your_organisation"]
