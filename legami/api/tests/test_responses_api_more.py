"""The responses API, second part: a response's partners, budget lines and what it answers, its co-production
ledger and give-back places, and the edits of a draft co-design call and its criteria, checked against the schema.

Reading a response's partners, budget and give-back places is every member's (its page is public); the ledger and
the network's open give-back places are responses.view_responses, as their pages; recording a contribution is
responses.record_coproduction, the rest responses.manage_responses; calls and criteria manage_coprogramming."""

import typing
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from legami.aggregation.models import AggregatedDemand, DemandItem, DemandStatus
from legami.api.tests.helpers import network_url
from legami.api.v1 import coproduction as coproduction_api
from legami.api.v1 import responses as responses_api
from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.needs.models import NeedEvent, NeedStatus
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory
from legami.participation.models import Proposal, ProposalStatus
from legami.participation.tests.factories import open_process
from legami.responses import models
from legami.responses.models import (
    BudgetLine,
    CallStatus,
    CoDesignCall,
    CoProduction,
    Criterion,
    GiveBackPlace,
    ResponsePartner,
    ResponseStatus,
)
from legami.responses.tests.factories_codesign import CallFactory, CriterionFactory
from legami.responses.tests.factories_responses import (
    BudgetLineFactory,
    CoProductionFactory,
    GiveBackPlaceFactory,
    PartnerFactory,
    ResponseFactory,
    active_response,
)

pytestmark = pytest.mark.django_db

R = ResponseStatus
EVERY_MEMBER = [
    "coordinator",
    "case_manager",
    "community_worker",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "privacy_officer",
]
MANAGERS = ["coordinator", "community_worker"]
NOT_MANAGERS = ["case_manager", "partner_staff", "evaluator", "funder", "citizen", "privacy_officer"]
VIEWERS = ["coordinator", "case_manager", "community_worker", "partner_staff", "evaluator", "funder"]
NOT_VIEWERS = ["citizen", "privacy_officer"]
NOT_RECORDERS = ["case_manager", "evaluator", "funder", "citizen", "privacy_officer"]
NOT_CALL_MANAGERS = ["case_manager", "community_worker", "partner_staff", "evaluator", "funder", "citizen"]


def url(cast, *parts):
    return network_url(cast.network, *parts)


def loc_and_types(response) -> set[tuple[str, str]]:
    """(field, code) of each problem of a 422."""
    assert response.status_code == 422, response.content
    return {(str(item["loc"][-1]), item["type"]) for item in response.json()["detail"]}


def audited(model: str, action: str) -> bool:
    return AuditEvent.objects.filter(object_type=f"responses.{model}", action=action).exists()


def test_literals_match_the_models():
    assert list(typing.get_args(responses_api.ContributorKind)) == models.ContributorKind.values
    assert list(typing.get_args(responses_api.CoProductionKind)) == models.CoProductionKind.values
    assert list(typing.get_args(coproduction_api.GiveBackStatus)) == models.GiveBackPlaceStatus.values


def test_schema_names_are_unique_across_the_api():
    """Two schemas of one name would share one component of the OpenAPI document: the last one would describe both
    (the give-back places' schema once took the meetings' PlaceOut over)."""
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    import legami.api.v1

    seen: dict[str, str] = {}
    names = ["legami.api.schemas"] + [f"legami.api.v1.{m.name}" for m in pkgutil.iter_modules(legami.api.v1.__path__)]
    for name in names:
        for obj in vars(importlib.import_module(name)).values():
            if inspect.isclass(obj) and issubclass(obj, Schema) and obj.__module__ == name:
                assert seen.setdefault(obj.__name__, name) == name, f"{obj.__name__} in {seen[obj.__name__]} and {name}"
    assert {"PlaceOut", "GiveBackPlaceOut", "PartnerOut", "EntryOut"} <= set(seen)


@pytest.fixture
def response(cast):
    """A response being run, with the cast's organisation as its lead partner."""
    return active_response(cast.network, cast.organization, title="Portierato sociale")


@pytest.fixture
def friend(cast):
    return f.OrganizationFactory(network=cast.network, name="Auser Cremona")


# --- partners ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EVERY_MEMBER)
def test_every_member_reads_the_partners(cast, api_as, response, persona):
    body = api_as(cast.users[persona]).get(url(cast, "responses", response.pk, "partners")).json()
    assert [(p["organization"]["name"], p["role"]) for p in body] == [("Cooperativa Il Ponte", "lead")]


