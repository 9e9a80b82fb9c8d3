"""Part F: the aggregation pages — list, detail, review actions, runs, new needs to attach."""

import pytest
from django.urls import reverse

from legami.aggregation.models import AggregatedDemand, DemandItem, DemandStatus
from legami.aggregation.services.suggestions import store_suggestions
from legami.core.models import AuditEvent, Job
from legami.needs.models import NeedStatus, PrivacyLevel
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

S = DemandStatus
REVIEWERS = ["coordinator", "community_worker"]
NOT_REVIEWERS = ["case_manager", "partner_staff", "evaluator", "funder", "citizen"]


@pytest.fixture
def area(cast):
    return NeedAreaFactory(network=cast.network, code="istruzione", name="Istruzione")


def make_demand(cast, area, status=S.CANDIDATE, n=3, privacy=PrivacyLevel.NETWORK):
    demand = AggregatedDemand.objects.create(
        network=cast.network,
        title=f"Doposcuola {status}",
        summary="3 famiglie di Cremona chiedono un doposcuola",
        area=area,
        target_group="families",
        municipality=cast.municipalities[0],
        status=status,
        need_count=n,
        people_count=n,
    )
    for i in range(n):
        need = NeedFactory(
            network=cast.network,
            area=area,
            municipality=cast.municipalities[0],
            description=f"Segreto {i}: doposcuola per i compiti",
            privacy_level=privacy,
            status=NeedStatus.AGGREGATED if status == S.ACCEPTED else NeedStatus.NEW,
        )
        DemandItem.objects.create(demand=demand, need=need, similarity=0.5)
    return demand


def url(cast, name, demand=None):
    args = [cast.network.slug] + ([demand.pk] if demand is not None else [])
    return reverse(f"aggregation:{name}", args=args)


@pytest.mark.parametrize("persona", REVIEWERS)
def test_reviewers_accept_with_a_post(cast, area, login, persona):
    demand = make_demand(cast, area)
    response = login(getattr(cast, persona)).post(url(cast, "demand_accept", demand), {"note": ""})
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == S.ACCEPTED


@pytest.mark.parametrize("persona", NOT_REVIEWERS + ["outsider", "anonymous"])
@pytest.mark.parametrize(
    "action", ["demand_accept", "demand_discard", "demand_rename", "demand_split", "demand_merge", "demand_answer"]
)
def test_others_cannot_act(cast, area, login, persona, action):
    demand = make_demand(cast, area)
    response = login(getattr(cast, persona)).post(url(cast, action, demand), {"title": "x", "answer": "x"})
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert reverse("accounts:login") in response.url
    demand.refresh_from_db()
    assert demand.status == S.CANDIDATE and demand.title == "Doposcuola candidate"


@pytest.mark.parametrize("persona", NOT_REVIEWERS + ["outsider"])
def test_others_cannot_start_a_run(cast, login, persona):
    response = login(getattr(cast, persona)).post(url(cast, "runs"), {"distance_km": "2", "min_group_size": "2"})
    assert response.status_code in (403, 404)
    assert not Job.objects.filter(kind="needs_aggregation").exists()


@pytest.mark.parametrize("persona", ["evaluator", "funder", "partner_staff"])
def test_member_needs_are_hidden_from_figure_readers(cast, area, login, persona):
    demand = make_demand(cast, area, n=5)
    response = login(getattr(cast, persona)).get(url(cast, "demand_detail", demand))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Segreto" not in body
    assert demand.summary in body


def test_case_team_descriptions_are_hidden_without_the_case_capability(cast, area, login):
    demand = make_demand(cast, area, privacy=PrivacyLevel.CASE_TEAM)
    body = login(cast.community_worker).get(url(cast, "demand_detail", demand)).content.decode()
    assert "Segreto" not in body and "#" in body
    reads = AuditEvent.objects.filter(action=AuditEvent.Action.READ).count()
    body = login(cast.case_manager).get(url(cast, "demand_detail", demand)).content.decode()
    assert "Segreto 0" in body
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ).count() == reads + 3


