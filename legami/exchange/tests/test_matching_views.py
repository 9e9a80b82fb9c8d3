"""Matching through the client: queueing a run of the engine and following it, matching by hand with bad input, the
list's queries, and each side answering on its own page while seeing of the other side only what it needs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legami.core.models import Job
from legami.core.tests import factories as f
from legami.exchange.models import MATCHING_JOB_KIND, Match, MatchingRun, MatchStatus
from legami.exchange.tests.factories_offers import area, need, offer, proposed
from legami.needs.models import NeedStatus
from legami.needs.tests.factories import NeedAreaFactory

pytestmark = pytest.mark.django_db


def _url(cast, name, *args):
    return reverse(f"exchange:{name}", args=[cast.network.slug, *args])


def test_an_operator_queues_a_run_follows_it_and_reads_what_it_proposed(
    cast, english_login, django_capture_on_commit_callbacks
):
    casa = area(cast)
    offer(cast, [casa], title="Spesa a domicilio")
    need(cast, casa)
    client = english_login(cast.community_worker)  # the run writes its reasons in the language of who started it
    assert "Run the engine" in client.get(_url(cast, "matching")).content.decode()
    # the tests' tasks backend runs the queued job when the request's transaction commits, as the worker would
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(cast, "matching"), {"area": "", "municipality": ""})
    job = Job.objects.get(kind=MATCHING_JOB_KIND)
    assert response.status_code == 302 and response.url == _url(cast, "matching_job", job.pk)
    page = client.get(response.url).content.decode()
    run = MatchingRun.objects.get()
    assert "Matching completed" in page and "1 match proposed from 1 needs and 1 offers." in page
    assert _url(cast, "run_detail", run.pk) in page and 'hx-trigger="every 1s"' not in page
    assert Match.objects.get().run == run
    body = client.get(_url(cast, "run_detail", run.pk)).content.decode()
    assert "Spesa a domicilio" in body and "same area: Casa" in body
    # the run is listed with what it found
    assert "1 match proposed from 1 needs and 1 offers" in client.get(_url(cast, "matching")).content.decode()


def test_the_job_page_polls_while_the_run_waits_then_shows_its_phase(cast, login):
    casa = area(cast)
    client = login(cast.coordinator)
    response = client.post(_url(cast, "matching"), {"area": casa.pk, "municipality": cast.municipalities[1].pk})
    job = Job.objects.get(kind=MATCHING_JOB_KIND)  # queued: the test's transaction never commits
    assert response.status_code == 302 and not MatchingRun.objects.exists()
    page = client.get(response.url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "Waiting for the run to start…" in page
    assert f"{casa.name}, Crema" in page and "Refresh to see the progress" in page
    # the matching page says a run is under way and links to it
    assert _url(cast, "matching_job", job.pk) in client.get(_url(cast, "matching")).content.decode()
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, processed=1, total=3, result={"filters": job.result["filters"], "phase": "solving"}
    )
    fragment = client.get(response.url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="job-status"' in fragment
    assert "finding the best matches" in fragment and "1 of 3 steps done (33%)" in fragment
    assert 'hx-swap-oob="true"' not in fragment


def test_the_job_page_of_a_failed_run_says_why_and_nothing_was_proposed(cast, login):
    job = Job.objects.create(
        network=cast.network,
        kind=MATCHING_JOB_KIND,
        actor=cast.coordinator,
        status=Job.Status.FAILED,
        processed=1,
        total=3,
        result={"filters": {}, "error": "Some needs were matched meanwhile: <run> the matching again."},
    )
    client = login(cast.coordinator)
    page = client.get(_url(cast, "matching_job", job.pk)).content.decode()
    assert "Matching failed: no match was proposed" in page
    assert "Some needs were matched meanwhile: &lt;run&gt; the matching again." in page
    assert 'hx-trigger="every 1s"' not in page and _url(cast, "matching") in page
    fragment = client.get(_url(cast, "matching_job", job.pk), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-swap-oob="true"' in fragment  # the outcome is announced once


def test_a_second_run_while_one_is_under_way_is_refused_on_the_page(cast, login):
    client = login(cast.coordinator)
    assert client.post(_url(cast, "matching"), {}).status_code == 302
    response = client.post(_url(cast, "matching"), {})
    assert response.status_code == 400
    assert "A matching run is already under way: wait for it to finish." in response.content.decode()
    assert Job.objects.filter(kind=MATCHING_JOB_KIND).count() == 1


def test_a_bad_filter_of_a_run_is_shown_and_nothing_is_queued(cast, login):
    client = login(cast.coordinator)
    response = client.post(_url(cast, "matching"), {"area": "abc"})
    assert response.status_code == 400 and "area" in response.context["form"].errors
    foreign = NeedAreaFactory(network=cast.other_network, code="altrove")
    response = client.post(_url(cast, "matching"), {"area": foreign.pk})
    assert response.status_code == 400 and "area" in response.context["form"].errors
    assert not Match.objects.exists() and not Job.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("case_manager", 200),
        ("community_worker", 200),
        ("district_case_manager", 200),
        ("partner_staff", 403),
        ("citizen", 403),
        ("evaluator", 403),
        ("funder", 403),
        ("privacy_officer", 403),
        ("outsider", 404),
    ],
)
def test_who_may_follow_a_run_and_who_may_queue_one(cast, login, persona, status):
    job = Job.objects.create(network=cast.network, kind=MATCHING_JOB_KIND, actor=cast.coordinator)
    client = login(getattr(cast, persona))
    assert client.get(_url(cast, "matching_job", job.pk)).status_code == status
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED)
    posted = client.post(_url(cast, "matching"), {})
    assert posted.status_code == (302 if status == 200 else status)
    assert Job.objects.filter(kind=MATCHING_JOB_KIND).count() == (2 if status == 200 else 1)


def test_the_job_page_is_only_for_matching_jobs_of_the_network(cast, login):
    client = login(cast.coordinator)
    other_kind = Job.objects.create(network=cast.network, kind="offers_import", actor=cast.coordinator)
    elsewhere = Job.objects.create(network=cast.other_network, kind=MATCHING_JOB_KIND, actor=cast.outsider)
    assert client.get(_url(cast, "matching_job", other_kind.pk)).status_code == 404
    assert client.get(_url(cast, "matching_job", elsewhere.pk)).status_code == 404
    assert login(None).get(_url(cast, "matching_job", elsewhere.pk)).status_code == 302


def test_matching_by_hand_with_bad_numbers_says_what_is_wrong(cast, login):
    casa = area(cast)
    client = login(cast.coordinator)
    response = client.post(_url(cast, "match_create"), {"need": "999", "offer": "x"})
    assert response.status_code == 400
    assert set(response.context["by_hand"].errors) == {"offer"}
    response = client.post(_url(cast, "match_create"), {"need": "999", "offer": "999"})
    assert response.status_code == 400 and set(response.context["by_hand"].errors) == {"need", "offer"}
    closed = need(cast, casa, status=NeedStatus.CLOSED)
    made = offer(cast, [casa])
    response = client.post(_url(cast, "match_create"), {"need": closed.pk, "offer": made.pk})
    assert response.status_code == 400 and "only new needs and needs being read" in response.content.decode()
    waiting = need(cast, casa)
    response = client.post(_url(cast, "match_create"), {"need": waiting.pk, "offer": made.pk, "note": "Vicini"})
    match = Match.objects.get()
    assert response.status_code == 302 and match.origin == Match.Origin.MANUAL


def test_the_list_runs_a_constant_number_of_queries(cast, login):
    casa = area(cast)
    client = login(cast.coordinator)
    proposed(cast, need(cast, casa), offer(cast, [casa]))
    with CaptureQueriesContext(connection) as few:
        client.get(_url(cast, "matches"))
    for _ in range(10):
        proposed(cast, need(cast, casa), offer(cast, [casa]))
    with CaptureQueriesContext(connection) as many:
        body = client.get(_url(cast, "matches"), {"status": "proposed"}).content.decode()
    assert len(many) == len(few) and body.count('<li class="border-bottom py-2">') == 11


def _sides(cast):
    casa = area(cast, "casa")
    person = f.PersonFactory(network=cast.network, user=cast.citizen, first_name="Amina", last_name="Diallo")
    waiting = need(cast, casa, person=person, description="Segreto di salute", status=NeedStatus.READING)
    made = offer(cast, [casa], organization=cast.organization, title="Spesa a domicilio")
    return proposed(cast, waiting, made, explanation="same area: Casa; 1.2 km away")


def test_each_side_answers_on_its_page_and_sees_only_what_it_needs(cast, login):
    match = _sides(cast)
    citizen = login(cast.citizen)
    mine = citizen.get(_url(cast, "my_matches")).content.decode()
    assert "Spesa a domicilio" in mine
    page = citizen.get(_url(cast, "match_detail", match.pk)).content.decode()
    assert "Yes, I accept this help" in page and "Yes, I can help" not in page
    # who offers is told once both have said yes; the need's own words never
    assert "Cooperativa Il Ponte" not in page and "Segreto di salute" not in page
    citizen.post(_url(cast, "match_action", match.pk, "accept"), {"side": "need"})
    partner = login(cast.partner_staff)
    page = partner.get(_url(cast, "match_detail", match.pk)).content.decode()
    assert "Yes, I can help" in page and "Amina" not in page and "Segreto di salute" not in page
    partner.post(_url(cast, "match_action", match.pk, "accept"), {"side": "offer"})
    match.refresh_from_db()
    assert match.status == MatchStatus.ACCEPTED
    page = citizen.get(_url(cast, "match_detail", match.pk)).content.decode()
    assert "Cooperativa Il Ponte" in page


def test_answers_for_the_other_side_are_refused(cast, login):
    match = _sides(cast)
    response = login(cast.citizen).post(_url(cast, "match_action", match.pk, "accept"), {"side": "offer"})
    assert response.status_code == 403
    match.refresh_from_db()
    assert match.offer_accepted_at is None


def test_an_unknown_action_is_not_found_and_a_cancel_needs_a_reason(cast, login):
    match = _sides(cast)
    client = login(cast.coordinator)
    assert client.post(_url(cast, "match_action", match.pk, "explode")).status_code == 404
    response = client.post(_url(cast, "match_action", match.pk, "cancel"), {"note": ""}, follow=True)
    assert "This field is required." in response.content.decode()
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED


def test_ending_a_match_records_the_feedback(cast, login):
    match = _sides(cast)
    client = login(cast.coordinator)
    for side in ("need", "offer"):
        client.post(_url(cast, "match_action", match.pk, "accept"), {"side": side})
    client.post(_url(cast, "match_action", match.pk, "start"), {"started_on": ""})
    response = client.post(_url(cast, "match_action", match.pk, "complete"), {"need_rating": "9"}, follow=True)
    assert "Select a valid choice" in response.content.decode()
    client.post(_url(cast, "match_action", match.pk, "complete"), {"need_rating": "4", "feedback": "<b>Bene</b>"})
    match.refresh_from_db()
    assert match.status == MatchStatus.COMPLETED and match.need_rating == 4
    page = client.get(_url(cast, "match_detail", match.pk)).content.decode()
    assert "&lt;b&gt;Bene&lt;/b&gt;" in page


def test_a_match_of_a_need_the_operator_cannot_see_is_not_found(cast, login):
    casa = area(cast)
    reserved = need(cast, casa, privacy_level="case_team")
    match = proposed(cast, reserved, offer(cast, [casa]))
    assert login(cast.community_worker).get(_url(cast, "match_detail", match.pk)).status_code == 404
    assert login(cast.case_manager).get(_url(cast, "match_detail", match.pk)).status_code == 200
