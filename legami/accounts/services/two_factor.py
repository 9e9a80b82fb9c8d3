"""Writes of the two-factor log-in: turning it on, checking a code or a recovery code, new recovery codes, and the
administrator's reset when a phone is lost.

The codes come from an authenticator app (TOTP, django-otp's TOTPDevice); the 10 recovery codes are a StaticDevice's
tokens, each deleted when used. Wrong codes in a row are counted per user (TwoFactorThrottle): at
LEGAMI_TWO_FACTOR_FAILURE_LIMIT the second step pauses for LEGAMI_TWO_FACTOR_COOLOFF. Each refused code is in the
audit log (login_failed, with a note), never the code itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from legami.accounts.models import TwoFactorThrottle, User
from legami.core.audit import record_event
from legami.core.models import AuditEvent, DataClass

RECOVERY_CODES = 10
CODE_DIGITS = 6
# A recovery code is 8 letters and digits (django-otp's StaticToken.random_token); people may add spaces or dashes.
RECOVERY_CODE_MAX_INPUT = 32
DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


class TwoFactorPaused(Exception):
    """Too many wrong codes in a row: the second step is paused for `seconds` more."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"two-factor paused for {seconds} s")
        self.seconds = seconds


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


def _require_authenticated(actor: Any) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("accounts.login_required")


def clean_code(value: Any) -> str:
    """The 6 digits of an authenticator code (spaces allowed between them); a ValidationError says what is wrong."""
    code = "".join(str(value or "").split())
    if not code:
        raise ValidationError({"code": _("Enter the 6-digit code shown by the app.")}, code="required")
    if len(code) > CODE_DIGITS:
        raise ValidationError({"code": _("The code has 6 digits: this is too long.")}, code="max_length")
    if not code.isascii() or not code.isdigit():
        raise ValidationError({"code": _("The code is made of digits only.")}, code="invalid")
    if len(code) < CODE_DIGITS:
        raise ValidationError({"code": _("The code has 6 digits: this is too short.")}, code="min_length")
    return code


def clean_recovery_code(value: Any) -> str:
    """A recovery code as stored (lower case, without the spaces and dashes people add)."""
    raw = str(value or "")
    if len(raw) > RECOVERY_CODE_MAX_INPUT:
        raise ValidationError({"code": _("This is too long for a recovery code.")}, code="max_length")
    code = "".join(ch for ch in raw if ch not in " -\t").lower()
    if not code:
        raise ValidationError({"code": _("Enter one of your recovery codes.")}, code="required")
    if not code.isascii() or not code.isalnum():
        raise ValidationError({"code": _("A recovery code is made of letters and digits only.")}, code="invalid")
    return code


def paused_for(user: Any) -> int:
    """Seconds left of the pause after too many wrong codes; 0 when codes are accepted."""
    throttle = TwoFactorThrottle.objects.filter(user_id=user.pk).first()
    return _seconds_left(throttle)


def _seconds_left(throttle: TwoFactorThrottle | None) -> int:
    if throttle is None or throttle.last_failure_at is None:
        return 0
    if throttle.failures < settings.LEGAMI_TWO_FACTOR_FAILURE_LIMIT:
        return 0
    left = (throttle.last_failure_at + settings.LEGAMI_TWO_FACTOR_COOLOFF - timezone.now()).total_seconds()
    return max(0, int(left + 0.999))


def _refuse(user: Any, note: str) -> None:
    """Count a wrong code and audit it (in its own transaction: the refusal must stay written); raise
    TwoFactorPaused when this one reaches the limit, else the form's error."""
    with transaction.atomic():
        throttle, _created = TwoFactorThrottle.objects.select_for_update().get_or_create(user_id=user.pk)
        now = timezone.now()
        if throttle.last_failure_at is None or throttle.last_failure_at + settings.LEGAMI_TWO_FACTOR_COOLOFF <= now:
            throttle.failures = 0  # the earlier wrong codes are old: count again from here
        throttle.failures += 1
        throttle.last_failure_at = now
        throttle.save(update_fields=["failures", "last_failure_at"])
        _audit_refusal(user, note)
    if seconds := _seconds_left(throttle):
        raise TwoFactorPaused(seconds)


def _audit_refusal(user: Any, note: str) -> None:
    record_event(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        obj=user,
        object_repr=user.email,
        data_class=DataClass.PERSONAL,
        note=note,
    )


