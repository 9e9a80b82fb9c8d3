"""The responses API: co-design tables (calls, criteria, applications, scores) and responses (partners, budget,
milestones, what they answer), checked against the schema.

Calls and applications are read with responses.view_responses, shaped and moved with manage_coprogramming;
applying is contribute, scoring score_applications. Responses are read by every member (participation.take_part,
their pages are public), run with manage_responses; what they answer follows the small-numbers rule."""

import typing
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from legami.aggregation.models import AggregatedDemand, DemandItem, DemandStatus
from legami.api.tests.helpers import network_url
from legami.api.v1 import responses as responses_api
from legami.core.tests import factories as f
from legami.needs.models import NeedStatus
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory
from legami.responses import models
from legami.responses.models import ApplicationStatus, CallStatus, Milestone, Response, ResponseStatus, Score
from legami.responses.tests.factories_codesign import (
    ApplicationFactory,
    CallFactory,
    CriterionFactory,
    evaluator,
    score,
)
from legami.responses.tests.factories_responses import (
    BudgetLineFactory,
    MilestoneFactory,
    PartnerFactory,
    ResponseFactory,
)

pytestmark = pytest.mark.django_db

S = CallStatus
A = ApplicationStatus
R = ResponseStatus
VIEWERS = ["coordinator", "case_manager", "community_worker", "partner_staff", "evaluator", "funder"]
NOT_VIEWERS = ["citizen", "privacy_officer"]
NOT_CALL_MANAGERS = ["case_manager", "community_worker", "partner_staff", "evaluator", "funder"]
RESPONSE_MANAGERS = ["coordinator", "community_worker"]
NOT_RESPONSE_MANAGERS = ["case_manager", "partner_staff", "evaluator", "funder", "citizen", "privacy_officer"]


def url(cast, *parts):
    return network_url(cast.network, *parts)


def loc_and_types(response) -> set[tuple[str, str]]:
    """(field, code) of each problem of a 422."""
    assert response.status_code == 422, response.content
    return {(str(item["loc"][-1]), item["type"]) for item in response.json()["detail"]}


def make_call(cast, status=S.DRAFT, weights=(60, 40), **kwargs):
    call = CallFactory(**{"network": cast.network, "status": status, **kwargs})
    for position, weight in enumerate(weights):
        CriterionFactory(call=call, weight=weight, position=position)
    return call


def call_data(**changes):
    today = timezone.localdate()
    data = {
        "title": "Compagnia agli anziani",
        "purpose": "Un servizio di compagnia per anziani soli",
        "municipalities": ["019036"],
        "duration_months": 24,
        "budget": "50000.00",
        "opens_on": str(today),
        "closes_on": str(today + timedelta(days=30)),
    }
    return data | changes


def application_data(**changes):
    return {
        "title": "Visite settimanali",
        "proposal": "Volontari che visitano gli anziani.",
        "money": "2500.50",
    } | changes


def test_literals_match_the_models():
    assert list(typing.get_args(responses_api.CallStatus)) == models.CallStatus.values
    assert list(typing.get_args(responses_api.ApplicationStatus)) == models.ApplicationStatus.values
    assert list(typing.get_args(responses_api.ResponseStatus)) == models.ResponseStatus.values
    assert list(typing.get_args(responses_api.PartnerRole)) == models.PartnerRole.values
    assert list(typing.get_args(responses_api.BudgetSource)) == models.BudgetSource.values


# --- calls: reading ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", VIEWERS)
def test_calls_are_listed_drafts_only_for_coordinators(cast, api_as, persona):
    make_call(cast, title="Bozza")
    make_call(cast, status=S.OPEN, title="Aperto")
    body = api_as(cast.users[persona]).get(url(cast, "calls")).json()
    expected = {"Bozza", "Aperto"} if persona == "coordinator" else {"Aperto"}
    assert {item["title"] for item in body["items"]} == expected


@pytest.mark.parametrize("persona", NOT_VIEWERS)
def test_calls_are_refused_without_view_responses(cast, api_as, persona):
    call = make_call(cast, status=S.OPEN)
    client = api_as(cast.users[persona])
    assert client.get(url(cast, "calls")).status_code == 403
    assert client.get(url(cast, "calls", call.pk)).status_code == 403