def test_partners_are_not_found_outside_the_network(cast, api_as, response):
    assert api_as(cast.outsider).get(url(cast, "responses", response.pk, "partners")).status_code == 404
    foreign = ResponseFactory(network=cast.other_network)
    assert api_as(cast.coordinator).get(url(cast, "responses", foreign.pk, "partners")).status_code == 404
    assert api_as(None).get(url(cast, "responses", response.pk, "partners")).status_code == 401


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_add_change_and_remove_partners(cast, api_as, response, friend, persona):
    client = api_as(cast.users[persona])
    path = url(cast, "responses", response.pk, "partners")
    created = client.post(path, {"organization": friend.pk, "brings": "Dieci volontari"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["organization"] == {"id": friend.pk, "name": "Auser Cremona"} and body["role"] == "partner"
    partner = ResponsePartner.objects.get(pk=body["id"])
    assert partner.response == response and partner.brings == "Dieci volontari"
    changed = client.patch(url(cast, "responses", response.pk, "partners", partner.pk), {"role": "supporter"})
    assert changed.status_code == 200 and changed.json()["role"] == "supporter"
    partner.refresh_from_db()
    assert partner.role == "supporter" and partner.brings == "Dieci volontari"
    assert audited("responsepartner", AuditEvent.Action.UPDATE)
    assert client.delete(url(cast, "responses", response.pk, "partners", partner.pk)).status_code == 204
    assert not ResponsePartner.objects.filter(pk=partner.pk).exists()
    assert audited("responsepartner", AuditEvent.Action.DELETE)


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_may_not_write_partners(cast, api_as, response, friend, persona):
    client = api_as(cast.users[persona])
    lead = response.partners.get()
    assert client.post(url(cast, "responses", response.pk, "partners"), {"organization": friend.pk}).status_code == 403
    assert client.patch(url(cast, "responses", response.pk, "partners", lead.pk), {"role": "funder"}).status_code == 403
    assert client.delete(url(cast, "responses", response.pk, "partners", lead.pk)).status_code == 403
    lead.refresh_from_db()
    assert lead.role == "lead" and ResponsePartner.objects.count() == 1


def test_an_outsider_writing_partners_finds_nothing(cast, api_as, response, friend):
    client = api_as(cast.outsider)
    lead = response.partners.get()
    assert client.post(url(cast, "responses", response.pk, "partners"), {"organization": 0}).status_code == 404
    assert client.delete(url(cast, "responses", response.pk, "partners", lead.pk)).status_code == 404
    assert ResponsePartner.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, ("organization", "missing")),
        ({"organization": "OWN"}, ("organization", "duplicate")),
        ({"organization": "OTHER"}, ("organization", "invalid_choice")),
        ({"organization": "FRIEND", "role": "boss"}, ("role", "literal_error")),
        ({"organization": "FRIEND", "brings": "x" * 5001}, ("brings", "string_too_long")),
        ({"organization": "FRIEND", "colour": "red"}, ("colour", "extra_forbidden")),
    ],
)
def test_bad_partners_are_refused(cast, api_as, response, friend, data, expected):
    swap = {"OWN": cast.organization.pk, "OTHER": f.OrganizationFactory(network=cast.other_network).pk}
    swap["FRIEND"] = friend.pk
    data = {key: swap.get(value, value) if isinstance(value, str) else value for key, value in data.items()}
    reply = api_as(cast.coordinator).post(url(cast, "responses", response.pk, "partners"), data)
    assert expected in loc_and_types(reply)
    assert ResponsePartner.objects.count() == 1


def test_a_partner_change_keeps_its_organisation_and_checks_its_input(cast, api_as, response, friend):
    client = api_as(cast.coordinator)
    lead = response.partners.get()
    path = url(cast, "responses", response.pk, "partners", lead.pk)
    assert ("organization", "extra_forbidden") in loc_and_types(client.patch(path, {"organization": friend.pk}))
    assert ("role", "literal_error") in loc_and_types(client.patch(path, {"role": "capo"}))
    assert ("role", "literal_error") in loc_and_types(client.patch(path, {"role": None}))
    lead.refresh_from_db()
    assert lead.organization == cast.organization and lead.role == "lead"


