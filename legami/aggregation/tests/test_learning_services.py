"""What the engine learns from review: recorded by the review services, used by the next run, undone, per network."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from legami.aggregation import engine
from legami.aggregation.models import AggregatedDemand, DemandItem, DemandStatus, LearnedEvidence
from legami.aggregation.selectors.learning import active_evidence, run_learning
from legami.aggregation.services import attachments, demands, learning, runs
from legami.core.models import AuditEvent, Job
from legami.needs.models import PrivacyLevel
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

S = DemandStatus

# Two services the standard vocabulary does not relate: the engine proposes them apart.
DOG = [
    "Serve qualcuno che porti fuori il cane la sera",
    "Cerco chi possa portare fuori il cane la sera",
    "Il cane deve uscire la sera, cerco qualcuno",
]
SHIRTS = [
    "Mi serve una mano a stirare le camicie",
    "Cerco chi mi aiuti a stirare le camicie",
    "Camicie da stirare ogni settimana, serve aiuto",
]
# Needs of another area, so that the words of the two groups are telling in the corpus, as in a real network.
OTHERS = [
    "Non riesco a pagare l'affitto",
    "Cerco lavoro come magazziniere",
    "Mia madre è sola e vorrebbe compagnia",
    "Ho bisogno di un passaggio per le visite in ospedale",
    "Non so usare lo SPID",
    "Mio figlio ha bisogno di aiuto con i compiti",
    "Bollette della luce arretrate",
    "Corso di italiano per stranieri",
]


def _needs(network, area, texts, municipality, **kwargs):
    return [
        NeedFactory(
            network=network,
            area=area,
            municipality=municipality,
            description=text,
            target_group="elderly",
            time_windows=[],
            latitude=None,
            longitude=None,
            neighbourhood=None,
            **kwargs,
        )
        for text in texts
    ]


def _network_needs(network, municipality, code="domestico"):
    area = NeedAreaFactory(network=network, code=code, name="Aiuto domestico")
    other = NeedAreaFactory(network=network, code=f"{code}-altro", name="Altro")
    dog = _needs(network, area, DOG, municipality)
    shirts = _needs(network, area, SHIRTS, municipality)
    _needs(network, other, OTHERS, municipality)
    return area, dog, shirts


def _run(actor, network):
    job = runs.start_aggregation(actor=actor, network=network)
    job.refresh_from_db()
    if job.status == Job.Status.QUEUED:
        runs.run_aggregation(job=job)
        job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.result
    return job


def _groups(network, area):
    """The candidates of the area of the two services (the other area's needs may group among themselves)."""
    return sorted(
        sorted(d.items.values_list("need_id", flat=True))
        for d in AggregatedDemand.objects.filter(network=network, status=S.CANDIDATE, area=area)
    )


def _candidate_of(network, need):
    return AggregatedDemand.objects.get(network=network, status=S.CANDIDATE, items__need=need)


def _ids(needs):
    return sorted(n.pk for n in needs)


@pytest.mark.django_db(transaction=True)
def test_a_merge_is_learned_used_by_the_next_run_and_undone_at_the_following_one(cast):
    area, dog, shirts = _network_needs(cast.network, cast.municipalities[0])
    first = _run(cast.coordinator, cast.network)
    assert _groups(cast.network, area) == [_ids(dog), _ids(shirts)]
    assert first.result["evidence"] == []

    merged = demands.merge_demands(
        actor=cast.community_worker,
        target=_candidate_of(cast.network, dog[0]),
        others=[_candidate_of(cast.network, shirts[0])],
    )
    learned = LearnedEvidence.objects.get(network=cast.network)
    assert learned.kind == "together" and learned.action == "merge" and learned.demand == merged
    assert learned.created_by == cast.community_worker
    assert "cane" in learned.first and "stirare" in learned.second
    assert AuditEvent.objects.filter(object_type="aggregation.learnedevidence", note="learned from review").exists()
    assert active_evidence(cast.network) == [engine.Evidence("together", tuple(learned.first), tuple(learned.second))]

    second = _run(cast.coordinator, cast.network)
    assert second.result["evidence"] == [learned.pk]
    assert _groups(cast.network, area) == [sorted(_ids(dog) + _ids(shirts))]
    # The first run's page lists it as learned since then; the second's as used.
    assert run_learning(cast.network, first).since == [learned]
    assert run_learning(cast.network, second).used == [learned]
    assert run_learning(cast.network, second).since == []

    learning.undo_evidence(actor=cast.coordinator, network=cast.network, evidence=learned)
    learned.refresh_from_db()
    assert learned.undone_at is not None and learned.undone_by == cast.coordinator
    assert active_evidence(cast.network) == []
    assert AuditEvent.objects.filter(object_id=str(learned.pk), note="undo learned evidence").exists()
    third = _run(cast.coordinator, cast.network)
    assert third.result["evidence"] == []
    assert _groups(cast.network, area) == [_ids(dog), _ids(shirts)]


@pytest.mark.django_db(transaction=True)
def test_evidence_never_crosses_networks(cast):
    area, _dog, _shirts = _network_needs(cast.network, cast.municipalities[0])
    area_b, dog_b, shirts_b = _network_needs(cast.other_network, cast.municipalities[0], code="domestico-b")
    _run(cast.coordinator, cast.network)
    demands.merge_demands(
        actor=cast.coordinator,
        target=AggregatedDemand.objects.filter(network=cast.network, area=area).first(),
        others=[AggregatedDemand.objects.filter(network=cast.network, area=area).last()],
    )
    assert LearnedEvidence.objects.filter(network=cast.network).count() == 1
    assert active_evidence(cast.other_network) == []

    job_b = _run(cast.outsider, cast.other_network)
    assert job_b.result["evidence"] == []
    assert _groups(cast.other_network, area_b) == [_ids(dog_b), _ids(shirts_b)]
    # B's coordinator cannot undo A's evidence: for B it does not exist.
    with pytest.raises((Http404, PermissionDenied)):
        learning.undo_evidence(
            actor=cast.outsider, network=cast.network, evidence=LearnedEvidence.objects.get(network=cast.network)
        )
    with pytest.raises(Http404):
        learning.undo_evidence(
            actor=cast.outsider,
            network=cast.other_network,
            evidence=LearnedEvidence.objects.get(network=cast.network),
        )
    assert LearnedEvidence.objects.get(network=cast.network).undone_at is None


@pytest.fixture
def area(cast):
    return NeedAreaFactory(network=cast.network, code="domestico", name="Aiuto domestico")


def _demand(cast, area, texts, status=S.CANDIDATE, **kwargs):
    needs = _needs(cast.network, area, texts, cast.municipalities[0], **kwargs)
    if status == S.ACCEPTED:
        for need in needs:
            need.status = "aggregated"
            need.save()
    demand = AggregatedDemand.objects.create(
        network=cast.network,
        title="Aiuto — Cremona",
        summary="…",
        area=area,
        target_group="elderly",
        municipality=cast.municipalities[0],
        status=status,
        need_count=len(needs),
        people_count=len(needs),
    )
    for need in needs:
        DemandItem.objects.create(demand=demand, need=need, similarity=0.7)
    return demand, needs


@pytest.fixture
def captured(monkeypatch):
    """The descriptions each evidence_from_* receives (and a fixed piece of evidence back)."""
    calls = []

    def fake(name):
        def build(first, second, *, vocabulary=None):
            calls.append((name, list(first), second if isinstance(second, str) else list(second), vocabulary))
            return [engine.Evidence("apart" if name in ("split", "removal") else "together", ("a",), ("b",))]

        return build

    for name in ("merge", "split", "removal", "attach"):
        monkeypatch.setattr(engine, f"evidence_from_{name}", fake(name))
    return calls


def test_case_team_descriptions_are_never_given_to_the_engine(cast, area, captured):
    secret = "zzsegretissimo"
    target, _ = _demand(cast, area, DOG)
    other, _ = _demand(cast, area, [f"{secret} {SHIRTS[0]}", SHIRTS[1]], privacy_level=PrivacyLevel.CASE_TEAM)
    mixed, _ = _demand(cast, area, SHIRTS[2:])
    NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0])
    demands.merge_demands(actor=cast.coordinator, target=target, others=[other])
    # The other side had only case-team needs: nothing to learn, nothing asked of the engine.
    assert captured == [] and not LearnedEvidence.objects.exists()
    demands.merge_demands(actor=cast.coordinator, target=target, others=[mixed])
    assert len(captured) == 1
    name, first, second, vocabulary = captured[0]
    assert name == "merge" and sorted(first) == sorted(DOG) and second == SHIRTS[2:]
    assert vocabulary is not None
    assert all(secret not in text for text in first + second)