def test_calls_are_not_found_for_outsiders_and_other_networks(cast, api_as):
    call = make_call(cast, status=S.OPEN)
    assert api_as(cast.outsider).get(url(cast, "calls", call.pk)).status_code == 404
    foreign = make_call(cast, status=S.OPEN, network=cast.other_network)
    assert api_as(cast.coordinator).get(url(cast, "calls", foreign.pk)).status_code == 404
    draft = make_call(cast)
    assert api_as(cast.evaluator).get(url(cast, "calls", draft.pk)).status_code == 404


def test_call_filters_and_bad_filter(cast, api_as):
    make_call(cast, title="Bozza")
    make_call(cast, status=S.OPEN, title="Aperto")
    client = api_as(cast.coordinator)
    assert [i["title"] for i in client.get(url(cast, "calls"), {"status": "open"}).json()["items"]] == ["Aperto"]
    assert loc_and_types(client.get(url(cast, "calls"), {"status": "aperto"})) == {("status", "literal_error")}


def test_call_pagination_and_constant_queries(cast, api_as, django_assert_max_num_queries):
    client = api_as(cast.evaluator)
    for _n in range(2):
        make_call(cast, status=S.OPEN).municipalities.set(cast.municipalities)
    with django_assert_max_num_queries(30) as small:
        client.get(url(cast, "calls"))
    for _n in range(6):
        make_call(cast, status=S.OPEN).municipalities.set(cast.municipalities)
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get(url(cast, "calls")).json()
    assert body["count"] == 8
    page = client.get(url(cast, "calls"), {"page_size": 3, "page": 3}).json()
    assert page["count"] == 8 and len(page["items"]) == 2
    assert loc_and_types(client.get(url(cast, "calls"), {"page_size": 201})) == {("page_size", "less_than_equal")}


def test_call_detail_has_criteria_and_the_moves(cast, api_as):
    call = make_call(cast)
    ApplicationFactory(call=call, organization=cast.organization)
    body = api_as(cast.coordinator).get(url(cast, "calls", call.pk)).json()
    assert [c["weight"] for c in body["criteria"]] == [60, 40]
    assert body["transitions"] == ["open", "cancel"] and body["budget"] == "50000.00"
    assert body["applications_total"] == 1
    call.status = S.OPEN
    call.save()
    assert api_as(cast.funder).get(url(cast, "calls", call.pk)).json()["transitions"] == []


# --- calls: writing ------------------------------------------------------------------------------------------


def test_coordinator_drafts_a_call(cast, api_as):
    response = api_as(cast.coordinator).post(url(cast, "calls"), call_data())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "draft" and body["municipalities"] == [{"istat_code": "019036", "name": "Cremona"}]
    assert models.CoDesignCall.objects.get().events.count() == 1


@pytest.mark.parametrize("persona", NOT_CALL_MANAGERS)
def test_others_may_not_draft_calls(cast, api_as, persona):
    assert api_as(cast.users[persona]).post(url(cast, "calls"), call_data()).status_code == 403
    assert not models.CoDesignCall.objects.exists()


def test_outsider_drafting_a_call_finds_nothing(cast, api_as):
    assert api_as(cast.outsider).post(url(cast, "calls"), call_data(title="")).status_code == 404


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": ""}, ("title", "string_too_short")),
        ({"duration_months": 0}, ("duration_months", "greater_than_equal")),
        ({"closes_on": "2000-01-01"}, ("closes_on", "dates_order")),
        ({"municipalities": ["999999"]}, ("municipalities", "unknown_municipality")),
        ({"colour": "red"}, ("colour", "extra_forbidden")),
    ],
)
def test_bad_calls_are_refused(cast, api_as, changes, expected):
    response = api_as(cast.coordinator).post(url(cast, "calls"), call_data(**changes))
    assert expected in loc_and_types(response)
    assert not models.CoDesignCall.objects.exists()


