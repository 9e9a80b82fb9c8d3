"""Candidates a coordinator can trust: distinct titles, summaries for every member, misfiled needs, cohesion."""

import dataclasses

import pytest
from django.utils import translation

from legami.aggregation import describing, summaries
from legami.aggregation.engine import EngineSettings, Group, NeedRecord
from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.aggregation.services import runs
from legami.core.models import Job
from legami.core.tests import factories as f
from legami.needs.models import PrivacyLevel
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

S = DemandStatus

TUE_THU = [{"day": 1, "start": "16:00", "end": "18:00"}, {"day": 3, "start": "16:00", "end": "18:00"}]
MON_WED = [{"day": 0, "start": "16:00", "end": "18:00"}, {"day": 2, "start": "16:00", "end": "18:00"}]
TUE = [{"day": 1, "start": "16:00", "end": "18:00"}]
THU = [{"day": 3, "start": "16:00", "end": "18:00"}]
DOPOSCUOLA = [
    "Cerchiamo un doposcuola per aiutare i bambini con i compiti il pomeriggio",
    "Servirebbe un doposcuola per i compiti dei figli nel pomeriggio",
    "Mio figlio ha bisogno di aiuto con i compiti, un doposcuola al pomeriggio",
]


@pytest.fixture
def area(cast):
    return NeedAreaFactory(network=cast.network, code="conciliazione", name="Conciliazione famiglia-lavoro")


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def _need(cast, area, description, **kwargs):
    kwargs.setdefault("municipality", cast.municipalities[0])
    kwargs.setdefault("time_windows", TUE_THU)
    kwargs.setdefault("people_count", 1)
    return NeedFactory(network=cast.network, area=area, description=description, **kwargs)


def _run(cast, **kwargs):
    job = runs.start_aggregation(actor=cast.coordinator, network=cast.network, **kwargs)
    job.refresh_from_db()
    if job.status == Job.Status.QUEUED:
        runs.run_aggregation(job=job)
        job.refresh_from_db()
    return job


def _fake_engine(groups, misfiled=None):
    """An engine publishing `run` (groups and misfiled needs) as the engine's interface says."""

    @dataclasses.dataclass
    class Result:
        groups: list
        misfiled: dict

    class Fake:
        NeedRecord = NeedRecord
        EngineSettings = EngineSettings
        seen_settings: list = []

        @staticmethod
        def run(records, settings, progress=None, *, vocabulary=None, evidence=()):
            Fake.seen_settings.append(settings)
            return Result(groups=groups, misfiled=misfiled or {})

        @staticmethod
        def fits(group, record, settings):
            return None

    return Fake


def _job(cast, **settings):
    return Job.objects.create(
        network=cast.network,
        kind=runs.AGGREGATION_JOB_KIND,
        actor=cast.coordinator,
        result={"settings": {"distance_km": 2.0, "min_group_size": 2, "min_cohesion": 25, **settings}},
    )


# --- titles --------------------------------------------------------------------------------------


def test_equal_titles_are_told_apart_by_days_first():
    titles = summaries.distinct_titles(
        [
            summaries.TitleParts("Doposcuola — Cremona", days="mar e gio 16–18", target="famiglie"),
            summaries.TitleParts("Doposcuola — Cremona", days="lun e mer 16–18", target="famiglie"),
            summaries.TitleParts("Cibo — Cremona", days="lun 9–11"),
        ]
    )
    assert titles == [
        "Doposcuola — Cremona · mar e gio 16–18",
        "Doposcuola — Cremona · lun e mer 16–18",
        "Cibo — Cremona",
    ]