def test_district_limited_operators_see_only_their_needs(cast, area, login):
    demand = make_demand(cast, area, n=2)
    crema_need = NeedFactory(
        network=cast.network, area=area, municipality=cast.municipalities[1], description="Segreto di Crema"
    )
    DemandItem.objects.create(demand=demand, need=crema_need)
    body = login(cast.district_case_manager).get(url(cast, "demand_detail", demand)).content.decode()
    assert "Segreto 0" in body and "Segreto di Crema" not in body


def test_list_filters_and_tabs(cast, area, login):
    make_demand(cast, area)
    make_demand(cast, area, status=S.ACCEPTED)
    client = login(cast.funder)
    body = client.get(url(cast, "demands"), {"status": "accepted"}).content.decode()
    assert "Doposcuola accepted" in body and "Doposcuola candidate" not in body
    other = NeedAreaFactory(network=cast.network, code="casa", name="Casa")
    body = client.get(url(cast, "demands"), {"area": other.pk}).content.decode()
    assert "Doposcuola" not in body
    body = client.get(url(cast, "demands"), {"municipality": cast.municipalities[0].pk}).content.decode()
    assert "Doposcuola accepted" in body


def test_the_list_runs_a_constant_number_of_queries(cast, area, login, django_assert_max_num_queries):
    client = login(cast.coordinator)
    make_demand(cast, area, n=1)
    client.get(url(cast, "demands"))
    with django_assert_max_num_queries(12):
        client.get(url(cast, "demands"))
    for _ in range(15):
        make_demand(cast, area, n=1)
    with django_assert_max_num_queries(12):
        response = client.get(url(cast, "demands"))
    assert response.status_code == 200


@pytest.mark.parametrize("title", ["", "x" * 201])
def test_rename_with_bad_input_shows_the_error_and_changes_nothing(cast, area, login, title):
    demand = make_demand(cast, area)
    response = login(cast.coordinator).post(url(cast, "demand_rename", demand), {"title": title})
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    demand.refresh_from_db()
    assert demand.title == "Doposcuola candidate"


def test_split_with_nothing_or_everything_is_refused(cast, area, login):
    demand = make_demand(cast, area)
    client = login(cast.coordinator)
    assert client.post(url(cast, "demand_split", demand), {}).status_code == 400
    everything = [str(pk) for pk in demand.items.values_list("need_id", flat=True)]
    assert client.post(url(cast, "demand_split", demand), {"needs": everything}).status_code == 400
    response = client.post(url(cast, "demand_split", demand), {"needs": everything[:1]})
    assert response.status_code == 302
    assert AggregatedDemand.objects.count() == 2


def test_merge_page_offers_only_the_same_area(cast, area, login):
    demand = make_demand(cast, area)
    same = make_demand(cast, area, n=2)
    other = make_demand(cast, NeedAreaFactory(network=cast.network, code="casa", name="Casa"), n=2)
    client = login(cast.coordinator)
    body = client.get(url(cast, "demand_merge", demand)).content.decode()
    assert f'value="{same.pk}"' in body and f'value="{other.pk}"' not in body
    assert client.post(url(cast, "demand_merge", demand), {"other": other.pk}).status_code == 400
    assert client.post(url(cast, "demand_merge", demand), {"other": same.pk}).status_code == 302
    same.refresh_from_db()
    assert same.status == S.DISCARDED


def test_answer_and_close(cast, area, login):
    demand = make_demand(cast, area, status=S.ACCEPTED)
    client = login(cast.community_worker)
    assert client.post(url(cast, "demand_answer", demand), {"answer": ""}).status_code == 400
    assert client.post(url(cast, "demand_answer", demand), {"answer": "Doposcuola in oratorio"}).status_code == 302
    assert client.post(url(cast, "demand_close", demand), {"note": ""}).status_code == 302
    demand.refresh_from_db()
    assert demand.status == S.CLOSED and demand.answer == "Doposcuola in oratorio"
    # a closed demand refuses every further step
    assert client.post(url(cast, "demand_discard", demand), {"note": ""}).status_code == 400


