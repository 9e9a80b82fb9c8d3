"""The registry pages in Chromium: axe finds no serious or critical violation, and the pickers work with and
without JavaScript.

Database work happens before the browser opens and after it closes: inside Playwright's sync API an
event loop runs in this thread, and the ORM would open a separate connection there.
"""

from contextlib import contextmanager

import pytest
from django.test import Client
from django.urls import reverse

from legami.core.tests import factories as f
from legami.network.models import Person, Tie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _reload_middleware(live_server) -> None:
    # The session-wide live server built its middleware before the per-test settings (no HTTPS redirect)
    # were applied; rebuild it so that plain-HTTP requests are not redirected to https.
    app = live_server.thread.httpd.get_app()
    while app is not None:
        if hasattr(app, "load_middleware"):
            app.load_middleware()
        app = getattr(app, "application", None)


@pytest.fixture
def open_browser(live_server, cast, settings):
    """`with open_browser(javascript=True) as (page, axe, base_url):` a page logged in as the coordinator."""
    playwright = pytest.importorskip("playwright.sync_api")
    axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")
    _reload_middleware(live_server)
    client = Client()
    client.force_login(cast.coordinator)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value

    @contextmanager
    def _open(javascript: bool = True):
        with playwright.sync_playwright() as p:
            try:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium")
            except Exception as exc:  # noqa: BLE001 - no browser on this machine
                pytest.skip(f"Chromium not available: {exc}")
            context = browser.new_context(java_script_enabled=javascript)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
            try:
                yield context.new_page(), axe_module.Axe(), live_server.url
            finally:
                browser.close()

    return _open


def serious(results) -> list[str]:
    return [
        f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


def test_registry_pages_have_no_serious_accessibility_violation(open_browser, cast):
    cremona = cast.municipalities[0]
    household = f.HouseholdFactory(network=cast.network, name="Famiglia Rossi", municipality=cremona)
    mario = f.PersonFactory(
        network=cast.network, first_name="Mario", last_name="Rossi", municipality=cremona, household=household
    )
    other = f.PersonFactory(network=cast.network, first_name="Lucia", last_name="Bassi", municipality=cremona)
    tie = f.TieFactory(network=cast.network, source_person=mario, target_person=other)
    f.ProcessingFactory(network=cast.network, name="Newsletter", legal_basis="consent")
    f.ProcessingFactory(network=cast.network, name="Registro", legal_basis="public_task")
    slug = cast.network.slug
    paths = [
        reverse("network:people", args=[slug]) + "?q=rossi",
        reverse("network:person_detail", args=[slug, mario.pk]),
        reverse("network:person_create", args=[slug]),
        reverse("network:person_update", args=[slug, mario.pk]),
        reverse("network:person_delete", args=[slug, mario.pk]),
        reverse("network:person_consents", args=[slug, mario.pk]),
        reverse("network:households", args=[slug]),
        reverse("network:household_detail", args=[slug, household.pk]),
        reverse("network:household_create", args=[slug]),
        reverse("network:ties", args=[slug]),
        reverse("network:tie_create", args=[slug]) + f"?source={mario.pk}",
        reverse("network:tie_update", args=[slug, tie.pk]),
        reverse("network:processings", args=[slug]),
        reverse("network:processing_create", args=[slug]),
    ]
    # Only this app's content (#main) is checked here: the header and footer belong to base.html.
    problems = {}
    headings = {}
    with open_browser() as (page, axe, base):
        for path in paths:
            page.goto(base + path)
            headings[path] = page.locator("h1").count()
            found = serious(axe.run(page, context="#main"))
            if found:
                problems[path] = found
        # A form with errors (the error summary takes focus) is checked too.
        page.goto(base + reverse("network:person_create", args=[slug]))
        page.click("form#person-form > button.btn-primary")
        summary = page.locator("#error-summary").count()
        found = serious(axe.run(page, context="#main"))
        if found:
            problems["person form with errors"] = found
    assert problems == {}
    assert set(headings.values()) == {1}
    assert summary == 1


def test_tie_person_search_works_without_javascript(open_browser, cast):
    cremona = cast.municipalities[0]
    mario = f.PersonFactory(network=cast.network, first_name="Mario", last_name="Rossi", municipality=cremona)
    lucia = f.PersonFactory(network=cast.network, first_name="Lucia", last_name="Bassi", municipality=cremona)
    start = reverse("network:tie_create", args=[cast.network.slug]) + f"?source={mario.pk}"
    with open_browser(javascript=False) as (page, _axe, base):
        page.goto(base + start)
        page.fill("#id_target_search", "bassi")
        page.click("button[name=_search][value=target]")
        page.select_option("#id_target_person", str(lucia.pk))
        page.select_option("#id_kind", "friendship")
        page.click("form#tie-form > button.btn-primary")
        landed = page.url
    assert landed.endswith(reverse("network:person_detail", args=[cast.network.slug, mario.pk]))
    assert Tie.objects.get().target_person_id == lucia.pk


def test_household_search_with_htmx_keeps_what_was_typed(open_browser, cast):
    household = f.HouseholdFactory(network=cast.network, name="Famiglia Bianchi", municipality=cast.municipalities[0])
    with open_browser() as (page, _axe, base):
        page.goto(base + reverse("network:person_create", args=[cast.network.slug]))
        page.fill("#id_first_name", "Anna")
        page.fill("#id_last_name", "Bianchi")
        page.fill("#id_household_search", "bianchi")
        page.click("button[name=_search][value=household]")
        page.wait_for_selector("select#id_household")
        typed = page.input_value("#id_first_name")
        page.select_option("#id_household", str(household.pk))
        page.click("form#person-form > button.btn-primary")
        page.wait_for_url("**/people/*/")
    assert typed == "Anna"
    assert Person.objects.get(last_name="Bianchi").household_id == household.pk
