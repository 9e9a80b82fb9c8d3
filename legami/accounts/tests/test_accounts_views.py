"""Account pages: log in/out, my networks, password change, invitation acceptance, tokens."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from legami.accounts.models import Invitation, PersonalAccessToken, User
from legami.accounts.services.tokens import create_token
from legami.core.models import AuditEvent
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.core.tests.factories import PASSWORD
from legami.network.models import Membership
from legami.network.services.members import invite_member, revoke_invitation

GOOD_PASSWORD = "una-password-robusta-42"


# --- log in / log out ----------------------------------------------------------------------------


def test_login_page(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode() and 'type="email"' in response.content.decode()


# A role that sees no case data logs in with the password alone (test_two_factor_views.py: the others).
def test_login_with_email_records_audit_event(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "Funder@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    assert int(client.session["_auth_user_id"]) == cast.funder.pk
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.actor == cast.funder


def test_login_follows_next(client, cast):
    target = reverse("network:dashboard", args=[cast.network.slug])
    response = client.post(
        reverse("accounts:login"), {"username": "funder@example.org", "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_login_wrong_password(client, cast):
    response = client.post(reverse("accounts:login"), {"username": "coordinator@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()


def test_logout_is_post_only(login, cast):
    client = login(cast.citizen)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# --- my networks ---------------------------------------------------------------------------------


def test_home_requires_login(client, db):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_home_lists_my_networks_and_roles(login, cast):
    f.MembershipFactory(network=cast.other_network, user=cast.partner_staff, role=Role.EVALUATOR)
    response = login(cast.partner_staff).get(reverse("accounts:home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("network:dashboard", args=["rete-prova"]) in body
    assert reverse("network:dashboard", args=["altra-rete"]) in body
    assert "Cooperativa Il Ponte" in body
    assert reverse("platform:networks") not in body


def test_home_with_one_network_does_not_redirect(login, cast):
    response = login(cast.citizen).get(reverse("accounts:home"))
    assert response.status_code == 200
    assert reverse("network:dashboard", args=["rete-prova"]) in response.content.decode()
    assert reverse("network:dashboard", args=["altra-rete"]) not in response.content.decode()


def test_home_superuser_sees_platform_link(login, cast):
    response = login(cast.platform_admin).get(reverse("accounts:home"))
    assert response.status_code == 200
    assert reverse("platform:networks") in response.content.decode()


def test_home_query_count_is_constant(login, cast, django_assert_max_num_queries):
    client = login(cast.citizen)
    with django_assert_max_num_queries(6):
        client.get(reverse("accounts:home"))
    for _ in range(5):
        network = f.NetworkFactory()
        f.MembershipFactory(network=network, user=cast.citizen, role=Role.CITIZEN)
        f.MembershipFactory(network=network, user=cast.citizen, role=Role.EVALUATOR)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("accounts:home"))
    assert response.content.decode().count("/dashboard/") == 6


# --- password change -----------------------------------------------------------------------------


def test_password_change(login, cast):
    client = login(cast.citizen)
    url = reverse("accounts:password_change")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "nuova-password-sicura-7",
            "new_password2": "nuova-password-sicura-7",
        },
    )
    assert response.status_code == 302
    cast.citizen.refresh_from_db()
    assert cast.citizen.check_password("nuova-password-sicura-7")
    # Still logged in after the change.
    assert client.get(reverse("accounts:home")).status_code == 200


def test_password_change_bad_input(login, cast):
    response = login(cast.citizen).post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong",
            "new_password1": "nuova-password-sicura-7",
            "new_password2": "nuova-password-sicura-7",
        },
    )
    assert response.status_code == 200
    cast.citizen.refresh_from_db()
    assert cast.citizen.check_password(PASSWORD)


def test_password_change_requires_login(client, db):
    assert client.get(reverse("accounts:password_change")).status_code == 302


# --- invitations ---------------------------------------------------------------------------------


def _invite(cast, email="nuovo@example.org", role=Role.COMMUNITY_WORKER):
    invitation, raw = invite_member(actor=cast.coordinator, network=cast.network, email=email, role=role)
    return invitation, reverse("accounts:invitation_accept", args=[raw])


def test_invitation_page_shows_network_role_and_signup_form(client, cast):
    _, url = _invite(cast)
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Rete di prova" in body
    assert str(Role.COMMUNITY_WORKER.label) in body
    assert 'name="password_confirm"' in body


def test_invitation_shows_the_role_label_and_the_district_name_once(client, cast):
    invitation, raw = invite_member(
        actor=cast.coordinator,
        network=cast.network,
        email="ambito@example.org",
        role=Role.CASE_MANAGER,
        district=cast.district,
    )
    # The audit log shows the invitation as people read it: the role's label, never its code.
    assert str(invitation) == "ambito@example.org → Case manager"
    event = AuditEvent.objects.get(action=AuditEvent.Action.INVITE, object_id=str(invitation.pk))
    assert event.object_repr == "ambito@example.org → Case manager"
    url = reverse("accounts:invitation_accept", args=[raw])
    body = client.get(url, headers={"accept-language": "en"}).content.decode()
    # District names already say "Ambito …": a neutral label, not "limited to the district Ambito …".
    assert f"Limited to: {cast.district.name}" in body
    assert "Limited to the district" not in body


def test_home_names_the_district_after_a_neutral_label(login, cast):
    body = login(cast.district_case_manager).get(reverse("accounts:home"), headers={"accept-language": "en"})
    text = body.content.decode()
    assert f"(limited to: {cast.district.name})" in text
    assert "district Ambito" not in text


def test_invitation_signup_creates_account_membership_and_logs_in(client, cast):
    invitation, url = _invite(cast)
    response = client.post(
        url, {"full_name": "Nuova Operatrice", "password": GOOD_PASSWORD, "password_confirm": GOOD_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("network:dashboard", args=["rete-prova"])
    user = User.objects.get(email="nuovo@example.org")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert Membership.objects.filter(user=user, network=cast.network, role=Role.COMMUNITY_WORKER, is_active=True)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCEPT, actor=user).exists()
    # The link is used up.
    client.logout()
    assert client.get(url).status_code == 410


@pytest.mark.parametrize(
    "data",
    [
        {"full_name": "Mario Rossi", "password": GOOD_PASSWORD, "password_confirm": GOOD_PASSWORD + "x"},
        {"full_name": "Mario Rossi", "password": "1234567890", "password_confirm": "1234567890"},
        {"full_name": "", "password": GOOD_PASSWORD, "password_confirm": GOOD_PASSWORD},
    ],
)
def test_invitation_signup_bad_input_writes_nothing(client, cast, data):
    invitation, url = _invite(cast)
    users = User.objects.count()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert User.objects.count() == users
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert "_auth_user_id" not in client.session


def test_invitation_for_existing_account_asks_to_log_in(client, cast):
    _, url = _invite(cast, email="evaluator@example.org")
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("accounts:login") + "?next=" in body
    assert 'name="password"' not in body
    # A POST without logging in creates nothing.
    client.post(url, {"full_name": "X", "password": GOOD_PASSWORD, "password_confirm": GOOD_PASSWORD})
    assert not Membership.objects.filter(user=cast.evaluator, role=Role.COMMUNITY_WORKER).exists()


def test_invitation_existing_account_logged_in_confirms(login, cast):
    invitation, url = _invite(cast, email="evaluator@example.org")
    client = login(cast.evaluator)
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["mode"] == "confirm"
    response = client.post(url)
    assert response.status_code == 302
    assert Membership.objects.filter(user=cast.evaluator, role=Role.COMMUNITY_WORKER, is_active=True).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_by == cast.evaluator


def test_invitation_wrong_logged_in_user(login, cast):
    invitation, url = _invite(cast, email="evaluator@example.org")
    client = login(cast.citizen)
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not Membership.objects.filter(user=cast.citizen, role=Role.COMMUNITY_WORKER).exists()


def test_invitation_unknown_token(client, db):
    response = client.get(reverse("accounts:invitation_accept", args=["nessun-token"]))
    assert response.status_code == 404
    assert response.context["reason"] == "unknown"


def test_invitation_expired(client, cast):
    invitation, url = _invite(cast)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url).status_code == 410
    response = client.post(url, {"full_name": "X", "password": GOOD_PASSWORD, "password_confirm": GOOD_PASSWORD})
    assert response.status_code == 410
    assert not User.objects.filter(email="nuovo@example.org").exists()


def test_invitation_revoked(client, cast):
    invitation, url = _invite(cast)
    revoke_invitation(actor=cast.coordinator, invitation=invitation)
    assert client.get(url).status_code == 410
    response = client.post(url, {"full_name": "X", "password": GOOD_PASSWORD, "password_confirm": GOOD_PASSWORD})
    assert response.status_code == 410
    assert not User.objects.filter(email="nuovo@example.org").exists()


# --- personal access tokens ----------------------------------------------------------------------


def test_tokens_require_login(client, db):
    assert client.get(reverse("accounts:tokens")).status_code == 302
    assert client.post(reverse("accounts:tokens"), {"name": "x"}).status_code == 302
    assert PersonalAccessToken.objects.count() == 0


def test_token_created_is_shown_once_and_only_hash_stored(login, cast):
    client = login(cast.coordinator)
    assert client.get(reverse("accounts:tokens")).status_code == 200
    response = client.post(reverse("accounts:tokens"), {"name": "Import notturno", "expires_in_days": "90"})
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    token = PersonalAccessToken.objects.get(user=cast.coordinator)
    body = response.content.decode()
    start = body.index(PersonalAccessToken.PREFIX, body.index('id="new-token"'))
    raw = body[start : body.index('"', start)]
    assert PersonalAccessToken.hash(raw) == token.token_hash
    assert token.token_hash != raw
    # Shown once: the next page view no longer holds it.
    again = client.get(reverse("accounts:tokens")).content.decode()
    assert raw not in again
    assert "Import notturno" in again and token.hint in again


@pytest.mark.parametrize(
    "data", [{"name": ""}, {"name": "x", "expires_in_days": "0"}, {"name": "x", "expires_in_days": "400"}]
)
def test_token_create_bad_input(login, cast, data):
    response = login(cast.coordinator).post(reverse("accounts:tokens"), data)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert PersonalAccessToken.objects.count() == 0


def test_token_list_shows_only_own_tokens(login, cast):
    create_token(actor=cast.citizen, name="Token del cittadino")
    body = login(cast.coordinator).get(reverse("accounts:tokens")).content.decode()
    assert "Token del cittadino" not in body


def test_token_revoke(login, cast):
    token, _ = create_token(actor=cast.coordinator, name="Da revocare")
    client = login(cast.coordinator)
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.parametrize("persona", ["citizen", "platform_admin"])
def test_token_revoke_of_others_is_404(login, cast, persona):
    token, _ = create_token(actor=cast.coordinator, name="Non tuo")
    client = login(getattr(cast, persona))
    url = reverse("accounts:token_revoke", args=[token.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_revoke_anonymous_redirects(client, cast):
    token, _ = create_token(actor=cast.coordinator, name="Mio")
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is None
