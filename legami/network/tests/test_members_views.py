"""Members pages: list, invite, withdraw an invitation, remove a role."""

import pytest
from django.core import mail
from django.urls import reverse

from legami.accounts.models import Invitation
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.network.models import Membership
from legami.network.services.members import invite_member

VIEWERS = ["coordinator", "case_manager", "community_worker", "privacy_officer"]
MANAGE_REFUSED = ["case_manager", "community_worker", "privacy_officer", "partner_staff", "citizen", "funder"]


def _url(name, cast, *args):
    return reverse(f"network:{name}", args=[cast.network.slug, *args])


# --- member list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [*VIEWERS, "district_case_manager"])
def test_member_list_allowed(login, cast, persona):
    response = login(getattr(cast, persona)).get(_url("members", cast))
    assert response.status_code == 200
    body = response.content.decode()
    assert "citizen@example.org" in body
    assert response.context["nav"] == "members"


@pytest.mark.parametrize("persona", ["partner_staff", "evaluator", "funder", "citizen"])
def test_member_list_forbidden_without_capability(login, cast, persona):
    assert login(getattr(cast, persona)).get(_url("members", cast)).status_code == 403


@pytest.mark.parametrize("persona", ["outsider", "platform_admin"])
def test_member_list_404_for_outsiders(login, cast, persona):
    assert login(getattr(cast, persona)).get(_url("members", cast)).status_code == 404


def test_member_list_anonymous_redirected(client, cast):
    response = client.get(_url("members", cast))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_member_list_shows_limitations_and_manage_links_only_to_coordinator(login, cast):
    body = login(cast.coordinator).get(_url("members", cast)).content.decode()
    assert "Cooperativa Il Ponte" in body and "Ambito Cremonese" in body
    partner = Membership.objects.get(network=cast.network, user=cast.partner_staff)
    assert _url("membership_deactivate", cast, partner.pk) in body
    assert _url("member_invite", cast) in body
    body = login(cast.case_manager).get(_url("members", cast)).content.decode()
    assert _url("membership_deactivate", cast, partner.pk) not in body
    assert _url("member_invite", cast) not in body


def test_member_list_names_districts_once_and_styles_the_role_filter(login, cast):
    invite_member(
        actor=cast.coordinator,
        network=cast.network,
        email="d@example.org",
        role=Role.CASE_MANAGER,
        district=cast.district,
    )
    body = login(cast.coordinator).get(_url("members", cast), headers={"accept-language": "en"}).content.decode()
    # The column says "Limited to" and the name already says "Ambito …": no "District: Ambito …".
    assert f"<td>{cast.district.name}</td>" in body
    assert "District:" not in body
    # The role filter is drawn like every other field (with a border), not as a bare select.
    # (components/field.html: the select sits in a .legami-field wrapper that gives it its border).
    field = body[body.index('<div class="mb-4 legami-field') : body.index("</select>")]
    assert 'name="role"' in field and "form-select" in field


def test_member_list_filter_by_role(login, cast):
    response = login(cast.coordinator).get(_url("members", cast), {"role": Role.CASE_MANAGER})
    emails = {m.user.email for m in response.context["page_obj"]}
    assert emails == {"case_manager@example.org", "district_case_manager@example.org"}
    # An unknown role is ignored, not an error.
    response = login(cast.coordinator).get(_url("members", cast), {"role": "nope"})
    assert response.status_code == 200


def test_member_list_hides_inactive_and_other_networks(login, cast):
    Membership.objects.filter(user=cast.citizen).update(is_active=False)
    body = login(cast.coordinator).get(_url("members", cast)).content.decode()
    assert "citizen@example.org" not in body
    assert "outsider@example.org" not in body


def test_member_list_shows_open_invitations_with_revoke_link(login, cast):
    invitation, _ = invite_member(
        actor=cast.coordinator, network=cast.network, email="invitato@example.org", role=Role.EVALUATOR
    )
    response = login(cast.coordinator).get(_url("members", cast))
    body = response.content.decode()
    assert "invitato@example.org" in body
    assert response.context["invitations"] == [(invitation, "pending", str(Role.EVALUATOR.label))]
    assert _url("invitation_revoke", cast, invitation.pk) in body
    body = login(cast.privacy_officer).get(_url("members", cast)).content.decode()
    assert "invitato@example.org" in body
    assert _url("invitation_revoke", cast, invitation.pk) not in body


