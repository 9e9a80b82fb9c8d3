"""Test helpers of the two-factor log-in: an authenticator for a user, and the codes it would show."""

from __future__ import annotations

import time

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator(user, *, confirmed: bool = True) -> TOTPDevice:
    """A TOTP device for `user`, as if they had turned the verification on."""
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=confirmed)


def code(device: TOTPDevice, steps: int = 0) -> str:
    """The code the app shows now, or `steps` periods of 30 s later (the device accepts one step of drift, and each
    step once: a test that needs two codes in a row takes the next step's)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():06d}"


def code_from_secret(secret: str, steps: int = 0) -> str:
    """The code for a base32 secret as the setup page shows it (spaces allowed)."""
    import base64

    key = base64.b32decode(secret.replace(" ", "").upper())
    totp = TOTP(key)
    totp.time = time.time() + steps * 30
    return f"{totp.token():06d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits the device refuses now (none of the codes of the steps it accepts)."""
    accepted = {code(device, steps) for steps in (-1, 0, 1)}
    return next(candidate for candidate in ("000000", "111111", "222222", "333333") if candidate not in accepted)
