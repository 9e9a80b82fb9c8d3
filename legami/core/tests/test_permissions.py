"""The capability table and the helpers that read it."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from legami.core.permissions import can, district_scope, forget_grants, is_member, require, roles
from legami.core.roles import CAPABILITIES, Role
from legami.core.tests import factories as f


def test_every_capability_names_known_roles():
    for capability, allowed in CAPABILITIES.items():
        assert allowed, capability
        assert set(allowed) <= set(Role), capability


@pytest.mark.parametrize(
    ("persona", "capability", "expected"),
    [
        ("coordinator", "network.manage_members", True),
        ("case_manager", "network.manage_members", False),
        ("case_manager", "network.view_people", True),
        ("community_worker", "network.change_people", True),
        ("privacy_officer", "network.view_people", True),
        ("privacy_officer", "network.change_people", False),
        ("privacy_officer", "core.view_audit", True),
        ("partner_staff", "network.view_people", False),
        ("evaluator", "network.view_people", False),
        ("funder", "network.view_dashboard", True),
        ("funder", "network.change_people", False),
        ("citizen", "network.view_people", False),
        ("outsider", "network.view_dashboard", False),
        ("platform_admin", "network.view_people", False),
    ],
)
def test_can_follows_the_table(cast, persona, capability, expected):
    assert can(getattr(cast, persona), capability, cast.network) is expected


@pytest.mark.parametrize("user", ["coordinator", "citizen", None])
def test_an_undeclared_capability_fails_loudly(cast, user):
    # A typo must not read as "nobody may": it stops the request instead of denying everyone.
    actor = getattr(cast, user) if user else None
    with pytest.raises(ImproperlyConfigured, match="'network.does_not_exist' is not declared"):
        can(actor, "network.does_not_exist", cast.network)
    with pytest.raises(ImproperlyConfigured):
        require(actor, "network.does_not_exist", cast.network)
    with pytest.raises(ImproperlyConfigured):
        district_scope(actor, "network.does_not_exist", cast.network)


def test_anonymous_and_none_hold_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    assert not is_member(AnonymousUser(), cast.network)
    assert not can(None, "network.view_dashboard", cast.network)
    assert not can(cast.coordinator, "network.view_dashboard", None)


def test_roles_are_per_network(cast):
    assert roles(cast.outsider, cast.other_network) == {Role.COORDINATOR}
    assert roles(cast.outsider, cast.network) == frozenset()


def test_inactive_membership_grants_nothing(cast):
    user = f.UserFactory()
    membership = f.MembershipFactory(network=cast.network, user=user, role=Role.COORDINATOR)
    assert can(user, "network.manage_members", cast.network)
    membership.is_active = False
    membership.save()
    forget_grants(user)
    assert not can(user, "network.manage_members", cast.network)


def test_district_scope(cast):
    assert district_scope(cast.case_manager, "network.view_people", cast.network) is None
    assert district_scope(cast.district_case_manager, "network.view_people", cast.network) == {cast.district.pk}
    assert district_scope(cast.citizen, "network.view_people", cast.network) == set()


def test_an_unscoped_grant_wins_over_a_scoped_one(cast):
    f.MembershipFactory(network=cast.network, user=cast.district_case_manager, role=Role.COMMUNITY_WORKER)
    forget_grants(cast.district_case_manager)
    assert district_scope(cast.district_case_manager, "network.view_people", cast.network) is None


def test_require_raises(cast):
    from django.core.exceptions import PermissionDenied

    require(cast.coordinator, "network.manage_members", cast.network)
    with pytest.raises(PermissionDenied):
        require(cast.citizen, "network.manage_members", cast.network)