def _add_members(cast, n):
    for _ in range(n):
        f.MembershipFactory(network=cast.network, role=Role.CITIZEN)
    for i in range(n):
        invite_member(actor=cast.coordinator, network=cast.network, email=f"inv{i}-{n}@example.org", role=Role.CITIZEN)


def test_member_list_query_count_is_constant(login, cast, django_assert_max_num_queries):
    client = login(cast.coordinator)
    _add_members(cast, 2)
    with django_assert_max_num_queries(12) as small:
        client.get(_url("members", cast))
    _add_members(cast, 20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(_url("members", cast))


def test_member_list_paginates(login, cast, settings):
    settings.LEGAMI_PAGE_SIZE = 5
    response = login(cast.coordinator).get(_url("members", cast), {"page": 2})
    assert response.context["page_obj"].number == 2
    # Ten memberships in the cast (its nine personas with a role and the sentinel): five on each page.
    assert len(response.context["page_obj"].object_list) == 5
    assert response.context["page_obj"].paginator.num_pages == 2


# --- invite --------------------------------------------------------------------------------------


def test_member_invite_form_limits_choices_to_the_network(login, cast):
    foreign_org = f.OrganizationFactory(network=cast.other_network, name="Associazione Estranea")
    foreign_district = f.SocialDistrictFactory(network=cast.other_network, name="Ambito Estraneo")
    response = login(cast.coordinator).get(_url("member_invite", cast))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["organization"].queryset) == [cast.organization]
    assert set(form.fields["district"].queryset) == {cast.district, cast.other_district}
    body = response.content.decode()
    assert foreign_org.name not in body and foreign_district.name not in body


