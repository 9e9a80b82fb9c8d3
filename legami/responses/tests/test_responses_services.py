"""Responses: the workflow table, every rule of their inputs, partners, budget, milestones and progress, and
what a response answers (through the needs and demands workflows)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.aggregation.models import AggregatedDemand, DemandItem, DemandStatus
from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.needs.models import NeedEvent, NeedStatus
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory
from legami.participation.models import ProposalStatus
from legami.participation.tests.factories import open_process
from legami.responses.models import (
    BudgetLine,
    Milestone,
    PartnerRole,
    Response,
    ResponseEvent,
    ResponsePartner,
    ResponseStatus,
)
from legami.responses.services import responses as svc
from legami.responses.tests.factories_responses import (
    BudgetLineFactory,
    MilestoneFactory,
    PartnerFactory,
    ResponseFactory,
    active_response,
)

S = ResponseStatus
TODAY = timezone.localdate
REFUSED = ("case_manager", "partner_staff", "evaluator", "funder", "citizen", "privacy_officer", "outsider")


def _data(**overrides):
    return {"title": "Portierato sociale", "summary": "Un presidio di prossimità"} | overrides


def _codes(exc, field=None):
    errors = exc.value.error_dict if hasattr(exc.value, "error_dict") else {None: exc.value.error_list}
    return [e.code for e in errors[field]]


# --- creating and editing -------------------------------------------------------------------------------


def test_a_coordinator_designs_a_response(cast):
    process = open_process(cast.network)
    area = NeedAreaFactory(network=cast.network, code="cura")
    response = svc.create_response(
        actor=cast.coordinator,
        network=cast.network,
        data=_data(
            municipalities=[cast.municipalities[0].pk],
            area=area.pk,
            starts_on="01/02/2026",
            ends_on="2026-12-31",
            process=process.pk,
            description="Tre mattine a settimana",
        ),
    )
    assert response.status == S.PLANNED and response.created_by == cast.coordinator
    assert list(response.municipalities.all()) == [cast.municipalities[0]]
    assert response.area == area and response.process == process and response.progress == 0
    event = ResponseEvent.objects.get(response=response)
    assert event.from_status == "" and event.to_status == S.PLANNED
    assert AuditEvent.objects.filter(object_type="responses.response", action=AuditEvent.Action.CREATE).exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "x" * 201}, "title", "max_length"),
        ({"summary": "  "}, "summary", "required"),
        ({"summary": "x" * 301}, "summary", "max_length"),
        ({"municipalities": ["999999"]}, "municipalities", "invalid_choice"),
        ({"area": 987654}, "area", "invalid_choice"),
        ({"process": 987654}, "process", "invalid_choice"),
        ({"starts_on": "ieri"}, "starts_on", "invalid"),
        ({"starts_on": "2026-05-01", "ends_on": "2026-04-01"}, "ends_on", "dates_order"),
        ({"colour": "blue"}, "colour", "unknown"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(cast, overrides, field, code):
    with pytest.raises(ValidationError) as exc:
        svc.create_response(actor=cast.coordinator, network=cast.network, data=_data(**overrides))
    assert code in _codes(exc, field)
    assert not Response.objects.exists()


def test_another_networks_rows_are_refused(cast):
    other_area = NeedAreaFactory(network=cast.other_network, code="altrove")
    other_process = open_process(cast.other_network)
    with pytest.raises(ValidationError) as exc:
        svc.create_response(
            actor=cast.coordinator, network=cast.network, data=_data(area=other_area.pk, process=other_process.pk)
        )
    assert "invalid_choice" in _codes(exc, "area") and "invalid_choice" in _codes(exc, "process")


@pytest.mark.parametrize("persona", REFUSED)
def test_only_who_runs_responses_creates_one(cast, persona):
    with pytest.raises(PermissionDenied):
        svc.create_response(actor=getattr(cast, persona), network=cast.network, data=_data())


def test_community_worker_updates_a_response_and_the_dates_are_checked_whole(cast):
    response = ResponseFactory(network=cast.network, starts_on=TODAY())
    svc.update_response(actor=cast.community_worker, response=response, data={"title": "Nuovo titolo"})
    response.refresh_from_db()
    assert response.title == "Nuovo titolo" and response.starts_on == TODAY()
    with pytest.raises(ValidationError) as exc:
        svc.update_response(
            actor=cast.community_worker, response=response, data={"ends_on": TODAY() - timedelta(days=1)}
        )
    assert "dates_order" in _codes(exc, "ends_on")
    with pytest.raises(PermissionDenied):
        svc.update_response(actor=cast.partner_staff, response=response, data={"title": "No"})


# --- the workflow ---------------------------------------------------------------------------------------

ALLOWED = [
    ("start", S.PLANNED, S.ACTIVE),
    ("suspend", S.ACTIVE, S.SUSPENDED),
    ("resume", S.SUSPENDED, S.ACTIVE),
    ("complete", S.ACTIVE, S.COMPLETED),
    ("cancel", S.PLANNED, S.CANCELLED),
    ("cancel", S.ACTIVE, S.CANCELLED),
    ("cancel", S.SUSPENDED, S.CANCELLED),
]


@pytest.mark.parametrize(("name", "source", "target"), ALLOWED)
def test_every_allowed_transition(cast, name, source, target):
    response = ResponseFactory(network=cast.network, status=source)
    moved = svc.response_move(actor=cast.coordinator, response=response, transition=name, note="Perché sì")
    assert moved.status == target
    event = ResponseEvent.objects.get(response=response)
    assert (event.from_status, event.to_status, event.note) == (source, target, "Perché sì")
    assert AuditEvent.objects.filter(object_type="responses.response", object_id=response.pk).exists()


REFUSED_MOVES = [
    (name, state)
    for name, transition in svc.TRANSITIONS.items()
    for state in S.values
    if state not in transition.sources
]


@pytest.mark.parametrize(("name", "state"), REFUSED_MOVES)
def test_every_refused_transition_writes_nothing(cast, name, state):
    response = ResponseFactory(network=cast.network, status=state)
    with pytest.raises(ValidationError) as exc:
        svc.response_move(actor=cast.coordinator, response=response, transition=name, note="nota")
    assert exc.value.code == "transition"
    response.refresh_from_db()
    assert response.status == state and not ResponseEvent.objects.exists()


def test_the_table_is_the_one_of_the_brief():
    assert svc.RESPONSE_WORKFLOW.table() == {
        S.PLANNED: frozenset({S.ACTIVE, S.CANCELLED}),
        S.ACTIVE: frozenset({S.SUSPENDED, S.COMPLETED, S.CANCELLED}),
        S.SUSPENDED: frozenset({S.ACTIVE, S.CANCELLED}),
        S.COMPLETED: frozenset(),
        S.CANCELLED: frozenset(),
    }


@pytest.mark.parametrize("note", ["", "   "])
def test_cancelling_asks_for_a_note(cast, note):
    response = ResponseFactory(network=cast.network, status=S.ACTIVE)
    with pytest.raises(ValidationError) as exc:
        svc.response_move(actor=cast.coordinator, response=response, transition="cancel", note=note)
    assert "note_required" in _codes(exc, "note")
    response.refresh_from_db()
    assert response.status == S.ACTIVE


def test_an_unknown_transition_is_refused(cast):
    response = ResponseFactory(network=cast.network)
    with pytest.raises(ValidationError) as exc:
        svc.response_move(actor=cast.coordinator, response=response, transition="explode")
    assert exc.value.code == "unknown_transition"


@pytest.mark.parametrize("persona", REFUSED)
def test_only_who_runs_responses_moves_one(cast, persona):
    response = ResponseFactory(network=cast.network)
    with pytest.raises(PermissionDenied):
        svc.response_move(actor=getattr(cast, persona), response=response, transition="start")


# --- partners -------------------------------------------------------------------------------------------


def test_a_partner_is_added_once_with_its_role(cast):
    response = ResponseFactory(network=cast.network)
    partner = svc.add_partner(
        actor=cast.coordinator,
        response=response,
        data={"organization": cast.organization.pk, "role": PartnerRole.LEAD, "brings": "Due educatori"},
    )
    assert partner.role == PartnerRole.LEAD and partner.brings == "Due educatori"
    with pytest.raises(ValidationError) as exc:
        svc.add_partner(actor=cast.coordinator, response=response, data={"organization": cast.organization.pk})
    assert "duplicate" in _codes(exc, "organization")
    assert ResponsePartner.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({}, "organization", "required"),
        ({"organization": 987654}, "organization", "invalid_choice"),
        ({"organization": "OTHER"}, "organization", "invalid_choice"),
        ({"organization": "OWN", "role": "boss"}, "role", "invalid_choice"),
        ({"organization": "OWN", "brings": "x" * 5001}, "brings", "max_length"),
    ],
)
def test_bad_partners_are_refused(cast, data, field, code):
    other = f.OrganizationFactory(network=cast.other_network)
    swap = {"OWN": cast.organization.pk, "OTHER": other.pk}
    data = {key: swap.get(value, value) for key, value in data.items()}
    response = ResponseFactory(network=cast.network)
    with pytest.raises(ValidationError) as exc:
        svc.add_partner(actor=cast.coordinator, response=response, data=data)
    assert code in _codes(exc, field)
    assert not ResponsePartner.objects.exists()


def test_a_partner_is_removed_and_audited(cast):
    response = ResponseFactory(network=cast.network)
    partner = PartnerFactory(response=response, organization=cast.organization)
    with pytest.raises(PermissionDenied):
        svc.remove_partner(actor=cast.partner_staff, partner=partner)
    svc.remove_partner(actor=cast.community_worker, partner=partner)
    assert not ResponsePartner.objects.exists()
    assert AuditEvent.objects.filter(object_type="responses.responsepartner", action=AuditEvent.Action.DELETE).exists()


def test_a_partners_role_and_what_it_brings_change_but_not_its_organisation(cast):
    response = ResponseFactory(network=cast.network)
    partner = PartnerFactory(response=response, organization=cast.organization)
    with pytest.raises(PermissionDenied):
        svc.update_partner(actor=cast.partner_staff, partner=partner, data={"role": PartnerRole.LEAD})
    changed = svc.update_partner(actor=cast.coordinator, partner=partner, data={"role": PartnerRole.LEAD})
    assert changed.role == PartnerRole.LEAD and changed.brings == "Due educatori e la sala civica"
    with pytest.raises(ValidationError) as exc:
        svc.update_partner(actor=cast.coordinator, partner=partner, data={"role": "boss"})
    assert "invalid_choice" in _codes(exc, "role")
    other = f.OrganizationFactory(network=cast.network)
    with pytest.raises(ValidationError):
        svc.update_partner(actor=cast.coordinator, partner=partner, data={"organization": other.pk})
    partner.refresh_from_db()
    assert partner.organization == cast.organization and partner.role == PartnerRole.LEAD
    assert AuditEvent.objects.filter(object_type="responses.responsepartner", action=AuditEvent.Action.UPDATE).exists()


# --- budget ---------------------------------------------------------------------------------------------


def test_budget_lines_are_written_changed_and_removed(cast):
    response = ResponseFactory(network=cast.network)
    line = svc.create_budget_line(
        actor=cast.coordinator,
        response=response,
        data={"source": "public", "description": "Piano di zona", "amount": "12.500,50"},
    )
    assert line.amount == Decimal("12500.50") and line.organization is None
    svc.update_budget_line(
        actor=cast.coordinator, line=line, data={"amount": "0", "organization": cast.organization.pk}
    )
    line.refresh_from_db()
    assert line.amount == Decimal("0.00") and line.organization == cast.organization
    svc.delete_budget_line(actor=cast.coordinator, line=line)
    assert not BudgetLine.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"source": ""}, "source", "required"),
        ({"source": "lottery"}, "source", "invalid_choice"),
        ({"description": ""}, "description", "required"),
        ({"description": "x" * 301}, "description", "max_length"),
        ({"amount": ""}, "amount", "required"),
        ({"amount": "-1"}, "amount", "min_value"),
        ({"amount": "tanti"}, "amount", "invalid"),
        ({"amount": "99999999999"}, "amount", "max_value"),
        ({"organization": 987654}, "organization", "invalid_choice"),
    ],
)
def test_bad_budget_lines_are_refused(cast, overrides, field, code):
    response = ResponseFactory(network=cast.network)
    data = {"source": "public", "description": "Piano di zona", "amount": "100"} | overrides
    with pytest.raises(ValidationError) as exc:
        svc.create_budget_line(actor=cast.coordinator, response=response, data=data)
    assert code in _codes(exc, field)
    assert not BudgetLine.objects.exists()


def test_only_who_runs_responses_keeps_the_budget(cast):
    response = ResponseFactory(network=cast.network)
    line = BudgetLineFactory(response=response)
    data = {"source": "public", "description": "x", "amount": "1"}
    with pytest.raises(PermissionDenied):
        svc.create_budget_line(actor=cast.funder, response=response, data=data)
    with pytest.raises(PermissionDenied):
        svc.update_budget_line(actor=cast.funder, line=line, data=data)
    with pytest.raises(PermissionDenied):
        svc.delete_budget_line(actor=cast.funder, line=line)


# --- milestones and progress ------------------------------------------------------------------------------


def test_progress_is_the_weighted_share_of_milestones_reached(cast):
    response = ResponseFactory(network=cast.network, status=S.ACTIVE)
    first = svc.create_milestone(
        actor=cast.coordinator, response=response, data={"title": "Apertura", "due_on": TODAY(), "weight": "1"}
    )
    svc.create_milestone(
        actor=cast.coordinator, response=response, data={"title": "Sportello", "due_on": TODAY(), "weight": "2"}
    )
    response.refresh_from_db()
    assert response.progress == 0
    svc.mark_milestone_reached(actor=cast.coordinator, milestone=first, done_on=TODAY())
    response.refresh_from_db()
    assert response.progress == 33  # 1 of 3, rounded
    event = ResponseEvent.objects.get(response=response)
    assert event.from_status == event.to_status == S.ACTIVE and "Apertura" in event.note
    # A heavier weight on the reached milestone moves the progress too.
    svc.update_milestone(actor=cast.coordinator, milestone=first, data={"weight": "6"})
    response.refresh_from_db()
    assert response.progress == 75


def test_two_thirds_round_half_up(cast):
    response = ResponseFactory(network=cast.network, status=S.ACTIVE)
    for _i in range(3):
        MilestoneFactory(response=response)
    for milestone in list(response.milestones.all())[:2]:
        svc.mark_milestone_reached(actor=cast.coordinator, milestone=milestone, done_on=TODAY())
    response.refresh_from_db()
    assert response.progress == 67


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "x" * 201}, "title", "max_length"),
        ({"due_on": ""}, "due_on", "required"),
        ({"due_on": "domani"}, "due_on", "invalid"),
        ({"weight": "0"}, "weight", "weight_range"),
        ({"weight": "101"}, "weight", "weight_range"),
        ({"weight": "1,5"}, "weight", "invalid"),
    ],
)
def test_bad_milestones_are_refused(cast, overrides, field, code):
    response = ResponseFactory(network=cast.network)
    data = {"title": "Apertura", "due_on": TODAY()} | overrides
    with pytest.raises(ValidationError) as exc:
        svc.create_milestone(actor=cast.coordinator, response=response, data=data)
    assert code in _codes(exc, field)
    assert not Milestone.objects.exists()


def test_a_milestone_is_reached_once_not_in_the_future_and_while_under_way(cast):
    response = ResponseFactory(network=cast.network, status=S.ACTIVE)
    milestone = MilestoneFactory(response=response)
    with pytest.raises(ValidationError) as exc:
        svc.mark_milestone_reached(actor=cast.coordinator, milestone=milestone, done_on=TODAY() + timedelta(days=1))
    assert "future" in _codes(exc, "done_on")
    with pytest.raises(ValidationError) as exc:
        svc.mark_milestone_reached(actor=cast.coordinator, milestone=milestone, done_on="")
    assert "required" in _codes(exc, "done_on")
    svc.mark_milestone_reached(actor=cast.coordinator, milestone=milestone, done_on=TODAY())
    with pytest.raises(ValidationError) as exc:
        svc.mark_milestone_reached(actor=cast.coordinator, milestone=milestone, done_on=TODAY())
    assert "already_reached" in _codes(exc, "done_on")
    planned = ResponseFactory(network=cast.network, status=S.PLANNED)
    with pytest.raises(ValidationError) as exc:
        svc.mark_milestone_reached(
            actor=cast.coordinator, milestone=MilestoneFactory(response=planned), done_on=TODAY()
        )
    assert exc.value.code == "not_under_way"


def test_only_who_runs_responses_keeps_the_milestones(cast):
    response = ResponseFactory(network=cast.network, status=S.ACTIVE)
    milestone = MilestoneFactory(response=response)
    with pytest.raises(PermissionDenied):
        svc.create_milestone(actor=cast.partner_staff, response=response, data={"title": "x", "due_on": TODAY()})
    with pytest.raises(PermissionDenied):
        svc.update_milestone(actor=cast.partner_staff, milestone=milestone, data={"title": "x"})
    with pytest.raises(PermissionDenied):
        svc.mark_milestone_reached(actor=cast.partner_staff, milestone=milestone, done_on=TODAY())


# --- what a response answers ------------------------------------------------------------------------------


@pytest.fixture
def area(cast):
    return NeedAreaFactory(network=cast.network, code="cura", name="Cura")


def _demand(cast, area, status, n=3):
    needs = [
        NeedFactory(
            network=cast.network,
            area=area,
            municipality=cast.municipalities[0],
            status=NeedStatus.AGGREGATED if status == DemandStatus.ACCEPTED else NeedStatus.ANSWERED,
        )
        for _i in range(n)
    ]
    demand = AggregatedDemand.objects.create(
        network=cast.network,
        title="Compagnia per anziani soli — Cremona",
        summary="…",
        area=area,
        target_group="elderly",
        municipality=cast.municipalities[0],
        status=status,
        need_count=n,
        people_count=n,
    )
    for need in needs:
        DemandItem.objects.create(demand=demand, need=need, similarity=0.7)
    return demand, needs


def test_an_accepted_demand_is_answered_through_the_aggregation_services(cast, area):
    demand, needs = _demand(cast, area, DemandStatus.ACCEPTED)
    response = active_response(cast.network, cast.organization)
    svc.link_answers(actor=cast.community_worker, response=response, data={"demands": [demand.pk]})
    demand.refresh_from_db()
    assert demand.status == DemandStatus.ANSWERED and response.title in demand.answer
    assert set(response.needs.all()) == set(needs) and list(response.demands.all()) == [demand]
    for need in needs:
        need.refresh_from_db()
        assert need.status == NeedStatus.ANSWERED
        assert NeedEvent.objects.filter(need=need, to_status=NeedStatus.ANSWERED).exists()
    assert ResponseEvent.objects.filter(response=response, note__contains=demand.title).exists()
    # Linking again changes nothing.
    svc.link_answers(actor=cast.community_worker, response=response, data={"demands": [demand.pk]})
    assert ResponseEvent.objects.filter(response=response).count() == 1


def test_an_answered_demand_is_only_linked(cast, area):
    demand, needs = _demand(cast, area, DemandStatus.ANSWERED)
    demand.answer = "Già risposta"
    demand.save()
    response = active_response(cast.network, cast.organization)
    svc.link_answers(actor=cast.coordinator, response=response, data={"demands": [demand.pk]})
    demand.refresh_from_db()
    assert demand.answer == "Già risposta" and response.needs.count() == 3


@pytest.mark.parametrize("status", [DemandStatus.CANDIDATE, DemandStatus.DISCARDED, DemandStatus.CLOSED])
def test_a_demand_that_is_not_accepted_cannot_be_linked(cast, area, status):
    demand, _needs = _demand(cast, area, DemandStatus.ACCEPTED)
    demand.status = status
    demand.save()
    response = active_response(cast.network, cast.organization)
    with pytest.raises(ValidationError) as exc:
        svc.link_answers(actor=cast.coordinator, response=response, data={"demands": [demand.pk]})
    assert "not_answerable" in _codes(exc, "demands")
    assert not response.demands.exists()


def test_individual_needs_move_to_answered_through_the_needs_workflow(cast, area):
    matched = NeedFactory(
        network=cast.network, area=area, municipality=cast.municipalities[0], status=NeedStatus.MATCHED
    )
    response = active_response(cast.network, cast.organization)
    svc.link_answers(actor=cast.coordinator, response=response, data={"needs": [matched.pk]})
    matched.refresh_from_db()
    assert matched.status == NeedStatus.ANSWERED and list(response.needs.all()) == [matched]
    assert NeedEvent.objects.filter(
        need=matched, from_status=NeedStatus.MATCHED, to_status=NeedStatus.ANSWERED
    ).exists()
    # The public timeline says that more needs are answered, never how many (a figure under the small-numbers rule).
    assert ResponseEvent.objects.get(response=response).note == "It answers more needs."


@pytest.mark.parametrize("status", [NeedStatus.NEW, NeedStatus.READING, NeedStatus.CLOSED])
def test_needs_not_yet_read_or_closed_cannot_be_answered(cast, area, status):
    need = NeedFactory(network=cast.network, area=area, municipality=cast.municipalities[0], status=status)
    response = active_response(cast.network, cast.organization)
    with pytest.raises(ValidationError) as exc:
        svc.link_answers(actor=cast.coordinator, response=response, data={"needs": [need.pk]})
    assert "not_answerable" in _codes(exc, "needs")
    need.refresh_from_db()
    assert need.status == status


def test_case_team_needs_are_not_linked_by_who_cannot_see_them(cast, area):
    from legami.needs.models import PrivacyLevel

    need = NeedFactory(
        network=cast.network,
        area=area,
        municipality=cast.municipalities[0],
        status=NeedStatus.MATCHED,
        privacy_level=PrivacyLevel.CASE_TEAM,
    )
    response = active_response(cast.network, cast.organization)
    with pytest.raises(ValidationError) as exc:
        svc.link_answers(actor=cast.community_worker, response=response, data={"needs": [need.pk]})
    assert "not_answerable" in _codes(exc, "needs")


def test_accepted_proposals_and_the_process_are_linked(cast):
    from legami.participation.models import Proposal

    process = open_process(cast.network)
    accepted = Proposal.objects.create(
        network=cast.network, process=process, title="Portineria", body="…", status=ProposalStatus.ACCEPTED
    )
    published = Proposal.objects.create(
        network=cast.network, process=process, title="Altro", body="…", status=ProposalStatus.PUBLISHED
    )
    response = active_response(cast.network, cast.organization)
    with pytest.raises(ValidationError) as exc:
        svc.link_answers(actor=cast.coordinator, response=response, data={"proposals": [published.pk]})
    assert "not_answerable" in _codes(exc, "proposals")
    svc.link_answers(
        actor=cast.coordinator, response=response, data={"proposals": [accepted.pk], "process": process.pk}
    )
    response.refresh_from_db()
    assert list(response.proposals.all()) == [accepted] and response.process == process


def test_only_who_runs_responses_links_answers(cast):
    response = active_response(cast.network, cast.organization)
    with pytest.raises(PermissionDenied):
        svc.link_answers(actor=cast.evaluator, response=response, data={})


def test_an_organisation_a_response_names_is_not_deleted_but_the_network_is(cast):
    from legami.core.tests import factories as f
    from legami.network.models import Organization
    from legami.network.services.organizations import delete_organization
    from legami.responses.models import Response, ResponsePartner

    organization = f.OrganizationFactory(network=cast.network, name="Cooperativa Aurora")
    response = Response.objects.create(network=cast.network, title="Doposcuola", summary="Un doposcuola")
    ResponsePartner.objects.create(response=response, organization=organization, role="lead")
    with pytest.raises(ValidationError) as exc:
        delete_organization(actor=cast.coordinator, organization=organization)
    assert exc.value.code == "in_use" and "response partners" in str(exc.value)
    assert Organization.objects.filter(pk=organization.pk).exists()
    cast.network.delete()
    assert not Response.objects.exists() and not Organization.objects.filter(pk=organization.pk).exists()