@pytest.mark.django_db(transaction=True)
def test_a_run_from_the_page_and_its_progress(cast, area, login):
    for _i in range(3):
        NeedFactory(
            network=cast.network,
            area=area,
            municipality=cast.municipalities[0],
            description="Cerchiamo un doposcuola per i compiti dei bambini il pomeriggio",
        )
    client = login(cast.coordinator)
    response = client.post(url(cast, "runs"), {"distance_km": "2", "min_group_size": "2"})
    assert response.status_code == 302
    job = Job.objects.get(kind="needs_aggregation")
    detail = client.get(response.url)
    assert detail.status_code == 200
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.result
    assert AggregatedDemand.objects.filter(status=S.CANDIDATE).count() == 1
    fragment = client.get(response.url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    runs = client.get(url(cast, "runs")).content.decode()
    assert f"{job.pk}" in runs


def test_bad_run_settings_show_errors(cast, login):
    response = login(cast.coordinator).post(url(cast, "runs"), {"distance_km": "0", "min_group_size": "1"})
    assert response.status_code == 400
    assert not Job.objects.filter(kind="needs_aggregation").exists()


def test_the_run_page_404s_for_other_jobs(cast, login):
    job = Job.objects.create(network=cast.network, kind="people_import", actor=cast.coordinator)
    assert login(cast.coordinator).get(url(cast, "run_detail", job)).status_code == 404


def test_suggestions_attach_in_one_click(cast, area, login):
    demand = make_demand(cast, area, status=S.ACCEPTED)
    newcomer = NeedFactory(
        network=cast.network, area=area, municipality=cast.municipalities[0], description="doposcuola per i compiti"
    )
    client = login(cast.community_worker)
    store_suggestions(cast.network)  # what the background refresh does
    body = client.get(url(cast, "suggestions")).content.decode()
    assert f'name="need" value="{newcomer.pk}"' in body
    response = client.post(url(cast, "suggestions"), {"need": newcomer.pk, "demand": demand.pk})
    assert response.status_code == 302
    assert DemandItem.objects.filter(demand=demand, need=newcomer).exists()
    # a second click on the same need is refused with a message, nothing written
    response = client.post(url(cast, "suggestions"), {"need": newcomer.pk, "demand": demand.pk})
    assert response.status_code == 400


def test_attach_page_refuses_a_need_of_another_network(cast, area, login):
    demand = make_demand(cast, area, status=S.ACCEPTED)
    foreign = NeedFactory(network=cast.other_network, description="doposcuola")
    response = login(cast.coordinator).post(url(cast, "demand_attach", demand), {"need": foreign.pk})
    assert response.status_code == 400
    assert not DemandItem.objects.filter(need=foreign).exists()


@pytest.mark.parametrize("persona", ["evaluator", "funder", "partner_staff"])
def test_a_group_under_five_people_shows_no_figure_nor_summary_to_figure_readers(cast, area, login, persona):
    small = make_demand(cast, area, n=2)
    small.summary = "2 persone con disabilità di Cremona chiedono un trasporto"
    small.save()
    large = make_demand(cast, area, n=5)
    client = login(getattr(cast, persona))
    for page in (client.get(url(cast, "demand_detail", small)), client.get(url(cast, "demands"))):
        assert page.status_code == 200
        body = page.content.decode()
        assert small.summary not in body and "fewer than 5" in body
        assert '<dd class="col-sm-7">2</dd>' not in body and '<td class="text-end">2</td>' not in body
    assert large.summary in client.get(url(cast, "demands")).content.decode()


@pytest.mark.parametrize("persona", ["coordinator", "community_worker", "case_manager"])
def test_operators_see_the_exact_figures_of_a_small_group(cast, area, login, persona):
    small = make_demand(cast, area, n=2)
    body = login(getattr(cast, persona)).get(url(cast, "demand_detail", small)).content.decode()
    assert small.summary in body and "fewer than" not in body
    assert '<dd class="col-sm-7">2</dd>' in body
