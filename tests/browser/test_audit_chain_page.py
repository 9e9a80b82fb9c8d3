"""The privacy officer verifies the audit log from its page, with the keyboard alone, in Chromium."""

import pytest
from django.urls import reverse

from legami.core.audit import record_event
from legami.core.tests import audit_tools

from .conftest import axe_violations, describe_violations

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_the_privacy_officer_verifies_the_log_by_keyboard(page, login_as, cast):
    events = [record_event(actor=cast.coordinator, action="create", obj=cast.organization) for _ in range(3)]
    login_as(cast.privacy_officer)
    address = reverse("network:audit", args=[cast.network.slug])
    page.goto(address)
    assert "Il registro non è ancora stato verificato." in page.inner_text("main")
    button = page.get_by_role("button", name="Verifica ora")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    main = page.inner_text("main")
    assert "3 eventi controllati, nessuno alterato" in main and "Integro" in main
    audit_tools.tamper(events[1], note="riscritto")
    with page.expect_navigation():
        page.get_by_role("button", name="Verifica ora").click()
    assert "alterato all'evento n. 2 (il suo contenuto è stato modificato)" in page.inner_text("main")
    violations = axe_violations(page)
    assert not violations, describe_violations(address, violations)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.js_errors == []
