"""Writes on network members: invitations (sent, accepted, revoked) and memberships."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from legami.accounts.models import Invitation, User
from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import can, forget_grants, require
from legami.core.roles import Role
from legami.core.validation import max_length_of
from legami.network.capabilities import MANAGE_MEMBERS as MANAGE
from legami.network.models import Membership, Network, Organization
from legami.territory.models import SocialDistrict


class InvitationUnavailable(ValidationError):
    """The invitation can no longer be accepted; `code` says why: expired, revoked or used."""


def normalize_email(value: str | None) -> str:
    """Trimmed and lower-cased: the form in which invitation and account e-mails are compared."""
    return (value or "").strip().lower()


def invitation_link(raw_token: str, *, base_url: str = "") -> str:
    """The address at which the invitation with this secret is accepted, under `base_url` (else LEGAMI_BASE_URL)."""
    # The view passes the site's address (core.http.site_base_url); callers without a request (the demo, the
    # command line) fall back on the setting.
    base = base_url or settings.LEGAMI_BASE_URL
    return base.rstrip("/") + reverse("accounts:invitation_accept", args=[raw_token])


def invitation_state(invitation: Invitation) -> str:
    """One of pending, accepted, revoked, expired."""
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.expires_at <= timezone.now():
        return "expired"
    return "pending"


def role_label(role: str) -> str:
    """The human name of a role code (invitations store the bare code)."""
    return str(Role(role).label) if role in Role.values else role


def _may_manage(actor: Any, network: Network, role: str) -> bool:
    # A platform admin holds no role in the network but must be able to bring in its coordinators.
    if can(actor, MANAGE, network):
        return True
    return bool(getattr(actor, "is_superuser", False)) and role == Role.COORDINATOR


def _send_invitation_email(invitation_id: int, raw_token: str, base_url: str) -> None:
    invitation = Invitation.objects.select_related("network", "invited_by").get(pk=invitation_id)
    # The invitee's language is unknown: write in the platform's language.
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "network": invitation.network,
            "role": role_label(invitation.role),
            "link": invitation_link(raw_token, base_url=base_url),
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
        }
        subject = str(_("Invitation to join %(network)s on legami") % {"network": invitation.network.name})
        body = render_to_string("network/members/invitation_email.txt", context)
    send_mail(subject, body, None, [invitation.email])


def not_invited_yet(ctx: inputs.Context) -> None:
    """No invitation with this role still open for this e-mail address, and no member with it already."""
    if not ctx.ok("email", "role"):
        return
    email, role = ctx.value("email"), ctx.value("role")
    open_invitations = Invitation.objects.filter(
        network=ctx.network,
        email__iexact=email,
        role=role,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    if open_invitations.exists():
        ctx.add_error(
            "email", _("An invitation with this role is already pending for this e-mail address."), "duplicate"
        )
    elif Membership.objects.filter(network=ctx.network, user__email__iexact=email, role=role, is_active=True).exists():
        ctx.add_error("email", _("This person is already a member of the network with this role."), "already_member")


INVALID_EMAIL = _("Enter a valid e-mail address.")

INVITATION_INPUTS = inputs.Rules(
    {
        # Stored trimmed and in lower case (see normalize_email); an empty address is not a valid one either.
        "email": inputs.Email(
            required=True,
            lower=True,
            max_length=max_length_of(Invitation, "email"),
            codes={"required": "invalid"},
            messages={"required": INVALID_EMAIL},
        ),
        "role": inputs.choose(Role, _("Choose one of the roles in the list.")),
        "organization": inputs.Lookup(
            Organization,
            codes={"invalid_choice": "other_network"},
            messages={"invalid_choice": _("This organisation is not part of the network.")},
        ),
        "district": inputs.Lookup(
            SocialDistrict,
            codes={"invalid_choice": "other_network"},
            messages={"invalid_choice": _("This district is not part of the network.")},
        ),
        "full_name": inputs.Text(
            max_length=max_length_of(Invitation, "full_name"), messages={"max_length": _("The name is too long.")}
        ),
    },
    checks=(not_invited_yet,),
)


@transaction.atomic
def invite_member(
    *,
    actor: Any,
    network: Network,
    email: str,
    role: str,
    full_name: str = "",
    organization: Organization | None = None,
    district: SocialDistrict | None = None,
    base_url: str = "",
) -> tuple[Invitation, str]:
    """Invite someone to the network with a role; e-mail them the link (under `base_url`) on commit; return
    (invitation, raw token)."""
    if not _may_manage(actor, network, role):
        raise PermissionDenied(MANAGE)
    data = {"email": email, "role": role, "full_name": full_name, "organization": organization, "district": district}
    values = INVITATION_INPUTS.clean(data, network=network, actor=actor)
    raw_token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        network=network,
        token_hash=token_hash,
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.LEGAMI_INVITATION_DAYS),
        **values,
    )
    record_event(
        actor=actor,
        action=AuditEvent.Action.INVITE,
        obj=invitation,
        network=network,
        after=snapshot(invitation),
        data_class=DataClass.PERSONAL,
    )
    transaction.on_commit(lambda: _send_invitation_email(invitation.pk, raw_token, base_url))
    return invitation, raw_token


def _unavailable(invitation: Invitation) -> InvitationUnavailable:
    state = invitation_state(invitation)
    messages = {
        "accepted": (_("This invitation has already been used."), "used"),
        "revoked": (_("This invitation has been withdrawn."), "revoked"),
        "expired": (_("This invitation has expired."), "expired"),
    }
    message, code = messages[state]
    return InvitationUnavailable(message, code=code)


def _open_invitation(raw_token: str) -> Invitation:
    """The invitation of this secret, locked for the acceptance; refused when unknown or no longer open."""
    try:
        invitation = (
            Invitation.objects.select_for_update()
            .select_related("network")
            .get(token_hash=Invitation.hash(raw_token or ""))
        )
    except Invitation.DoesNotExist as exc:
        raise ValidationError(_("This invitation does not exist."), code="unknown") from exc
    if invitation_state(invitation) != "pending":
        raise _unavailable(invitation)
    if not invitation.network.is_active:
        raise InvitationUnavailable(_("This network is no longer active."), code="revoked")
    return invitation


def _require_invitee(user: Any, invitation: Invitation) -> None:
    """A logged-in user accepts only an invitation sent to their own e-mail address."""
    if normalize_email(user.email) != normalize_email(invitation.email):
        raise PermissionDenied("invitation.email")


def _refuse_existing_account(invitation: Invitation) -> None:
    """Whoever already has an account with the invitation's e-mail logs in to accept it: nothing else is checked."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        message = _("An account with this e-mail address already exists: log in to accept the invitation.")
        raise ValidationError({"email": ValidationError(message, code="account_exists")})


