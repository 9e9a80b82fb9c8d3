"""GET /api/v1/networks/ and /api/v1/networks/{slug}/: only the caller's networks, with their roles."""

import pytest

from legami.api.tests.helpers import BASE, network_url
from legami.core.roles import Role
from legami.core.tests import factories as f

MEMBERS = [
    "coordinator",
    "case_manager",
    "community_worker",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "privacy_officer",
    "district_case_manager",
]


@pytest.mark.parametrize("persona", MEMBERS)
def test_members_see_their_network_and_their_roles(api_as, cast, persona):
    user = getattr(cast, persona)
    listing = api_as(user).get(BASE).json()
    assert listing["count"] == 1
    [network] = listing["items"]
    assert network["slug"] == cast.network.slug
    expected_role = "case_manager" if persona == "district_case_manager" else persona
    assert network["roles"] == [expected_role]

    detail = api_as(user).get(network_url(cast.network))
    assert detail.status_code == 200
    assert detail.json()["name"] == cast.network.name
    assert detail.json()["roles"] == [expected_role]


def test_outsider_sees_only_their_own_network(api_as, cast):
    api = api_as(cast.outsider)
    listing = api.get(BASE).json()
    assert [n["slug"] for n in listing["items"]] == [cast.other_network.slug]
    assert api.get(network_url(cast.network)).status_code == 404
    assert api.get(network_url(cast.other_network)).status_code == 200


def test_platform_admin_without_a_role_sees_no_network(api_as, cast):
    api = api_as(cast.platform_admin)
    assert api.get(BASE).json() == {"count": 0, "page": 1, "page_size": 50, "items": []}
    assert api.get(network_url(cast.network)).status_code == 404


def test_unknown_and_inactive_networks_are_404(api_as, cast):
    api = api_as(cast.coordinator)
    assert api.get(f"{BASE}does-not-exist/").json() == {"detail": "Not found."}
    cast.network.is_active = False
    cast.network.save(update_fields=["is_active"])
    assert api.get(network_url(cast.network)).status_code == 404
    assert api.get(BASE).json()["count"] == 0


def test_deactivated_membership_loses_the_network(api_as, cast):
    cast.citizen.memberships.update(is_active=False)
    api = api_as(cast.citizen)
    assert api.get(BASE).json()["count"] == 0
    assert api.get(network_url(cast.network)).status_code == 404


def test_several_roles_and_networks(api_as, cast):
    f.MembershipFactory(network=cast.network, user=cast.coordinator, role=Role.EVALUATOR)
    f.MembershipFactory(network=cast.other_network, user=cast.coordinator, role=Role.FUNDER)
    listing = api_as(cast.coordinator).get(BASE).json()
    assert listing["count"] == 2
    by_slug = {n["slug"]: n["roles"] for n in listing["items"]}
    assert by_slug == {cast.network.slug: ["coordinator", "evaluator"], cast.other_network.slug: ["funder"]}


def test_pagination_of_networks(api_as, cast):
    for n in range(3):
        network = f.NetworkFactory(name=f"Zeta {n}", slug=f"zeta-{n}")
        f.MembershipFactory(network=network, user=cast.coordinator, role=Role.CITIZEN)
    api = api_as(cast.coordinator)
    page = api.get(BASE, {"page": 2, "page_size": 2}).json()
    assert page["count"] == 4
    assert [n["slug"] for n in page["items"]] == ["zeta-1", "zeta-2"]
    assert api.get(BASE, {"page": 3, "page_size": 2}).json()["items"] == []


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"page_size": 201}, ["query", "page_size"]),
        ({"page_size": 0}, ["query", "page_size"]),
        ({"page": 0}, ["query", "page"]),
        ({"page": "due"}, ["query", "page"]),
        ({"page": 10**12}, ["query", "page"]),
    ],
)
def test_bad_pagination_is_refused(api_as, cast, params, location):
    response = api_as(cast.coordinator).get(BASE, params)
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [location]


def test_page_size_200_is_allowed(api_as, cast):
    assert api_as(cast.coordinator).get(BASE, {"page_size": 200}).json()["page_size"] == 200


@pytest.mark.parametrize("extra", [1, 15])
def test_network_list_runs_a_constant_number_of_queries(api_as, cast, django_assert_max_num_queries, extra):
    for n in range(extra):
        network = f.NetworkFactory(slug=f"rete-extra-{n}")
        f.MembershipFactory(network=network, user=cast.coordinator, role=Role.COMMUNITY_WORKER)
    api = api_as(cast.coordinator)
    api.get(BASE)  # records the token's first use
    # token, count, page, prefetched memberships
    with django_assert_max_num_queries(4):
        assert api.get(BASE).json()["count"] == extra + 1
