"""The demo's needs, surveys and aggregated demand (part G): realistic, written by the services, idempotent."""

import datetime
from collections import Counter

import pytest

from legami.aggregation.models import AggregatedDemand, DemandEvent, DemandItem, DemandStatus
from legami.core.models import AuditEvent, Job
from legami.demo import data
from legami.demo.generator import build_plan, load_demo
from legami.demo.generator.needs import (
    EXTERNAL_ID_PREFIX,
    SMALL_NEEDS,
    answer_for,
    needs_for,
    plan_needs,
)
from legami.demo.generator.needs_content import HOTSPOTS, SINGULAR_NEEDS
from legami.demo.generator.needs_themes import THEME_BY_CODE, THEMES
from legami.demo.generator.plan import REFERENCE_DATE
from legami.demo.generator.surveys import CLOSED_SURVEY, OPEN_SURVEY, SMALL_ANSWERS, plan_answers
from legami.needs.models import (
    Answer,
    Channel,
    Need,
    NeedArea,
    NeedEvent,
    NeedStatus,
    PrivacyLevel,
    Survey,
    SurveyNeedRule,
    SurveyResponse,
    TargetGroup,
)
from legami.needs.taxonomy import DEFAULT_AREAS
from legami.needs.timewindows import windows_from_json
from legami.network.models import Network
from legami.territory.models import Municipality
from legami.territory.services.istat_import import import_istat

NEED_MODELS = (
    NeedArea,
    Need,
    NeedEvent,
    Survey,
    SurveyNeedRule,
    SurveyResponse,
    Answer,
    AggregatedDemand,
    DemandItem,
    DemandEvent,
    Job,
    AuditEvent,
)
AREA_CODES = {code for code, _name, _description in DEFAULT_AREAS}


@pytest.fixture
def province(db):
    """The ISTAT Comuni of the province of Cremona, as `make demo` imports them before load_demo."""
    import_istat(province="CR")
    return sorted(m.name for m in Municipality.objects.filter(province__abbreviation="CR"))


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in NEED_MODELS}


# --- the plan, without the database -----------------------------------------------------------------


def test_the_content_names_real_areas_targets_and_places():
    assert {theme.area for theme in THEMES} | {area for area, *_rest in SINGULAR_NEEDS} == AREA_CODES
    for theme in THEMES:
        assert {target for target, _weight in theme.targets} <= set(TargetGroup.values), theme.code
        # Every theme says what it needs in both voices, with several paraphrases.
        assert len(theme.citizen) >= 2 and len(theme.operator) >= 2, theme.code
    neighbourhoods = {(comune, name) for comune, name, _description in data.NEIGHBOURHOODS}
    for hotspot in HOTSPOTS:
        theme = THEME_BY_CODE[hotspot.theme]
        assert not hotspot.neighbourhood or (hotspot.municipality, hotspot.neighbourhood) in neighbourhoods
        assert hotspot.hours is None or hotspot.hours < len(theme.hours)


def test_the_needs_plan_is_realistic_and_deterministic(province):
    plan = build_plan(municipalities=province, people=600, seed=5)
    needs = plan_needs(plan=plan, municipalities=province, count=1000, seed=5)
    again = plan_needs(
        plan=build_plan(municipalities=province, people=600, seed=5), municipalities=province, count=1000, seed=5
    )

    assert needs == again
    assert len(needs) == 1000
    assert len({n.external_id for n in needs}) == 1000
    assert all(n.external_id.startswith(EXTERNAL_ID_PREFIX) for n in needs)
    assert {n.area for n in needs} == AREA_CODES
    # About a third detected, about 60% with a point; more in the three towns with services.
    detected = sum(not n.expressed for n in needs) / len(needs)
    assert 0.25 < detected < 0.45
    with_point = sum(n.latitude is not None for n in needs) / len(needs)
    assert 0.45 < with_point < 0.75
    by_comune = Counter(n.municipality for n in needs)
    assert [name for name, _count in by_comune.most_common(3)] == ["Cremona", "Crema", "Casalmaggiore"]
    assert {n.status for n in needs} == {NeedStatus.NEW, NeedStatus.READING, NeedStatus.CLOSED}
    assert Counter(n.urgency for n in needs).most_common(1)[0][0] == 2
    assert any(n.privacy_level == PrivacyLevel.CASE_TEAM for n in needs)
    assert all(n.privacy_level == PrivacyLevel.NETWORK or n.area in {"salute", "cura"} for n in needs)
    # Dates within the 18 months before the reference date, never in the future.
    assert all(REFERENCE_DATE - datetime.timedelta(days=550) <= n.observed_on <= REFERENCE_DATE for n in needs)
    # People of the registry express needs where they live.
    people = {p.key: p for p in plan.people}
    linked = [n for n in needs if n.person is not None]
    assert linked
    for need in linked:
        assert people[need.person].municipality == need.municipality
        assert not need.neighbourhood or people[need.person].neighbourhood == need.neighbourhood
    # The doposcuola of Cambonino on Tuesdays and Thursdays 16-18: the cluster the aggregation should find.
    cambonino = [
        n
        for n in needs
        if n.neighbourhood == "Cambonino"
        and n.area == "conciliazione"
        and n.windows == ((1, 960, 1080), (3, 960, 1080))
    ]
    assert len(cambonino) >= 5


