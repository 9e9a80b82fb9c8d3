"""New needs to attach: needs in a candidate that fit an accepted demand better are offered, and moved on attach."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legami.aggregation.models import AggregatedDemand, DemandItem, DemandStatus
from legami.aggregation.selectors.suggestions import suggest_attachments
from legami.aggregation.services import attachments
from legami.needs.models import NeedStatus
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

S = DemandStatus
TUE_THU = [{"day": 1, "start": "16:00", "end": "18:00"}, {"day": 3, "start": "16:00", "end": "18:00"}]
DOPOSCUOLA = [
    "Cerchiamo un doposcuola per aiutare i bambini con i compiti il pomeriggio",
    "Servirebbe un doposcuola per i compiti dei figli nel pomeriggio",
    "Mio figlio ha bisogno di aiuto con i compiti, un doposcuola al pomeriggio",
]
DROPOUT = [
    "Ragazzo che vuole lasciare la scuola, rischio di abbandono scolastico",
    "Segnalo una ragazza che non frequenta più la scuola e vuole lasciare",
]


@pytest.fixture
def area(cast):
    return NeedAreaFactory(network=cast.network, code="istruzione", name="Istruzione")


def _need(cast, area, description, **kwargs):
    kwargs.setdefault("municipality", cast.municipalities[0])
    kwargs.setdefault("time_windows", TUE_THU)
    return NeedFactory(network=cast.network, area=area, description=description, **kwargs)


def _demand(cast, area, texts, status=S.CANDIDATE, title="Doposcuola — Cremona"):
    needs = [
        _need(cast, area, text, status=NeedStatus.AGGREGATED if status == S.ACCEPTED else NeedStatus.NEW)
        for text in texts
    ]
    demand = AggregatedDemand.objects.create(
        network=cast.network,
        title=title,
        summary="…",
        area=area,
        target_group="families",
        municipality=cast.municipalities[0],
        status=status,
        need_count=len(needs),
        people_count=len(needs),
    )
    for need in needs:
        DemandItem.objects.create(demand=demand, need=need, similarity=0.5)
    return demand, needs


def test_a_need_in_a_weaker_proposal_is_offered_saying_where_it_is(cast, area):
    accepted, _ = _demand(cast, area, DOPOSCUOLA, status=S.ACCEPTED)
    # a doposcuola need the run grouped with drop-out reports on the words "lasciare, scuola"
    candidate, needs = _demand(cast, area, [*DROPOUT, DOPOSCUOLA[1]], title="Scuola — Cremona")
    stray = needs[-1]
    found = suggest_attachments(cast.network)
    assert [(s.need.pk, s.demand.pk, s.current.pk) for s in found] == [(stray.pk, accepted.pk, candidate.pk)]


def test_a_need_that_sits_well_in_its_proposal_is_not_offered(cast, area):
    _demand(cast, area, [DOPOSCUOLA[0], "Vorrei un doposcuola per lo sport dei ragazzi"], status=S.ACCEPTED)
    _demand(cast, area, [DOPOSCUOLA[1], DOPOSCUOLA[1], DOPOSCUOLA[2]])
    assert suggest_attachments(cast.network) == []


def test_needs_of_accepted_demands_and_closed_needs_are_never_offered(cast, area):
    _demand(cast, area, DOPOSCUOLA, status=S.ACCEPTED)
    _demand(cast, area, DOPOSCUOLA, status=S.ACCEPTED)
    _need(cast, area, DOPOSCUOLA[0], status=NeedStatus.CLOSED)
    assert suggest_attachments(cast.network) == []


def test_other_networks_needs_are_never_offered(cast, area):
    _demand(cast, area, DOPOSCUOLA, status=S.ACCEPTED)
    foreign_area = NeedAreaFactory(network=cast.other_network, code="istruzione", name="Istruzione")
    NeedFactory(network=cast.other_network, area=foreign_area, description=DOPOSCUOLA[0], time_windows=TUE_THU)
    assert suggest_attachments(cast.network) == []


def test_attaching_moves_the_need_out_of_its_candidate(cast, area):
    accepted, _ = _demand(cast, area, DOPOSCUOLA, status=S.ACCEPTED)
    candidate, needs = _demand(cast, area, [*DROPOUT, DOPOSCUOLA[1]], title="Scuola — Cremona")
    attachments.attach_need(actor=cast.community_worker, demand=accepted, need=needs[-1])
    candidate.refresh_from_db()
    assert candidate.status == S.CANDIDATE and candidate.need_count == 2
    assert set(candidate.items.values_list("need_id", flat=True)) == {n.pk for n in needs[:2]}
    assert DemandItem.objects.get(need=needs[-1]).demand == accepted
    needs[-1].refresh_from_db()
    assert needs[-1].status == NeedStatus.AGGREGATED


def test_a_candidate_left_with_one_need_is_discarded(cast, area):
    accepted, _ = _demand(cast, area, DOPOSCUOLA, status=S.ACCEPTED)
    candidate, needs = _demand(cast, area, [DROPOUT[0], DOPOSCUOLA[1]], title="Scuola — Cremona")
    attachments.attach_need(actor=cast.coordinator, demand=accepted, need=needs[-1])
    candidate.refresh_from_db()
    assert candidate.status == S.DISCARDED and not candidate.items.exists()
    needs[0].refresh_from_db()
    assert needs[0].status == NeedStatus.NEW


def test_a_refused_attach_leaves_the_candidate_as_it_was(cast, area):
    accepted, _ = _demand(cast, area, DOPOSCUOLA, status=S.ACCEPTED)
    candidate, needs = _demand(cast, area, [DROPOUT[0], "Corso di cucina", DROPOUT[1]], title="Scuola — Cremona")
    with pytest.raises(ValidationError):
        attachments.attach_need(actor=cast.coordinator, demand=accepted, need=needs[1])
    assert candidate.items.count() == 3 and DemandItem.objects.get(need=needs[1]).demand == candidate


def _page_queries(client, cast):
    from legami.aggregation.services.suggestions import store_suggestions

    # the page reads the suggestions stored by the background refresh
    store_suggestions(cast.network)
    url = reverse("aggregation:suggestions", args=[cast.network.slug])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_page_says_where_each_need_is_now_and_runs_a_constant_number_of_queries(cast, area, login):
    client = login(cast.coordinator)
    _demand(cast, area, DOPOSCUOLA, status=S.ACCEPTED)
    _need(cast, area, DOPOSCUOLA[0])
    candidate, _ = _demand(cast, area, [*DROPOUT, DOPOSCUOLA[1]], title="Scuola — Cremona")
    few, page = _page_queries(client, cast)
    assert "Scuola — Cremona" in page and "no demand" in page
    _demand(cast, area, DOPOSCUOLA, status=S.ACCEPTED, title="Doposcuola bis")
    for text in DOPOSCUOLA * 2:
        _need(cast, area, text)
    for _ in range(3):
        _demand(cast, area, [*DROPOUT, DOPOSCUOLA[2]], title="Scuola")
    many, page = _page_queries(client, cast)
    assert page.count("Scuola</a>") == 3
    assert many == few