def test_a_partner_is_reached_only_through_its_own_response(cast, api_as, response):
    other = active_response(cast.network, cast.organization)
    theirs = other.partners.get()
    client = api_as(cast.coordinator)
    assert (
        client.patch(url(cast, "responses", response.pk, "partners", theirs.pk), {"role": "funder"}).status_code == 404
    )
    assert client.delete(url(cast, "responses", response.pk, "partners", theirs.pk)).status_code == 404
    assert client.delete(url(cast, "responses", response.pk, "partners", 999999)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == "lead"


# --- budget --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", EVERY_MEMBER)
def test_every_member_reads_the_budget_as_the_public_page_shows_it(cast, api_as, response, persona):
    BudgetLineFactory(response=response, amount=Decimal("1000.00"))
    BudgetLineFactory(response=response, source="foundation", amount=Decimal("250.25"), organization=cast.organization)
    body = api_as(cast.users[persona]).get(url(cast, "responses", response.pk, "budget")).json()
    assert body["total"] == "1250.25"
    assert [(s["source"], s["total"]) for s in body["sources"]] == [("foundation", "250.25"), ("public", "1000.00")]
    assert body["sources"][0]["lines"][0]["organization"]["name"] == "Cooperativa Il Ponte"


def test_the_budget_is_not_found_outside_the_network(cast, api_as, response):
    assert api_as(cast.outsider).get(url(cast, "responses", response.pk, "budget")).status_code == 404
    assert api_as(None).get(url(cast, "responses", response.pk, "budget")).status_code == 401


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_write_budget_lines_and_the_totals_follow(cast, api_as, response, persona):
    client = api_as(cast.users[persona])
    path = url(cast, "responses", response.pk, "budget")
    created = client.post(path, {"source": "public", "description": "Piano di zona", "amount": "12500.50"})
    assert created.status_code == 201, created.content
    line = BudgetLine.objects.get(pk=created.json()["id"])
    assert line.response == response and line.amount == Decimal("12500.50") and line.organization is None
    in_kind = client.post(
        path, {"source": "in_kind", "description": "Sala civica", "amount": 800, "organization": cast.organization.pk}
    )
    assert in_kind.status_code == 201 and in_kind.json()["organization"]["id"] == cast.organization.pk
    changed = client.patch(url(cast, "responses", response.pk, "budget", line.pk), {"amount": "10000"})
    assert changed.status_code == 200 and changed.json()["amount"] == "10000.00"
    line.refresh_from_db()
    assert line.amount == Decimal("10000.00") and line.description == "Piano di zona"
    detail = client.get(url(cast, "responses", response.pk)).json()["budget"]
    assert detail["total"] == "10800.00"
    assert {s["source"]: s["total"] for s in detail["sources"]} == {"public": "10000.00", "in_kind": "800.00"}
    assert client.delete(url(cast, "responses", response.pk, "budget", line.pk)).status_code == 204
    assert not BudgetLine.objects.filter(pk=line.pk).exists()
    assert client.get(path).json()["total"] == "800.00"
    assert audited("budgetline", AuditEvent.Action.UPDATE) and audited("budgetline", AuditEvent.Action.DELETE)


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_may_not_write_the_budget(cast, api_as, response, persona):
    line = BudgetLineFactory(response=response)
    client = api_as(cast.users[persona])
    body = {"source": "public", "description": "X", "amount": "1"}
    assert client.post(url(cast, "responses", response.pk, "budget"), body).status_code == 403
    assert client.patch(url(cast, "responses", response.pk, "budget", line.pk), {"amount": "1"}).status_code == 403
    assert client.delete(url(cast, "responses", response.pk, "budget", line.pk)).status_code == 403
    line.refresh_from_db()
    assert line.amount == Decimal("12500.00") and BudgetLine.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"source": None}, ("source", "literal_error")),
        ({"source": "lottery"}, ("source", "literal_error")),
        ({"description": ""}, ("description", "string_too_short")),
        ({"description": "x" * 301}, ("description", "string_too_long")),
        ({"amount": "-1"}, ("amount", "greater_than_equal")),
        ({"amount": "molti"}, ("amount", "decimal_parsing")),
        ({"organization": 999999}, ("organization", "invalid_choice")),
    ],
)
def test_bad_budget_lines_are_refused(cast, api_as, response, changes, expected):
    data = {"source": "public", "description": "Piano di zona", "amount": "10"} | changes
    reply = api_as(cast.coordinator).post(url(cast, "responses", response.pk, "budget"), data)
    assert expected in loc_and_types(reply)
    assert not BudgetLine.objects.exists()


def test_a_bad_budget_change_writes_nothing_and_lines_stay_in_their_response(cast, api_as, response):
    line = BudgetLineFactory(response=response)
    client = api_as(cast.coordinator)
    path = url(cast, "responses", response.pk, "budget", line.pk)
    assert ("amount", "greater_than_equal") in loc_and_types(client.patch(path, {"amount": "-5", "description": "Y"}))
    line.refresh_from_db()
    assert line.amount == Decimal("12500.00") and line.description == "Contributo del piano di zona"
    other = ResponseFactory(network=cast.network)
    assert client.patch(url(cast, "responses", other.pk, "budget", line.pk), {"amount": "1"}).status_code == 404
    assert client.delete(url(cast, "responses", other.pk, "budget", line.pk)).status_code == 404
    assert api_as(cast.outsider).delete(path).status_code == 404
    assert BudgetLine.objects.filter(pk=line.pk).exists()


# --- what a response answers ---------------------------------------------------------------------------------


@pytest.fixture
def area(cast):
    return NeedAreaFactory(network=cast.network, code="cura", name="Cura")


def _accepted_demand(cast, area, n=3):
    needs = [
        NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status=NeedStatus.AGGREGATED)
        for _i in range(n)
    ]
    demand = AggregatedDemand.objects.create(
        network=cast.network,
        title="Compagnia per anziani soli — Cremona",
        summary="…",
        area=area,
        target_group="elderly",
        municipality=cast.municipalities[0],
        status=DemandStatus.ACCEPTED,
        need_count=n,
        people_count=n,
    )
    for need in needs:
        DemandItem.objects.create(demand=demand, need=need, similarity=0.7)
    return demand, needs


