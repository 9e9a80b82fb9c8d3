"""The privacy officer asks for a verification of the audit log from its page, with the keyboard alone, in Chromium;
the verification runs in the background and the page shows it under way, then its outcome."""

import pytest
from django.urls import reverse

from legami.core.audit import record_event
from legami.core.models import Job
from legami.core.tests import audit_tools
from legami.network.selectors.audit import VERIFY_JOB_KIND
from legami.network.services.audit import run_audit_verification

from .conftest import axe_violations, describe_violations

pytestmark = pytest.mark.browser


def run_the_queued_verification(network):
    """What the worker (db_worker) does: run the job the page queued."""
    run_audit_verification(Job.objects.get(network=network, kind=VERIFY_JOB_KIND, status=Job.Status.QUEUED))


@pytest.mark.django_db(transaction=True)
def test_the_privacy_officer_verifies_the_log_by_keyboard(page, login_as, cast, settings):
    # Tasks wait in the queue, as they do for a worker, so the page can be seen while one is pending.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
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
    assert "La verifica è partita. Prosegue in secondo piano" in main
    assert "Verifica in corso…" in main and f"Richiesta da {cast.privacy_officer.email}" in main
    violations = axe_violations(page)
    assert not violations, describe_violations(address, violations)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # A second request while it is pending queues nothing.
    with page.expect_navigation():
        page.get_by_role("button", name="Verifica ora").click()
    assert "Una verifica di questo registro è già in corso" in page.inner_text("main")
    assert Job.objects.filter(kind=VERIFY_JOB_KIND).count() == 1
    run_the_queued_verification(cast.network)
    with page.expect_navigation():
        page.get_by_role("link", name="Aggiorna la pagina per vedere l'avanzamento").click()
    main = page.inner_text("main")
    assert "3 eventi controllati, nessuno alterato" in main and "Integro" in main and "Verifica in corso" not in main
    audit_tools.tamper(events[1], note="riscritto")
    with page.expect_navigation():
        page.get_by_role("button", name="Verifica ora").click()
    run_the_queued_verification(cast.network)
    page.reload()
    assert "alterato all'evento n. 2 (il suo contenuto è stato modificato)" in page.inner_text("main")
    violations = axe_violations(page)
    assert not violations, describe_violations(address, violations)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.js_errors == []