def _check_not_paused(user: Any) -> None:
    if seconds := paused_for(user):
        with transaction.atomic():
            _audit_refusal(user, "two-factor paused")
        raise TwoFactorPaused(seconds)


def _accept(user: Any) -> None:
    TwoFactorThrottle.objects.filter(user_id=user.pk).update(failures=0, last_failure_at=None)


def _audit_change(actor: Any, user: Any, note: str) -> None:
    record_event(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=user,
        object_repr=user.email,
        data_class=DataClass.PERSONAL,
        note=note,
    )


def _new_recovery_codes(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < RECOVERY_CODES:
        token = StaticToken.random_token()
        if token not in codes:
            codes.append(token)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=token) for token in codes)
    return codes


@transaction.atomic
def start_enrolment(*, actor: Any) -> TOTPDevice:
    """The authenticator `actor` is about to add: a new secret, kept (unconfirmed) until a first right code; the
    same one when the page is opened again, so that a QR code already scanned stays good."""
    _require_authenticated(actor)
    if TOTPDevice.objects.filter(user=actor, confirmed=True).exists():
        raise ValidationError(_("Two-factor verification is already on for this account."), code="already_on")
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)
    return device


def confirm_enrolment(*, actor: Any, code: str) -> Enrolment:
    """Turn two-factor verification on with the first code from the app; returns the device and the 10 recovery
    codes (shown once: only the account's devices keep them)."""
    _require_authenticated(actor)
    clean = clean_code(code)
    _check_not_paused(actor)
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        raise ValidationError(_("Open the page again to get a new QR code."), code="no_device")
    if not device.verify_token(clean):
        _refuse(actor, "wrong two-factor code (turning it on)")
        raise ValidationError({"code": _("This code is not right. Check the time on the phone and try again.")})
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
        codes = _new_recovery_codes(actor)
        _accept(actor)
        _audit_change(actor, actor, "two-factor verification turned on")
    return Enrolment(device=device, recovery_codes=codes)


def verify_code(*, user: Any, code: str) -> TOTPDevice:
    """The second step of a log-in: `user`'s authenticator code; returns the device that accepted it.

    ValidationError for a malformed or wrong code, TwoFactorPaused after too many wrong ones."""
    _require_authenticated(user)
    clean = clean_code(code)
    _check_not_paused(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None or not device.verify_token(clean):
        _refuse(user, "wrong two-factor code")
        raise ValidationError({"code": _("This code is not right. Check the time on the phone and try again.")})
    _accept(user)
    return device


def verify_recovery_code(*, user: Any, code: str) -> StaticDevice:
    """The second step with a recovery code, which then stops working; returns its device."""
    _require_authenticated(user)
    clean = clean_recovery_code(code)
    _check_not_paused(user)
    device = StaticDevice.objects.filter(user=user, confirmed=True, token_set__token=clean).order_by("pk").first()
    if device is None or not device.verify_token(clean):
        _refuse(user, "wrong recovery code")
        raise ValidationError({"code": _("This recovery code is not right, or it has already been used.")})
    with transaction.atomic():
        _accept(user)
        left = StaticToken.objects.filter(device=device).count()
        record_event(
            actor=user,
            action=AuditEvent.Action.LOGIN,
            obj=user,
            object_repr=user.email,
            data_class=DataClass.PERSONAL,
            note=f"recovery code used, {left} left",
        )
    return device


def regenerate_recovery_codes(*, actor: Any, code: str) -> list[str]:
    """New recovery codes for `actor` (the old ones stop working), after a current code from the app."""
    _require_authenticated(actor)
    verify_code(user=actor, code=code)
    with transaction.atomic():
        codes = _new_recovery_codes(actor)
        _audit_change(actor, actor, "new recovery codes")
    return codes


@transaction.atomic
def reset_two_factor(*, email: str, actor: Any = None) -> int:
    """Remove every two-factor device of the account with this e-mail (a lost phone): at the next log-in it sets
    verification up again. Returns how many devices went; LookupError when there is no such account."""
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    if user is None:
        raise LookupError(email)
    totp, static = TOTPDevice.objects.filter(user=user), StaticDevice.objects.filter(user=user)
    removed = totp.count() + static.count()
    totp.delete()
    static.delete()
    TwoFactorThrottle.objects.filter(user=user).delete()
    _audit_change(actor, user, "two-factor verification reset by an administrator")
    return removed
