"""axe (WCAG 2.1 AA) on each main page, in Chromium, as the coordinator and as an anonymous visitor."""

import pytest
from django.urls import reverse

from legami.core.tests import factories as f
from legami.network.models import Person

pytestmark = pytest.mark.browser


def _objects(cast) -> dict:
    """One of each kind the detail pages need, in Cremona (the district every operator can see)."""
    cremona = cast.municipalities[0]
    household = f.HouseholdFactory(network=cast.network, name="Famiglia Rossi", municipality=cremona)
    person = f.PersonFactory(
        network=cast.network,
        first_name="Maria",
        last_name="Rossi",
        municipality=cremona,
        household=household,
        household_role=Person.HouseholdRole.HEAD,
    )
    friend = f.PersonFactory(network=cast.network, first_name="Luca", last_name="Bianchi", municipality=cremona)
    f.TieFactory(network=cast.network, source_person=person, target_person=friend)
    f.PlaceFactory(network=cast.network, name="Casa di quartiere Po", municipality=cremona)
    f.NeighbourhoodFactory(network=cast.network, municipality=cremona, name="Quartiere Po")
    from legami.participation.tests.factories import PhaseFactory, open_process

    process = open_process(cast.network, title="Laboratorio del quartiere Po")
    PhaseFactory(process=process, name="Valutazione", position=3)
    return {"person": person, "household": household, "process": process}


# page -> (route name, how to build the URL's arguments, who looks at it)
PAGES = {
    "landing": ("home", lambda cast, objs: [], None),
    "login": ("accounts:login", lambda cast, objs: [], None),
    "password reset": ("accounts:password_reset", lambda cast, objs: [], None),
    "password reset sent": ("accounts:password_reset_done", lambda cast, objs: [], None),
    "two-factor section": ("accounts:two_factor", lambda cast, objs: [], "coordinator"),
    "public home (anonymous)": ("network:home", lambda cast, objs: [cast.network.slug], None),
    "public home": ("network:home", lambda cast, objs: [cast.network.slug], "coordinator"),
    "dashboard": ("network:dashboard", lambda cast, objs: [cast.network.slug], "coordinator"),
    "people": ("network:people", lambda cast, objs: [cast.network.slug], "coordinator"),
    "person detail": (
        "network:person_detail",
        lambda cast, objs: [cast.network.slug, objs["person"].pk],
        "coordinator",
    ),
    "households": ("network:households", lambda cast, objs: [cast.network.slug], "coordinator"),
    "ties": ("network:ties", lambda cast, objs: [cast.network.slug], "coordinator"),
    "partners": ("network:organizations", lambda cast, objs: [cast.network.slug], "coordinator"),
    "members": ("network:members", lambda cast, objs: [cast.network.slug], "coordinator"),
    "territory": ("territory:overview", lambda cast, objs: [cast.network.slug], "coordinator"),
    "places": ("territory:places", lambda cast, objs: [cast.network.slug], "coordinator"),
    "audit": ("network:audit", lambda cast, objs: [cast.network.slug], "coordinator"),
    # participation: a process's public page, its list and the operators' forms
    "processes (anonymous)": ("participation:processes", lambda cast, objs: [cast.network.slug], None),
    "process (anonymous)": (
        "participation:process_detail",
        lambda cast, objs: [cast.network.slug, objs["process"].pk],
        None,
    ),
    "process": (
        "participation:process_detail",
        lambda cast, objs: [cast.network.slug, objs["process"].pk],
        "coordinator",
    ),
    "new process": ("participation:process_create", lambda cast, objs: [cast.network.slug], "coordinator"),
    "new phase": (
        "participation:phase_create",
        lambda cast, objs: [cast.network.slug, objs["process"].pk],
        "coordinator",
    ),
    # the privacy officer's pages of a person's rights
    "person detail (privacy officer)": (
        "network:person_detail",
        lambda cast, objs: [cast.network.slug, objs["person"].pk],
        "privacy_officer",
    ),
    "anonymise a person": (
        "network:person_anonymise",
        lambda cast, objs: [cast.network.slug, objs["person"].pk],
        "privacy_officer",
    ),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_page_passes_axe(name, cast, page, login_as, check_a11y):
    route, arguments, persona = PAGES[name]
    objs = _objects(cast)
    if persona:
        login_as(getattr(cast, persona))
    path = reverse(route, args=arguments(cast, objs))

    response = page.goto(path)

    assert response is not None and response.status == 200, f"{name}: GET {path} gave {response and response.status}"
    assert "/accounts/login/" not in page.url or route == "accounts:login", f"{name}: sent to log in ({page.url})"
    check_a11y(page)
    assert page.locator("h1").count() == 1, (
        f"{name}: a page has exactly one <h1>, {path} has {page.locator('h1').count()}"
    )
    assert page.title().strip(), f"{name}: {path} has an empty <title>"
    assert not page.js_errors, f"{name}: JavaScript errors on {path}: {page.js_errors}"


def test_page_titles_are_unique(cast, page, login_as):
    """Each page says where the visitor is: no two main pages share a <title>."""
    objs = _objects(cast)
    login_as(cast.coordinator)
    seen: dict[str, str] = {}
    clashes = []
    for name, (route, arguments, persona) in PAGES.items():
        if persona != "coordinator" or name == "public home":  # the same pages seen by others
            continue
        page.goto(reverse(route, args=arguments(cast, objs)))
        title = page.title().strip()
        if title in seen:
            clashes.append(f"{name!r} and {seen[title]!r} are both titled {title!r}")
        seen.setdefault(title, name)
    assert not clashes, "\n".join(clashes)