def test_call_moves(cast, api_as):
    client = api_as(cast.coordinator)
    call = make_call(cast, opens_on=timezone.localdate())
    assert client.post(url(cast, "calls", call.pk, "open"), {}).json()["status"] == "open"
    assert client.post(url(cast, "calls", call.pk, "open"), {}).status_code == 409
    application = ApplicationFactory(call=call, organization=cast.organization)
    assert client.post(url(cast, "calls", call.pk, "evaluate"), {"note": "Chiuso"}).json()["status"] == "evaluation"
    refused = client.post(url(cast, "calls", call.pk, "rank"), {})
    assert refused.status_code == 409 and "no score yet" in refused.json()["detail"]
    for criterion in call.criteria.all():
        score(application, criterion, cast.evaluator, 8)
    assert client.post(url(cast, "calls", call.pk, "rank"), {}).json()["status"] == "ranked"
    application.refresh_from_db()
    assert application.rank == 1 and application.total_score == Decimal("80.00")
    awarded = client.post(url(cast, "calls", call.pk, "award"), {"applications": [application.pk]})
    assert awarded.status_code == 201, awarded.content
    assert awarded.json()["call"]["status"] == "awarded"
    assert Response.objects.get(pk=awarded.json()["response"]).call == call
    assert client.post(url(cast, "calls", call.pk, "cancel"), {}).status_code == 409


def test_a_call_opens_only_with_weights_of_100(cast, api_as):
    call = make_call(cast, weights=(50,))
    response = api_as(cast.coordinator).post(url(cast, "calls", call.pk, "open"), {})
    assert response.status_code == 409 and "exactly 100" in response.json()["detail"]
    call.refresh_from_db()
    assert call.status == S.DRAFT


def test_award_refuses_another_calls_application(cast, api_as):
    call = make_call(cast, status=S.RANKED)
    other = ApplicationFactory(call=make_call(cast, status=S.RANKED), organization=cast.organization)
    response = api_as(cast.coordinator).post(url(cast, "calls", call.pk, "award"), {"applications": [other.pk]})
    assert ("applications", "invalid_choice") in loc_and_types(response)


@pytest.mark.parametrize("move", ["open", "evaluate", "rank", "cancel", "award"])
def test_call_moves_are_refused_to_others(cast, api_as, move):
    call = make_call(cast, status=S.OPEN)
    body = {"applications": [1]} if move == "award" else {}
    assert api_as(cast.community_worker).post(url(cast, "calls", call.pk, move), body).status_code == 403
    assert api_as(cast.outsider).post(url(cast, "calls", call.pk, move), body).status_code == 404
    call.refresh_from_db()
    assert call.status == S.OPEN


def test_criteria_are_added_to_drafts_only(cast, api_as):
    client = api_as(cast.coordinator)
    call = make_call(cast, weights=(60,))
    response = client.post(url(cast, "calls", call.pk, "criteria"), {"name": "Radicamento", "weight": 40})
    assert response.status_code == 201 and response.json()["position"] == 1 and response.json()["max_score"] == 10
    assert ("weight", "greater_than_equal") in loc_and_types(
        client.post(url(cast, "calls", call.pk, "criteria"), {"name": "X", "weight": 0})
    )
    assert ("name", "missing") in loc_and_types(client.post(url(cast, "calls", call.pk, "criteria"), {"weight": 5}))
    opened = make_call(cast, status=S.OPEN)
    assert client.post(url(cast, "calls", opened.pk, "criteria"), {"name": "X", "weight": 5}).status_code == 409
    assert (
        api_as(cast.evaluator).post(url(cast, "calls", call.pk, "criteria"), {"name": "X", "weight": 5}).status_code
        == 403
    )


# --- applications ----------------------------------------------------------------------------------------


@pytest.fixture
def applied(cast):
    """An open call with an application of the cast's organisation and one of another organisation."""
    call = make_call(cast, status=S.OPEN)
    other = f.OrganizationFactory(network=cast.network, name="Auser Cremona")
    own = ApplicationFactory(call=call, organization=cast.organization, title="Nostra")
    theirs = ApplicationFactory(call=call, organization=other, title="Loro")
    return {"call": call, "own": own, "theirs": theirs, "other": other}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordinator", {"Nostra", "Loro"}),
        ("case_manager", {"Nostra", "Loro"}),
        ("evaluator", {"Nostra", "Loro"}),
        ("partner_staff", {"Nostra"}),
        ("funder", set()),
    ],
)
def test_applications_are_read_as_the_pages_say(cast, api_as, applied, persona, expected):
    client = api_as(cast.users[persona])
    body = client.get(url(cast, "calls", applied["call"].pk, "applications")).json()
    assert {item["title"] for item in body["items"]} == expected
    status = 200 if "Loro" in expected else 404
    assert client.get(url(cast, "applications", applied["theirs"].pk)).status_code == status