def _account_being_created(ctx: inputs.Context) -> Any:
    """The new account (unsaved), for the password validators: a password like its e-mail or name is refused."""
    email = ctx.extra["email"]
    return User(email=email, username=email, full_name=ctx.value("full_name", ""))


# What someone without an account types to accept an invitation; the account's e-mail is the invitation's.
NEW_ACCOUNT_INPUTS = inputs.Rules(
    {
        "full_name": inputs.Text(
            required=True,
            max_length=max_length_of(User, "full_name"),
            messages={"required": _("Enter your full name."), "max_length": _("The name is too long.")},
        ),
        "password": inputs.Password(account=_account_being_created),
    }
)


def _create_account(invitation: Invitation, *, full_name: str, password: str) -> Any:
    """The account of someone accepting `invitation` without one, with the invitation's e-mail."""
    _refuse_existing_account(invitation)
    values = NEW_ACCOUNT_INPUTS.clean({"full_name": full_name, "password": password}, extra={"email": invitation.email})
    return User.objects.create_user(
        username=invitation.email[: User._meta.get_field("username").max_length], email=invitation.email, **values
    )


def _join(invitation: Invitation, user: Any) -> tuple[Membership, bool]:
    """The membership the invitation gives `user`, and whether it is new (someone may have given it meanwhile)."""
    membership = Membership.objects.filter(
        network=invitation.network, user=user, role=invitation.role, is_active=True
    ).first()
    if membership is not None:
        # Someone gave them the role meanwhile: the invitation is simply used up.
        return membership, False
    membership = Membership.objects.create(
        network=invitation.network,
        user=user,
        role=invitation.role,
        organization_id=invitation.organization_id,
        district_id=invitation.district_id,
    )
    return membership, True