def test_then_by_neighbourhood_target_group_and_comune_and_numbered_only_at_last():
    same_days = "mar 16–18"
    titles = summaries.distinct_titles(
        [
            summaries.TitleParts("Casa — 2 Comuni", days=same_days, neighbourhood="Po", target="famiglie"),
            summaries.TitleParts("Casa — 2 Comuni", days=same_days, neighbourhood="Centro", target="famiglie"),
            summaries.TitleParts("Lavoro — Crema", days=same_days, target="giovani"),
            summaries.TitleParts("Lavoro — Crema", days=same_days, target="adulti"),
            summaries.TitleParts("Cibo — 2 Comuni", comune="Crema, Cremona"),
            summaries.TitleParts("Cibo — 2 Comuni", comune="Crema, Sesto"),
            summaries.TitleParts("Salute — Crema"),
            summaries.TitleParts("Salute — Crema"),
        ]
    )
    assert titles == [
        "Casa — 2 Comuni · Po",
        "Casa — 2 Comuni · Centro",
        "Lavoro — Crema · giovani",
        "Lavoro — Crema · adulti",
        "Cibo — 2 Comuni · Crema, Cremona",
        "Cibo — 2 Comuni · Crema, Sesto",
        "Salute — Crema (1)",
        "Salute — Crema (2)",
    ]
    assert len(set(titles)) == len(titles)


@pytest.mark.django_db(transaction=True)
def test_a_run_never_leaves_two_open_candidates_with_the_same_title(cast, area, english):
    cast.coordinator.preferred_language = "en"
    cast.coordinator.save()
    po = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Po")
    for text in DOPOSCUOLA:
        _need(cast, area, text, time_windows=TUE_THU)
        _need(cast, area, text, time_windows=MON_WED)
        _need(cast, area, text, time_windows=[{"day": 5, "start": "9:00", "end": "12:00"}])
        _need(cast, area, text, time_windows=[{"day": 6, "start": "9:00", "end": "12:00"}], neighbourhood=po)
    job = _run(cast, min_group_size=2)
    assert job.status == Job.Status.SUCCEEDED, job.result
    titles = sorted(
        AggregatedDemand.objects.filter(network=cast.network, status=S.CANDIDATE).values_list("title", flat=True)
    )
    assert len(titles) == 4 and len(set(titles)) == 4, titles
    assert "After-school — Cremona · tue and thu 16–18" in titles
    assert "After-school — Cremona · mon and wed 16–18" in titles
    assert "After-school — Cremona · sat 9–12" in titles
    assert "After-school — Cremona, Po" in titles
    assert not any(title.endswith(")") for title in titles)  # told apart, never numbered here


def test_a_title_never_comes_from_a_generic_word(english):
    assert summaries.default_title(keywords=["segnalare", "scuola"], area_name="Istruzione", comuni=["Cremona"]) == (
        "Scuola — Cremona"
    )
    assert summaries.default_title(keywords=["segnalare", "bisogno"], area_name="Istruzione", comuni=["Cremona"]) == (
        "Istruzione — Cremona"
    )
    # the concept's label comes first whatever the keywords
    title = summaries.default_title(
        keywords=["segnalare"], area_name="Istruzione", comuni=["Cremona"], concept="schooling"
    )
    assert title == "After-school — Cremona"


def test_who_asks_is_never_what_they_ask_for(english):
    # "chiedono un ragazzo" was seen in the demo: a word for people is not a need
    text = summaries.demand_summary(
        people=5, target_group="minors", comuni=["Crema"], keywords=["ragazzo", "spazio"], area_name="Tempo libero"
    )
    assert "ragazzo" not in text
    assert "Tempo libero" in text
    title = summaries.default_title(keywords=["ragazzi", "spazio"], area_name="Tempo libero", comuni=["Crema"])
    assert title == "Spazio — Crema"


# --- summaries -----------------------------------------------------------------------------------


def test_the_summary_names_a_concept_only_when_every_member_names_it(cast, area, english):
    needs = [
        _need(cast, area, DOPOSCUOLA[0]),
        _need(cast, area, DOPOSCUOLA[1]),
        _need(cast, area, "Servono pasti caldi e la spesa alimentare per la famiglia"),
    ]
    assert summaries.dominant_concept([n.description for n in needs]) == "schooling"
    text = describing.describe(needs, area_name=area.name, keywords=["doposcuola", "compito", "pasto"])
    # Most ask for an after-school service, one for food: the summary says neither for all.
    assert "after-school" not in text.summary and "doposcuola" not in text.summary
    assert "a response in the area “Conciliazione famiglia-lavoro”" in text.summary
    # When all name it, it says it.
    same = describing.describe(needs[:2], area_name=area.name, keywords=["doposcuola"])
    assert "an after-school service" in same.summary