def test_linking_a_demand_answers_it_and_its_needs_through_their_workflows(cast, api_as, response, area):
    demand, needs = _accepted_demand(cast, area)
    reply = api_as(cast.community_worker).post(url(cast, "responses", response.pk, "answers"), {"demands": [demand.pk]})
    assert reply.status_code == 200, reply.content
    # The community worker sees small numbers: the figure is given.
    assert reply.json()["answered"] == {
        "needs": 3,
        "small": False,
        "demands": ["Compagnia per anziani soli — Cremona"],
        "proposals": [],
    }
    demand.refresh_from_db()
    assert demand.status == DemandStatus.ANSWERED and response.title in demand.answer
    for need in needs:
        need.refresh_from_db()
        assert need.status == NeedStatus.ANSWERED
        assert NeedEvent.objects.filter(need=need, to_status=NeedStatus.ANSWERED).exists()
    assert set(response.needs.all()) == set(needs)
    # A funder does not: the detail hides how many needs, as the public page does.
    answered = api_as(cast.funder).get(url(cast, "responses", response.pk)).json()["answered"]
    assert answered["needs"] is None and answered["small"] is True


def test_linking_needs_proposals_and_the_process(cast, api_as, response, area):
    matched = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status="matched")
    process = open_process(cast.network)
    accepted = Proposal.objects.create(
        network=cast.network, process=process, title="Portineria", body="…", status=ProposalStatus.ACCEPTED
    )
    body = {"needs": [matched.pk], "proposals": [accepted.pk], "process": process.pk}
    reply = api_as(cast.coordinator).post(url(cast, "responses", response.pk, "answers"), body)
    assert reply.status_code == 200, reply.content
    assert reply.json()["answered"]["proposals"] == [{"id": accepted.pk, "title": "Portineria"}]
    assert reply.json()["process"] == process.pk
    matched.refresh_from_db()
    assert matched.status == NeedStatus.ANSWERED and list(response.needs.all()) == [matched]


def test_what_cannot_be_answered_is_refused_and_nothing_is_linked(cast, api_as, response, area):
    new = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status=NeedStatus.NEW)
    demand, _needs = _accepted_demand(cast, area)
    demand.status = DemandStatus.CANDIDATE
    demand.save()
    process = open_process(cast.network)
    published = Proposal.objects.create(
        network=cast.network, process=process, title="Altro", body="…", status=ProposalStatus.PUBLISHED
    )
    client = api_as(cast.coordinator)
    path = url(cast, "responses", response.pk, "answers")
    reply = client.post(path, {"needs": [new.pk], "demands": [demand.pk], "proposals": [published.pk]})
    assert loc_and_types(reply) == {
        ("needs", "not_answerable"),
        ("demands", "not_answerable"),
        ("proposals", "not_answerable"),
    }
    assert ("needs", "invalid_choice") in loc_and_types(client.post(path, {"needs": [999999]}))
    assert ("0", "greater_than_equal") in loc_and_types(client.post(path, {"needs": [0]}))
    assert ("needs", "list_type") in loc_and_types(client.post(path, {"needs": "tutti"}))
    new.refresh_from_db()
    assert new.status == NeedStatus.NEW
    assert not response.needs.exists() and not response.demands.exists() and not response.proposals.exists()


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_may_not_link_answers(cast, api_as, response, area, persona):
    demand, _needs = _accepted_demand(cast, area)
    reply = api_as(cast.users[persona]).post(url(cast, "responses", response.pk, "answers"), {"demands": [demand.pk]})
    assert reply.status_code == 403
    demand.refresh_from_db()
    assert demand.status == DemandStatus.ACCEPTED and not response.demands.exists()


def test_an_outsider_linking_answers_finds_nothing(cast, api_as, response):
    reply = api_as(cast.outsider).post(url(cast, "responses", response.pk, "answers"), {"needs": "x"})
    assert reply.status_code == 404


# --- the co-production ledger ------------------------------------------------------------------------------


def entry_data(cast, **changes):
    return {
        "contributor": "partner",
        "organization": cast.organization.pk,
        "kind": "hours",
        "quantity": "12.5",
        "description": "Accompagnamenti",
        "on_date": str(timezone.localdate()),
    } | changes


@pytest.mark.parametrize("persona", VIEWERS)
def test_the_ledger_is_read_as_its_page_says(cast, api_as, response, persona):
    CoProductionFactory(response=response, organization=cast.organization, quantity=Decimal("8"))
    CoProductionFactory(
        response=response, contributor="citizens", organization=None, kind="money", quantity=Decimal("50"), people=7
    )
    client = api_as(cast.users[persona])
    body = client.get(url(cast, "responses", response.pk, "coproduction")).json()
    assert body["count"] == 2
    assert {(e["contributor"], e["kind"], e["quantity"], e["people"]) for e in body["items"]} == {
        ("partner", "hours", "8.00", 0),
        ("citizens", "money", "50.00", 7),
    }
    totals = client.get(url(cast, "responses", response.pk, "coproduction", "totals")).json()
    assert {t["kind"]: t["total"] for t in totals["by_kind"]} == {
        "hours": "8.00",
        "space": "0.00",
        "money": "50.00",
        "goods": "0.00",
    }
    rows = {(r["organization"] or {}).get("name", "citizens"): r for r in totals["contributors"]}
    assert rows["Cooperativa Il Ponte"]["totals"]["hours"] == "8.00" and rows["citizens"]["people"] == 7


