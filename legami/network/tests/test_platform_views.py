"""Platform administration pages: only platform admins see them; others get 404, anonymous log in."""

import pytest
from django.core import mail
from django.urls import reverse

from legami.accounts.models import Invitation
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.network.models import Network
from legami.network.services.members import accept_invitation

NOT_ADMINS = ["coordinator", "case_manager", "privacy_officer", "citizen", "outsider"]


def _pages(cast):
    return [
        reverse("platform:networks"),
        reverse("platform:network_create"),
        reverse("platform:coordinator_invite", args=[cast.network.pk]),
    ]


def test_platform_pages_for_platform_admin(login, cast):
    client = login(cast.platform_admin)
    for url in _pages(cast):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", NOT_ADMINS)
def test_platform_pages_404_for_everyone_else(login, cast, persona):
    client = login(getattr(cast, persona))
    for url in _pages(cast):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("platform:network_create"), {"name": "X", "slug": "rete-x"}).status_code == 404
    assert (
        client.post(
            reverse("platform:coordinator_invite", args=[cast.network.pk]), {"email": "x@example.org"}
        ).status_code
        == 404
    )
    assert not Network.objects.filter(slug="rete-x").exists()
    assert Invitation.objects.count() == 0


def test_platform_pages_redirect_anonymous_to_login(client, cast):
    for url in _pages(cast):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), url


def test_network_list(login, cast, django_assert_max_num_queries):
    client = login(cast.platform_admin)
    with django_assert_max_num_queries(8) as small:
        response = client.get(reverse("platform:networks"))
    body = response.content.decode()
    assert "Rete di prova" in body and "Altra rete" in body
    assert reverse("platform:coordinator_invite", args=[cast.network.pk]) in body
    for _ in range(10):
        network = f.NetworkFactory()
        f.MembershipFactory(network=network, role=Role.COORDINATOR)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("platform:networks"))
    assert len(response.context["page_obj"].object_list) == 12


def test_network_create_then_redirect_to_coordinator_invite(login, cast):
    response = login(cast.platform_admin).post(
        reverse("platform:network_create"),
        {"name": "Welfare Crema", "slug": "welfare-crema", "summary": "Rete cremasca", "contact_email": ""},
    )
    network = Network.objects.get(slug="welfare-crema")
    assert response.status_code == 302
    assert response["Location"] == reverse("platform:coordinator_invite", args=[network.pk])
    assert network.name == "Welfare Crema" and network.summary == "Rete cremasca"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Rete", "slug": "Maiuscole"}, "slug"),
        ({"name": "Rete", "slug": "admin"}, "slug"),
        ({"name": "Rete", "slug": "rete-prova"}, "slug"),
        ({"name": "", "slug": "rete-nuova"}, "name"),
        ({"name": "Rete", "slug": "rete-nuova", "contact_email": "nope"}, "contact_email"),
    ],
)
def test_network_create_bad_input_writes_nothing(login, cast, data, field):
    before = Network.objects.count()
    response = login(cast.platform_admin).post(reverse("platform:network_create"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert "error-summary" in response.content.decode()
    assert Network.objects.count() == before


def test_coordinator_invite_link_follows_the_request_when_the_base_url_is_unset(
    login, cast, django_capture_on_commit_callbacks, settings
):
    settings.LEGAMI_BASE_URL = ""
    network = f.NetworkFactory(name="Rete vuota", slug="rete-vuota")
    url = reverse("platform:coordinator_invite", args=[network.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cast.platform_admin).post(
            url, {"email": "coordinatrice@example.org", "full_name": "Anna Bianchi"}, HTTP_HOST="127.0.0.1:8765"
        )
    link = response.context["link"]
    assert link.startswith("http://127.0.0.1:8765/accounts/invitations/"), link
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body


def test_coordinator_invite_sends_email_and_shows_link(login, cast, django_capture_on_commit_callbacks, settings):
    settings.LEGAMI_BASE_URL = "https://legami.example.org"
    network = f.NetworkFactory(name="Rete vuota", slug="rete-vuota")
    client = login(cast.platform_admin)
    url = reverse("platform:coordinator_invite", args=[network.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "coordinatrice@example.org", "full_name": "Anna Bianchi"})
    assert response.status_code == 200
    invitation = Invitation.objects.get(network=network)
    assert invitation.role == Role.COORDINATOR and invitation.invited_by == cast.platform_admin
    link = response.context["link"]
    assert link.startswith("https://legami.example.org/accounts/invitations/")
    assert link in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    assert mail.outbox[0].to == ["coordinatrice@example.org"]
    # The pending invitation is listed when the page is seen again, without the link.
    again = client.get(url)
    assert "coordinatrice@example.org" in again.content.decode()
    assert link not in again.content.decode()
    # The invitee accepts and becomes the coordinator, listed on the page.
    token = link.rstrip("/").rsplit("/", 1)[1]
    membership = accept_invitation(raw_token=token, full_name="Anna Bianchi", password="una-password-robusta-42")
    assert membership.role == Role.COORDINATOR and membership.network == network
    assert "Anna Bianchi" in client.get(url).content.decode()


@pytest.mark.parametrize("data", [{"email": "nope"}, {"email": ""}, {"email": "coordinator@example.org"}])
def test_coordinator_invite_bad_input_writes_nothing(login, cast, data):
    response = login(cast.platform_admin).post(reverse("platform:coordinator_invite", args=[cast.network.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_coordinator_invite_unknown_network_is_404(login, cast):
    assert login(cast.platform_admin).get(reverse("platform:coordinator_invite", args=[999999])).status_code == 404