def test_a_case_team_need_does_not_veto_the_concept_it_cannot_show(cast, area, english):
    needs = [
        _need(cast, area, DOPOSCUOLA[0]),
        _need(cast, area, DOPOSCUOLA[1]),
        _need(cast, area, "Situazione delicata seguita dai servizi", privacy_level=PrivacyLevel.CASE_TEAM),
    ]
    text = describing.describe(needs, area_name=area.name, keywords=["doposcuola"])
    assert "an after-school service" in text.summary


def test_the_summary_counts_every_target_group(cast, area, english):
    needs = [_need(cast, area, DOPOSCUOLA[i % 3], target_group="families") for i in range(3)]
    needs += [_need(cast, area, DOPOSCUOLA[i % 3], target_group="minors") for i in range(2)]
    text = describing.describe(needs, area_name=area.name, keywords=["doposcuola"])
    assert text.summary.startswith("3 families and 2 children and teenagers of Cremona ask for")


def test_days_that_chain_are_said_as_alternatives_never_as_a_common_slot(cast, area, english):
    needs = [
        _need(cast, area, DOPOSCUOLA[0], time_windows=TUE),
        _need(cast, area, DOPOSCUOLA[1], time_windows=TUE_THU),
        _need(cast, area, DOPOSCUOLA[2], time_windows=THU),
    ]
    text = describing.describe(needs, area_name=area.name, keywords=["doposcuola"], windows=[])
    assert text.summary.endswith("on Tuesday or on Thursday 16–18 (not the same day for all)")
    assert text.title_parts.days == "tue or thu 16–18"
    common = describing.describe(needs[1:2], area_name=area.name, keywords=["doposcuola"])
    assert common.summary.endswith("on Tuesday and on Thursday 16–18")


def test_the_summary_in_italian(cast, area):
    needs = [
        _need(cast, area, DOPOSCUOLA[0], time_windows=TUE),
        _need(cast, area, DOPOSCUOLA[1], time_windows=THU, target_group="minors"),
    ]
    with translation.override("it"):
        text = describing.describe(needs, area_name=area.name, keywords=["doposcuola"], windows=[])
    assert text.summary.startswith("1 famiglia e 1 minore di Cremona chiedono ")
    assert "martedì o il giovedì 16–18 (non lo stesso giorno per tutti)" in text.summary


def test_a_network_s_own_concept_and_label_name_its_candidates(cast, area):
    from legami.aggregation.services import vocabulary as vocabulary_services

    vocabulary_services.rename_concept(
        actor=cast.coordinator, network=cast.network, concept="schooling", label="Spazio compiti"
    )
    vocabulary_services.add_concept(
        actor=cast.coordinator, network=cast.network, code="cani", label="Cura degli animali", terms="cane, cani"
    )
    for text in DOPOSCUOLA:
        _need(cast, area, text)
    for text in ("Chi porta fuori il cane la sera?", "Sono in ospedale, il mio cane resta solo", "Cane da accudire"):
        _need(cast, area, text, time_windows=[{"day": 5, "start": "18:00", "end": "20:00"}])
    with translation.override("it"):
        job = _run(cast, min_group_size=2, min_cohesion=0)
    assert job.status == Job.Status.SUCCEEDED, job.result
    demands = {d.title: d.summary for d in AggregatedDemand.objects.filter(network=cast.network, status=S.CANDIDATE)}
    assert set(demands) == {"Spazio compiti — Cremona", "Cura degli animali — Cremona"}, demands
    assert "chiedono spazio compiti" in demands["Spazio compiti — Cremona"]
    assert "chiedono cura degli animali" in demands["Cura degli animali — Cremona"]
    # another network keeps the standard phrase
    assert summaries.concept_labels(None) == {}
    with translation.override("it"):
        assert summaries.title_word(keywords=[], area_name="X", concept="schooling") == "Doposcuola"