def test_applications_refused_and_not_found(cast, api_as, applied):
    assert api_as(cast.citizen).get(url(cast, "calls", applied["call"].pk, "applications")).status_code == 403
    assert api_as(cast.outsider).get(url(cast, "applications", applied["own"].pk)).status_code == 404


def test_application_pagination(cast, api_as, applied):
    for _n in range(3):
        ApplicationFactory(call=applied["call"], organization=f.OrganizationFactory(network=cast.network))
    body = api_as(cast.coordinator).get(url(cast, "calls", applied["call"].pk, "applications"), {"page_size": 2})
    assert body.json()["count"] == 5 and len(body.json()["items"]) == 2


def test_partner_staff_apply_for_their_organisation(cast, api_as):
    call = make_call(cast, status=S.OPEN)
    friend = f.OrganizationFactory(network=cast.network, name="Auser Cremona")
    response = api_as(cast.partner_staff).post(
        url(cast, "calls", call.pk, "applications"), application_data(partners=[friend.pk])
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization"]["name"] == "Cooperativa Il Ponte" and body["money"] == "2500.50"
    assert body["partners"] == [{"id": friend.pk, "name": "Auser Cremona"}] and body["status"] == "submitted"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": ""}, ("title", "string_too_short")),
        ({"staff_hours": -1}, ("staff_hours", "greater_than_equal")),
        ({"partners": [0]}, ("0", "greater_than_equal")),
    ],
)
def test_bad_applications_are_refused(cast, api_as, changes, expected):
    call = make_call(cast, status=S.OPEN)
    response = api_as(cast.partner_staff).post(url(cast, "calls", call.pk, "applications"), application_data(**changes))
    assert expected in loc_and_types(response)


def test_applying_twice_and_to_a_closed_call(cast, api_as, applied):
    client = api_as(cast.partner_staff)
    again = client.post(url(cast, "calls", applied["call"].pk, "applications"), application_data())
    assert ("organization", "already_applied") in loc_and_types(again)
    closed = make_call(cast, status=S.EVALUATION)
    assert client.post(url(cast, "calls", closed.pk, "applications"), application_data()).status_code == 409
    coordinator = api_as(cast.coordinator).post(url(cast, "calls", closed.pk, "applications"), application_data())
    assert coordinator.status_code == 409
    draft = make_call(cast)
    assert client.post(url(cast, "calls", draft.pk, "applications"), application_data()).status_code == 404
    assert api_as(cast.evaluator).post(url(cast, "calls", draft.pk, "applications"), {}).status_code == 403


def test_applicant_withdraws_while_open(cast, api_as, applied):
    client = api_as(cast.partner_staff)
    response = client.post(url(cast, "applications", applied["own"].pk, "withdraw"), {})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert client.post(url(cast, "applications", applied["own"].pk, "withdraw"), {}).status_code == 409
    assert client.post(url(cast, "applications", applied["theirs"].pk, "withdraw"), {}).status_code == 404
    assert (
        api_as(cast.evaluator).post(url(cast, "applications", applied["theirs"].pk, "withdraw"), {}).status_code == 403
    )


def test_coordinator_excludes_with_a_reason(cast, api_as, applied):
    client = api_as(cast.coordinator)
    path = url(cast, "applications", applied["theirs"].pk, "exclude")
    assert ("reason", "missing") in loc_and_types(client.post(path, {}))
    assert ("reason", "string_too_short") in loc_and_types(client.post(path, {"reason": ""}))
    response = client.post(path, {"reason": "Manca il DURC"})
    assert response.json()["status"] == "excluded" and response.json()["exclusion_reason"] == "Manca il DURC"
    assert api_as(cast.community_worker).post(path, {"reason": "x"}).status_code == 403


