"""The stored attach suggestions: computed in the background, read by the page, refreshed when stale."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from legami.aggregation.models import (
    SUGGESTIONS_JOB_KIND,
    AggregatedDemand,
    AttachSuggestion,
    DemandItem,
    DemandStatus,
    LearnedEvidence,
    SuggestionState,
)
from legami.aggregation.selectors.suggestions import stored_suggestions, suggest_attachments
from legami.aggregation.services import demands as demand_services
from legami.aggregation.services import suggestions as services
from legami.core.jobs import job_language
from legami.core.models import Job
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


@pytest.fixture(autouse=True)
def _queued_not_run(settings):
    """Refreshes stay queued (as with a worker that has not picked them up yet): the tests count them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def area(cast):
    return NeedAreaFactory(network=cast.network, code="istruzione", name="Istruzione")


def _need(cast, area, description, network=None, **kwargs):
    kwargs.setdefault("municipality", cast.municipalities[0])
    kwargs.setdefault("time_windows", TUE_THU)
    return NeedFactory(network=network or cast.network, area=area, description=description, **kwargs)


def _demand(cast, area, texts, status=S.ACCEPTED, title="Doposcuola — Cremona", network=None):
    network = network or cast.network
    needs = [
        _need(cast, area, t, network=network, status=NeedStatus.AGGREGATED if status == S.ACCEPTED else NeedStatus.NEW)
        for t in texts
    ]
    demand = AggregatedDemand.objects.create(
        network=network,
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


def _url(cast):
    return reverse("aggregation:suggestions", args=[cast.network.slug])


def _refreshes(network):
    return Job.objects.filter(network=network, kind=SUGGESTIONS_JOB_KIND)


def _run_queued(network):
    for job in _refreshes(network).filter(status=Job.Status.QUEUED):
        services.run_refresh(job=job)


def test_the_refresh_stores_what_suggest_attachments_computes(cast, area):
    accepted, _ = _demand(cast, area, DOPOSCUOLA)
    free = _need(cast, area, DOPOSCUOLA[0])
    candidate, needs = _demand(cast, area, [*DROPOUT, DOPOSCUOLA[1]], status=S.CANDIDATE, title="Scuola")
    job = services.refresh_suggestions(actor=cast.coordinator, network=cast.network)
    services.run_refresh(job=job)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result == {"suggestions": 2}
    found = suggest_attachments(cast.network)
    expected = [(s.need.pk, s.demand.pk, s.similarity, s.current and s.current.pk) for s in found]
    stored = [
        (r.need_id, r.demand_id, r.similarity, r.current_demand_id)
        for r in AttachSuggestion.objects.filter(network=cast.network).order_by("-similarity", "need_id")
    ]
    assert stored == expected and {r[0] for r in stored} == {free.pk, needs[-1].pk}
    assert all(r[1] == accepted.pk for r in stored)
    state = SuggestionState.objects.get(network=cast.network)
    assert state.count == 2 and not stored_suggestions(cast.network).stale


def test_a_first_visit_says_nothing_is_computed_and_queues_once(cast, area, login):
    _demand(cast, area, DOPOSCUOLA)
    _need(cast, area, DOPOSCUOLA[0])
    client = login(cast.coordinator)
    body = client.get(_url(cast)).content.decode()
    assert "have not been computed yet" in body
    client.get(_url(cast))
    assert _refreshes(cast.network).count() == 1
    _run_queued(cast.network)
    body = client.get(_url(cast)).content.decode()
    assert "1 need fits an accepted demand" in body and "Computed" in body and "Being updated" not in body
    assert _refreshes(cast.network).count() == 1


def test_a_need_written_makes_the_set_stale_and_queues_exactly_one_refresh(cast, area, login):
    _demand(cast, area, DOPOSCUOLA)
    first = _need(cast, area, DOPOSCUOLA[0])
    services.store_suggestions(cast.network)
    client = login(cast.coordinator)
    client.get(_url(cast))
    assert _refreshes(cast.network).count() == 0
    second = _need(cast, area, DOPOSCUOLA[1])
    body = client.get(_url(cast)).content.decode()
    # the stored row is still shown, with its age and the update under way; the new need not yet
    assert f'name="need" value="{first.pk}"' in body and f'name="need" value="{second.pk}"' not in body
    assert "Being updated" in body
    client.get(_url(cast))
    assert _refreshes(cast.network).count() == 1
    _run_queued(cast.network)
    body = client.get(_url(cast)).content.decode()
    assert f'name="need" value="{second.pk}"' in body and "Being updated" not in body
    assert _refreshes(cast.network).count() == 1


def test_a_demand_change_queues_exactly_one_refresh_on_commit(cast, area, django_capture_on_commit_callbacks):
    candidate, _ = _demand(cast, area, DOPOSCUOLA, status=S.CANDIDATE)
    services.store_suggestions(cast.network)
    with django_capture_on_commit_callbacks(execute=True):
        demand_services.accept_demand(actor=cast.coordinator, demand=candidate)
    assert _refreshes(cast.network).filter(status=Job.Status.QUEUED).count() == 1
    assert stored_suggestions(cast.network).stale
    with django_capture_on_commit_callbacks(execute=True):
        demand_services.rename_demand(actor=cast.coordinator, demand=candidate, title="Doposcuola")
        demand_services.discard_demand(actor=cast.coordinator, demand=candidate)
    assert _refreshes(cast.network).count() == 1


def test_answering_and_reopening_a_demand_each_queue_a_refresh(cast, area, django_capture_on_commit_callbacks):
    accepted, _ = _demand(cast, area, DOPOSCUOLA)
    services.store_suggestions(cast.network)
    with django_capture_on_commit_callbacks(execute=True):
        demand_services.answer_demand(actor=cast.coordinator, demand=accepted, answer="Doposcuola in parrocchia")
    assert _refreshes(cast.network).filter(status=Job.Status.QUEUED).count() == 1
    _run_queued(cast.network)
    assert not stored_suggestions(cast.network).stale
    with django_capture_on_commit_callbacks(execute=True):
        demand_services.reopen_demand(actor=cast.coordinator, demand=accepted, note="Il doposcuola non basta")
    assert _refreshes(cast.network).filter(status=Job.Status.QUEUED).count() == 1
    assert _refreshes(cast.network).count() == 2
    # closing an answered demand changes nothing the suggestions read: no refresh
    _run_queued(cast.network)
    with django_capture_on_commit_callbacks(execute=True):
        demand_services.answer_demand(actor=cast.coordinator, demand=accepted, answer="Secondo turno aperto")
    _run_queued(cast.network)
    with django_capture_on_commit_callbacks(execute=True):
        demand_services.close_demand(actor=cast.coordinator, demand=accepted)
    assert _refreshes(cast.network).count() == 3


def test_a_demand_no_longer_accepted_hides_its_rows_at_once(cast, area, login):
    accepted, _ = _demand(cast, area, DOPOSCUOLA)
    need = _need(cast, area, DOPOSCUOLA[0])
    services.store_suggestions(cast.network)
    client = login(cast.coordinator)
    assert f'name="need" value="{need.pk}"' in client.get(_url(cast)).content.decode()
    demand_services.discard_demand(actor=cast.coordinator, demand=accepted)
    assert f'name="need" value="{need.pk}"' not in client.get(_url(cast)).content.decode()


def test_attach_from_the_page_works_and_the_need_disappears_at_once(cast, area, login):
    accepted, _ = _demand(cast, area, DOPOSCUOLA)
    need = _need(cast, area, DOPOSCUOLA[0])
    other = _need(cast, area, DOPOSCUOLA[2])
    services.store_suggestions(cast.network)
    client = login(cast.community_worker)
    response = client.post(_url(cast), {"need": need.pk, "demand": accepted.pk})
    assert response.status_code == 302
    assert DemandItem.objects.get(need=need).demand == accepted
    body = client.get(_url(cast)).content.decode()
    assert f'name="need" value="{need.pk}"' not in body and f'name="need" value="{other.pk}"' in body


@pytest.mark.parametrize("persona", ["coordinator", "community_worker"])
def test_reviewers_see_the_page_and_queue_refreshes(cast, persona, login):
    assert login(getattr(cast, persona)).get(_url(cast)).status_code == 200
    assert _refreshes(cast.network).count() == 1


@pytest.mark.parametrize("persona", ["case_manager", "partner_staff", "evaluator", "funder", "citizen"])
def test_others_are_refused_the_page_and_the_refresh(cast, persona, login):
    assert login(getattr(cast, persona)).get(_url(cast)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.refresh_suggestions(actor=getattr(cast, persona), network=cast.network)
    assert not _refreshes(cast.network).exists()


def test_the_outsider_gets_a_404(cast, login):
    assert login(cast.outsider).get(_url(cast)).status_code == 404


def test_a_refresh_whose_actor_lost_the_right_fails_and_stores_nothing(cast, area):
    _demand(cast, area, DOPOSCUOLA)
    _need(cast, area, DOPOSCUOLA[0])
    job = services.refresh_suggestions(actor=cast.coordinator, network=cast.network)
    job.actor = cast.evaluator
    job.save(update_fields=["actor"])
    services.run_refresh(job=job)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    # in the actor's language
    with translation.override(job_language(job)):
        assert job.result["error"] == gettext("You are no longer allowed to review the demands.")
    assert not AttachSuggestion.objects.exists() and not SuggestionState.objects.exists()


def test_another_networks_suggestions_are_never_shown(cast, area, login):
    other_area = NeedAreaFactory(network=cast.other_network, code="istruzione", name="Istruzione")
    _demand(cast, other_area, DOPOSCUOLA, network=cast.other_network, title="Altrove")
    foreign = _need(cast, other_area, DOPOSCUOLA[0], network=cast.other_network)
    services.store_suggestions(cast.other_network)
    assert AttachSuggestion.objects.filter(need=foreign).exists()
    _demand(cast, area, DOPOSCUOLA)
    mine = _need(cast, area, DOPOSCUOLA[1])
    services.store_suggestions(cast.network)
    # a row pointing across networks (never written by the refresh) is not shown either
    AttachSuggestion.objects.filter(need=foreign).update(network=cast.network)
    body = login(cast.coordinator).get(_url(cast)).content.decode()
    assert f'name="need" value="{mine.pk}"' in body and f'name="need" value="{foreign.pk}"' not in body
    assert "Altrove" not in body


def _page_queries(client, cast):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(cast))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_page_runs_a_constant_number_of_queries(cast, area, login):
    client = login(cast.coordinator)
    accepted, _ = _demand(cast, area, DOPOSCUOLA)
    for index in range(3):
        _need(cast, area, DOPOSCUOLA[index % 3])
    services.store_suggestions(cast.network)
    client.get(_url(cast))
    few, page = _page_queries(client, cast)
    assert page.count('name="need"') == 3
    for index in range(27):
        _need(cast, area, DOPOSCUOLA[index % 3], neighbourhood=None)
    candidate, _ = _demand(cast, area, [*DROPOUT, DOPOSCUOLA[1]], status=S.CANDIDATE, title="Scuola")
    services.store_suggestions(cast.network)
    assert AttachSuggestion.objects.filter(network=cast.network).count() >= 30
    many, page = _page_queries(client, cast)
    assert "Scuola</a>" in page or 'name="need"' in page
    assert many == few


GARDEN = ("Vorremmo un orto condiviso nel cortile", "Cerchiamo un pezzo di terra da coltivare insieme")


def test_learned_together_evidence_makes_a_suggestion_appear(cast, area):
    from legami.aggregation.engine import evidence_from_merge

    _demand(cast, area, [GARDEN[0], "Un orto condiviso nel cortile della scuola"], title="Orto")
    need = _need(cast, area, GARDEN[1])
    services.store_suggestions(cast.network)
    assert not AttachSuggestion.objects.filter(need=need).exists()
    for evidence in evidence_from_merge([GARDEN[0]], [GARDEN[1]]):
        LearnedEvidence.objects.create(
            network=cast.network,
            kind=evidence.kind,
            first=list(evidence.first),
            second=list(evidence.second),
            action="merge",
        )
    # learned evidence makes the stored set stale
    assert stored_suggestions(cast.network).stale
    services.store_suggestions(cast.network)
    assert AttachSuggestion.objects.filter(network=cast.network, need=need).exists()


def test_attach_need_reads_the_learned_evidence(cast, area):
    from django.core.exceptions import ValidationError

    from legami.aggregation.engine import evidence_from_merge
    from legami.aggregation.services import attachments

    accepted, _ = _demand(cast, area, [GARDEN[0], "Un orto condiviso nel cortile della scuola"], title="Orto")
    need = _need(cast, area, GARDEN[1])
    with pytest.raises(ValidationError):
        attachments.attach_need(actor=cast.coordinator, demand=accepted, need=need)
    for evidence in evidence_from_merge([GARDEN[0]], [GARDEN[1]]):
        LearnedEvidence.objects.create(
            network=cast.network,
            kind=evidence.kind,
            first=list(evidence.first),
            second=list(evidence.second),
            action="merge",
        )
    item = attachments.attach_need(actor=cast.coordinator, demand=accepted, need=need)
    assert item.demand == accepted and item.source == DemandItem.Source.ATTACHED


def test_a_refresh_lost_for_over_an_hour_does_not_block_another(cast, login):
    import datetime

    from django.utils import timezone

    lost = Job.objects.create(network=cast.network, kind=SUGGESTIONS_JOB_KIND)
    Job.objects.filter(pk=lost.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    assert services.refresh_suggestions(actor=cast.coordinator, network=cast.network) is not None
    assert services.refresh_suggestions(actor=cast.coordinator, network=cast.network) is None
    assert _refreshes(cast.network).count() == 2


def test_the_age_line_reads_in_italian(cast, area, login):
    import datetime

    from django.utils import timezone

    _demand(cast, area, DOPOSCUOLA)
    _need(cast, area, DOPOSCUOLA[0])
    services.store_suggestions(cast.network)
    SuggestionState.objects.update(computed_at=timezone.now() - datetime.timedelta(minutes=12))
    _need(cast, area, DOPOSCUOLA[1])  # stale: an update is queued
    body = login(cast.coordinator).get(_url(cast), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    # timesince joins the number and its unit with a no-break space
    assert "Calcolati 12\xa0minuti fa." in body and "Aggiornamento in corso" in body


def test_the_page_decrypts_only_the_descriptions_of_its_rows(cast, area, login, settings, monkeypatch):
    from legami.core.fields import EncryptedTextField

    _demand(cast, area, DOPOSCUOLA)
    for index in range(12):
        _need(cast, area, DOPOSCUOLA[index % 3])
    services.store_suggestions(cast.network)
    assert AttachSuggestion.objects.filter(network=cast.network).count() == 12
    settings.LEGAMI_PAGE_SIZE = 5
    client = login(cast.coordinator)
    decrypted = []
    original = EncryptedTextField.from_db_value

    def counting(self, value, expression, connection):
        if value:
            decrypted.append(self.model.__name__)
        return original(self, value, expression, connection)

    monkeypatch.setattr(EncryptedTextField, "from_db_value", counting)
    body = client.get(_url(cast)).content.decode()
    assert body.count('name="need"') == 5
    assert decrypted.count("Need") == 5


def test_an_aggregation_run_stores_the_suggestions(cast, area):
    from legami.aggregation.services import runs

    _demand(cast, area, DOPOSCUOLA)
    _need(cast, area, DOPOSCUOLA[0])
    job = Job.objects.create(
        network=cast.network,
        kind=runs.AGGREGATION_JOB_KIND,
        actor=cast.coordinator,
        result={"settings": {"distance_km": 2.0, "min_group_size": 2, "min_cohesion": 25}},
    )
    runs.run_aggregation(job=job)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.result
    state = SuggestionState.objects.get(network=cast.network)
    assert state.count == job.result["suggestions"] == AttachSuggestion.objects.filter(network=cast.network).count()
    assert not stored_suggestions(cast.network).stale


def test_suggestions_computed_under_a_minute_ago_read_a_moment_ago(cast, area, login):
    _demand(cast, area, DOPOSCUOLA)
    _need(cast, area, DOPOSCUOLA[0])
    services.store_suggestions(cast.network)
    body = login(cast.coordinator).get(_url(cast), HTTP_ACCEPT_LANGUAGE="it").content.decode()
    assert "Calcolati poco fa." in body and "0\xa0minuti" not in body
