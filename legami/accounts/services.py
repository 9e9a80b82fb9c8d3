"""Writes on accounts: log-in records and personal access tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.accounts.models import PersonalAccessToken
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.validation import max_length_of

TOKEN_MAX_DAYS = 365


def _require_authenticated(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("accounts.login_required")


@transaction.atomic
def record_login(*, user: Any) -> AuditEvent:
    """Write the audit event of a successful log-in."""
    _require_authenticated(user)
    return record_event(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        obj=user,
        object_repr=user.email,
        data_class=DataClass.PERSONAL,
    )


@transaction.atomic
def create_token(*, actor: Any, name: str, expires_in_days: int | None = None) -> tuple[PersonalAccessToken, str]:
    """Create a personal access token for `actor`; return it with its raw secret (shown once, never stored)."""
    _require_authenticated(actor)
    errors: dict[str, Any] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Give the token a name, to recognise it later.")
    elif len(name) > max_length_of(PersonalAccessToken, "name"):
        errors["name"] = _("The name is too long.")
    if expires_in_days is not None:
        if isinstance(expires_in_days, bool) or not isinstance(expires_in_days, int):
            errors["expires_in_days"] = _("Enter a whole number of days.")
        elif not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
            errors["expires_in_days"] = _("The token may last from 1 to %(max)d days.") % {"max": TOKEN_MAX_DAYS}
    if errors:
        raise ValidationError(errors)
    raw, token_hash, hint = PersonalAccessToken.new_token()
    token = PersonalAccessToken.objects.create(
        user=actor,
        name=name,
        token_hash=token_hash,
        hint=hint,
        expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    record_event(actor=actor, action=AuditEvent.Action.CREATE, obj=token, after=snapshot(token))
    return token, raw


@transaction.atomic
def revoke_token(*, actor: Any, token: PersonalAccessToken) -> PersonalAccessToken:
    """Revoke one of `actor`'s own tokens."""
    _require_authenticated(actor)
    if token.user_id != actor.pk:
        raise PermissionDenied("accounts.revoke_token")
    locked = PersonalAccessToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise ValidationError(_("This token has already been revoked."), code="revoked")
    before = snapshot(locked)
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at", "updated_at"])
    record_event(actor=actor, action=AuditEvent.Action.REVOKE, obj=locked, before=before, after=snapshot(locked))
    token.revoked_at = locked.revoked_at
    return locked


@transaction.atomic
def change_password(*, actor: Any, old_password: str, new_password: str) -> None:
    """Change `actor`'s own password after checking the current one and the password rules."""
    _require_authenticated(actor)
    if not actor.check_password(old_password or ""):
        raise ValidationError({"old_password": _("The current password is not correct.")})
    try:
        validate_password(new_password or "", user=actor)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=actor,
        object_repr=actor.email,
        data_class=DataClass.PERSONAL,
        note="password changed",
    )
