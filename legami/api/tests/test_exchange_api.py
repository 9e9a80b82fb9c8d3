"""The exchange API: offers (list, record, change, move) and matches (the engine's run, by hand, each side's
answers), checked against the schema, with bad input (422), refused roles (403/404) and refused steps (409)."""

import typing

import pytest

from legami.api.tests.helpers import network_url
from legami.api.v1 import exchange as exchange_api
from legami.core.tests import factories as f
from legami.exchange import models
from legami.exchange.models import Match, Offer
from legami.exchange.tests.factories_offers import area, need, offer, proposed
from legami.needs.models import NeedStatus

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


def test_the_engine_runs_and_both_sides_answer(cast, api_as):
    casa = area(cast)
    person = f.PersonFactory(network=cast.network, user=cast.citizen)
    waiting = need(cast, casa, person=person, description="Parole sue")
    offer(cast, [casa], organization=cast.organization)
    operator = api_as(cast.community_worker)
    run = operator.post(network_url(cast.network, "matching", "runs"), {})
    assert run.status_code == 201 and run.json()["proposed"] == 1
    match = Match.objects.get()
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
