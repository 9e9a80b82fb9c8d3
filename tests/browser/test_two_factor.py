"""Two-factor verification in Chromium: a coordinator turns it on (scanning is replaced by the key the page shows,
from which the test computes the codes, as the phone would), keeps the recovery codes, logs out, and logs in again
with the password and a code. Every page passes axe; the QR code is drawn inline, within the page's CSP."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from legami.accounts.tests.otp import code, code_from_secret
from legami.core.tests.factories import PASSWORD
from tests.browser.test_coordinator_journey import exactly, label, submit, t

pytestmark = [pytest.mark.browser, pytest.mark.two_factor_flow]


def _password(page, email):
    page.goto(reverse("accounts:login"))
    page.get_by_label(label("E-mail address")).fill(email)
    page.get_by_label(label("Password")).fill(PASSWORD)
    submit(page, "Log in")


@pytest.mark.parametrize("width", [320, 1280])
def test_turn_on_then_log_in_with_a_code(cast, page, check_a11y, width):
    page.set_viewport_size({"width": width, "height": 900})
    _password(page, cast.coordinator.email)
    page.wait_for_url("**/accounts/two-factor/setup/**")
    check_a11y.soft(page)
    qr = page.locator(".legami-qr svg")
    assert qr.is_visible()
    assert qr.bounding_box()["width"] <= width
    # Nothing wider than the screen: no horizontal scrolling at 320 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    secret = page.locator(".legami-secret").inner_text()

    # A wrong code first: the error summary says what is wrong, and the verification stays off.
    page.get_by_label(label("Code from the app")).fill("12ab56")
    submit(page, "Turn on")
    assert t("The code is made of digits only.") in page.content()
    assert not TOTPDevice.objects.get(user=cast.coordinator).confirmed

    page.get_by_label(label("Code from the app")).fill(code_from_secret(secret))
    submit(page, "Turn on")
    page.get_by_role("heading", name=exactly("Your recovery codes")).wait_for()
    check_a11y.soft(page)
    codes = page.locator(".legami-recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    with page.expect_navigation():
        page.get_by_role("link", name=exactly("I have kept them, continue")).click()
    page.wait_for_url(f"**{reverse('accounts:home')}")

    # Log out, and in again: password, then the next code of the app.
    page.context.clear_cookies()
    _password(page, cast.coordinator.email)
    page.wait_for_url("**/accounts/two-factor/verify/**")
    check_a11y.soft(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The next step's code (the first one was spent turning it on), with the drift the device learnt from it.
    page.get_by_label(label("Code from the app")).fill(code(TOTPDevice.objects.get(user=cast.coordinator), steps=1))
    submit(page, "Verify")
    page.wait_for_url(re.compile(r".*/accounts/$"))
    page.goto(reverse("accounts:two_factor"))
    check_a11y.soft(page)
    assert "10" in page.locator("main").inner_text()
    check_a11y.finish()
    assert page.js_errors == []  # type: ignore[attr-defined]