# --- scores --------------------------------------------------------------------------------------------------


@pytest.fixture
def evaluating(cast):
    call = make_call(cast, status=S.EVALUATION)
    other = f.OrganizationFactory(network=cast.network, name="Auser Cremona")
    application = ApplicationFactory(call=call, organization=other)
    return call, application, list(call.criteria.order_by("position"))


def test_evaluator_scores(cast, api_as, evaluating):
    call, application, criteria = evaluating
    body = [{"criterion": c.pk, "score": 7, "reason": "Solido"} for c in criteria]
    response = api_as(cast.evaluator).post(url(cast, "applications", application.pk, "scores"), {"scores": body})
    assert response.status_code == 200, response.content
    assert [s["score"] for s in response.json()] == [7, 7]
    assert Score.objects.filter(evaluator=cast.evaluator).count() == 2


def test_an_evaluator_of_the_applicant_is_refused_with_the_services_code(cast, api_as, evaluating):
    call, application, criteria = evaluating
    conflicted = evaluator(cast.network, "eval-auser@example.org", application.organization)
    body = {"scores": [{"criterion": criteria[0].pk, "score": 7, "reason": "x"}]}
    response = api_as(conflicted).post(url(cast, "applications", application.pk, "scores"), body)
    assert loc_and_types(response) == {("payload", "conflict")}
    assert not Score.objects.exists()


def test_bad_scores(cast, api_as, evaluating):
    call, application, criteria = evaluating
    client = api_as(cast.evaluator)
    path = url(cast, "applications", application.pk, "scores")
    c = criteria[0].pk
    assert (f"score_{c}", "score_range") in loc_and_types(
        client.post(path, {"scores": [{"criterion": c, "score": 11, "reason": "x"}]})
    )
    assert (f"reason_{c}", "required") in loc_and_types(
        client.post(path, {"scores": [{"criterion": c, "score": 5, "reason": " "}]})
    )
    assert ("scores", "too_short") in loc_and_types(client.post(path, {"scores": []}))
    assert ("payload", "invalid_choice") in loc_and_types(
        client.post(path, {"scores": [{"criterion": 999999, "score": 5, "reason": "x"}]})
    )
    call.status = S.OPEN
    call.save()
    assert ("payload", "not_scoring") in loc_and_types(
        client.post(path, {"scores": [{"criterion": c, "score": 5, "reason": "x"}]})
    )


@pytest.mark.parametrize(("persona", "status"), [("partner_staff", 403), ("funder", 403), ("outsider", 404)])
def test_scoring_is_refused(cast, api_as, evaluating, persona, status):
    call, application, criteria = evaluating
    body = {"scores": [{"criterion": criteria[0].pk, "score": 5, "reason": "x"}]}
    assert (
        api_as(cast.users[persona]).post(url(cast, "applications", application.pk, "scores"), body).status_code
        == status
    )


# --- responses: reading ------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [*VIEWERS, *NOT_VIEWERS])
def test_every_member_reads_responses(cast, api_as, persona):
    ResponseFactory(network=cast.network, title="Portierato")
    ResponseFactory(network=cast.other_network, title="Altrove")
    body = api_as(cast.users[persona]).get(url(cast, "responses")).json()
    assert [item["title"] for item in body["items"]] == ["Portierato"]


def test_responses_are_not_found_for_outsiders(cast, api_as):
    response = ResponseFactory(network=cast.network)
    assert api_as(cast.outsider).get(url(cast, "responses")).status_code == 404
    assert api_as(cast.outsider).get(url(cast, "responses", response.pk)).status_code == 404
    foreign = ResponseFactory(network=cast.other_network)
    assert api_as(cast.coordinator).get(url(cast, "responses", foreign.pk)).status_code == 404
    assert api_as(None).get(url(cast, "responses")).status_code == 401


