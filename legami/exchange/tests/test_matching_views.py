"""Matching through the client: running the engine, matching by hand with bad input, the list's queries, and each
side answering on its own page while seeing of the other side only what it needs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legami.core.tests import factories as f
from legami.exchange.models import Match, MatchStatus
from legami.exchange.tests.factories_offers import area, need, offer, proposed
from legami.needs.models import NeedStatus

pytestmark = pytest.mark.django_db


def _url(cast, name, *args):
    return reverse(f"exchange:{name}", args=[cast.network.slug, *args])


def test_an_operator_runs_the_engine_and_reads_what_it_proposed(cast, login):
    casa = area(cast)
    offer(cast, [casa], title="Spesa a domicilio")
    need(cast, casa)
    client = login(cast.community_worker)
    assert "Run the engine" in client.get(_url(cast, "matching")).content.decode()
    response = client.post(_url(cast, "matching"), {"area": "", "municipality": ""})
    made = Match.objects.get()
    assert response.status_code == 302 and response.url == _url(cast, "run_detail", made.run_id)
    body = client.get(response.url).content.decode()
    assert "Spesa a domicilio" in body and "same area: Casa" in body
    # the run is listed with what it found
    assert "1 match proposed from 1 needs and 1 offers" in client.get(_url(cast, "matching")).content.decode()


def test_a_bad_filter_of_a_run_is_shown_and_nothing_runs(cast, login):
    response = login(cast.coordinator).post(_url(cast, "matching"), {"area": "abc"})
    assert response.status_code == 400 and "area" in response.context["form"].errors
    assert not Match.objects.exists()


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
