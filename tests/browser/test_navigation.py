"""The network's menu and the shell in Chromium: every role's pages fit a 320 px screen, the menu
works with the keyboard alone (at 1280 px and in the off-canvas menu at 320 px) and passes axe open
and closed at both widths."""

import pytest
from django.urls import reverse

from legami.core.navigation import registry
from legami.core.permissions import can
from legami.core.tests import factories as f
from legami.needs.services.areas import ensure_default_areas
from legami.needs.tests.factories import NeedFactory, SurveyFactory
from legami.network.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["coordinator", "case_manager", "community_worker", "partner_staff", "evaluator", "funder", "citizen"]
ROLES += ["privacy_officer"]
NARROW = {"width": 320, "height": 700}
WIDE = {"width": 1280, "height": 900}
# The theme fades dropdowns and slides the off-canvas menu in: axe reads colours after that.
ANIMATION_MS = 500


def _data(cast) -> dict:
    """Rows with long names in every list, so that a table too wide for the screen shows up."""
    network = cast.network
    cremona = cast.municipalities[0]
    ensure_default_areas(network=network)
    household = f.HouseholdFactory(network=network, name="Famiglia Bergamaschi-Abbondanzieri", municipality=cremona)
    person = f.PersonFactory(
        network=network,
        first_name="Massimiliano Giuseppe",
        last_name="Bergamaschi-Abbondanzieri",
        email="massimiliano.bergamaschi-abbondanzieri@example.org",
        municipality=cremona,
        household=household,
        household_role=Person.HouseholdRole.HEAD,
    )
    for i in range(3):
        other = f.PersonFactory(network=network, first_name=f"Pierfrancesca {i}", last_name="Spadafora-Lancellotti")
        f.TieFactory(network=network, source_person=person, target_person=other)
    f.OrganizationFactory(network=network, name="Cooperativa sociale di solidarietà Il Ponte sul Po")
    f.PlaceFactory(network=network, name="Casa di quartiere e centro civico Po", municipality=cremona)
    f.NeighbourhoodFactory(network=network, municipality=cremona, name="Quartiere Porta Po e Boschetto")
    f.ProcessingFactory(network=network, name="Registro delle persone accompagnate", legal_basis="public_task")
    NeedFactory(network=network, municipality=cremona, description="Doposcuola per i compiti dei ragazzi")
    SurveyFactory(network=network, title="Questionario sui bisogni delle famiglie del quartiere")
    return {"person": person, "household": household}


def _menu_paths(cast, user) -> list[str]:
    """Every page the registry puts in `user`'s menu."""
    menu = registry.menu(
        slug=cast.network.slug, allowed=lambda capability: can(user, capability, cast.network), current=None
    )
    return [e.url for e in menu.links] + [e.url for g in menu.groups for e in g.entries]


