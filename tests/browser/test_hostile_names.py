"""Names typed by people are text wherever they are shown: a payload stored in a neighbourhood, an area, an
organisation, a survey or a demand never runs, on the map's labels and tooltips, in charts, tables and lists.

Chromium reports any alert() through the page's "dialog" event: the test listens to it on every page.
"""

import datetime

import pytest
from django.urls import reverse

from legami.aggregation.models import AggregatedDemand, DemandItem, DemandStatus
from legami.core.tests import factories as f
from legami.needs.models import Question, Survey, TargetGroup
from legami.needs.tests.factories import (
    AnswerFactory,
    NeedAreaFactory,
    NeedFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyResponseFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOAD = "<img src=x onerror=alert(1)>"


def _hostile_network(cast):
    """Six needs in a neighbourhood of Cremona, in an area and with a survey and a demand, all named PAYLOAD."""
    cremona = cast.municipalities[0]
    area = NeedAreaFactory(network=cast.network, code="casa", name=f"Casa {PAYLOAD}")
    quartiere = f.NeighbourhoodFactory(network=cast.network, municipality=cremona, name=f"Centro {PAYLOAD}")
    f.OrganizationFactory(network=cast.network, name=f"Ente {PAYLOAD}")
    needs = [
        NeedFactory(
            network=cast.network,
            area=area,
            municipality=cremona,
            neighbourhood=quartiere,
            target_group=TargetGroup.FAMILIES,
            description=f"Bisogno {i} {PAYLOAD}",
            latitude="45.133000",
            longitude="10.022000",
            observed_on=datetime.date(2026, 10, 1 + i),
        )
        for i in range(6)
    ]
    demand = AggregatedDemand.objects.create(
        network=cast.network,
        title=f"Domanda {PAYLOAD}",
        summary=f"Sintesi {PAYLOAD}",
        reasons=[f"stessa area: {area.name}"],
        keywords=[PAYLOAD],
        area=area,
        target_group=TargetGroup.FAMILIES,
        municipality=cremona,
        need_count=6,
        people_count=6,
        status=DemandStatus.CANDIDATE,
    )
    for need in needs:
        DemandItem.objects.create(demand=demand, need=need, similarity=0.5)
    survey = SurveyFactory(network=cast.network, title=f"Questionario {PAYLOAD}", status=Survey.Status.OPEN)
    question = QuestionFactory(survey=survey, text=f"Domanda {PAYLOAD}", choices=[PAYLOAD, "No"])
    for _ in range(6):
        AnswerFactory(response=SurveyResponseFactory(survey=survey), question=question, value=PAYLOAD)
    QuestionFactory(survey=survey, kind=Question.Kind.TEXT, text="Altro?", choices=[])
    return cremona, demand, survey


def _visit_all(page, paths):
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        # Open every tooltip of the map: Leaflet builds a tooltip's content only when it opens.
        for marker in page.locator(".leaflet-overlay-pane path.leaflet-interactive").all():
            marker.hover()
        assert page.locator("img[src='x']").count() == 0, path
    return dialogs


def test_a_payload_in_names_never_runs_on_the_internal_pages(page, login_as, cast, settings):
    settings.LEGAMI_MAP_TILES_URL = ""  # the map then writes the places' names as permanent labels
    cremona, demand, survey = _hostile_network(cast)
    slug = cast.network.slug
    login_as(cast.coordinator)
    map_url = reverse("needs:map", args=[slug])
    dialogs = _visit_all(
        page,
        [
            f"{map_url}?municipality={cremona.pk}",
            map_url,
            reverse("needs:needs", args=[slug]),
            reverse("needs:areas", args=[slug]),
            reverse("aggregation:demands", args=[slug]),
            reverse("aggregation:demand_detail", args=[slug, demand.pk]),
            reverse("needs:survey_results", args=[slug, survey.pk]),
            reverse("network:organizations", args=[slug]),
            reverse("territory:overview", args=[slug]),
            reverse("network:dashboard", args=[slug]),
        ],
    )
    assert dialogs == []
    # The names are there, as text: in a circle's name (shown on hover and on keyboard focus) and its table.
    page.goto(f"{map_url}?municipality={cremona.pk}")
    _names_are_text(page)
    assert not page.js_errors, page.js_errors


def _names_are_text(page) -> None:
    """The payload reaches the map's circle names as text: on hover, on keyboard focus and as accessible name."""
    circle = page.locator(".leaflet-overlay-pane path.leaflet-interactive").first
    assert PAYLOAD in (circle.get_attribute("aria-label") or "")
    circle.hover()
    assert PAYLOAD in page.locator(".legami-map-label").first.inner_text()
    page.mouse.move(0, 0)
    circle.focus()
    assert PAYLOAD in page.locator(".legami-map-label").first.inner_text()
    assert page.locator(".legami-map-label img").count() == 0


def test_a_payload_in_names_never_runs_on_the_public_pages(page, cast, settings):
    settings.LEGAMI_MAP_TILES_URL = ""
    cremona, _demand, survey = _hostile_network(cast)
    slug = cast.network.slug
    map_url = reverse("needs:map_public", args=[slug])
    dialogs = _visit_all(
        page,
        [
            f"{map_url}?municipality={cremona.pk}",
            map_url,
            reverse("network:home", args=[slug]),
            reverse("needs:survey_answer", args=[slug, survey.public_token]),
            reverse("needs:report", args=[slug]),
        ],
    )
    assert dialogs == []
    page.goto(f"{map_url}?municipality={cremona.pk}")
    _names_are_text(page)
    assert not page.js_errors, page.js_errors


def test_the_content_security_policy_is_sent_and_enforced(page, cast):
    response = page.goto(reverse("needs:report", args=[cast.network.slug]))
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    # A script that a payload could smuggle in as an inline element is refused, and the refusal is seen.
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = true';"
        " document.body.appendChild(s); }"
    )
    assert page.evaluate("() => window.ran === undefined")
    assert any("Content Security Policy" in error for error in page.js_errors), page.js_errors