# --- misfiled needs, cohesion, sizes ---------------------------------------------------------------


def test_a_misfiled_need_is_flagged_and_not_grouped(cast, area):
    other = NeedAreaFactory(network=cast.network, code="istruzione", name="Istruzione")
    needs = [_need(cast, area, DOPOSCUOLA[i % 3]) for i in range(4)]
    engine = _fake_engine([Group(members=[0, 1, 2, 3], keywords=["doposcuola"], cohesion=0.6)], {3: other.code})
    job = _job(cast)
    runs.run_aggregation(job=job, engine=engine)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert job.result["misfiled"] == [{"need": needs[3].pk, "area": other.pk}]
    demand = AggregatedDemand.objects.get(network=cast.network)
    assert set(demand.items.values_list("need_id", flat=True)) == {n.pk for n in needs[:3]}


def test_groups_under_the_minimum_cohesion_are_not_proposed_and_sizes_are_counted(cast, area):
    for i in range(9):
        _need(cast, area, DOPOSCUOLA[i % 3])
    groups = [
        Group(members=[0, 1], keywords=["doposcuola"], cohesion=0.2),
        Group(members=[2, 3, 4], keywords=["doposcuola"], cohesion=0.5),
        Group(members=[5, 6, 7, 8], keywords=["doposcuola"], cohesion=0.25),
    ]
    job = _job(cast, min_cohesion=25)
    engine = _fake_engine(groups)
    runs.run_aggregation(job=job, engine=engine)
    job.refresh_from_db()
    assert job.result["candidates"] == 2
    assert job.result["sizes"] == {"2": 0, "3": 1, "4–5": 1, "6–10": 0, "11+": 0}
    AggregatedDemand.objects.all().delete()
    job = _job(cast, min_cohesion=0)
    runs.run_aggregation(job=job, engine=_fake_engine(groups))
    job.refresh_from_db()
    assert job.result["candidates"] == 3 and job.result["sizes"]["2"] == 1


def test_the_minimum_cohesion_reaches_an_engine_whose_settings_know_it():
    @dataclasses.dataclass(frozen=True)
    class Settings:
        distance_km: float = 2.0
        min_group_size: int = 2
        min_cohesion: float = 0.0

    class Engine:
        EngineSettings = Settings

    assert describing.engine_settings(Engine, min_cohesion=0.3).min_cohesion == 0.3
    # an engine without the setting still runs (the run filters its groups itself)
    assert describing.engine_settings(runs._engine(), min_cohesion=0.3).distance_km == 2.0


def test_the_default_smallest_group_and_cohesion_come_from_the_settings(cast, settings):
    settings.LEGAMI_AGGREGATION_MIN_GROUP_SIZE = 4
    settings.LEGAMI_AGGREGATION_MIN_COHESION = 30
    job = runs.start_aggregation(actor=cast.coordinator, network=cast.network)
    assert job.result["settings"]["min_group_size"] == 4 and job.result["settings"]["min_cohesion"] == 30


@pytest.mark.django_db(transaction=True)
def test_the_engine_flags_a_need_whose_text_belongs_to_another_area(cast, area):
    school = NeedAreaFactory(network=cast.network, code="istruzione", name="Istruzione e dispersione scolastica")
    grouped = [_need(cast, area, text) for text in DOPOSCUOLA]
    stray = _need(cast, school, "Cerco un doposcuola per aiuto compiti di mio figlio il pomeriggio")
    dropout = [
        _need(cast, school, "Ragazzo a rischio di abbandono scolastico, vuole lasciare la scuola") for _ in range(3)
    ]
    job = _run(cast)
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert job.result["misfiled"] == [{"need": stray.pk, "area": area.pk}]
    in_demands = set(AggregatedDemand.objects.filter(network=cast.network).values_list("items__need_id", flat=True))
    assert stray.pk not in in_demands
    assert {n.pk for n in grouped} <= in_demands
    assert dropout  # the drop-out reports are the stray need's neighbours in its own area
