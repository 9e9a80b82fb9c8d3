"""Services of network members: invitations (send, accept, revoke) and memberships."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from legami.accounts.models import Invitation, User
from legami.core.models import AuditEvent
from legami.core.permissions import can
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.network.models import Membership
from legami.network.services.members import (
    InvitationUnavailable,
    accept_invitation,
    deactivate_membership,
    invitation_link,
    invitation_state,
    invite_member,
    revoke_invitation,
)

GOOD_PASSWORD = "una-password-robusta-42"


def _counts():
    return Invitation.objects.count(), AuditEvent.objects.count(), len(mail.outbox)


# --- invite_member -------------------------------------------------------------------------------


def test_invite_member_stores_hash_audits_and_emails_link(cast, settings, django_capture_on_commit_callbacks):
    settings.LEGAMI_BASE_URL = "https://legami.example.org/"
    with django_capture_on_commit_callbacks(execute=True):
        invitation, raw = invite_member(
            actor=cast.coordinator,
            network=cast.network,
            email="  Nuova.Persona@Example.org ",
            role=Role.PARTNER_STAFF,
            full_name="Nuova Persona",
            organization=cast.organization,
        )
    invitation.refresh_from_db()
    assert invitation.email == "nuova.persona@example.org"
    assert invitation.token_hash == Invitation.hash(raw)
    assert raw not in invitation.token_hash
    assert invitation.organization == cast.organization
    assert invitation.invited_by == cast.coordinator
    expected_expiry = timezone.now() + timedelta(days=settings.LEGAMI_INVITATION_DAYS)
    assert abs((invitation.expires_at - expected_expiry).total_seconds()) < 60
    assert invitation_state(invitation) == "pending"

    event = AuditEvent.objects.get(action=AuditEvent.Action.INVITE)
    assert event.network == cast.network and event.actor == cast.coordinator
    assert event.object_id == str(invitation.pk)
    assert event.after["token_hash"] == "[redacted]"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nuova.persona@example.org"]
    link = "https://legami.example.org" + reverse("accounts:invitation_accept", args=[raw])
    assert link in message.body
    assert cast.network.name in message.subject
    with translation.override(settings.LANGUAGE_CODE):
        assert str(Role.PARTNER_STAFF.label) in message.body


def test_invite_member_emails_the_link_under_the_base_url_it_is_given(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.LEGAMI_BASE_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        _, raw = _invite(cast, "base@example.org", base_url="http://legami.local:8080/")
    link = "http://legami.local:8080" + reverse("accounts:invitation_accept", args=[raw])
    assert link in mail.outbox[0].body
    assert invitation_link(raw, base_url="http://legami.local:8080") == link


def test_invite_member_sends_no_email_before_commit(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invite_member(actor=cast.coordinator, network=cast.network, email="a@example.org", role=Role.CITIZEN)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_invite_member_with_district(cast):
    invitation, _ = invite_member(
        actor=cast.coordinator,
        network=cast.network,
        email="ambito@example.org",
        role=Role.CASE_MANAGER,
        district=cast.district,
    )
    assert invitation.district == cast.district


@pytest.mark.parametrize(
    "persona",
    [
        "case_manager",
        "community_worker",
        "partner_staff",
        "evaluator",
        "funder",
        "citizen",
        "privacy_officer",
        "district_case_manager",
        "outsider",
        "anonymous",
    ],
)
def test_invite_member_refused_without_manage_members(cast, persona):
    before = _counts()
    with pytest.raises(PermissionDenied):
        invite_member(actor=getattr(cast, persona), network=cast.network, email="x@example.org", role=Role.CITIZEN)
    assert _counts() == before


def test_platform_admin_may_invite_a_coordinator_only(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation, _ = invite_member(
            actor=cast.platform_admin, network=cast.other_network, email="coord@example.org", role=Role.COORDINATOR
        )
    assert invitation.role == Role.COORDINATOR
    assert len(mail.outbox) == 1
    before = _counts()
    with pytest.raises(PermissionDenied):
        invite_member(
            actor=cast.platform_admin, network=cast.other_network, email="cm@example.org", role=Role.CASE_MANAGER
        )
    assert _counts() == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": ""}, "email"),
        ({"email": "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "it"}, "email"),  # valid, but longer than 254
        ({"role": "superhero"}, "role"),
        ({"full_name": "x" * 201}, "full_name"),
    ],
)
def test_invite_member_bad_input_writes_nothing(cast, kwargs, field):
    data = {"email": "ok@example.org", "role": Role.CITIZEN, **kwargs}
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        invite_member(actor=cast.coordinator, network=cast.network, **data)
    assert field in exc.value.message_dict
    assert _counts() == before


def _codes(exc):
    return {field: [error.code for error in errors] for field, errors in exc.value.error_dict.items()}


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"email": "not-an-email"}, "email", "invalid"),
        ({"email": ""}, "email", "invalid"),
        ({"email": "   "}, "email", "invalid"),
        ({"email": None}, "email", "invalid"),
        ({"role": "superhero"}, "role", "invalid_choice"),
        ({"role": ""}, "role", "invalid_choice"),
        ({"full_name": "x" * 201}, "full_name", "max_length"),
        ({"organization": "foreign"}, "organization", "other_network"),
        ({"district": "foreign"}, "district", "other_network"),
    ],
)
def test_invite_member_bad_input_names_the_field_and_the_code(cast, kwargs, field, code):
    foreign = {
        "organization": lambda: f.OrganizationFactory(network=cast.other_network),
        "district": lambda: f.SocialDistrictFactory(network=cast.other_network),
    }
    kwargs = {k: foreign[k]() if v == "foreign" else v for k, v in kwargs.items()}
    data = {"email": "ok@example.org", "role": Role.CASE_MANAGER, **kwargs}
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        invite_member(actor=cast.coordinator, network=cast.network, **data)
    assert _codes(exc) == {field: [code]}
    assert _counts() == before


def test_an_empty_email_reads_as_an_invalid_one(cast):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        invite_member(actor=cast.coordinator, network=cast.network, email=" ", role=Role.CITIZEN)
    assert exc.value.message_dict == {"email": ["Enter a valid e-mail address."]}


def test_invite_member_good_input_is_stored_normalised(cast):
    invitation, _ = invite_member(
        actor=cast.coordinator,
        network=cast.network,
        email=" Nome.Cognome@Example.ORG ",
        role=Role.CASE_MANAGER,
        full_name=" " + "x" * 200 + " ",
        district=cast.district,
    )
    invitation.refresh_from_db()
    assert (invitation.email, invitation.full_name, invitation.role) == (
        "nome.cognome@example.org",
        "x" * 200,
        Role.CASE_MANAGER,
    )


def test_invite_member_refuses_organization_of_another_network(cast):
    foreign = f.OrganizationFactory(network=cast.other_network)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        invite_member(
            actor=cast.coordinator,
            network=cast.network,
            email="ok@example.org",
            role=Role.PARTNER_STAFF,
            organization=foreign,
        )
    assert "organization" in exc.value.message_dict
    assert _counts() == before


def test_invite_member_refuses_district_of_another_network(cast):
    foreign = f.SocialDistrictFactory(network=cast.other_network)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        invite_member(
            actor=cast.coordinator,
            network=cast.network,
            email="ok@example.org",
            role=Role.CASE_MANAGER,
            district=foreign,
        )
    assert "district" in exc.value.message_dict
    assert _counts() == before


def test_invite_member_refuses_duplicate_pending_invitation(cast):
    invite_member(actor=cast.coordinator, network=cast.network, email="dup@example.org", role=Role.CITIZEN)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        invite_member(actor=cast.coordinator, network=cast.network, email="DUP@example.org", role=Role.CITIZEN)
    assert exc.value.error_dict["email"][0].code == "duplicate"
    assert _counts() == before
    # Another role for the same person is a different invitation.
    invite_member(actor=cast.coordinator, network=cast.network, email="dup@example.org", role=Role.EVALUATOR)


def test_invite_member_allows_new_invitation_after_expiry_or_revocation(cast):
    first, _ = invite_member(actor=cast.coordinator, network=cast.network, email="again@example.org", role=Role.CITIZEN)
    Invitation.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    second, _ = invite_member(
        actor=cast.coordinator, network=cast.network, email="again@example.org", role=Role.CITIZEN
    )
    revoke_invitation(actor=cast.coordinator, invitation=second)
    invite_member(actor=cast.coordinator, network=cast.network, email="again@example.org", role=Role.CITIZEN)
    assert Invitation.objects.filter(email="again@example.org").count() == 3


def test_invite_member_refuses_existing_active_membership_with_role(cast):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        invite_member(actor=cast.coordinator, network=cast.network, email="Citizen@example.org", role=Role.CITIZEN)
    assert exc.value.error_dict["email"][0].code == "already_member"
    assert _counts() == before
    # The same person may be invited to another role.
    invite_member(actor=cast.coordinator, network=cast.network, email="citizen@example.org", role=Role.EVALUATOR)


# --- accept_invitation ---------------------------------------------------------------------------


def _invite(cast, email="nuovo@example.org", role=Role.COMMUNITY_WORKER, **kwargs):
    return invite_member(actor=cast.coordinator, network=cast.network, email=email, role=role, **kwargs)


def test_accept_invitation_creates_user_and_membership(cast):
    invitation, raw = _invite(cast, role=Role.PARTNER_STAFF, organization=cast.organization)
    membership = accept_invitation(raw_token=raw, full_name="Nuovo Operatore", password=GOOD_PASSWORD)

    user = User.objects.get(email="nuovo@example.org")
    assert user.full_name == "Nuovo Operatore"
    assert user.check_password(GOOD_PASSWORD)
    assert membership.user == user and membership.network == cast.network
    assert membership.role == Role.PARTNER_STAFF and membership.organization == cast.organization
    assert membership.is_active
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == user
    assert invitation_state(invitation) == "accepted"
    accept = AuditEvent.objects.get(action=AuditEvent.Action.ACCEPT)
    assert accept.actor == user and accept.network == cast.network
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="network.membership").exists()
    assert can(user, "network.view_dashboard", cast.network)


def test_accept_invitation_keeps_district_limitation(cast):
    _, raw = _invite(cast, role=Role.CASE_MANAGER, district=cast.other_district)
    membership = accept_invitation(raw_token=raw, full_name="Case Manager Crema", password=GOOD_PASSWORD)
    assert membership.district == cast.other_district


def test_accept_invitation_by_existing_logged_in_user(cast):
    invitation, raw = invite_member(
        actor=cast.coordinator, network=cast.network, email="evaluator@example.org", role=Role.COMMUNITY_WORKER
    )
    users_before = User.objects.count()
    membership = accept_invitation(raw_token=raw, user=cast.evaluator)
    assert membership.user == cast.evaluator and membership.role == Role.COMMUNITY_WORKER
    assert User.objects.count() == users_before
    assert can(cast.evaluator, "network.view_people", cast.network)


def test_accept_invitation_refuses_other_user(cast):
    _, raw = _invite(cast)
    before = (Membership.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PermissionDenied):
        accept_invitation(raw_token=raw, user=cast.citizen)
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


def test_accept_invitation_requires_login_when_account_exists(cast):
    _, raw = invite_member(
        actor=cast.coordinator, network=cast.network, email="evaluator@example.org", role=Role.COMMUNITY_WORKER
    )
    before = (Membership.objects.count(), User.objects.count())
    with pytest.raises(ValidationError) as exc:
        accept_invitation(raw_token=raw, full_name="Impostore", password=GOOD_PASSWORD)
    assert "email" in exc.value.message_dict
    assert (Membership.objects.count(), User.objects.count()) == before


@pytest.mark.parametrize(
    ("full_name", "password", "field"),
    [
        ("", GOOD_PASSWORD, "full_name"),
        ("Mario Rossi", "1234567890", "password"),
        ("Mario Rossi", "corta", "password"),
        ("Mario Rossi", "password123", "password"),
        ("Nuovo", "nuovo@example.org", "password"),
    ],
)
def test_accept_invitation_bad_input_writes_nothing(cast, full_name, password, field):
    invitation, raw = _invite(cast)
    before = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as exc:
        accept_invitation(raw_token=raw, full_name=full_name, password=password)
    assert field in exc.value.message_dict
    assert (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()) == before
    invitation.refresh_from_db()
    assert invitation_state(invitation) == "pending"


@pytest.mark.parametrize(
    ("full_name", "password", "field", "code"),
    [
        ("", GOOD_PASSWORD, "full_name", "required"),
        ("   ", GOOD_PASSWORD, "full_name", "required"),
        ("x" * 201, GOOD_PASSWORD, "full_name", "max_length"),
        ("Mario Rossi", "", "password", "password_too_short"),
        ("Mario Rossi", "corta", "password", "password_too_short"),
        ("Mario Rossi", "8301957264", "password", "password_entirely_numeric"),
        ("Mario Rossi", "password123", "password", "password_too_common"),
        ("Nuovo", "nuovo@example.org", "password", "password_too_similar"),
    ],
)
def test_accept_invitation_bad_input_names_the_field_and_the_code(cast, full_name, password, field, code):
    _, raw = _invite(cast)
    with pytest.raises(ValidationError) as exc:
        accept_invitation(raw_token=raw, full_name=full_name, password=password)
    assert list(_codes(exc)) == [field]
    assert code in _codes(exc)[field]
    assert not User.objects.filter(email="nuovo@example.org").exists()


def test_accept_invitation_says_what_is_missing_in_the_words_it_always_used(cast):
    _, raw = _invite(cast)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        accept_invitation(raw_token=raw, full_name=" ", password="x" * 201)
    assert exc.value.message_dict["full_name"] == ["Enter your full name."]
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        accept_invitation(raw_token=raw, full_name="x" * 201, password=GOOD_PASSWORD)
    assert exc.value.message_dict == {"full_name": ["The name is too long."]}


def test_an_existing_account_is_the_one_error_whatever_else_was_typed(cast):
    _, raw = _invite(cast, email="evaluator@example.org")
    with pytest.raises(ValidationError) as exc:
        accept_invitation(raw_token=raw, full_name="", password="corta")
    assert _codes(exc) == {"email": ["account_exists"]}


def test_accept_invitation_keeps_the_password_as_typed_and_trims_the_name(cast):
    _, raw = _invite(cast)
    password = " " + GOOD_PASSWORD + " "
    membership = accept_invitation(raw_token=raw, full_name="  Nuova Persona ", password=password)
    user = User.objects.get(pk=membership.user_id)
    assert user.full_name == "Nuova Persona"
    assert user.check_password(password) and not user.check_password(GOOD_PASSWORD)


def test_accept_unknown_token(cast):
    with pytest.raises(ValidationError) as exc:
        accept_invitation(raw_token="not-a-token", full_name="X", password=GOOD_PASSWORD)
    assert exc.value.code == "unknown"
    assert not User.objects.filter(full_name="X").exists()


def test_accept_expired_invitation(cast):
    invitation, raw = _invite(cast)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InvitationUnavailable) as exc:
        accept_invitation(raw_token=raw, full_name="Tardi", password=GOOD_PASSWORD)
    assert exc.value.code == "expired"
    assert not User.objects.filter(email="nuovo@example.org").exists()


def test_accept_revoked_invitation(cast):
    invitation, raw = _invite(cast)
    revoke_invitation(actor=cast.coordinator, invitation=invitation)
    with pytest.raises(InvitationUnavailable) as exc:
        accept_invitation(raw_token=raw, full_name="Revocato", password=GOOD_PASSWORD)
    assert exc.value.code == "revoked"
    assert not User.objects.filter(email="nuovo@example.org").exists()


def test_accept_invitation_twice_is_refused(cast):
    _, raw = _invite(cast)
    user = accept_invitation(raw_token=raw, full_name="Prima Volta", password=GOOD_PASSWORD).user
    before = (Membership.objects.count(), AuditEvent.objects.count())
    with pytest.raises(InvitationUnavailable) as exc:
        accept_invitation(raw_token=raw, user=user)
    assert exc.value.code == "used"
    assert (Membership.objects.count(), AuditEvent.objects.count()) == before


def test_accept_when_role_was_given_meanwhile_uses_existing_membership(cast):
    _, raw = invite_member(
        actor=cast.coordinator, network=cast.network, email="funder@example.org", role=Role.EVALUATOR
    )
    existing = f.MembershipFactory(network=cast.network, user=cast.funder, role=Role.EVALUATOR)
    membership = accept_invitation(raw_token=raw, user=cast.funder)
    assert membership == existing
    assert Membership.objects.filter(user=cast.funder, role=Role.EVALUATOR, is_active=True).count() == 1


# --- revoke_invitation ---------------------------------------------------------------------------


def test_revoke_invitation(cast):
    invitation, _ = _invite(cast)
    revoke_invitation(actor=cast.coordinator, invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    event = AuditEvent.objects.get(action=AuditEvent.Action.REVOKE)
    assert event.object_id == str(invitation.pk) and event.network == cast.network


@pytest.mark.parametrize("persona", ["case_manager", "privacy_officer", "citizen", "outsider", "anonymous"])
def test_revoke_invitation_refused(cast, persona):
    invitation, _ = _invite(cast)
    events = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        revoke_invitation(actor=getattr(cast, persona), invitation=invitation)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert AuditEvent.objects.count() == events


def test_platform_admin_may_revoke_coordinator_invitation_only(cast):
    coord, _ = invite_member(
        actor=cast.platform_admin, network=cast.network, email="c2@example.org", role=Role.COORDINATOR
    )
    revoke_invitation(actor=cast.platform_admin, invitation=coord)
    other, _ = _invite(cast)
    with pytest.raises(PermissionDenied):
        revoke_invitation(actor=cast.platform_admin, invitation=other)


def test_revoke_used_or_revoked_invitation_is_refused(cast):
    invitation, raw = _invite(cast)
    accept_invitation(raw_token=raw, full_name="Già Dentro", password=GOOD_PASSWORD)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        revoke_invitation(actor=cast.coordinator, invitation=invitation)
    second, _ = _invite(cast, email="secondo@example.org")
    revoke_invitation(actor=cast.coordinator, invitation=second)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        revoke_invitation(actor=cast.coordinator, invitation=second)
    assert AuditEvent.objects.count() == events


# --- deactivate_membership -----------------------------------------------------------------------


def test_deactivate_membership(cast):
    membership = Membership.objects.get(network=cast.network, user=cast.citizen)
    deactivate_membership(actor=cast.coordinator, membership=membership)
    membership.refresh_from_db()
    assert not membership.is_active
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_type="network.membership")
    assert event.before["is_active"] is True and event.after["is_active"] is False
    assert not can(User.objects.get(pk=cast.citizen.pk), "network.view_dashboard", cast.network)


@pytest.mark.parametrize("persona", ["case_manager", "privacy_officer", "citizen", "outsider", "platform_admin"])
def test_deactivate_membership_refused(cast, persona):
    membership = Membership.objects.get(network=cast.network, user=cast.citizen)
    with pytest.raises(PermissionDenied):
        deactivate_membership(actor=getattr(cast, persona), membership=membership)
    membership.refresh_from_db()
    assert membership.is_active


def test_last_coordinator_cannot_be_deactivated(cast):
    membership = Membership.objects.get(network=cast.network, user=cast.coordinator)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        deactivate_membership(actor=cast.coordinator, membership=membership)
    assert exc.value.code == "last_coordinator"
    membership.refresh_from_db()
    assert membership.is_active
    assert AuditEvent.objects.count() == events


def test_coordinator_can_leave_when_another_coordinator_remains(cast):
    second = f.MembershipFactory(network=cast.network, user=cast.case_manager, role=Role.COORDINATOR)
    mine = Membership.objects.get(network=cast.network, user=cast.coordinator)
    deactivate_membership(actor=cast.coordinator, membership=mine)
    mine.refresh_from_db()
    assert not mine.is_active
    # Now the other one is the last: refused.
    with pytest.raises(ValidationError):
        deactivate_membership(actor=cast.case_manager, membership=second)


def test_deactivate_inactive_membership_is_refused(cast):
    membership = Membership.objects.get(network=cast.network, user=cast.citizen)
    deactivate_membership(actor=cast.coordinator, membership=membership)
    with pytest.raises(ValidationError):
        deactivate_membership(actor=cast.coordinator, membership=membership)