def test_a_split_records_what_belongs_apart(cast, area, captured):
    demand, needs = _demand(cast, area, DOG + SHIRTS)
    demands.split_demand(actor=cast.coordinator, demand=demand, need_ids=[n.pk for n in needs[3:]])
    assert captured[0][:3] == ("split", DOG, SHIRTS)
    row = LearnedEvidence.objects.get()
    assert (row.kind, row.action, row.demand, row.first, row.second) == ("apart", "split", demand, ["a"], ["b"])


def test_a_removal_records_the_removed_need_apart_from_the_rest(cast, area, captured):
    demand, needs = _demand(cast, area, DOG + SHIRTS[:1])
    demands.remove_need_from_demand(actor=cast.coordinator, demand=demand, need=needs[3])
    assert captured[0][:3] == ("removal", DOG, SHIRTS[0])
    assert LearnedEvidence.objects.get().action == "remove"


def test_removing_a_case_team_need_learns_nothing(cast, area, captured):
    demand, _ = _demand(cast, area, DOG)
    secret = _needs(cast.network, area, ["zzsegreto"], cast.municipalities[0], privacy_level=PrivacyLevel.CASE_TEAM)
    DemandItem.objects.create(demand=demand, need=secret[0], similarity=0.5)
    demands.remove_need_from_demand(actor=cast.coordinator, demand=demand, need=secret[0])
    assert captured == [] and not LearnedEvidence.objects.exists()