def test_member_invite_sends_email_and_shows_link(login, cast, django_capture_on_commit_callbacks):
    client = login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("member_invite", cast),
            {
                "email": "nuovo.partner@example.org",
                "full_name": "Nuovo Partner",
                "role": Role.PARTNER_STAFF,
                "organization": cast.organization.pk,
            },
        )
    assert response.status_code == 200
    invitation = Invitation.objects.get(email="nuovo.partner@example.org")
    assert invitation.organization == cast.organization and invitation.role == Role.PARTNER_STAFF
    assert response.context["role_label"] == str(Role.PARTNER_STAFF.label)
    link = response.context["link"]
    assert link in response.content.decode()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert Invitation.hash(token) == invitation.token_hash
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body
    assert "no-store" in response["Cache-Control"]
    # The page says once that the invitation went out: no flash message repeating it.
    assert list(response.context["messages"]) == []
    assert "has been sent by e-mail" not in response.content.decode()


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        # Unset: the link follows the address the coordinator used, host and port included.
        ("", "http://localhost:8123/accounts/invitations/"),
        ("https://legami.example.org/", "https://legami.example.org/accounts/invitations/"),
    ],
)
def test_member_invite_link_uses_the_setting_or_the_request(
    login, cast, settings, django_capture_on_commit_callbacks, base_url, expected
):
    settings.LEGAMI_BASE_URL = base_url
    client = login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url("member_invite", cast),
            {"email": "porta@example.org", "role": Role.CITIZEN},
            HTTP_HOST="localhost:8123",
        )
    link = response.context["link"]
    assert link.startswith(expected), link
    assert len(mail.outbox) == 1 and link in mail.outbox[0].body


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not-an-email", "role": Role.CITIZEN},
        {"email": "ok@example.org", "role": "superhero"},
        {"email": "ok@example.org", "role": ""},
        {"email": "citizen@example.org", "role": Role.CITIZEN},
        {"email": "ok@example.org", "role": Role.PARTNER_STAFF, "organization": "999999"},
    ],
)
def test_member_invite_bad_input_writes_nothing(login, cast, data):
    response = login(cast.coordinator).post(_url("member_invite", cast), data)
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_member_invite_foreign_organization_is_refused(login, cast):
    foreign = f.OrganizationFactory(network=cast.other_network)
    response = login(cast.coordinator).post(
        _url("member_invite", cast), {"email": "ok@example.org", "role": Role.PARTNER_STAFF, "organization": foreign.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organization"]
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("persona", MANAGE_REFUSED)
def test_member_invite_forbidden(login, cast, persona):
    client = login(getattr(cast, persona))
    assert client.get(_url("member_invite", cast)).status_code == 403
    assert client.post(_url("member_invite", cast), {"email": "x@example.org", "role": "citizen"}).status_code == 403
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize("persona", ["outsider", "platform_admin"])
def test_member_invite_404_for_outsiders(login, cast, persona):
    client = login(getattr(cast, persona))
    assert client.post(_url("member_invite", cast), {"email": "x@example.org", "role": "citizen"}).status_code == 404
    assert Invitation.objects.count() == 0


def test_member_invite_anonymous_redirected(client, cast):
    assert client.get(_url("member_invite", cast)).status_code == 302


# --- revoke an invitation ------------------------------------------------------------------------


def _invitation(cast):
    return invite_member(actor=cast.coordinator, network=cast.network, email="revoca@example.org", role=Role.CITIZEN)[0]


def test_invitation_revoke_confirm_then_revoke(login, cast):
    invitation = _invitation(cast)
    client = login(cast.coordinator)
    url = _url("invitation_revoke", cast, invitation.pk)
    assert client.get(url).status_code == 200
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == _url("members", cast)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    # Already withdrawn: no longer open, so 404.
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("persona", MANAGE_REFUSED)
def test_invitation_revoke_forbidden(login, cast, persona):
    invitation = _invitation(cast)
    assert login(getattr(cast, persona)).post(_url("invitation_revoke", cast, invitation.pk)).status_code == 403
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_invitation_revoke_outsider_and_other_network(login, cast):
    invitation = _invitation(cast)
    assert login(cast.outsider).post(_url("invitation_revoke", cast, invitation.pk)).status_code == 404
    other = invite_member(
        actor=cast.outsider, network=cast.other_network, email="altro@example.org", role=Role.CITIZEN
    )[0]
    # The coordinator of this network cannot reach another network's invitation through this one.
    assert login(cast.coordinator).post(_url("invitation_revoke", cast, other.pk)).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_invitation_revoke_anonymous_redirected(client, cast):
    invitation = _invitation(cast)
    assert client.post(_url("invitation_revoke", cast, invitation.pk)).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# --- remove a role -------------------------------------------------------------------------------


def test_membership_deactivate_confirm_then_deactivate(login, cast):
    membership = Membership.objects.get(network=cast.network, user=cast.citizen)
    client = login(cast.coordinator)
    url = _url("membership_deactivate", cast, membership.pk)
    assert client.get(url).status_code == 200
    membership.refresh_from_db()
    assert membership.is_active
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == _url("members", cast)
    membership.refresh_from_db()
    assert not membership.is_active
    # The citizen is no longer a member: the network's private pages no longer exist for them.
    assert login(cast.citizen).get(_url("members", cast)).status_code == 404


def test_last_coordinator_guard_in_view(login, cast):
    membership = Membership.objects.get(network=cast.network, user=cast.coordinator)
    response = login(cast.coordinator).post(_url("membership_deactivate", cast, membership.pk))
    assert response.status_code == 409
    assert response.context["error"]
    membership.refresh_from_db()
    assert membership.is_active


@pytest.mark.parametrize("persona", MANAGE_REFUSED)
def test_membership_deactivate_forbidden(login, cast, persona):
    membership = Membership.objects.get(network=cast.network, user=cast.citizen)
    assert login(getattr(cast, persona)).post(_url("membership_deactivate", cast, membership.pk)).status_code == 403
    membership.refresh_from_db()
    assert membership.is_active


def test_membership_deactivate_outsider_and_other_network(login, cast):
    membership = Membership.objects.get(network=cast.network, user=cast.citizen)
    assert login(cast.outsider).post(_url("membership_deactivate", cast, membership.pk)).status_code == 404
    foreign = Membership.objects.get(network=cast.other_network, user=cast.outsider)
    assert login(cast.coordinator).post(_url("membership_deactivate", cast, foreign.pk)).status_code == 404
    membership.refresh_from_db()
    foreign.refresh_from_db()
    assert membership.is_active and foreign.is_active


def test_membership_deactivate_anonymous_redirected(client, cast):
    membership = Membership.objects.get(network=cast.network, user=cast.citizen)
    assert client.post(_url("membership_deactivate", cast, membership.pk)).status_code == 302
    membership.refresh_from_db()
    assert membership.is_active
