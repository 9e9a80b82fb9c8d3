"""The needs, surveys, map and demand pages in Chromium: axe on each, one <h1>, no JavaScript error,
and the Leaflet map drawn without any tile server."""

import datetime

import pytest
from django.urls import reverse

from legami.aggregation.models import AggregatedDemand, DemandItem, DemandStatus
from legami.core.models import Job
from legami.needs.models import NeedArea, Question, Survey, TargetGroup
from legami.needs.services.areas import ensure_default_areas
from legami.needs.tests.factories import (
    AnswerFactory,
    NeedFactory,
    QuestionFactory,
    SurveyFactory,
    SurveyNeedRuleFactory,
    SurveyResponseFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _data(cast):
    network = cast.network
    ensure_default_areas(network=network)
    cremona = cast.municipalities[0]
    area = NeedArea.objects.get(network=network, code="conciliazione")
    windows = [{"day": 1, "start": "16:00", "end": "18:00"}]
    needs = [
        NeedFactory(
            network=network,
            area=area,
            municipality=cremona,
            target_group=TargetGroup.FAMILIES,
            description=f"Doposcuola per i compiti, famiglia {i}",
            time_windows=windows,
            latitude="45.133000",
            longitude="10.022000",
            observed_on=datetime.date(2026, 10, 1 + i),
        )
        for i in range(6)
    ]
    demand = AggregatedDemand.objects.create(
        network=network,
        title="Doposcuola — Cremona",
        summary="6 famiglie di Cremona chiedono un doposcuola il martedì 16–18",
        reasons=["stessa area: Conciliazione famiglia-lavoro"],
        area=area,
        target_group=TargetGroup.FAMILIES,
        municipality=cremona,
        time_windows=windows,
        need_count=6,
        people_count=6,
        status=DemandStatus.CANDIDATE,
    )
    for need in needs:
        DemandItem.objects.create(demand=demand, need=need, similarity=0.5)
    survey = SurveyFactory(network=network, title="Come stai nel quartiere?", status=Survey.Status.OPEN)
    comune = QuestionFactory(survey=survey, kind=Question.Kind.MUNICIPALITY, text="In quale Comune vivi?", choices=[])
    alone = QuestionFactory(
        survey=survey, kind=Question.Kind.SCALE, text="Quanto ti senti solo/a?", choices=[], min_value=1, max_value=5
    )
    help_q = QuestionFactory(survey=survey, text="Ti servirebbe un doposcuola?", choices=["Sì", "No"])
    QuestionFactory(survey=survey, kind=Question.Kind.TEXT, text="Che cosa manca nel quartiere?", choices=[])
    SurveyNeedRuleFactory(survey=survey, question=help_q, choice="Sì", area=area)
    for i in range(7):
        response = SurveyResponseFactory(survey=survey, municipality=cremona)
        AnswerFactory(response=response, question=comune, value=str(cremona.pk))
        AnswerFactory(response=response, question=alone, value=1 + i % 5)
        AnswerFactory(response=response, question=help_q, value="Sì" if i % 2 else "No")
    job = Job.objects.create(
        network=network,
        kind="needs_aggregation",
        actor=cast.coordinator,
        status=Job.Status.SUCCEEDED,
        total=6,
        processed=6,
        result={"needs": 6, "candidates": 1, "grouped_needs": 6, "settings": {"distance_km": 2, "min_group_size": 2}},
    )
    return needs, demand, survey, job


def test_needs_pages_pass_axe_and_have_one_h1(page, login_as, check_a11y, cast):
    needs, demand, survey, job = _data(cast)
    slug = cast.network.slug
    area = needs[0].area
    paths = [
        reverse("needs:needs", args=[slug]),
        reverse("needs:needs", args=[slug]) + f"?area={area.pk}&status=new",
        reverse("needs:need_detail", args=[slug, needs[0].pk]),
        reverse("needs:need_create", args=[slug]),
        reverse("needs:need_update", args=[slug, needs[0].pk]),
        reverse("needs:need_delete", args=[slug, needs[0].pk]),
        reverse("needs:areas", args=[slug]),
        reverse("needs:area_create", args=[slug]),
        reverse("needs:area_update", args=[slug, area.pk]),
        reverse("needs:needs_import", args=[slug]),
        reverse("needs:surveys", args=[slug]),
        reverse("needs:survey_create", args=[slug]),
        reverse("needs:survey_detail", args=[slug, survey.pk]),
        reverse("needs:survey_update", args=[slug, survey.pk]),
        reverse("needs:survey_question_create", args=[slug, survey.pk]),
        reverse("needs:survey_rules", args=[slug, survey.pk]),
        reverse("needs:survey_results", args=[slug, survey.pk]),
        reverse("needs:map", args=[slug]),
        reverse("aggregation:demands", args=[slug]),
        reverse("aggregation:demand_detail", args=[slug, demand.pk]),
        reverse("aggregation:demand_split", args=[slug, demand.pk]),
        reverse("aggregation:demand_rename", args=[slug, demand.pk]),
        reverse("aggregation:runs", args=[slug]),
        reverse("aggregation:run_detail", args=[slug, job.pk]),
        reverse("aggregation:suggestions", args=[slug]),
    ]
    login_as(cast.coordinator)
    headings = {}
    for path in paths:
        page.goto(path)
        headings[path] = page.locator("h1").count()
        check_a11y.soft(page)
    # A form with errors: the error summary is there and takes focus.
    page.goto(reverse("needs:need_create", args=[slug]))
    page.locator("main form[method=post] button[type=submit].btn-primary").last.click()
    page.wait_for_load_state("load")
    assert page.locator("#error-summary").count() == 1
    assert page.evaluate("document.activeElement.id") == "error-summary"
    check_a11y.soft(page)
    assert not page.js_errors, page.js_errors
    check_a11y.finish()
    assert {path: n for path, n in headings.items() if n != 1} == {}


def test_public_needs_pages_pass_axe(page, check_a11y, cast):
    _needs, _demand, survey, _job = _data(cast)
    slug = cast.network.slug
    for path in [
        reverse("needs:report", args=[slug]),
        reverse("needs:map_public", args=[slug]),
        reverse("needs:survey_answer", args=[slug, survey.public_token]),
    ]:
        page.goto(path)
        assert page.locator("h1").count() == 1, path
        check_a11y.soft(page)
    assert not page.js_errors, page.js_errors
    check_a11y.finish()


def test_the_map_is_drawn_without_a_tile_server(page, login_as, cast, settings):
    settings.LEGAMI_MAP_TILES_URL = ""
    _data(cast)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    login_as(cast.coordinator)
    page.goto(reverse("needs:map", args=[cast.network.slug]))
    page.wait_for_load_state("networkidle")
    assert page.locator(".leaflet-container").count() == 1
    # Cremona has six needs with a point: one marker, drawn as an SVG path, and no tile image.
    assert page.locator(".leaflet-overlay-pane path.leaflet-interactive").count() >= 1
    assert page.locator(".leaflet-tile").count() == 0
    outside = [url for url in requested if not url.startswith(page.url.split("/rete-prova")[0])]
    assert outside == []
    assert not page.js_errors, page.js_errors