def test_an_attachment_records_the_need_with_the_group(cast, area, captured):
    demand, _ = _demand(cast, area, DOG, status=S.ACCEPTED)
    need = _needs(cast.network, area, ["Cerco qualcuno che porti fuori il cane"], cast.municipalities[0])[0]
    attachments.attach_need(actor=cast.coordinator, demand=demand, need=need, force=True, note="stesso bisogno")
    assert captured[0][:3] == ("attach", DOG, "Cerco qualcuno che porti fuori il cane")
    assert LearnedEvidence.objects.get().action == "attach"


def test_a_refused_review_action_records_nothing(cast, area, captured):
    demand, _ = _demand(cast, area, DOG)
    with pytest.raises(ValidationError):
        demands.merge_demands(actor=cast.coordinator, target=demand, others=[demand])
    with pytest.raises(PermissionDenied):
        demands.merge_demands(actor=cast.evaluator, target=demand, others=[_demand(cast, area, SHIRTS)[0]])
    assert not LearnedEvidence.objects.exists()


def _evidence(network, **kwargs):
    return LearnedEvidence.objects.create(
        network=network, kind="together", first=["cane"], second=["stirare"], action="merge", **kwargs
    )


@pytest.mark.parametrize("persona", ["coordinator"])
def test_the_coordinator_undoes_evidence(cast, persona):
    row = _evidence(cast.network)
    learning.undo_evidence(actor=getattr(cast, persona), network=cast.network, evidence=row)
    row.refresh_from_db()
    assert row.undone_at is not None


@pytest.mark.parametrize(
    "persona", ["community_worker", "case_manager", "partner_staff", "evaluator", "funder", "citizen", "outsider"]
)
def test_others_cannot_undo_evidence(cast, persona):
    row = _evidence(cast.network)
    with pytest.raises(PermissionDenied):
        learning.undo_evidence(actor=getattr(cast, persona), network=cast.network, evidence=row)
    row.refresh_from_db()
    assert row.undone_at is None


def test_undoing_twice_is_refused_and_changes_nothing(cast):
    row = _evidence(cast.network)
    learning.undo_evidence(actor=cast.coordinator, network=cast.network, evidence=row)
    row.refresh_from_db()
    when = row.undone_at
    with pytest.raises(ValidationError) as error:
        learning.undo_evidence(actor=cast.coordinator, network=cast.network, evidence=row)
    assert error.value.error_list[0].code == "undone"
    row.refresh_from_db()
    assert row.undone_at == when


def test_active_evidence_is_this_networks_not_undone_oldest_first(cast):
    older = _evidence(cast.network)
    newer = LearnedEvidence.objects.create(
        network=cast.network, kind="apart", first=["cane"], second=["gatto"], action="split"
    )
    _evidence(cast.network, undone_at=older.created_at)
    _evidence(cast.other_network)
    assert active_evidence(cast.network) == [
        engine.Evidence("together", ("cane",), ("stirare",)),
        engine.Evidence("apart", ("cane",), ("gatto",)),
    ]
    assert newer.pk > older.pk