@pytest.mark.parametrize("persona", NOT_VIEWERS)
def test_the_ledger_is_refused_to_who_does_not_see_its_page(cast, api_as, response, persona):
    CoProductionFactory(response=response, organization=cast.organization)
    client = api_as(cast.users[persona])
    assert client.get(url(cast, "responses", response.pk, "coproduction")).status_code == 403
    assert client.get(url(cast, "responses", response.pk, "coproduction", "totals")).status_code == 403
    assert client.get(url(cast, "coproduction", "partners")).status_code == 403


def test_the_ledger_is_not_found_outside_the_network(cast, api_as, response):
    assert api_as(cast.outsider).get(url(cast, "responses", response.pk, "coproduction")).status_code == 404
    assert api_as(cast.outsider).get(url(cast, "coproduction", "partners")).status_code == 404
    foreign = ResponseFactory(network=cast.other_network)
    assert api_as(cast.coordinator).get(url(cast, "responses", foreign.pk, "coproduction")).status_code == 404


def test_few_citizens_are_hidden_from_who_does_not_see_small_numbers(cast, api_as, response):
    CoProductionFactory(response=response, contributor="citizens", organization=None, people=4)
    for user in (cast.evaluator, cast.funder, cast.partner_staff):
        client = api_as(user)
        entry = client.get(url(cast, "responses", response.pk, "coproduction")).json()["items"][0]
        assert entry["people"] is None and entry["small"] is True
        row = client.get(url(cast, "responses", response.pk, "coproduction", "totals")).json()["contributors"][0]
        assert row["people"] is None and row["small"] is True and row["organization"] is None
        across = client.get(url(cast, "coproduction", "partners")).json()[0]
        assert across["people"] is None and across["small"] is True and across["responses"] == 1
    # The public page's "who contributed what" is in the response's detail, under the same rule.
    assert api_as(cast.citizen).get(url(cast, "responses", response.pk)).json()["contributors"][0]["people"] is None
    entry = api_as(cast.coordinator).get(url(cast, "responses", response.pk, "coproduction")).json()["items"][0]
    assert entry["people"] == 4 and entry["small"] is False


def test_the_ledger_pages_in_constant_queries(cast, api_as, response, django_assert_max_num_queries):
    client = api_as(cast.funder)
    path = url(cast, "responses", response.pk, "coproduction")
    for _n in range(2):
        CoProductionFactory(response=response, organization=cast.organization)
    with django_assert_max_num_queries(40) as small:
        client.get(path)
    for _n in range(6):
        CoProductionFactory(response=response, organization=cast.organization)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(path).json()["count"] == 8
    assert len(client.get(path, {"page_size": 3, "page": 3}).json()["items"]) == 2


def test_partner_staff_record_their_own_organisations_contribution(cast, api_as, response, friend):
    client = api_as(cast.partner_staff)
    path = url(cast, "responses", response.pk, "coproduction")
    created = client.post(path, entry_data(cast))
    assert created.status_code == 201, created.content
    entry = CoProduction.objects.get(pk=created.json()["id"])
    assert entry.response == response and entry.quantity == Decimal("12.50") and entry.recorded_by == cast.partner_staff
    PartnerFactory(response=response, organization=friend)
    assert ("organization", "not_own") in loc_and_types(client.post(path, entry_data(cast, organization=friend.pk)))
    citizens = entry_data(cast, contributor="citizens", organization=None, people=12)
    assert ("contributor", "not_allowed") in loc_and_types(client.post(path, citizens))
    assert CoProduction.objects.count() == 1


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_record_any_partners_and_the_citizens(cast, api_as, response, friend, persona):
    PartnerFactory(response=response, organization=friend)
    client = api_as(cast.users[persona])
    path = url(cast, "responses", response.pk, "coproduction")
    assert client.post(path, entry_data(cast, organization=friend.pk, kind="space")).status_code == 201
    citizens = client.post(path, entry_data(cast, contributor="citizens", organization=None, people=12, kind="goods"))
    assert citizens.status_code == 201 and citizens.json()["people"] == 12
    assert CoProduction.objects.filter(contributor="citizens", people=12, organization=None).count() == 1
    rows = client.get(url(cast, "coproduction", "partners")).json()
    assert {(r["organization"] or {}).get("name", "citizens") for r in rows} == {"Auser Cremona", "citizens"}


@pytest.mark.parametrize("persona", NOT_RECORDERS)
def test_others_may_not_record_contributions(cast, api_as, response, persona):
    reply = api_as(cast.users[persona]).post(url(cast, "responses", response.pk, "coproduction"), entry_data(cast))
    assert reply.status_code == 403
    assert not CoProduction.objects.exists()


