"""The dashboard's summary cards (core.panels): each role gets only the groups, figures and links it may use."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from legami.accounts.models import Invitation
from legami.core.panels import DASHBOARD
from legami.core.roles import Role

# The cards each role gets, in the order shown (needs, demand, people, partnership, territory, privacy).
EXPECTED = {
    "coordinator": ["pacts_today", "needs", "demands", "people", "partnership", "territory", "privacy"],
    "case_manager": ["pacts_today", "needs", "demands", "people", "partnership", "territory"],
    "community_worker": ["pacts_today", "needs", "demands", "people", "partnership", "territory"],
    "partner_staff": ["pacts_today", "needs", "demands", "partnership", "territory"],
    "evaluator": ["needs", "demands", "partnership", "territory"],
    "funder": ["needs", "demands", "partnership", "territory"],
    "citizen": ["needs", "partnership", "territory"],
    "privacy_officer": ["needs", "people", "partnership", "territory", "privacy"],
    "sentinel": ["needs", "partnership", "territory"],
    "district_case_manager": ["pacts_today", "needs", "demands", "people", "partnership", "territory"],
}
MEMBERS = list(EXPECTED)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def dashboard(cast):
    return reverse("network:dashboard", args=[cast.network.slug])


@pytest.mark.parametrize("persona", MEMBERS)
def test_each_role_gets_the_cards_of_what_it_may_use(cast, login, persona):
    response = login(getattr(cast, persona)).get(dashboard(cast))
    assert [panel.key for panel in response.context["panels"]] == EXPECTED[persona]
    body = response.content.decode()
    for key in EXPECTED[persona]:
        assert f'id="panel-{key}"' in body


@pytest.mark.parametrize("persona", MEMBERS)
def test_every_figure_and_link_of_a_card_opens_for_that_role(cast, login, persona):
    client = login(getattr(cast, persona))
    panels = client.get(dashboard(cast)).context["panels"]
    addresses = {item.url.split("#")[0] for panel in panels for item in (*panel.figures, *panel.links) if item.url}
    assert addresses
    for address in sorted(addresses):
        assert client.get(address).status_code == 200, address


def _invitation(cast, email, **extra):
    fields = {
        "network": cast.network,
        "email": email,
        "role": Role.CITIZEN,
        "token_hash": Invitation.hash(email),
        "invited_by": cast.coordinator,
        "expires_at": timezone.now() + datetime.timedelta(days=7),
    }
    fields.update(extra)
    return Invitation.objects.create(**fields)


def test_pending_invitations_are_counted_for_who_manages_members(cast, login):
    _invitation(cast, "pending@example.org")
    _invitation(cast, "expired@example.org", expires_at=timezone.now() - datetime.timedelta(days=1))
    _invitation(cast, "revoked@example.org", revoked_at=timezone.now())
    _invitation(cast, "accepted@example.org", accepted_at=timezone.now(), accepted_by=cast.citizen)
    panels = {p.key: p for p in DASHBOARD.panels(cast.coordinator, cast.network)}
    figures = {f.label: f for f in panels["partnership"].figures}
    assert figures["Pending invitations"].value == 1
    assert figures["Pending invitations"].url == reverse("network:members", args=[cast.network.slug]) + "#invitations"
    for persona in ("case_manager", "privacy_officer", "citizen"):
        panels = {p.key: p for p in DASHBOARD.panels(getattr(cast, persona), cast.network)}
        assert "Pending invitations" not in {f.label for f in panels["partnership"].figures}


def test_outsiders_get_no_card(cast):
    assert DASHBOARD.panels(cast.outsider, cast.network) == []
    assert DASHBOARD.panels(None, cast.network) == []