def test_response_filters_pagination_and_queries(cast, api_as, django_assert_max_num_queries):
    client = api_as(cast.citizen)
    for _n in range(2):
        ResponseFactory(network=cast.network, status=R.ACTIVE).municipalities.set(cast.municipalities)
    with django_assert_max_num_queries(30) as small:
        client.get(url(cast, "responses"))
    for _n in range(5):
        ResponseFactory(network=cast.network).municipalities.set(cast.municipalities)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url(cast, "responses")).json()["count"] == 7
    assert client.get(url(cast, "responses"), {"status": "active"}).json()["count"] == 2
    page = client.get(url(cast, "responses"), {"page_size": 3, "page": 3}).json()
    assert len(page["items"]) == 1
    assert loc_and_types(client.get(url(cast, "responses"), {"status": "done"})) == {("status", "literal_error")}


def test_response_detail(cast, api_as):
    response = ResponseFactory(network=cast.network, status=R.ACTIVE)
    PartnerFactory(response=response, organization=cast.organization, role="lead")
    BudgetLineFactory(response=response, amount=Decimal("1000.00"))
    BudgetLineFactory(response=response, amount=Decimal("500.50"))
    BudgetLineFactory(response=response, source="in_kind", amount=Decimal("0"), organization=cast.organization)
    MilestoneFactory(response=response, title="Avvio", weight=3, done_on=timezone.localdate())
    MilestoneFactory(response=response, title="Fine", weight=1)
    partner = response.partners.get()
    body = api_as(cast.citizen).get(url(cast, "responses", response.pk)).json()
    assert body["partners"] == [
        {
            "id": partner.pk,
            "organization": {"id": cast.organization.pk, "name": "Cooperativa Il Ponte"},
            "role": "lead",
            "brings": "Due educatori e la sala civica",
        }
    ]
    assert body["budget"]["total"] == "1500.50"
    assert [(s["source"], s["total"], len(s["lines"])) for s in body["budget"]["sources"]] == [
        ("in_kind", "0.00", 1),
        ("public", "1500.50", 2),
    ]
    assert body["progress"] == 0  # kept by the milestone services; the factories write rows directly
    assert [m["title"] for m in body["milestones"]] == ["Avvio", "Fine"]
    assert body["transitions"] == []
    assert api_as(cast.coordinator).get(url(cast, "responses", response.pk)).json()["transitions"] == [
        "suspend",
        "complete",
        "cancel",
    ]


def _answered(cast, n):
    area = NeedAreaFactory(network=cast.network, code="cura")
    response = ResponseFactory(network=cast.network, status=R.ACTIVE)
    needs = [
        NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status=NeedStatus.ANSWERED)
        for _i in range(n)
    ]
    demand = AggregatedDemand.objects.create(
        network=cast.network,
        title="Compagnia per anziani soli",
        summary="…",
        area=area,
        target_group="elderly",
        municipality=cast.municipalities[0],
        status=DemandStatus.ANSWERED,
        need_count=n,
        people_count=n,
    )
    for need in needs:
        DemandItem.objects.create(demand=demand, need=need, similarity=0.7)
    response.needs.set(needs)
    response.demands.set([demand])
    return response


def test_few_needs_are_hidden_from_who_does_not_see_small_numbers(cast, api_as):
    response = _answered(cast, 4)
    for user in (cast.evaluator, cast.funder, cast.partner_staff, cast.citizen):
        answered = api_as(user).get(url(cast, "responses", response.pk)).json()["answered"]
        assert answered == {"needs": None, "small": True, "demands": ["Compagnia per anziani soli"], "proposals": []}
    for user in (cast.coordinator, cast.case_manager):
        answered = api_as(user).get(url(cast, "responses", response.pk)).json()["answered"]
        assert answered["needs"] == 4 and answered["small"] is False


def test_enough_needs_are_shown_to_everyone(cast, api_as):
    response = _answered(cast, 5)
    answered = api_as(cast.citizen).get(url(cast, "responses", response.pk)).json()["answered"]
    assert answered["needs"] == 5 and answered["small"] is False


# --- responses: writing ------------------------------------------------------------------------------------


def response_data(**changes):
    return {
        "title": "Portierato sociale",
        "summary": "Un presidio di prossimità",
        "municipalities": ["019036"],
    } | changes


