"""Writes on accounts: the log-in record and changing one's own password."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from legami.accounts.models import User
from legami.core.audit import record_event
from legami.core.models import AuditEvent, DataClass


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
def record_failed_login(*, username: Any, locked_out: bool = False) -> AuditEvent:
    """Write the audit event of a refused log-in: the address typed (and its account, if there is one).

    The password is never passed here. `locked_out`: refused because the account or the address is paused.
    """
    typed = str(username or "")[:254]
    account = User.objects.filter(email__iexact=typed).first() if typed else None
    return record_event(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        obj=account,
        object_type=None if account else User._meta.label_lower,
        object_repr=typed,
        data_class=DataClass.PERSONAL,
        note="locked out" if locked_out else "wrong e-mail or password",
    )


@transaction.atomic
def change_password(*, actor: Any, old_password: str, new_password: str) -> None:
    """Change `actor`'s own password after checking the current one and the password rules."""
    _require_authenticated(actor)
    if not actor.check_password(old_password or ""):
        raise ValidationError({"old_password": _("The current password is not correct.")})
    set_new_password(user=actor, new_password=new_password, actor=actor, note="password changed")


def set_new_password(*, user: Any, new_password: str, actor: Any, note: str) -> None:
    """Check `new_password` against the password rules (errors on new_password1), set it, audit it with `note`."""
    try:
        validate_password(new_password or "", user=user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        object_repr=user.email,
        data_class=DataClass.PERSONAL,
        note=note,
    )