def test_an_outsider_recording_finds_nothing(cast, api_as, response):
    reply = api_as(cast.outsider).post(url(cast, "responses", response.pk, "coproduction"), {"quantity": "x"})
    assert reply.status_code == 404


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"quantity": "0"}, ("quantity", "greater_than_equal")),
        ({"quantity": None}, ("quantity", "decimal_type")),
        ({"kind": "time"}, ("kind", "literal_error")),
        ({"organization": None}, ("organization", "required")),
        ({"organization": "FRIEND"}, ("organization", "not_a_partner")),
        ({"on_date": "TOMORROW"}, ("on_date", "future")),
        ({"on_date": "ieri"}, ("on_date", "value_error")),
        ({"contributor": "citizens", "people": 0, "organization": None}, ("people", "required")),
        ({"contributor": "citizens", "people": 3}, ("organization", "not_for_citizens")),
    ],
)
def test_bad_contributions_are_refused(cast, api_as, response, friend, changes, expected):
    swap = {"FRIEND": friend.pk, "TOMORROW": str(timezone.localdate() + timedelta(days=1))}
    changes = {key: swap.get(value, value) if isinstance(value, str) else value for key, value in changes.items()}
    reply = api_as(cast.coordinator).post(
        url(cast, "responses", response.pk, "coproduction"), entry_data(cast, **changes)
    )
    assert expected in loc_and_types(reply)
    assert not CoProduction.objects.exists()


def test_a_cancelled_response_takes_no_contribution(cast, api_as, response):
    response.status = R.CANCELLED
    response.save()
    reply = api_as(cast.coordinator).post(url(cast, "responses", response.pk, "coproduction"), entry_data(cast))
    assert reply.status_code == 409 and "cancelled" in reply.json()["detail"]
    assert not CoProduction.objects.exists()


# --- give-back places ----------------------------------------------------------------------------------------


def place_data(cast, **changes):
    today = timezone.localdate()
    return {
        "objective": "Accompagnare gli anziani a fare la spesa",
        "places": 3,
        "host": cast.organization.pk,
        "skills_sought": "Pazienza",
        "starts_on": str(today),
        "ends_on": str(today + timedelta(days=60)),
    } | changes


@pytest.mark.parametrize("persona", EVERY_MEMBER)
def test_every_member_reads_a_responses_places(cast, api_as, response, persona):
    GiveBackPlaceFactory(response=response, host=cast.organization)
    GiveBackPlaceFactory(response=response, host=cast.organization, status="closed", objective="Chiuso")
    body = api_as(cast.users[persona]).get(url(cast, "responses", response.pk, "giveback-places")).json()
    assert [(p["objective"], p["status"]) for p in body] == [
        ("Accompagnare gli anziani a fare la spesa", "open"),
        ("Chiuso", "closed"),
    ]
    assert body[0]["response"] == {"id": response.pk, "name": "Portierato sociale"}


@pytest.mark.parametrize("persona", VIEWERS)
def test_the_open_offers_are_listed_as_their_page_says(cast, api_as, response, area, persona):
    GiveBackPlaceFactory(response=response, host=cast.organization, area=area, objective="Aperto")
    GiveBackPlaceFactory(response=response, host=cast.organization, status="closed", objective="Chiuso")
    over = active_response(cast.network, cast.organization, status=R.COMPLETED)
    GiveBackPlaceFactory(response=over, host=cast.organization, objective="Finito")
    later = timezone.localdate() + timedelta(days=200)
    GiveBackPlaceFactory(
        response=response, host=cast.organization, objective="Poi", starts_on=later, ends_on=later + timedelta(days=9)
    )
    client = api_as(cast.users[persona])
    body = client.get(url(cast, "giveback-places")).json()
    assert [p["objective"] for p in body["items"]] == ["Aperto", "Poi"]
    on_today = client.get(url(cast, "giveback-places"), {"on": str(timezone.localdate())}).json()
    assert [p["objective"] for p in on_today["items"]] == ["Aperto"]
    by_area = client.get(url(cast, "giveback-places"), {"area": area.pk}).json()
    assert [p["objective"] for p in by_area["items"]] == ["Aperto"]
    assert ("on", "value_error") in loc_and_types(client.get(url(cast, "giveback-places"), {"on": "oggi"}))


@pytest.mark.parametrize("persona", NOT_VIEWERS)
def test_the_open_offers_are_refused_to_who_does_not_see_their_page(cast, api_as, persona):
    assert api_as(cast.users[persona]).get(url(cast, "giveback-places")).status_code == 403


