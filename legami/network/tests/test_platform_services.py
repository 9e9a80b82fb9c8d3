"""Network services and selectors: create_network (platform admins), update_network, networks_for."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from legami.core.models import AuditEvent
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.network.models import Membership, Network
from legami.network.selectors.networks import (
    get_network_for_platform_admin,
    networks_for,
    networks_with_my_roles,
    platform_networks,
)
from legami.network.services.networks import create_network, update_network


def _counts():
    return Network.objects.count(), AuditEvent.objects.count()


def test_create_network(cast):
    network = create_network(
        actor=cast.platform_admin,
        name="  Welfare Cremona ",
        slug="welfare-cremona",
        summary="Una rete",
        contact_email="Info@Example.org",
        website="https://example.org",
    )
    network.refresh_from_db()
    assert network.name == "Welfare Cremona"
    assert network.slug == "welfare-cremona"
    assert network.contact_email == "info@example.org"
    assert network.is_active
    event = AuditEvent.objects.get(action=AuditEvent.Action.CREATE, object_type="network.network")
    assert event.actor == cast.platform_admin and event.network == network
    assert event.after["slug"] == "welfare-cremona"
    # The platform admin gets no role by creating it.
    assert not Membership.objects.filter(network=network).exists()


@pytest.mark.parametrize("persona", ["coordinator", "privacy_officer", "citizen", "outsider", "anonymous"])
def test_create_network_refused_to_non_platform_admins(cast, persona):
    before = _counts()
    with pytest.raises(PermissionDenied):
        create_network(actor=getattr(cast, persona), name="Rete", slug="rete-nuova")
    assert _counts() == before


@pytest.mark.parametrize(
    ("slug", "code"),
    [
        ("", "required"),
        ("Welfare", "invalid"),
        ("welfare cremona", "invalid"),
        ("welfare_cremona", "invalid"),
        ("-welfare", "invalid"),
        ("welfare--cremona", "invalid"),
        ("à-cremona", "invalid"),
        ("x", "length"),
        ("x" * 61, "length"),
        ("admin", "reserved"),
        ("platform", "reserved"),
        ("accounts", "reserved"),
        ("rete-prova", "unique"),
    ],
)
def test_create_network_bad_slug_writes_nothing(cast, slug, code):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        create_network(actor=cast.platform_admin, name="Rete", slug=slug)
    assert [e.code for e in exc.value.error_dict["slug"]] == [code]
    assert _counts() == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"contact_email": "not an email"}, "contact_email"),
        ({"website": "not a url"}, "website"),
        ({"summary": "x" * 301}, "summary"),
    ],
)
def test_create_network_bad_fields_write_nothing(cast, kwargs, field):
    data = {"name": "Rete", "slug": "rete-nuova", **kwargs}
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        create_network(actor=cast.platform_admin, **data)
    assert field in exc.value.message_dict
    assert _counts() == before


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"name": "   "}, "name", "blank"),
        ({"name": "x" * 201}, "name", "max_length"),
        ({"summary": "x" * 301}, "summary", "max_length"),
        ({"contact_email": "not an email"}, "contact_email", "invalid"),
        ({"website": "not a url"}, "website", "invalid"),
    ],
)
def test_network_input_rules_name_the_field_and_the_code(cast, kwargs, field, code):
    with pytest.raises(ValidationError) as exc:
        create_network(actor=cast.platform_admin, **{"name": "Rete", "slug": "rete-nuova", **kwargs})
    assert [e.code for e in exc.value.error_dict[field]] == [code]
    if code == "blank":
        assert exc.value.message_dict[field] == ["This field cannot be blank."]
    with pytest.raises(ValidationError) as exc:
        update_network(actor=cast.coordinator, network=cast.network, data=kwargs)
    assert [e.code for e in exc.value.error_dict[field]] == [code]


def test_network_input_rules_take_the_longest_values_and_refuse_other_fields_on_update(cast):
    network = create_network(
        actor=cast.platform_admin, name="x" * 200, slug="r" * 60, summary="s" * 300, contact_email=" A@B.IT "
    )
    assert (network.name, network.slug, network.contact_email) == ("x" * 200, "r" * 60, "a@b.it")
    with pytest.raises(ValidationError) as exc:
        update_network(actor=cast.coordinator, network=cast.network, data={"slug": "nuovo", "is_active": False})
    assert {name: [e.code for e in errors] for name, errors in exc.value.error_dict.items()} == {
        "is_active": ["unknown"],
        "slug": ["unknown"],
    }
    assert exc.value.message_dict["slug"] == ["This field cannot be changed here."]


def test_create_network_reports_every_bad_field_at_once(cast):
    with pytest.raises(ValidationError) as exc:
        create_network(actor=cast.platform_admin, name="", slug="admin")
    assert {"name", "slug"} <= set(exc.value.message_dict)


def test_update_network(cast):
    network = update_network(
        actor=cast.coordinator,
        network=cast.network,
        data={"name": "Rete rinominata", "summary": "Nuovo sommario", "contact_email": "RETE@example.org"},
    )
    network.refresh_from_db()
    assert network.name == "Rete rinominata"
    assert network.contact_email == "rete@example.org"
    assert cast.network.name == "Rete rinominata"
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_type="network.network")
    assert event.before["name"] == "Rete di prova" and event.after["name"] == "Rete rinominata"


@pytest.mark.parametrize(
    "persona", ["case_manager", "privacy_officer", "citizen", "funder", "outsider", "platform_admin", "anonymous"]
)
def test_update_network_refused(cast, persona):
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        update_network(actor=getattr(cast, persona), network=cast.network, data={"name": "Presa"})
    cast.network.refresh_from_db()
    assert cast.network.name == "Rete di prova"
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": ""}, "name"),
        ({"contact_email": "nope"}, "contact_email"),
        ({"website": "nope"}, "website"),
        ({"slug": "nuovo-slug"}, "slug"),
        ({"is_active": False}, "is_active"),
    ],
)
def test_update_network_bad_input_writes_nothing(cast, data, field):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        update_network(actor=cast.coordinator, network=cast.network, data=data)
    assert field in exc.value.message_dict
    cast.network.refresh_from_db()
    assert cast.network.name == "Rete di prova" and cast.network.slug == "rete-prova" and cast.network.is_active
    assert AuditEvent.objects.count() == before


def test_networks_for(cast):
    assert list(networks_for(cast.coordinator)) == [cast.network]
    assert list(networks_for(cast.outsider)) == [cast.other_network]
    assert list(networks_for(cast.platform_admin)) == []
    assert list(networks_for(None)) == []
    # Two roles in the same network still give one row.
    f.MembershipFactory(network=cast.network, user=cast.coordinator, role=Role.EVALUATOR)
    assert list(networks_for(cast.coordinator)) == [cast.network]
    f.MembershipFactory(network=cast.other_network, user=cast.coordinator, role=Role.CITIZEN)
    assert list(networks_for(cast.coordinator)) == [cast.other_network, cast.network]


def test_networks_for_skips_inactive_memberships_and_networks(cast):
    Membership.objects.filter(user=cast.citizen).update(is_active=False)
    assert list(networks_for(cast.citizen)) == []
    Network.objects.filter(pk=cast.other_network.pk).update(is_active=False)
    assert list(networks_for(cast.outsider)) == []


def test_networks_with_my_roles_lists_only_own_roles(cast, django_assert_num_queries):
    f.MembershipFactory(network=cast.network, user=cast.case_manager, role=Role.EVALUATOR)
    with django_assert_num_queries(2):
        networks = list(networks_with_my_roles(cast.case_manager))
        roles = {m.role for m in networks[0].my_memberships}
    assert roles == {Role.CASE_MANAGER, Role.EVALUATOR}


def test_platform_networks_counts(cast):
    rows = {n.slug: n for n in platform_networks(cast.platform_admin)}
    assert rows["rete-prova"].member_count == 10
    assert rows["rete-prova"].coordinator_count == 1
    assert rows["altra-rete"].member_count == 1


@pytest.mark.parametrize("persona", ["coordinator", "outsider", "anonymous"])
def test_platform_selectors_refuse_others(cast, persona):
    with pytest.raises(Http404):
        platform_networks(getattr(cast, persona))
    with pytest.raises(Http404):
        get_network_for_platform_admin(getattr(cast, persona), cast.network.pk)
