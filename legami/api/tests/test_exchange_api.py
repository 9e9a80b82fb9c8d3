"""The exchange API: offers (list, record, change, move) and matches (the engine's run, by hand, each side's
answers), checked against the schema, with bad input (422), refused roles (403/404) and refused steps (409)."""

import typing

import pytest

from legami.api.tests.helpers import network_url
from legami.api.v1 import exchange as exchange_api
from legami.core.models import Job
from legami.core.tests import factories as f
from legami.exchange import models
from legami.exchange.models import MATCHING_JOB_KIND, Match, MatchingRun, Offer
from legami.exchange.tests.factories_offers import area, need, offer, proposed
from legami.needs.models import NeedStatus
from legami.needs.tests.factories import NeedAreaFactory

pytestmark = pytest.mark.django_db


def test_the_schema_choices_are_the_models():
    assert list(typing.get_args(exchange_api.OfferKind)) == models.OfferKind.values
    assert list(typing.get_args(exchange_api.OfferStatus)) == models.OfferStatus.values
    assert list(typing.get_args(exchange_api.MatchStatus)) == models.MatchStatus.values


def _offer_in(cast, **overrides):
    return {
        "title": "Passaggi in auto",
        "kind": "transport",
        "areas": [area(cast).pk],
        "municipality": "019036",
        "time_windows": "mar 9-12",
        "languages": ["it", "en"],
    } | overrides


def test_an_operator_records_reads_changes_and_moves_an_offer(cast, api_as):
    api = api_as(cast.coordinator)
    response = api.post(network_url(cast.network, "offers"), _offer_in(cast))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "open" and body["languages"] == ["it", "en"] and body["radius_km"] == 5.0
    assert body["time_windows"] == [{"day": 1, "start": "09:00", "end": "12:00"}]
    url = network_url(cast.network, "offers", body["id"])
    assert api.get(url).json()["title"] == "Passaggi in auto"
    assert api.patch(url, {"capacity": 3}).json()["capacity"] == 3
    assert api.post(f"{url}status/", {"to_status": "paused"}).json()["status"] == "paused"
    response = api.post(f"{url}status/", {"to_status": "pending"})
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"kind": "lessons"}, "kind"),
        ({"areas": []}, "areas"),
        ({"areas": [999999]}, "areas"),
        ({"municipality": "999999"}, "municipality"),
        ({"capacity": 0}, "capacity"),
        ({"radius_km": 500}, "radius_km"),
        ({"time_windows": "whenever"}, "time_windows"),
        ({"languages": ["klingon"]}, "languages"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_offers_are_refused_with_where_and_why(cast, api_as, overrides, field):
    response = api_as(cast.coordinator).post(network_url(cast.network, "offers"), _offer_in(cast, **overrides))
    assert response.status_code == 422
    assert any(item["loc"][-1] == field for item in response.json()["detail"])
    assert not Offer.objects.exists()


def test_a_citizen_lists_their_own_offers_and_waits_for_a_check(cast, api_as):
    offer(cast, [area(cast)], title="Della rete")
    api = api_as(cast.citizen)
    made = api.post(network_url(cast.network, "offers"), _offer_in(cast)).json()
    assert made["status"] == "pending"
    listed = api.get(network_url(cast.network, "offers")).json()
    assert [item["title"] for item in listed["items"]] == ["Passaggi in auto"]
    response = api.post(network_url(cast.network, "offers", made["id"], "status"), {"to_status": "open"})
    assert response.status_code == 403


@pytest.mark.parametrize(("persona", "status"), [("evaluator", 403), ("funder", 403), ("outsider", 404)])
def test_roles_without_offers_are_refused(cast, api_as, persona, status):
    assert api_as(getattr(cast, persona)).get(network_url(cast.network, "offers")).status_code == status


def test_the_engine_runs_and_both_sides_answer(cast, api_as, django_capture_on_commit_callbacks):
    casa = area(cast)
    person = f.PersonFactory(network=cast.network, user=cast.citizen)
    waiting = need(cast, casa, person=person, description="Parole sue")
    offer(cast, [casa], organization=cast.organization)
    operator = api_as(cast.community_worker)
    # the tests' tasks backend runs the job once the request's transaction commits, as the worker would
    with django_capture_on_commit_callbacks(execute=True):
        queued = operator.post(network_url(cast.network, "matching", "runs"), {})
    assert queued.status_code == 202 and queued.json()["status"] == "queued" and queued.json()["run"] is None
    job = Job.objects.get(kind=MATCHING_JOB_KIND)
    status_url = f"http://testserver{network_url(cast.network, 'matching', 'jobs', job.pk)}"
    assert queued.json()["status_url"] == status_url and queued["Location"] == status_url
    done = operator.get(status_url).json()
    assert done["status"] == "succeeded" and (done["processed"], done["total"]) == (3, 3)
    assert done["run"]["proposed"] == 1 and done["error"] == "" and done["phase"] == ""
    assert done["message"] == "1 abbinamento proposto su 1 bisogni e 1 offerte"  # the operator's language
    match = Match.objects.get()
    assert match.run_id == done["run"]["id"]
    citizen = api_as(cast.citizen)
    mine = citizen.get(network_url(cast.network, "matches", "mine")).json()
    assert [m["id"] for m in mine] == [match.pk] and "Parole sue" not in str(mine)
    url = network_url(cast.network, "matches", match.pk)
    assert citizen.post(f"{url}accept/", {"side": "offer"}).status_code == 403
    assert citizen.post(f"{url}accept/", {"side": "need"}).json()["need_accepted_at"]
    accepted = api_as(cast.partner_staff).post(f"{url}accept/", {"side": "offer"}).json()
    assert accepted["status"] == "accepted"
    waiting.refresh_from_db()
    assert waiting.status == NeedStatus.MATCHED
    # a step the state does not allow: 409; a bad field: 422
    assert operator.post(f"{url}complete/", {}).status_code == 409
    assert operator.post(f"{url}start/", {}).json()["status"] == "active"
    response = operator.post(f"{url}complete/", {"ended_on": "2000-01-01"})
    assert response.status_code == 422
    assert operator.post(f"{url}complete/", {"need_rating": 5}).json()["status"] == "completed"


def test_matching_by_hand_and_cancelling(cast, api_as):
    casa = area(cast)
    waiting = need(cast, casa)
    made = offer(cast, [casa])
    api = api_as(cast.coordinator)
    response = api.post(network_url(cast.network, "matches"), {"need": 999999, "offer": made.pk})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "need"
    created = api.post(network_url(cast.network, "matches"), {"need": waiting.pk, "offer": made.pk}).json()
    assert created["origin"] == "manual" and created["status"] == "proposed"
    url = network_url(cast.network, "matches", created["id"])
    assert api.post(f"{url}cancel/", {"note": ""}).status_code == 422
    assert api.post(f"{url}cancel/", {"note": "Non serve"}).json()["status"] == "cancelled"
    assert api.post(f"{url}cancel/", {"note": "Ancora"}).status_code == 409


def test_the_matches_list_is_for_operators_only(cast, api_as):
    casa = area(cast)
    proposed(cast, need(cast, casa), offer(cast, [casa]))
    assert api_as(cast.coordinator).get(network_url(cast.network, "matches")).json()["count"] == 1
    assert api_as(cast.citizen).get(network_url(cast.network, "matches")).status_code == 403
    listed = api_as(cast.coordinator).get(network_url(cast.network, "matches"), {"status": "accepted"}).json()
    assert listed["count"] == 0


def _runs(cast):
    return network_url(cast.network, "matching", "runs")


def test_a_run_s_status_while_it_waits_and_runs_then_when_it_fails(cast, api_as):
    api = api_as(cast.coordinator)
    queued = api.post(_runs(cast), {"municipality": "019036"}).json()  # the test's transaction never commits
    assert queued["status"] == "queued" and (queued["processed"], queued["total"]) == (0, 0)
    job = Job.objects.get(pk=queued["id"])
    assert job.result == {"filters": {"municipality": cast.municipalities[0].pk}}
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, processed=2, total=3, result={"filters": {}, "phase": "writing"}
    )
    running = api.get(queued["status_url"]).json()
    assert (running["status"], running["phase"], running["processed"]) == ("running", "writing", 2)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.FAILED, result={"filters": {}, "error": "Perché sì."})
    failed = api.get(queued["status_url"]).json()
    assert (failed["status"], failed["error"], failed["run"], failed["phase"]) == ("failed", "Perché sì.", None, "")
    assert not MatchingRun.objects.exists()


