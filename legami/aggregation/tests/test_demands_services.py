"""Part F: the aggregation services — runs, transitions, review actions, attaching new needs."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from legami.aggregation import describing
from legami.aggregation.models import AggregatedDemand, DemandEvent, DemandItem, DemandStatus
from legami.aggregation.selectors.suggestions import suggest_attachments
from legami.aggregation.services import attachments, demands, runs
from legami.core.models import AuditEvent, Job
from legami.needs.models import NeedEvent, NeedStatus, PrivacyLevel
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

S = DemandStatus

DOPOSCUOLA = [
    "Cerchiamo un doposcuola per aiutare i bambini con i compiti il pomeriggio",
    "Servirebbe un doposcuola per i compiti dei figli nel pomeriggio",
    "Mio figlio ha bisogno di aiuto con i compiti, un doposcuola al pomeriggio",
]
TUESDAY_THURSDAY = [
    {"day": 1, "start": "16:00", "end": "18:00"},
    {"day": 3, "start": "16:00", "end": "18:00"},
]


@pytest.fixture
def area(cast):
    return NeedAreaFactory(network=cast.network, code="conciliazione", name="Conciliazione famiglia-lavoro")


def _need(cast, area, description, **kwargs):
    kwargs.setdefault("municipality", cast.municipalities[0])
    kwargs.setdefault("time_windows", TUESDAY_THURSDAY)
    return NeedFactory(network=cast.network, area=area, description=description, **kwargs)


def _demand(cast, area, status=S.CANDIDATE, n=3, **kwargs):
    needs = [_need(cast, area, DOPOSCUOLA[i % 3], **kwargs) for i in range(n)]
    if status in (S.ACCEPTED, S.ANSWERED, S.CLOSED):
        target = {S.ACCEPTED: "aggregated", S.ANSWERED: "answered", S.CLOSED: "answered"}[status]
        for need in needs:
            need.status = target
            need.save()
    demand = AggregatedDemand.objects.create(
        network=cast.network,
        title="Doposcuola — Cremona",
        summary="…",
        area=area,
        target_group="families",
        municipality=cast.municipalities[0],
        status=status,
        need_count=n,
        people_count=n,
        keywords=["doposcuola"],
    )
    for need in needs:
        DemandItem.objects.create(demand=demand, need=need, similarity=0.7)
    return demand, needs


def _run(cast, **kwargs):
    job = runs.start_aggregation(actor=cast.coordinator, network=cast.network, **kwargs)
    job.refresh_from_db()
    if job.status == Job.Status.QUEUED:  # the immediate backend runs it on commit; outside a commit, run here
        runs.run_aggregation(job=job)
        job.refresh_from_db()
    return job


# --- runs ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_run_end_to_end_proposes_the_expected_candidate_with_its_summary(cast, area):
    cast.coordinator.preferred_language = "en"
    cast.coordinator.save()
    from legami.core.tests import factories as f

    po = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Po")
    grouped = [_need(cast, area, text, neighbourhood=po, people_count=2) for text in DOPOSCUOLA]
    other_area = NeedAreaFactory(network=cast.network, code="casa", name="Casa")
    loner = _need(cast, other_area, DOPOSCUOLA[0], neighbourhood=po)
    disjoint = _need(
        cast, area, DOPOSCUOLA[1], neighbourhood=po, time_windows=[{"day": 5, "start": "09:00", "end": "11:00"}]
    )
    job = _run(cast)
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert job.result["needs"] == 5
    assert job.result["candidates"] == 1
    demand = AggregatedDemand.objects.get(network=cast.network)
    assert demand.status == S.CANDIDATE
    assert set(demand.items.values_list("need_id", flat=True)) == {n.pk for n in grouped}
    assert loner.pk not in demand.items.values_list("need_id", flat=True)
    assert disjoint.pk not in demand.items.values_list("need_id", flat=True)
    assert demand.need_count == 3 and demand.people_count == 6
    assert demand.neighbourhood == po and demand.municipality == cast.municipalities[0]
    assert "doposcuola" in demand.keywords
    # Most descriptions name the schooling concept: the summary says what they ask for in words, not a lemma.
    assert demand.summary == (
        "6 families of Cremona, Po neighbourhood, ask for an after-school service and help with homework "
        "on Tuesday and on Thursday 16–18"
    )
    assert demand.title == "After-school — Cremona, Po"
    assert "same area: Conciliazione famiglia-lavoro" in demand.reasons
    assert "same neighbourhood: Po" in demand.reasons
    assert DemandEvent.objects.filter(demand=demand, from_status="", to_status=S.CANDIDATE).exists()


@pytest.mark.django_db(transaction=True)
def test_the_summary_is_in_italian_for_an_italian_actor(cast, area):
    cast.coordinator.preferred_language = "it"
    cast.coordinator.save()
    for text in DOPOSCUOLA:
        _need(cast, area, text)
    job = _run(cast)
    assert job.status == Job.Status.SUCCEEDED
    demand = AggregatedDemand.objects.get(network=cast.network)
    assert demand.summary == (
        "3 famiglie di Cremona chiedono un doposcuola e un aiuto nei compiti il martedì e il giovedì 16–18"
    )
    assert demand.title == "Doposcuola — Cremona"


def test_keywords_never_are_days_or_parts_of_the_day():
    from legami.aggregation import summaries

    texts = ["Il giovedì pomeriggio serve il doposcuola", "Doposcuola il giovedì pomeriggio per i compiti"]
    assert summaries.shared_keywords(["giovedi", "pomeriggio", "doposcuola"], texts) == ["doposcuola"]
    assert "giovedi" not in summaries.recompute_keywords(texts)


def test_every_standard_concept_has_a_title_and_a_phrase():
    from legami.aggregation import summaries
    from legami.aggregation.engine.vocabulary import Vocabulary

    assert {c.code for c in Vocabulary.standard().concepts} <= set(summaries.CONCEPT_PHRASES)


def test_a_group_without_a_shared_concept_falls_back_on_its_area():
    from legami.aggregation import summaries

    assert summaries.dominant_concept(["Vorrei imparare a suonare la chitarra", "Cerco un coro"]) == "culture"
    assert summaries.dominant_concept(["Vorrei imparare a fare il pane", "Cerco chi mi insegni a cucire"]) == ""
    text = summaries.demand_summary(
        people=3, target_group="families", comuni=["Cremona"], keywords=[], area_name="Casa", windows=()
    )
    assert text == "3 families of Cremona ask for a response in the area “Casa”"


@pytest.mark.django_db(transaction=True)
def test_a_rerun_replaces_candidates_and_keeps_accepted_demands_out(cast, area):
    for text in DOPOSCUOLA:
        _need(cast, area, text)
    _run(cast)
    first = AggregatedDemand.objects.get(network=cast.network)
    demands.accept_demand(actor=cast.coordinator, demand=first)
    others = [_need(cast, area, "Servono pasti caldi a domicilio per anziani soli") for _ in range(2)]
    _need(cast, area, "pasti caldi a domicilio per anziano solo")
    job = _run(cast)
    assert job.result["needs"] == 3  # the accepted demand's needs are not read again
    assert AggregatedDemand.objects.filter(pk=first.pk, status=S.ACCEPTED).exists()
    assert first.items.count() == 3
    candidates = AggregatedDemand.objects.filter(network=cast.network, status=S.CANDIDATE)
    assert candidates.count() == 1
    candidate = candidates.get()
    assert {o.pk for o in others} <= set(candidate.items.values_list("need_id", flat=True))
    job = _run(cast)
    assert AggregatedDemand.objects.filter(network=cast.network, status=S.CANDIDATE).count() == 1
    assert not AggregatedDemand.objects.filter(pk=candidate.pk).exists()


def test_a_second_run_is_refused_while_one_is_queued(cast, area):
    Job.objects.create(network=cast.network, kind=runs.AGGREGATION_JOB_KIND, actor=cast.coordinator)
    with pytest.raises(ValidationError) as exc:
        runs.start_aggregation(actor=cast.coordinator, network=cast.network)
    assert exc.value.code == "busy"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"distance_km": 0}, "distance_km"),
        ({"distance_km": 500}, "distance_km"),
        ({"min_group_size": 1}, "min_group_size"),
        ({"min_cohesion": 101}, "min_cohesion"),
    ],
)
def test_bad_run_settings_are_refused(cast, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        runs.start_aggregation(actor=cast.coordinator, network=cast.network, **kwargs)
    assert field in exc.value.message_dict
    assert not Job.objects.filter(kind=runs.AGGREGATION_JOB_KIND).exists()


@pytest.mark.parametrize(
    "kwargs, field, code",
    [
        ({"distance_km": "due"}, "distance_km", "invalid"),
        ({"distance_km": 0.09}, "distance_km", "min_value"),
        ({"distance_km": 50.1}, "distance_km", "max_value"),
        ({"min_group_size": 2.5}, "min_group_size", "invalid"),
        ({"min_group_size": 1}, "min_group_size", "min_value"),
        ({"min_group_size": 101}, "min_group_size", "max_value"),
        ({"min_cohesion": "molta"}, "min_cohesion", "invalid"),
        ({"min_cohesion": -1}, "min_cohesion", "min_value"),
        ({"min_cohesion": 101}, "min_cohesion", "max_value"),
    ],
)
def test_run_settings_rules_name_the_field_and_the_code(cast, kwargs, field, code):
    with pytest.raises(ValidationError) as exc:
        runs.start_aggregation(actor=cast.coordinator, network=cast.network, **kwargs)
    assert [e.code for e in exc.value.error_dict[field]] == [code]
    message = {
        "distance_km": "Choose a distance between 0,1 and 50 km.",
        "min_group_size": "A group must have between 2 and 100 needs.",
        "min_cohesion": "The minimum cohesion is a percentage between 0 and 100.",
    }[field]
    assert exc.value.message_dict == {field: [message]}


def test_run_settings_take_the_ends_of_their_ranges(cast):
    job = runs.start_aggregation(
        actor=cast.coordinator, network=cast.network, distance_km=0.1, min_group_size=100, min_cohesion=0
    )
    assert job.result["settings"] == {"distance_km": 0.1, "min_group_size": 100, "min_cohesion": 0}
    job.status = Job.Status.SUCCEEDED
    job.save()
    job = runs.start_aggregation(
        actor=cast.coordinator, network=cast.network, distance_km=50, min_group_size=2, min_cohesion=100
    )
    assert job.result["settings"] == {"distance_km": 50.0, "min_group_size": 2, "min_cohesion": 100}
    job.status = Job.Status.SUCCEEDED
    job.save()
    job = runs.start_aggregation(actor=cast.coordinator, network=cast.network)
    assert job.result["settings"] == {"distance_km": 2.0, "min_group_size": 3, "min_cohesion": 25}


@pytest.mark.parametrize("persona", ["case_manager", "partner_staff", "evaluator", "funder", "citizen", "outsider"])
def test_only_reviewers_start_a_run(cast, persona):
    with pytest.raises(PermissionDenied):
        runs.start_aggregation(actor=getattr(cast, persona), network=cast.network)


def test_a_failing_engine_fails_the_job_readably_and_changes_nothing(cast, area):
    demand, _needs = _demand(cast, area)
    job = Job.objects.create(network=cast.network, kind=runs.AGGREGATION_JOB_KIND, actor=cast.coordinator)

    class Broken:
        NeedRecord = runs._engine().NeedRecord
        EngineSettings = runs._engine().EngineSettings

        @staticmethod
        def aggregate(records, settings, progress=None, **_learned):
            raise RuntimeError("boom")

    runs.run_aggregation(job=job, engine=Broken)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "RuntimeError" in job.result["error"]
    assert AggregatedDemand.objects.filter(pk=demand.pk).exists()


def test_a_fake_engine_drives_progress_and_groups(cast, area):
    needs = [_need(cast, area, f"bisogno {i}") for i in range(4)]
    job = Job.objects.create(network=cast.network, kind=runs.AGGREGATION_JOB_KIND, actor=cast.coordinator)
    engine = runs._engine()
    calls = []

    class Fake:
        NeedRecord = engine.NeedRecord
        EngineSettings = engine.EngineSettings
        fits = staticmethod(lambda group, record, settings: 0.5)

        @staticmethod
        def aggregate(records, settings, progress=None, **_learned):
            for i in range(len(records)):
                progress(i + 1, len(records))
                calls.append(i)
            return [
                engine.Group(members=[0, 1, 2], keywords=["bisogno"], common_windows=(), cohesion=0.6),
                engine.Group(members=[3], keywords=[], common_windows=(), cohesion=1.0),
            ]

    runs.run_aggregation(job=job, engine=Fake)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.processed == job.total == 4
    demand = AggregatedDemand.objects.get(network=cast.network)
    assert set(demand.items.values_list("need_id", flat=True)) == {n.pk for n in needs[:3]}
    # Each need's similarity is measured on the texts, whatever engine grouped them.
    assert all(0.0 <= value <= 1.0 for value in demand.items.values_list("similarity", flat=True))


@pytest.mark.parametrize(
    "path",
    [
        "legami.aggregation.services.runs.run_aggregation_task",  # where it is declared, stored by new runs
        "legami.aggregation.services.run_aggregation_task",  # stored by runs queued before services became a package
        "legami.aggregation.tasks.run_aggregation_task",  # stored by runs queued before that
    ],
)
def test_every_stored_task_path_of_a_run_still_resolves(path):
    from django.utils.module_loading import import_string

    assert runs.run_aggregation_task.module_path == "legami.aggregation.services.runs.run_aggregation_task"
    assert import_string(path) is runs.run_aggregation_task


# --- transitions --------------------------------------------------------------------------------

ALLOWED = sorted((a, b) for a, targets in demands.DEMAND_TRANSITIONS.items() for b in targets)
REFUSED = [(a, b) for a in S.values for b in S.values if b not in demands.DEMAND_TRANSITIONS[a]]


def _move(cast, demand, to_status):
    actor = cast.community_worker
    if to_status == S.ACCEPTED and demand.status == S.ANSWERED:
        return demands.reopen_demand(actor=actor, demand=demand, note="La risposta non basta")
    return {
        S.ACCEPTED: lambda: demands.accept_demand(actor=actor, demand=demand),
        S.DISCARDED: lambda: demands.discard_demand(actor=actor, demand=demand),
        S.ANSWERED: lambda: demands.answer_demand(actor=actor, demand=demand, answer="Doposcuola in oratorio"),
        S.CLOSED: lambda: demands.close_demand(actor=actor, demand=demand),
        # No service moves a demand back to candidate: the table refuses it from every status.
        S.CANDIDATE: lambda: demands._check_transition(demand, S.CANDIDATE),
    }[to_status]()


@pytest.mark.parametrize("from_status, to_status", ALLOWED)
def test_allowed_transition(cast, area, from_status, to_status):
    demand, needs = _demand(cast, area, status=from_status)
    _move(cast, demand, to_status)
    demand.refresh_from_db()
    assert demand.status == to_status
    assert DemandEvent.objects.filter(demand=demand, from_status=from_status, to_status=to_status).exists()
    assert AuditEvent.objects.filter(object_type="aggregation.aggregateddemand", object_id=str(demand.pk)).exists()
    statuses = {n.status for n in type(needs[0]).objects.filter(pk__in=[n.pk for n in needs])}
    expected = {
        (S.CANDIDATE, S.ACCEPTED): {NeedStatus.AGGREGATED},
        (S.CANDIDATE, S.DISCARDED): {NeedStatus.NEW},
        (S.ACCEPTED, S.ANSWERED): {NeedStatus.ANSWERED},
        (S.ACCEPTED, S.DISCARDED): {NeedStatus.READING},
        (S.ANSWERED, S.CLOSED): {NeedStatus.ANSWERED},
        (S.ANSWERED, S.ACCEPTED): {NeedStatus.AGGREGATED},
    }[(from_status, to_status)]
    assert statuses == expected
    if to_status == S.DISCARDED:
        assert demand.items.count() == 0 and demand.need_count == 3


@pytest.mark.parametrize("from_status, to_status", REFUSED)
def test_refused_transition(cast, area, from_status, to_status):
    demand, _needs = _demand(cast, area, status=from_status)
    with pytest.raises(ValidationError):
        _move(cast, demand, to_status)
    demand.refresh_from_db()
    assert demand.status == from_status


@pytest.mark.parametrize("persona", ["case_manager", "partner_staff", "evaluator", "funder", "citizen", "outsider"])
def test_only_reviewers_accept(cast, area, persona):
    demand, _needs = _demand(cast, area)
    with pytest.raises(PermissionDenied):
        demands.accept_demand(actor=getattr(cast, persona), demand=demand)


def test_accept_writes_need_history(cast, area):
    demand, needs = _demand(cast, area)
    demands.accept_demand(actor=cast.coordinator, demand=demand, note="Va bene")
    assert NeedEvent.objects.filter(need=needs[0], to_status=NeedStatus.AGGREGATED).exists()
    demand.refresh_from_db()
    assert demand.reviewed_by == cast.coordinator and demand.reviewed_at


def test_answer_reaches_case_team_needs_for_a_community_worker(cast, area):
    demand, needs = _demand(cast, area, status=S.ACCEPTED, privacy_level=PrivacyLevel.CASE_TEAM)
    demands.answer_demand(actor=cast.community_worker, demand=demand, answer="Doposcuola in oratorio")
    assert {n.status for n in type(needs[0]).objects.filter(pk__in=[n.pk for n in needs])} == {NeedStatus.ANSWERED}


@pytest.mark.parametrize("answer", ["", "   ", "x" * 4001])
def test_bad_answers_are_refused(cast, area, answer):
    demand, _needs = _demand(cast, area, status=S.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        demands.answer_demand(actor=cast.coordinator, demand=demand, answer=answer)
    assert "answer" in exc.value.message_dict
    demand.refresh_from_db()
    assert demand.status == S.ACCEPTED


def test_reopen_needs_a_reason(cast, area):
    demand, _needs = _demand(cast, area, status=S.ANSWERED)
    with pytest.raises(ValidationError):
        demands.reopen_demand(actor=cast.coordinator, demand=demand, note="")


# --- rename, split, merge, remove ---------------------------------------------------------------


def test_rename(cast, area):
    demand, _needs = _demand(cast, area)
    demands.rename_demand(actor=cast.coordinator, demand=demand, title="  Doposcuola  al Po ")
    demand.refresh_from_db()
    assert demand.title == "Doposcuola al Po"


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_rename_refuses_empty_or_too_long(cast, area, title):
    demand, _needs = _demand(cast, area)
    with pytest.raises(ValidationError) as exc:
        demands.rename_demand(actor=cast.coordinator, demand=demand, title=title)
    assert "title" in exc.value.message_dict
    demand.refresh_from_db()
    assert demand.title == "Doposcuola — Cremona"


def test_rename_refuses_a_discarded_demand(cast, area):
    demand, _needs = _demand(cast, area, status=S.DISCARDED)
    with pytest.raises(ValidationError):
        demands.rename_demand(actor=cast.coordinator, demand=demand, title="Nuovo")


@pytest.mark.parametrize("status", [S.CANDIDATE, S.ACCEPTED])
def test_split_moves_the_chosen_needs_into_a_new_demand_with_the_same_status(cast, area, status):
    demand, needs = _demand(cast, area, status=status, n=4)
    new = demands.split_demand(actor=cast.coordinator, demand=demand, need_ids=[needs[0].pk, str(needs[1].pk)])
    demand.refresh_from_db()
    assert new.status == status
    assert set(new.items.values_list("need_id", flat=True)) == {needs[0].pk, needs[1].pk}
    assert demand.need_count == 2 and new.need_count == 2
    assert new.summary and demand.summary != "…"


def test_split_keeps_a_title_chosen_by_a_person(cast, area):
    demand, needs = _demand(cast, area, n=4)
    demands.rename_demand(actor=cast.coordinator, demand=demand, title="Il nostro doposcuola")
    demands.split_demand(actor=cast.coordinator, demand=demand, need_ids=[needs[0].pk])
    demand.refresh_from_db()
    assert demand.title == "Il nostro doposcuola"


@pytest.mark.parametrize("choice", ["none", "all", "stray", "garbage"])
def test_split_refuses_bad_selections(cast, area, choice):
    demand, needs = _demand(cast, area)
    outside = _need(cast, area, "altro")
    ids = {"none": [], "all": [n.pk for n in needs], "stray": [outside.pk], "garbage": ["abc"]}[choice]
    with pytest.raises(ValidationError) as exc:
        demands.split_demand(actor=cast.coordinator, demand=demand, need_ids=ids)
    assert "needs" in exc.value.message_dict
    assert AggregatedDemand.objects.count() == 1


def test_split_refuses_an_answered_demand(cast, area):
    demand, needs = _demand(cast, area, status=S.ANSWERED)
    with pytest.raises(ValidationError):
        demands.split_demand(actor=cast.coordinator, demand=demand, need_ids=[needs[0].pk])


def test_merge_moves_needs_and_discards_the_other(cast, area):
    target, _a = _demand(cast, area)
    other, b = _demand(cast, area, n=2)
    demands.merge_demands(actor=cast.coordinator, target=target, others=[other])
    target.refresh_from_db()
    other.refresh_from_db()
    assert target.need_count == 5
    assert other.status == S.DISCARDED and other.items.count() == 0
    assert DemandEvent.objects.filter(demand=other, to_status=S.DISCARDED, note__startswith="Merged into").exists()


def test_merge_into_an_accepted_demand_aggregates_the_moved_needs(cast, area):
    target, _a = _demand(cast, area, status=S.ACCEPTED)
    other, b = _demand(cast, area, n=2)
    demands.merge_demands(actor=cast.coordinator, target=target, others=[other])
    assert {n.status for n in type(b[0]).objects.filter(pk__in=[n.pk for n in b])} == {NeedStatus.AGGREGATED}


def test_merge_refuses_across_areas(cast, area):
    target, _a = _demand(cast, area)
    other, _b = _demand(cast, NeedAreaFactory(network=cast.network, code="casa", name="Casa"), n=2)
    with pytest.raises(ValidationError) as exc:
        demands.merge_demands(actor=cast.coordinator, target=target, others=[other])
    assert exc.value.error_dict["others"][0].code == "area"
    other.refresh_from_db()
    assert other.status == S.CANDIDATE and other.items.count() == 2


def test_merge_refuses_incompatible_groups_itself_and_nothing(cast, area):
    target, _a = _demand(cast, area)
    other, _b = _demand(cast, area, n=2)
    other.target_group = "elderly"
    other.save()
    with pytest.raises(ValidationError):
        demands.merge_demands(actor=cast.coordinator, target=target, others=[other])
    with pytest.raises(ValidationError):
        demands.merge_demands(actor=cast.coordinator, target=target, others=[target])
    with pytest.raises(ValidationError):
        demands.merge_demands(actor=cast.coordinator, target=target, others=[])


def test_merge_refuses_a_demand_of_another_network(cast, area):
    target, _a = _demand(cast, area)
    foreign_area = NeedAreaFactory(network=cast.other_network, code="x", name="X")
    foreign = AggregatedDemand.objects.create(
        network=cast.other_network, title="x", summary="x", area=foreign_area, target_group="families"
    )
    with pytest.raises(ValidationError):
        demands.merge_demands(actor=cast.coordinator, target=target, others=[foreign])


def test_remove_need_from_an_accepted_demand_releases_it(cast, area):
    demand, needs = _demand(cast, area, status=S.ACCEPTED)
    demands.remove_need_from_demand(actor=cast.coordinator, demand=demand, need=needs[0])
    needs[0].refresh_from_db()
    demand.refresh_from_db()
    assert needs[0].status == NeedStatus.READING
    assert demand.need_count == 2


def test_remove_refuses_the_last_need_and_a_stranger(cast, area):
    demand, needs = _demand(cast, area, n=1)
    with pytest.raises(ValidationError):
        demands.remove_need_from_demand(actor=cast.coordinator, demand=demand, need=needs[0])
    with pytest.raises(ValidationError):
        demands.remove_need_from_demand(actor=cast.coordinator, demand=demand, need=_need(cast, area, "x"))


# --- attaching new needs ------------------------------------------------------------------------


def test_suggest_and_attach_a_fitting_need(cast, area):
    demand, _needs = _demand(cast, area, status=S.ACCEPTED)
    newcomer = _need(cast, area, "Cerco un doposcuola per i compiti di mia figlia il pomeriggio")
    unrelated = _need(cast, area, "Vorrei un corso di cucina", time_windows=[])
    found = suggest_attachments(cast.network)
    assert [(s.need.pk, s.demand.pk) for s in found] == [(newcomer.pk, demand.pk)]
    assert unrelated.pk not in [s.need.pk for s in found]
    item = attachments.attach_need(actor=cast.community_worker, demand=demand, need=newcomer)
    assert item.source == DemandItem.Source.ATTACHED and item.similarity > 0
    newcomer.refresh_from_db()
    demand.refresh_from_db()
    assert newcomer.status == NeedStatus.AGGREGATED and demand.need_count == 4
    assert suggest_attachments(cast.network) == []


def test_attach_refuses_a_need_that_does_not_fit_unless_forced_with_a_note(cast, area):
    demand, _needs = _demand(cast, area, status=S.ACCEPTED)
    odd = _need(cast, area, "Vorrei un corso di cucina", time_windows=[{"day": 6, "start": "09:00", "end": "10:00"}])
    with pytest.raises(ValidationError) as exc:
        attachments.attach_need(actor=cast.coordinator, demand=demand, need=odd)
    assert exc.value.error_dict["need"][0].code == "does_not_fit"
    with pytest.raises(ValidationError):
        attachments.attach_need(actor=cast.coordinator, demand=demand, need=odd, force=True)
    item = attachments.attach_need(actor=cast.coordinator, demand=demand, need=odd, force=True, note="Stessa famiglia")
    assert item.source == DemandItem.Source.MANUAL


def test_attach_refuses_other_networks_taken_needs_and_non_accepted_demands(cast, area):
    demand, needs = _demand(cast, area, status=S.ACCEPTED)
    foreign = NeedFactory(network=cast.other_network, description=DOPOSCUOLA[0])
    with pytest.raises(ValidationError) as exc:
        attachments.attach_need(actor=cast.coordinator, demand=demand, need=foreign)
    assert exc.value.error_dict["need"][0].code == "network"
    _accepted, accepted_needs = _demand(cast, area, status=S.ACCEPTED)
    with pytest.raises(ValidationError) as exc:
        attachments.attach_need(actor=cast.coordinator, demand=demand, need=accepted_needs[0])
    assert exc.value.error_dict["need"][0].code == "taken"
    other, _other_needs = _demand(cast, area)
    with pytest.raises(ValidationError):
        attachments.attach_need(actor=cast.coordinator, demand=other, need=_need(cast, area, DOPOSCUOLA[0]))
    closed = _need(cast, area, DOPOSCUOLA[0], status=NeedStatus.CLOSED)
    with pytest.raises(ValidationError):
        attachments.attach_need(actor=cast.coordinator, demand=demand, need=closed)


def test_people_count_uses_decimal_free_points(cast, area):
    """Needs with points are read as floats by the engine (DecimalField on the model)."""
    need = _need(cast, area, "x", latitude=Decimal("45.133"), longitude=Decimal("10.022"))
    record = describing.need_record(need)
    assert record.lat == pytest.approx(45.133) and record.lon == pytest.approx(10.022)
    assert record.windows and record.municipality == str(cast.municipalities[0].pk)


def test_similarity_measures_each_need_against_the_rest_of_its_group():
    from legami.aggregation.engine import EngineSettings, Group, NeedRecord

    texts = [
        "Cerchiamo un doposcuola per i compiti dei bambini",
        "Un doposcuola per aiutare i bambini con i compiti",
        "Doposcuola con aiuto nei compiti per i bambini",
        "Vendesi bicicletta da corsa usata",
    ]
    records = [
        NeedRecord(id=str(i), area="a", target_group="families", municipality="019036", description=t)
        for i, t in enumerate(texts)
    ]
    values = describing.similarities(None, records, EngineSettings(), Group(members=[0, 1, 2, 3]))
    assert len(values) == 4
    assert min(values[:3]) > values[3]
    assert all(0.0 <= value <= 1.0 for value in values)


def test_place_names_are_never_keywords():
    from legami.aggregation import summaries

    assert summaries.without_place_names(["cremona", "trasporto", "po"], ["Cremona", "Po"]) == ["trasporto"]
    assert summaries.without_place_names(["dosimo"], ["Persico Dosimo"]) == []
