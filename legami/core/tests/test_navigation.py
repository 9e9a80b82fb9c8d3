"""The navigation registry: groups and entries, what each viewer sees, and the start-up check."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template
from django.test import RequestFactory

from legami.core.checks import check_navigation
from legami.core.context_processors import Capabilities
from legami.core.navigation import Entry, Group, Registry, registry


def _registry() -> Registry:
    fresh = Registry()
    fresh.register_group(Group("needs", "Needs", 20))
    fresh.register_group(Group("community", "Community", 10))
    fresh.register_group(Group("impact", "Impact", 50))
    fresh.register(
        Entry(None, "Dashboard", "network:dashboard", "dashboard", order=0),
        Entry("needs", "Map", "needs:map", "needs_map", order=20),
        Entry("needs", "List", "needs:needs", "needs", "needs.view_needs", order=10),
        Entry("community", "People", "network:people", "people", "network.view_people"),
    )
    return fresh


def test_the_menu_keeps_what_the_viewer_may_use_in_order_and_hides_empty_groups():
    menu = _registry().menu(slug="rete", allowed=lambda capability: capability == "needs.view_needs", current=None)

    assert [link.label for link in menu.links] == ["Dashboard"]
    # Community (no visible entry) and Impact (no entry at all) are hidden.
    assert [group.key for group in menu.groups] == ["needs"]
    assert [(e.label, e.url) for e in menu.groups[0].entries] == [("List", "/rete/needs/"), ("Map", "/rete/needs/map/")]


def test_the_current_page_marks_its_entry_and_its_group():
    menu = _registry().menu(slug="rete", allowed=lambda capability: True, current="needs_map")

    by_key = {group.key: group for group in menu.groups}
    assert by_key["needs"].current and not by_key["community"].current
    assert [e.label for e in by_key["needs"].entries if e.current] == ["Map"]
    assert not any(link.current for link in menu.links)


def test_a_viewer_with_no_capability_sees_only_the_open_entries():
    menu = _registry().menu(slug="rete", allowed=lambda capability: False, current=None)

    assert [link.label for link in menu.links] == ["Dashboard"]
    assert [e.label for g in menu.groups for e in g.entries] == ["Map"]


def test_declaring_the_same_group_or_entry_again_is_harmless():
    fresh = _registry()
    fresh.register_group(Group("needs", "Needs", 20))
    fresh.register(Entry("needs", "Map", "needs:map", "needs_map", order=20))

    assert len(fresh.entries) == 4


@pytest.mark.parametrize(
    ("group", "entry"),
    [
        (Group("needs", "Bisogni", 99), None),
        (None, Entry("nowhere", "Lost", "needs:map", "lost")),
        (None, Entry("needs", "Another map", "needs:map", "needs_map")),
    ],
    ids=["group declared twice differently", "entry in an undeclared group", "nav key taken"],
)
def test_a_clash_fails_at_registration(group, entry):
    fresh = _registry()
    with pytest.raises(ImproperlyConfigured):
        if group is not None:
            fresh.register_group(group)
        else:
            fresh.register(entry)


def test_problems_name_a_route_without_a_slug_and_an_unknown_capability():
    fresh = _registry()
    fresh.register(
        Entry("needs", "Broken", "needs:no_such_page", "broken"),
        Entry("needs", "Secret", "needs:needs", "secret", "needs.read_minds"),
        Entry("needs", "Home", "home", "home"),
    )

    problems = fresh.problems(known_capabilities={"needs.view_needs", "network.view_people"})

    assert len(problems) == 3
    assert any("'broken'" in p and "needs:no_such_page" in p for p in problems)
    assert any("'secret'" in p and "needs.read_minds" in p for p in problems)
    assert any("'home'" in p for p in problems)


def test_the_installed_apps_register_a_valid_menu():
    assert check_navigation(None) == []
    keys = {entry.nav for entry in registry.entries}
    assert {"dashboard", "people", "needs", "needs_map", "demands", "territory", "audit"} <= keys
    # Every page of the old flat menu found a group; only the dashboard stands outside them.
    assert [entry.nav for entry in registry.entries if entry.group is None] == ["dashboard"]


def _render(user, network, nav=None) -> str:
    request = RequestFactory().get("/")
    request.user = user
    context = {"network": network, "caps": Capabilities(user, network), "nav": nav, "request": request}
    return Template('{% include "components/network_nav.html" %}').render(Context(context))


def test_the_coordinator_sees_every_group_with_a_page(cast):
    html = _render(cast.coordinator, cast.network, nav="people")

    for label in ("Community", "Needs", "Responses", "Pacts and referrals", "Network"):
        assert f"<span>{label}</span>" in html
    # Groups that no part fills yet stay out of the menu.
    assert "Impact" not in html
    assert 'id="main-nav-community" data-bs-toggle="dropdown" aria-expanded="false" aria-current="true"' in html
    assert 'aria-current="page">People</a>' in html
    assert html.count("aria-current") == 2


def test_the_citizen_sees_only_the_pages_open_to_every_member(cast):
    html = _render(cast.citizen, cast.network)

    # The community group holds what a citizen does for themself: offers, matches, hours, spaces, activities.
    for label in ("Needs map", "Participatory processes", "Partners", "Territory", "Offers", "My matches"):
        assert f">{label}</a>" in html
    for label in (
        "People",
        "List of needs",
        "Surveys",
        "Aggregated demand",
        "Members",
        "Audit log",
        "Moderation",
        "Matching",
        "Matches",
        "Time bank accounts",
    ):
        assert f">{label}</a>" not in html


@pytest.mark.parametrize("persona", ["outsider", "anonymous", "platform_admin"])
def test_who_is_not_a_member_gets_no_menu(cast, persona):
    from django.contrib.auth.models import AnonymousUser

    user = getattr(cast, persona) or AnonymousUser()
    assert 'id="main-nav"' not in _render(user, cast.network)