def test_another_seed_gives_other_needs(province):
    plan = build_plan(municipalities=province, people=100, seed=1)
    first = plan_needs(plan=plan, municipalities=province, count=200, seed=1)
    other = plan_needs(plan=plan, municipalities=province, count=200, seed=2)

    assert [n.description for n in first] != [n.description for n in other]


def test_the_survey_answers_are_plausible(province):
    answers = plan_answers(municipalities=province, seed=3, small=False)

    neighbourhood = answers[OPEN_SURVEY]
    assert len(neighbourhood) == 400
    assert all("comune" in r.answers and "eta" in r.answers and "solitudine" in r.answers for r in neighbourhood)

    def lonely(ages):
        scores = [r.answers["solitudine"] for r in neighbourhood if r.answers["eta"] in ages]
        return sum(scores) / len(scores)

    # Older respondents feel lonelier than the young ones.
    assert lonely({"65–79 anni", "80 anni e più"}) > lonely({"18–34 anni"}) + 0.5
    assert len(answers[CLOSED_SURVEY]) == 60


def test_needs_scale_with_the_people():
    assert needs_for(60) == SMALL_NEEDS
    assert needs_for(3000) == 4000


# --- the small demo, through the services --------------------------------------------------------


def test_small_demo_has_needs_surveys_and_demands(province):
    result = load_demo(small=True)

    network = Network.objects.get(slug="welfare-cremona")
    needs = Need.objects.filter(network=network)
    demo_needs = needs.filter(external_id__startswith=EXTERNAL_ID_PREFIX)
    assert demo_needs.count() == SMALL_NEEDS
    assert result.created["needs"] == SMALL_NEEDS
    assert demo_needs.values("area").distinct().count() >= 8
    assert demo_needs.filter(expressed=False).exists() and demo_needs.filter(expressed=True).exists()
    assert demo_needs.filter(latitude__isnull=False).exists()
    assert demo_needs.filter(person__isnull=False).exists()
    assert set(needs.values_list("status", flat=True)) >= {NeedStatus.NEW, NeedStatus.READING, NeedStatus.CLOSED}
    windowed = demo_needs.exclude(time_windows=[]).first()
    assert windowed is not None and windows_from_json(windowed.time_windows)
    # Written by the services: a first history step and an audit event for every need.
    assert NeedEvent.objects.filter(need__network=network, from_status="", to_status=NeedStatus.NEW).count() == (
        needs.count()
    )
    assert AuditEvent.objects.filter(action="create", object_type="needs.need").count() == needs.count()
    # The desks' register came in through the needs import, the others one by one.
    assert AuditEvent.objects.filter(action="import", object_type="needs.need").count() == 1
    assert 0 < result.created["needs imported"] < SMALL_NEEDS
    assert (
        demo_needs.filter(person__isnull=True, household__isnull=True).exclude(channel=Channel.ONLINE).count()
        == (result.created["needs imported"])
    )
    case = demo_needs.filter(privacy_level=PrivacyLevel.CASE_TEAM)
    assert (
        AuditEvent.objects.filter(
            action="create",
            object_type="needs.need",
            object_id__in=[str(pk) for pk in case.values_list("pk", flat=True)],
        )
        .exclude(data_class="case")
        .count()
        == 0
    )

    # The open survey, answered, feeds the needs; the closed one keeps its answers.
    open_survey = Survey.objects.get(network=network, title=OPEN_SURVEY)
    assert open_survey.status == Survey.Status.OPEN and open_survey.anonymous
    assert open_survey.questions.count() == 8
    assert open_survey.responses.count() == SMALL_ANSWERS[OPEN_SURVEY]
    assert not open_survey.responses.filter(municipality__isnull=True).exists()
    from_survey = needs.filter(channel=Channel.SURVEY, survey_response__survey=open_survey)
    assert from_survey.exists()
    assert set(from_survey.values_list("area__code", flat=True)) <= {
        "relazioni",
        "conciliazione",
        "mobilita",
        "digitale",
        "alimentazione",
        "lavoro",
    }
    closed_survey = Survey.objects.get(network=network, title=CLOSED_SURVEY)
    assert closed_survey.status == Survey.Status.CLOSED
    assert closed_survey.responses.count() == SMALL_ANSWERS[CLOSED_SURVEY]
    assert closed_survey.closes_on == datetime.date(2025, 9, 30)

    # One aggregation run; a few candidates accepted, one of them answered, its needs with it.
    assert Job.objects.get(network=network, kind="needs_aggregation").status == Job.Status.SUCCEEDED
    demands = AggregatedDemand.objects.filter(network=network)
    assert demands.filter(status=DemandStatus.CANDIDATE).exists()
    assert demands.filter(status__in=[DemandStatus.ACCEPTED, DemandStatus.ANSWERED]).count() == 2
    answered = demands.get(status=DemandStatus.ANSWERED)
    assert answered.answer == answer_for(answered)
    assert set(Need.objects.filter(demand_item__demand=answered).values_list("status", flat=True)) == {
        NeedStatus.ANSWERED
    }
    accepted = demands.get(status=DemandStatus.ACCEPTED)
    assert set(Need.objects.filter(demand_item__demand=accepted).values_list("status", flat=True)) == {
        NeedStatus.AGGREGATED
    }
    assert DemandEvent.objects.filter(demand=accepted, to_status=DemandStatus.ACCEPTED).exists()


