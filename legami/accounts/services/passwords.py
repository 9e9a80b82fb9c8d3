"""Password reset by e-mail: the link (Django's PasswordResetTokenGenerator: it lasts PASSWORD_RESET_TIMEOUT and
dies when the password changes, so it works once), and the new password, checked by AUTH_PASSWORD_VALIDATORS.

The answer to a request is the same whether the address has an account or not. A reset does not touch the
two-factor devices: the next log-in asks the code as before.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from legami.accounts.models import User
from legami.accounts.services.accounts import set_new_password
from legami.core.audit import record_event
from legami.core.models import AuditEvent, DataClass


def password_reset_link(user: Any, *, base_url: str = "") -> str:
    """The one-use address at which `user` chooses a new password, under `base_url` (else LEGAMI_BASE_URL)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    base = base_url or settings.LEGAMI_BASE_URL
    return base.rstrip("/") + reverse("accounts:password_reset_confirm", args=[uid, token])


def _send_password_reset_email(user_id: int, base_url: str) -> None:
    user = User.objects.get(pk=user_id)
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        minutes = settings.PASSWORD_RESET_TIMEOUT // 60
        context = {"user": user, "link": password_reset_link(user, base_url=base_url), "minutes": minutes}
        subject = str(_("Choose a new legami password"))
        body = render_to_string("accounts/password_reset_email.txt", context)
    send_mail(subject, body, None, [user.email])


@transaction.atomic
def request_password_reset(*, email: str, base_url: str = "") -> None:
    """E-mail a reset link (on commit) to the active account with this address, if there is one; say nothing
    either way."""
    typed = (email or "").strip()
    user = User.objects.filter(email__iexact=typed, is_active=True).first() if typed else None
    if user is None or not user.has_usable_password():
        return
    record_event(
        actor=None,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        object_repr=user.email,
        data_class=DataClass.PERSONAL,
        note="password reset link sent",
    )
    transaction.on_commit(lambda: _send_password_reset_email(user.pk, base_url))


@transaction.atomic
def reset_password(*, user: Any, new_password: str) -> None:
    """Set `user`'s new password (the link was checked by the view) after the password rules; the link dies."""
    set_new_password(user=user, new_password=new_password, actor=user, note="password reset by e-mail")