@pytest.mark.parametrize("persona", RESPONSE_MANAGERS)
def test_managers_design_and_change_responses(cast, api_as, persona):
    client = api_as(cast.users[persona])
    created = client.post(url(cast, "responses"), response_data())
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "planned" and body["municipalities"][0]["istat_code"] == "019036"
    changed = client.patch(url(cast, "responses", body["id"]), {"title": "Portierato di quartiere"})
    assert changed.json()["title"] == "Portierato di quartiere" and changed.json()["summary"] == body["summary"]


@pytest.mark.parametrize("persona", NOT_RESPONSE_MANAGERS)
def test_others_may_not_write_responses(cast, api_as, persona):
    response = ResponseFactory(network=cast.network)
    client = api_as(cast.users[persona])
    assert client.post(url(cast, "responses"), response_data()).status_code == 403
    assert client.patch(url(cast, "responses", response.pk), {"title": "X"}).status_code == 403
    assert client.post(url(cast, "responses", response.pk, "start"), {}).status_code == 403
    assert client.post(url(cast, "responses", response.pk, "milestones"), {"title": "X"}).status_code == 403
    assert Response.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": ""}, ("title", "string_too_short")),
        ({"summary": "x" * 301}, ("summary", "string_too_long")),
        ({"starts_on": "2026-05-02", "ends_on": "2026-05-01"}, ("ends_on", "dates_order")),
        ({"area": 999999}, ("area", "invalid_choice")),
    ],
)
def test_bad_responses_are_refused(cast, api_as, changes, expected):
    response = api_as(cast.coordinator).post(url(cast, "responses"), response_data(**changes))
    assert expected in loc_and_types(response)
    assert not Response.objects.exists()


def test_response_moves(cast, api_as):
    client = api_as(cast.coordinator)
    response = ResponseFactory(network=cast.network)
    path = lambda move: url(cast, "responses", response.pk, move)  # noqa: E731
    assert client.post(path("suspend"), {}).status_code == 409
    assert client.post(path("start"), {}).json()["status"] == "active"
    assert client.post(path("suspend"), {}).json()["status"] == "suspended"
    assert client.post(path("resume"), {}).json()["status"] == "active"
    assert loc_and_types(client.post(path("cancel"), {})) == {("note", "note_required")}
    assert client.post(path("complete"), {}).json()["status"] == "completed"
    assert client.post(path("cancel"), {"note": "Fondi finiti"}).status_code == 409
    other = ResponseFactory(network=cast.network)
    cancelled = client.post(url(cast, "responses", other.pk, "cancel"), {"note": "Fondi finiti"})
    assert cancelled.json()["status"] == "cancelled"
    assert api_as(cast.outsider).post(url(cast, "responses", other.pk, "start"), {}).status_code == 404


def test_milestones_are_added_and_reached(cast, api_as):
    client = api_as(cast.community_worker)
    response = ResponseFactory(network=cast.network)
    path = url(cast, "responses", response.pk, "milestones")
    created = client.post(path, {"title": "Avvio", "due_on": "2026-12-31", "weight": 3})
    assert created.status_code == 201 and created.json()["done_on"] is None
    MilestoneFactory(response=response, weight=1)
    assert ("weight", "less_than_equal") in loc_and_types(
        client.post(path, {"title": "X", "due_on": "2026-12-31", "weight": 101})
    )
    assert ("due_on", "missing") in loc_and_types(client.post(path, {"title": "X"}))
    reached = url(cast, "responses", response.pk, "milestones", created.json()["id"], "reached")
    today = str(timezone.localdate())
    assert client.post(reached, {"done_on": today}).status_code == 409  # still being designed
    response.status = R.ACTIVE
    response.save()
    tomorrow = str(timezone.localdate() + timedelta(days=1))
    assert ("done_on", "future") in loc_and_types(client.post(reached, {"done_on": tomorrow}))
    body = client.post(reached, {"done_on": today}).json()
    assert body["progress"] == 75
    assert ("done_on", "already_reached") in loc_and_types(client.post(reached, {"done_on": today}))
    foreign = MilestoneFactory(response=ResponseFactory(network=cast.network))
    assert (
        client.post(
            url(cast, "responses", response.pk, "milestones", foreign.pk, "reached"), {"done_on": today}
        ).status_code
        == 404
    )
    assert Milestone.objects.filter(done_on__isnull=False).count() == 1
