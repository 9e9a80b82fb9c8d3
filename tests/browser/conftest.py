"""Playwright (sync API) in Debian's Chromium against pytest-django's live server, with axe checks.

Each pytest-xdist worker is its own process, so it gets its own live server (session fixture) and
its own Chromium; every test gets a fresh browser context (no cookies shared between tests).
Without /usr/bin/chromium the tests skip, unless LEGAMI_REQUIRE_BROWSER=1 (CI), where they fail.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make to build
# and check data are still synchronous and safe, so Django's async guard must stand aside.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
]
# axe impacts that fail a page; "minor" and "moderate" ones are left to review.
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 15_000


def pytest_configure(config):
    # The live server speaks plain HTTP. SecurityMiddleware reads SECURE_SSL_REDIRECT once, when the
    # server thread builds its handler, and the session-wide live server may be started by any test
    # of the worker, so a per-test override comes too late: switch the redirect off for the whole
    # run, before any test (the root conftest switches it off for every test anyway).
    from django.conf import settings

    settings.SECURE_SSL_REDIRECT = False


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("LEGAMI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM} is missing but LEGAMI_REQUIRE_BROWSER=1: apt-get install chromium")
    pytest.skip("Chromium not installed: apt-get install chromium")


@pytest.fixture(autouse=True)
def _chromium_present() -> None:
    # Autouse fixtures come first: skip (or fail) before building any data.
    _require_chromium()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium per worker process."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(autouse=True)
def _plain_http_cookies(settings):
    # The live server speaks plain HTTP: the production-grade Secure cookies would not be sent back.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A page in a fresh context whose relative URLs go to the live server, in Italian."""
    context = browser.new_context(base_url=live_server.url, locale="it-IT", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # What the Content Security Policy refuses (an inline script or style, a foreign resource) is a defect too.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.js_errors = errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def login_as(page, live_server) -> Callable:
    """`login_as(user)` gives the page a logged-in session without going through the form."""
    from django.conf import settings
    from django.test import Client

    def _login_as(user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return _login_as


def axe_violations(page) -> list[dict]:
    """The serious and critical axe violations on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe: {len(violations)} serious/critical violation(s) on {url}"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node.get("target", []))
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"    {target}: {summary[:300]}")
    return "\n".join(lines)


class A11yChecker:
    """Calling it on a page fails at once on serious/critical violations; `soft(page)` notes them and
    `finish()` fails listing every page's, so a journey reports all its pages in one run."""

    def __init__(self) -> None:
        self.reports: list[str] = []

    def __call__(self, page) -> None:
        page.wait_for_load_state("load")
        violations = axe_violations(page)
        if violations:
            pytest.fail(describe_violations(page.url, violations), pytrace=False)

    def soft(self, page) -> None:
        page.wait_for_load_state("load")
        violations = axe_violations(page)
        if violations:
            self.reports.append(describe_violations(page.url, violations))

    def finish(self) -> None:
        if self.reports:
            pytest.fail("\n".join(self.reports), pytrace=False)


@pytest.fixture
def check_a11y() -> A11yChecker:
    """`check_a11y(page)` runs axe and fails listing every serious or critical violation (rule, help, targets)."""
    return A11yChecker()