@transaction.atomic
def accept_invitation(*, raw_token: str, user: Any = None, full_name: str = "", password: str = "") -> Membership:
    """Accept an invitation as `user` (who must own its e-mail) or as a new account; return the membership."""
    invitation = _open_invitation(raw_token)
    created_user = None
    if user is not None and getattr(user, "is_authenticated", False):
        _require_invitee(user, invitation)
    else:
        user = created_user = _create_account(invitation, full_name=full_name, password=password)
    membership, new_membership = _join(invitation, user)
    before = snapshot(invitation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])

    network = invitation.network
    if created_user is not None:
        record_event(
            actor=user,
            action=AuditEvent.Action.CREATE,
            obj=user,
            network=network,
            after=snapshot(user, fields=["id", "email", "full_name"]),
            data_class=DataClass.PERSONAL,
            note="account created from an invitation",
        )
    record_event(
        actor=user,
        action=AuditEvent.Action.ACCEPT,
        obj=invitation,
        network=network,
        before=before,
        after=snapshot(invitation),
        data_class=DataClass.PERSONAL,
    )
    if new_membership:
        record_event(
            actor=user,
            action=AuditEvent.Action.CREATE,
            obj=membership,
            network=network,
            after=snapshot(membership),
            data_class=DataClass.PERSONAL,
        )
    forget_grants(user)
    return membership


@transaction.atomic
def revoke_invitation(*, actor: Any, invitation: Invitation) -> Invitation:
    """Withdraw an invitation that has not been used yet."""
    if not _may_manage(actor, invitation.network, invitation.role):
        raise PermissionDenied(MANAGE)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used and cannot be withdrawn."), code="used")
    if locked.revoked_at is not None:
        raise ValidationError(_("This invitation has already been withdrawn."), code="revoked")
    before = snapshot(locked)
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at", "updated_at"])
    record_event(
        actor=actor,
        action=AuditEvent.Action.REVOKE,
        obj=locked,
        network=locked.network_id,
        before=before,
        after=snapshot(locked),
        data_class=DataClass.PERSONAL,
    )
    invitation.revoked_at = locked.revoked_at
    return locked


@transaction.atomic
def deactivate_membership(*, actor: Any, membership: Membership) -> Membership:
    """End a member's role in the network; the last active coordinator cannot be removed."""
    require(actor, MANAGE, membership.network)
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if not locked.is_active:
        raise ValidationError(_("This membership is already inactive."), code="inactive")
    if locked.role == Role.COORDINATOR:
        # Lock every active coordinator row so that two concurrent removals cannot both pass the check.
        coordinators = list(
            Membership.objects.select_for_update()
            .filter(network_id=locked.network_id, role=Role.COORDINATOR, is_active=True)
            .values_list("pk", flat=True)
        )
        if coordinators == [locked.pk]:
            raise ValidationError(
                _("This is the network's last active coordinator: invite another coordinator first."),
                code="last_coordinator",
            )
    before = snapshot(locked)
    locked.is_active = False
    locked.save(update_fields=["is_active", "updated_at"])
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=locked,
        network=locked.network_id,
        before=before,
        after=snapshot(locked),
        data_class=DataClass.PERSONAL,
        note="membership deactivated",
    )
    membership.is_active = False
    forget_grants(actor)
    return locked
