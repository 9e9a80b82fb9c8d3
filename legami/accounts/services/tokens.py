"""Writes on accounts: personal access tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.accounts.models import PersonalAccessToken
from legami.accounts.services.accounts import _require_authenticated
from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.validation import max_length_of

TOKEN_MAX_DAYS = 365
_LIFETIME = _("The token may last from 1 to %(max)d days.")

# A new token: a name to recognise it by, and an optional lifetime in days (a whole number, as the form gives it).
TOKEN_INPUTS = inputs.Rules(
    {
        "name": inputs.Text(
            required=True,
            max_length=max_length_of(PersonalAccessToken, "name"),
            messages={
                "required": _("Give the token a name, to recognise it later."),
                "max_length": _("The name is too long."),
            },
        ),
        "expires_in_days": inputs.Integer(
            strict=True,
            min_value=1,
            max_value=TOKEN_MAX_DAYS,
            messages={"invalid": _("Enter a whole number of days."), "min_value": _LIFETIME, "max_value": _LIFETIME},
        ),
    }
)


@transaction.atomic
def create_token(*, actor: Any, name: str, expires_in_days: int | None = None) -> tuple[PersonalAccessToken, str]:
    """Create a personal access token for `actor`; return it with its raw secret (shown once, never stored)."""
    _require_authenticated(actor)
    values = TOKEN_INPUTS.clean({"name": name, "expires_in_days": expires_in_days})
    name, expires_in_days = values["name"], values["expires_in_days"]
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
