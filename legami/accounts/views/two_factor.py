"""The two-factor pages: turning it on (QR code, secret, first code, recovery codes shown once), the code after the
password, a recovery code instead, and the account's section (state, new recovery codes)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from legami.accounts.forms.two_factor import CodeForm, RecoveryCodeForm
from legami.accounts.selectors.two_factor import has_two_factor, two_factor_state
from legami.accounts.services.two_factor import (
    TwoFactorPaused,
    confirm_enrolment,
    regenerate_recovery_codes,
    start_enrolment,
    verify_code,
    verify_recovery_code,
)
from legami.core.forms import add_service_errors


def _next(request: HttpRequest) -> str:
    """The page to go back to after the second step: a local address only, else the account page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def _verified(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


def paused(request: HttpRequest, exc: TwoFactorPaused) -> HttpResponse:
    """The 429 page after too many wrong codes."""
    minutes = max(1, round(exc.seconds / 60))
    response = render(request, "accounts/two_factor_paused.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(exc.seconds)
    return response


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code (drawn here: nothing leaves the server)."""
    qr = segno.make(device.config_url, error="m")
    svg = qr.svg_inline(scale=4, border=4, dark="#000", light="#fff", title=_("QR code to scan with the app"))
    return mark_safe(svg)  # noqa: S308  (segno's own markup: the address is encoded in path data, not copied in)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Turn the verification on: scan the QR code (or type the secret), confirm with a first code, then keep the
    recovery codes, shown once in the answer to that POST."""
    if has_two_factor(request.user):
        return redirect("accounts:two_factor")
    device = start_enrolment(actor=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = confirm_enrolment(actor=request.user, code=form.cleaned_data["code"])
        except TwoFactorPaused as exc:
            return paused(request, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            otp_login(request, enrolment.device)
            request.session.cycle_key()
            # No redirect: the recovery codes are kept nowhere from which another page could show them again.
            context = {"codes": enrolment.recovery_codes, "next": _next(request), "nav": "account"}
            return render(request, "accounts/two_factor_codes.html", context)
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr_svg": qr_code_svg(device),
        "secret": _grouped(secret),
        "next": _next(request),
        "nav": "account",
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _second_step(request: HttpRequest, form: Any, verify: Callable[..., Any]) -> Any:
    """Check the posted code with `verify`; on success log the session in with its device and return the device,
    otherwise None (the errors are on `form`) or the 429 page of a paused verification."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        device = verify(user=request.user, code=form.cleaned_data["code"])
    except TwoFactorPaused as exc:
        return paused(request, exc)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    otp_login(request, device)
    request.session.cycle_key()
    return device


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of the log-in: the code the app shows now."""
    if _verified(request):
        return redirect(_next(request))
    if not has_two_factor(request.user):
        query = request.GET.urlencode()
        return redirect(reverse("accounts:two_factor_setup") + (f"?{query}" if query else ""))
    form = CodeForm(request.POST or None)
    outcome = _second_step(request, form, verify_code)
    if isinstance(outcome, HttpResponse):
        return outcome
    if outcome is not None:
        return redirect(_next(request))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_recovery(request: HttpRequest) -> HttpResponse:
    """The second step with a recovery code, when the phone is not at hand."""
    if _verified(request):
        return redirect(_next(request))
    if not has_two_factor(request.user):
        return redirect("accounts:two_factor_setup")
    form = RecoveryCodeForm(request.POST or None)
    outcome = _second_step(request, form, verify_recovery_code)
    if isinstance(outcome, HttpResponse):
        return outcome
    if outcome is not None:
        messages.warning(
            request,
            _("You used a recovery code: %(left)s are left. Make new ones from your account page when few are left.")
            % {"left": outcome.token_set.count()},
        )
        return redirect(_next(request))
    return render(request, "accounts/two_factor_recovery.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """The account's section: whether the verification is on, how many recovery codes are left, new codes."""
    codes = None
    state = two_factor_state(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and not state.on:
        return redirect("accounts:two_factor_setup")
    if request.method == "POST" and form.is_valid():
        try:
            codes = regenerate_recovery_codes(actor=request.user, code=form.cleaned_data["code"])
        except TwoFactorPaused as exc:
            return paused(request, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            form = CodeForm()
            state = two_factor_state(request.user)
    context = {"state": state, "form": form, "codes": codes, "nav": "account"}
    return render(request, "accounts/two_factor.html", context)