def test_places_are_not_found_outside_the_network(cast, api_as, response):
    place = GiveBackPlaceFactory(response=response, host=cast.organization)
    client = api_as(cast.outsider)
    assert client.get(url(cast, "giveback-places")).status_code == 404
    assert client.get(url(cast, "responses", response.pk, "giveback-places")).status_code == 404
    assert client.patch(url(cast, "giveback-places", place.pk), {"places": 9}).status_code == 404
    foreign = GiveBackPlaceFactory(
        response=ResponseFactory(network=cast.other_network), host=f.OrganizationFactory(network=cast.other_network)
    )
    assert api_as(cast.coordinator).patch(url(cast, "giveback-places", foreign.pk), {"places": 9}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.places == 3


@pytest.mark.parametrize("persona", MANAGERS)
def test_managers_offer_and_change_places(cast, api_as, response, area, persona):
    client = api_as(cast.users[persona])
    created = client.post(url(cast, "responses", response.pk, "giveback-places"), place_data(cast, area=area.pk))
    assert created.status_code == 201, created.content
    place = GiveBackPlace.objects.get(pk=created.json()["id"])
    assert place.response == response and place.places == 3 and place.area == area and place.status == "open"
    changed = client.patch(url(cast, "giveback-places", place.pk), {"places": 5, "area": None})
    assert changed.status_code == 200 and changed.json()["places"] == 5 and changed.json()["area"] is None
    place.refresh_from_db()
    assert place.places == 5 and place.area is None and place.objective == "Accompagnare gli anziani a fare la spesa"
    assert audited("givebackplace", AuditEvent.Action.UPDATE)


@pytest.mark.parametrize("persona", NOT_MANAGERS)
def test_others_may_not_offer_or_change_places(cast, api_as, response, persona):
    place = GiveBackPlaceFactory(response=response, host=cast.organization)
    client = api_as(cast.users[persona])
    assert client.post(url(cast, "responses", response.pk, "giveback-places"), place_data(cast)).status_code == 403
    assert client.patch(url(cast, "giveback-places", place.pk), {"places": 9}).status_code == 403
    place.refresh_from_db()
    assert place.places == 3 and GiveBackPlace.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"objective": ""}, ("objective", "string_too_short")),
        ({"places": 0}, ("places", "greater_than_equal")),
        ({"places": 1001}, ("places", "less_than_equal")),
        ({"host": 999999}, ("host", "invalid_choice")),
        ({"ends_on": "2000-01-01"}, ("ends_on", "dates_order")),
        ({"starts_on": None}, ("starts_on", "value_error")),
    ],
)
def test_bad_places_are_refused(cast, api_as, response, changes, expected):
    reply = api_as(cast.coordinator).post(
        url(cast, "responses", response.pk, "giveback-places"), place_data(cast, **changes)
    )
    assert expected in loc_and_types(reply)
    assert not GiveBackPlace.objects.exists()


def test_a_bad_place_change_writes_nothing(cast, api_as, response):
    place = GiveBackPlaceFactory(response=response, host=cast.organization)
    reply = api_as(cast.coordinator).patch(
        url(cast, "giveback-places", place.pk), {"ends_on": "2000-01-01", "places": 7}
    )
    assert ("ends_on", "dates_order") in loc_and_types(reply)
    place.refresh_from_db()
    assert place.places == 3


@pytest.mark.parametrize("status", [R.COMPLETED, R.CANCELLED])
def test_a_response_that_is_over_offers_no_places(cast, api_as, response, status):
    response.status = status
    response.save()
    reply = api_as(cast.coordinator).post(url(cast, "responses", response.pk, "giveback-places"), place_data(cast))
    assert reply.status_code == 409
    assert not GiveBackPlace.objects.exists()


# --- call and criteria edits ---------------------------------------------------------------------------------


def make_call(cast, status=CallStatus.DRAFT, weights=(60, 40), **kwargs):
    call = CallFactory(**{"network": cast.network, "status": status, **kwargs})
    for position, weight in enumerate(weights):
        CriterionFactory(call=call, weight=weight, position=position)
    return call


def test_the_coordinator_changes_a_draft_call(cast, api_as):
    call = make_call(cast)
    call.municipalities.set(cast.municipalities[:1])
    title = call.title
    reply = api_as(cast.coordinator).patch(url(cast, "calls", call.pk), {"budget": "75000.00", "duration_months": 12})
    assert reply.status_code == 200, reply.content
    assert reply.json()["budget"] == "75000.00" and reply.json()["title"] == title
    call.refresh_from_db()
    assert call.budget == Decimal("75000.00") and call.duration_months == 12 and call.title == title
    assert list(call.municipalities.all()) == cast.municipalities[:1]
    assert audited("codesigncall", AuditEvent.Action.UPDATE)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"title": ""}, ("title", "string_too_short")),
        ({"duration_months": 121}, ("duration_months", "less_than_equal")),
        ({"closes_on": "2000-01-01"}, ("closes_on", "dates_order")),
        ({"municipalities": ["999999"]}, ("municipalities", "unknown_municipality")),
        ({"colour": "red"}, ("colour", "extra_forbidden")),
    ],
)
def test_bad_call_changes_are_refused(cast, api_as, changes, expected):
    call = make_call(cast)
    title = call.title
    assert expected in loc_and_types(api_as(cast.coordinator).patch(url(cast, "calls", call.pk), changes))
    call.refresh_from_db()
    assert call.title == title


@pytest.mark.parametrize("status", [CallStatus.OPEN, CallStatus.EVALUATION, CallStatus.CANCELLED])
def test_a_call_that_is_no_longer_a_draft_is_not_changed(cast, api_as, status):
    call = make_call(cast, status=status)
    criterion = call.criteria.first()
    client = api_as(cast.coordinator)
    reply = client.patch(url(cast, "calls", call.pk), {"title": "Nuovo"})
    assert reply.status_code == 409 and "draft" in reply.json()["detail"]
    assert client.patch(url(cast, "criteria", criterion.pk), {"weight": 10}).status_code == 409
    assert client.delete(url(cast, "criteria", criterion.pk)).status_code == 409
    call.refresh_from_db()
    criterion.refresh_from_db()
    assert call.title != "Nuovo" and criterion.weight == 60 and call.criteria.count() == 2


