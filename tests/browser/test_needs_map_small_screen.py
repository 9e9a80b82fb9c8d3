"""The needs map on a 360 px phone: every Comune placed (centroids, no download), no two visible names over each
other, a name shown on keyboard focus, no horizontal scroll, and axe clean."""

import pytest
from django.urls import reverse

from legami.core.tests import factories as f
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Real Comuni of the province of Cremona a few kilometres apart: at 360 px their circles nearly touch.
NEARBY = [
    ("019001", "A039", "Acquanegra Cremonese"),
    ("019004", "A526", "Azzanello"),
    ("019010", "B484", "Camisano"),
    ("019058", "F434", "Monte Cremasco"),
]


def _overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def _visible_labels(page) -> list[dict]:
    """The boxes of the names a person can see: Leaflet fades a closed one out (opacity 0) before removing it."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(".leaflet-tooltip"))
            .filter((e) => getComputedStyle(e).opacity !== "0" && getComputedStyle(e).visibility !== "hidden")
            .map((e) => e.getBoundingClientRect())
            .filter((r) => r.width > 0 && r.height > 0)
            .map((r) => ({x: r.x, y: r.y, width: r.width, height: r.height}))"""
    )


@pytest.fixture
def small_page(page):
    page.set_viewport_size({"width": 360, "height": 740})
    return page


def test_the_map_at_360_px(small_page, login_as, cast, settings, check_a11y):
    page = small_page
    settings.LEGAMI_MAP_TILES_URL = ""
    area = NeedAreaFactory(network=cast.network, code="casa", name="Casa")
    comuni = list(cast.municipalities)
    for istat, cadastral, name in NEARBY:
        comune = f.MunicipalityFactory(istat_code=istat, cadastral_code=cadastral, name=name)
        f.NetworkMunicipalityFactory(network=cast.network, municipality=comune, district=cast.district)
        comuni.append(comune)
    for i, comune in enumerate(comuni):
        # No need has a point: every circle stands at its Comune's centroid.
        for _ in range(5 + i):
            NeedFactory(network=cast.network, area=area, municipality=comune)
    login_as(cast.coordinator)
    page.goto(reverse("needs:map", args=[cast.network.slug]))
    page.wait_for_load_state("networkidle")

    markers = page.locator(".leaflet-overlay-pane path.leaflet-interactive")
    assert markers.count() == len(comuni)
    assert "non è sulla mappa" not in page.content() and "non sono sulla mappa" not in page.content()
    # No permanent names: none shown, so none covering another.
    assert _visible_labels(page) == []
    # Hovering one shows its name alone.
    markers.nth(0).hover()
    assert len(_visible_labels(page)) == 1

    # Each circle takes the keyboard focus in turn and shows its name, one at a time.
    markers.nth(0).focus()
    seen = set()
    for _ in range(len(comuni)):
        focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
        assert focused, page.evaluate("document.activeElement.outerHTML.slice(0, 300)") + str(
            [markers.nth(i).evaluate("e => e.outerHTML.slice(0, 200)") for i in range(2)]
        )
        labels = _visible_labels(page)
        assert labels, focused
        for i, first in enumerate(labels):
            for second in labels[i + 1 :]:
                assert not _overlap(first, second), (first, second)
        assert len(labels) == 1, focused
        seen.add(focused)
        page.keyboard.press("Tab")
    assert len(seen) == len(comuni)
    assert {markers.nth(i).get_attribute("tabindex") for i in range(markers.count())} == {"0"}

    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    check_a11y(page)
    assert not page.js_errors, page.js_errors