def test_a_second_run_writes_no_needs_surveys_or_demands(province):
    load_demo(small=True)
    before = counts()

    result = load_demo(small=True)

    assert not result.created
    assert counts() == before


def test_an_interrupted_demo_gets_its_missing_needs_back(province):
    load_demo(small=True)
    network = Network.objects.get(slug="welfare-cremona")
    complete = counts()
    gone = list(
        Need.objects.filter(network=network, external_id__startswith=EXTERNAL_ID_PREFIX, status=NeedStatus.NEW)
        .order_by("external_id")
        .values_list("external_id", flat=True)[:5]
    )
    Need.objects.filter(network=network, external_id__in=gone).delete()

    result = load_demo(small=True)

    assert result.created["needs"] == 5
    assert set(Need.objects.filter(network=network, external_id__in=gone).values_list("external_id", flat=True)) == set(
        gone
    )
    assert counts()["Need"] == complete["Need"]
    # The aggregation is not run again: the demands stay as they were.
    assert Job.objects.filter(network=network, kind="needs_aggregation").count() == 1


def test_a_failed_aggregation_run_is_reported_and_accepts_nothing(province, monkeypatch):
    from legami.aggregation.services import runs

    class BrokenEngine:
        NeedRecord = runs._engine().NeedRecord
        EngineSettings = runs._engine().EngineSettings

        @staticmethod
        def aggregate(*args, **kwargs):
            raise RuntimeError("broken")

    monkeypatch.setattr(runs, "_engine", lambda: BrokenEngine)

    result = load_demo(small=True)

    network = Network.objects.get(slug="welfare-cremona")
    assert Job.objects.get(network=network, kind="needs_aggregation").status == Job.Status.FAILED
    assert not AggregatedDemand.objects.filter(network=network).exists()
    assert "accepted demands" not in result.created
    assert any("aggregation run failed" in note for note in result.notes)