def _narrow_page(browser, live_server, login_as_user, viewport=NARROW):
    context = browser.new_context(base_url=live_server.url, locale="it-IT", viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    login_as_user(context)
    return context, page


@pytest.fixture
def session_for(live_server):
    """`session_for(user)(context)` logs a browser context in as `user`."""
    from django.conf import settings
    from django.test import Client

    def _for(user):
        def _add(context):
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

        return _add

    return _for


@pytest.mark.parametrize("persona", ROLES)
def test_no_page_is_wider_than_a_320_px_screen(persona, cast, browser, live_server, session_for):
    objs = _data(cast)
    user = getattr(cast, persona)
    slug = cast.network.slug
    paths = [*_menu_paths(cast, user), reverse("network:home", args=[slug]), reverse("accounts:home")]
    if persona == "coordinator":
        paths += [
            reverse("network:person_detail", args=[slug, objs["person"].pk]),
            reverse("network:household_detail", args=[slug, objs["household"].pk]),
            reverse("needs:areas", args=[slug]),
            reverse("territory:places", args=[slug]),
            reverse("aggregation:runs", args=[slug]),
            reverse("accounts:tokens"),
        ]
    context, page = _narrow_page(browser, live_server, session_for(user))
    try:
        too_wide = {}
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.status == 200, f"{persona}: GET {path} gave {response.status}"
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > NARROW["width"]:
                too_wide[path] = width
        # The header's controls are all on screen, log out included (inside the account menu).
        page.locator("#account-menu").click()
        logout = page.get_by_role("button", name="Esci")
        assert logout.is_visible()
        box = logout.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= NARROW["width"]
    finally:
        context.close()
    assert not too_wide, f"{persona}: pages wider than 320 px: {too_wide}"


def test_the_menu_shows_only_what_the_role_may_use(cast, page, login_as):
    login_as(cast.citizen)
    page.goto(reverse("network:dashboard", args=[cast.network.slug]))
    groups = page.locator("#main-nav .dropdown-toggle")
    assert groups.all_inner_texts() == ["Comunità", "Bisogni", "Risposte", "Rete"]
    assert page.locator("#main-nav a[href$='/people/']").count() == 0
    assert page.locator("#main-nav a[href$='/audit/']").count() == 0


def _tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until `selector` has the focus (as a keyboard user would reach it)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def _focused_text(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def test_the_menu_works_with_the_keyboard_alone(cast, page, login_as, check_a11y):
    slug = cast.network.slug
    login_as(cast.coordinator)
    page.goto(reverse("network:dashboard", args=[slug]))
    toggle = page.locator("#main-nav-needs")

    _tab_to(page, "#main-nav-needs")
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    menu = page.locator("#main-nav-needs + .dropdown-menu")
    assert menu.is_visible()
    page.wait_for_timeout(ANIMATION_MS)
    check_a11y.soft(page)
    page.keyboard.press("ArrowDown")
    assert _focused_text(page) == "Elenco dei bisogni"
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not menu.is_visible()
    assert page.evaluate("document.activeElement.id") == "main-nav-needs"

    # Space opens it too; Tab walks the entries; Enter follows one.
    page.keyboard.press(" ")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _focused_text(page) == "Mappa dei bisogni"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(reverse("needs:map", args=[slug]))
    # The page and its group are both marked as current.
    assert page.locator("#main-nav-needs").get_attribute("aria-current") == "true"
    assert page.locator("#main-nav a[aria-current=page]").inner_text().strip() == "Mappa dei bisogni"
    assert page.locator("#main-nav [aria-current]").count() == 2
    check_a11y.soft(page)
    check_a11y.finish()
    assert not page.js_errors, page.js_errors


def test_the_off_canvas_menu_works_with_the_keyboard_at_320_px(cast, browser, live_server, session_for, check_a11y):
    slug = cast.network.slug
    context, page = _narrow_page(browser, live_server, session_for(cast.coordinator))
    try:
        page.goto(reverse("network:people", args=[slug]))
        assert not page.locator("#main-nav-menu").is_visible()
        check_a11y.soft(page)
        _tab_to(page, "#main-nav .custom-navbar-toggler")
        page.keyboard.press("Enter")
        page.locator("#main-nav-menu").wait_for(state="visible")
        page.wait_for_timeout(ANIMATION_MS)
        assert page.locator("#main-nav .custom-navbar-toggler").get_attribute("aria-expanded") == "true"
        check_a11y.soft(page)

        _tab_to(page, "#main-nav-community")
        assert page.locator("#main-nav-community").get_attribute("aria-current") == "true"
        page.keyboard.press("Enter")
        entries = page.locator("#main-nav-community + .dropdown-menu")
        entries.wait_for(state="visible")
        page.keyboard.press("Tab")
        assert _focused_text(page) == "Persone"
        page.wait_for_timeout(ANIMATION_MS)
        check_a11y.soft(page)
        page.keyboard.press("Escape")
        assert page.locator("#main-nav-community").get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.id") == "main-nav-community"
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    finally:
        context.close()
    check_a11y.finish()


@pytest.mark.parametrize("viewport", [WIDE, NARROW], ids=["1280", "320"])
@pytest.mark.parametrize("persona", ["coordinator", "citizen", "evaluator"])
def test_the_shell_passes_axe(persona, viewport, cast, browser, live_server, session_for, check_a11y):
    context, page = _narrow_page(browser, live_server, session_for(getattr(cast, persona)), viewport=viewport)
    try:
        page.goto(reverse("network:dashboard", args=[cast.network.slug]))
        check_a11y.soft(page)
        for toggle, item in (("#account-menu", "Esci"), ("#language-menu", "English")):
            page.locator(toggle).click()
            page.get_by_role("button", name=item).wait_for(state="visible")
            page.wait_for_timeout(ANIMATION_MS)
            check_a11y.soft(page)
            page.keyboard.press("Escape")
    finally:
        context.close()
    check_a11y.finish()