def test_a_second_run_while_one_is_under_way_is_a_conflict(cast, api_as):
    api = api_as(cast.coordinator)
    assert api.post(_runs(cast), {}).status_code == 202
    response = api.post(_runs(cast), {})
    assert response.status_code == 409
    assert response.json()["detail"] == "A matching run is already under way: wait for it to finish."
    assert Job.objects.filter(kind=MATCHING_JOB_KIND).count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"area": 999999}, "area"),
        ({"area": "casa"}, "area"),
        ({"municipality": "999999"}, "municipality"),
        ({"municipality": "19036"}, "municipality"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_filters_of_a_run_are_refused_and_nothing_is_queued(cast, api_as, body, field):
    response = api_as(cast.coordinator).post(_runs(cast), body)
    assert response.status_code == 422
    assert any(item["loc"][-1] == field for item in response.json()["detail"])
    assert not Job.objects.exists()


def test_an_area_of_another_network_is_refused(cast, api_as):
    foreign = NeedAreaFactory(network=cast.other_network, code="altrove")
    response = api_as(cast.coordinator).post(_runs(cast), {"area": foreign.pk})
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "area"
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 202),
        ("case_manager", 202),
        ("community_worker", 202),
        ("partner_staff", 403),
        ("citizen", 403),
        ("evaluator", 403),
        ("funder", 403),
        ("outsider", 404),
    ],
)
def test_who_may_queue_a_run_and_read_its_status(cast, api_as, persona, status):
    api = api_as(getattr(cast, persona))
    assert api.post(_runs(cast), {}).status_code == status
    job = Job.objects.create(
        network=cast.network, kind=MATCHING_JOB_KIND, actor=cast.coordinator, status=Job.Status.SUCCEEDED
    )
    read = api.get(network_url(cast.network, "matching", "jobs", job.pk))
    assert read.status_code == (200 if status == 202 else status)


def test_only_matching_jobs_of_the_network_are_read(cast, api_as):
    api = api_as(cast.coordinator)
    other_kind = Job.objects.create(network=cast.network, kind="offers_import", actor=cast.coordinator)
    elsewhere = Job.objects.create(network=cast.other_network, kind=MATCHING_JOB_KIND, actor=cast.outsider)
    for job in (other_kind, elsewhere):
        assert api.get(network_url(cast.network, "matching", "jobs", job.pk)).status_code == 404