def test_the_coordinator_changes_and_removes_criteria_of_a_draft(cast, api_as):
    call = make_call(cast)
    first, second = call.criteria.order_by("position")
    client = api_as(cast.coordinator)
    changed = client.patch(url(cast, "criteria", first.pk), {"weight": 70, "name": "Radicamento"})
    assert changed.status_code == 200 and changed.json()["weight"] == 70 and changed.json()["max_score"] == 10
    first.refresh_from_db()
    assert first.weight == 70 and first.name == "Radicamento"
    assert ("weight", "greater_than_equal") in loc_and_types(
        client.patch(url(cast, "criteria", first.pk), {"weight": 0})
    )
    assert ("name", "string_too_short") in loc_and_types(client.patch(url(cast, "criteria", first.pk), {"name": ""}))
    first.refresh_from_db()
    assert first.weight == 70
    assert client.delete(url(cast, "criteria", second.pk)).status_code == 204
    assert list(Criterion.objects.filter(call=call)) == [first]
    assert audited("criterion", AuditEvent.Action.DELETE)


@pytest.mark.parametrize("persona", NOT_CALL_MANAGERS)
def test_others_may_not_change_calls_or_criteria(cast, api_as, persona):
    call = make_call(cast)
    criterion = call.criteria.first()
    client = api_as(cast.users[persona])
    assert client.patch(url(cast, "calls", call.pk), {"title": "Nuovo"}).status_code == 403
    assert client.patch(url(cast, "criteria", criterion.pk), {"weight": 10}).status_code == 403
    assert client.delete(url(cast, "criteria", criterion.pk)).status_code == 403
    call.refresh_from_db()
    assert call.title != "Nuovo" and call.criteria.count() == 2 and CoDesignCall.objects.count() == 1


def test_calls_and_criteria_are_not_found_outside_the_network(cast, api_as):
    call = make_call(cast)
    criterion = call.criteria.first()
    outsider = api_as(cast.outsider)
    assert outsider.patch(url(cast, "calls", call.pk), {"title": ""}).status_code == 404
    assert outsider.delete(url(cast, "criteria", criterion.pk)).status_code == 404
    foreign = make_call(cast, network=cast.other_network)
    coordinator = api_as(cast.coordinator)
    assert coordinator.patch(url(cast, "calls", foreign.pk), {"title": "X"}).status_code == 404
    assert coordinator.delete(url(cast, "criteria", foreign.criteria.first().pk)).status_code == 404
    assert Criterion.objects.count() == 4


# --- anonymous callers -----------------------------------------------------------------------------------------


def test_anonymous_callers_get_401_and_write_nothing(cast, api_as, response):
    partner = response.partners.get()
    line = BudgetLineFactory(response=response)
    place = GiveBackPlaceFactory(response=response, host=cast.organization)
    call = make_call(cast)
    criterion = call.criteria.first()
    anonymous = api_as(None)
    r = ("responses", response.pk)
    requests = [
        ("get", url(cast, *r, "partners"), None),
        ("post", url(cast, *r, "partners"), {"organization": cast.organization.pk}),
        ("patch", url(cast, *r, "partners", partner.pk), {"role": "funder"}),
        ("delete", url(cast, *r, "partners", partner.pk), None),
        ("get", url(cast, *r, "budget"), None),
        ("post", url(cast, *r, "budget"), {"source": "public", "description": "X", "amount": "1"}),
        ("patch", url(cast, *r, "budget", line.pk), {"amount": "1"}),
        ("delete", url(cast, *r, "budget", line.pk), None),
        ("post", url(cast, *r, "answers"), {}),
        ("get", url(cast, *r, "coproduction"), None),
        ("post", url(cast, *r, "coproduction"), entry_data(cast)),
        ("get", url(cast, *r, "coproduction", "totals"), None),
        ("get", url(cast, "coproduction", "partners"), None),
        ("get", url(cast, *r, "giveback-places"), None),
        ("post", url(cast, *r, "giveback-places"), place_data(cast)),
        ("get", url(cast, "giveback-places"), None),
        ("patch", url(cast, "giveback-places", place.pk), {"places": 9}),
        ("patch", url(cast, "calls", call.pk), {"title": "Nuovo"}),
        ("patch", url(cast, "criteria", criterion.pk), {"weight": 10}),
        ("delete", url(cast, "criteria", criterion.pk), None),
    ]
    for method, path, body in requests:
        reply = getattr(anonymous, method)(path, body) if body is not None else getattr(anonymous, method)(path)
        assert reply.status_code == 401, (method, path)
    assert ResponsePartner.objects.get().role == "lead" and BudgetLine.objects.get().amount == Decimal("12500.00")
    assert GiveBackPlace.objects.get().places == 3 and not CoProduction.objects.exists()
    assert Criterion.objects.count() == 2 and CoDesignCall.objects.get().title != "Nuovo"
