"""Writes of responses (risposte progettuali): a response's life (RESPONSE_WORKFLOW), its partners, budget and
milestones, and what it answers (needs, demands, proposals, the process).

A response is designed (planned), started, possibly suspended and resumed, then completed; it may be cancelled
with a reason. Its progress is the weighted share of its milestones reached, kept by the milestone services in
the same transaction; each milestone reached is a step of its public timeline.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.aggregation.selectors.demands import demands_for_user
from legami.aggregation.services.demands import MAX_ANSWER, answer_demand
from legami.core import inputs
from legami.core.audit import change_and_record, delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.core.workflow import Guard, Refusal, Step, Transition, Workflow
from legami.needs.models import Need, NeedArea, NeedStatus
from legami.needs.selectors.needs import needs_for_user
from legami.needs.services.needs import change_need_status
from legami.network.models import Network, Organization
from legami.participation.models import Process, Proposal, ProposalStatus
from legami.responses.capabilities import MANAGE_RESPONSES as MANAGE
from legami.responses.models import (
    BudgetLine,
    BudgetSource,
    Milestone,
    PartnerRole,
    Response,
    ResponseEvent,
    ResponsePartner,
    ResponseStatus,
)
from legami.territory.models import Municipality
from legami.territory.services.common import in_territory

S = ResponseStatus

RESPONSE_FIELDS = ("title", "summary", "description", "area", "starts_on", "ends_on", "process")
PARTNER_FIELDS = ("organization", "role", "brings")
BUDGET_FIELDS = ("source", "organization", "description", "amount")
MILESTONE_FIELDS = ("title", "description", "due_on", "weight")
# The most a budget line may hold (the column has 12 digits, 2 of them decimals).
MAX_AMOUNT = Decimal("9999999999.99")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _error(field: str | None, message: Any, code: str) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: [error]}) if field else error


# --- the response's life -----------------------------------------------------------------------------------


def _note_given(response: Response, step: Step) -> str | None:
    """A response is cancelled with its reason, which the public timeline shows."""
    if (step.note or "").strip():
        return None
    return gettext("Say why the response is cancelled.")


RESPONSE_WORKFLOW = Workflow(
    name="response",
    model=Response,
    states=ResponseStatus,
    transitions=(
        Transition(S.PLANNED, S.ACTIVE, name="start", label=_("Start")),
        Transition(S.ACTIVE, S.SUSPENDED, name="suspend", label=_("Suspend")),
        Transition(S.SUSPENDED, S.ACTIVE, name="resume", label=_("Resume")),
        Transition(S.ACTIVE, S.COMPLETED, name="complete", label=_("Mark as completed")),
        Transition(
            (S.PLANNED, S.ACTIVE, S.SUSPENDED),
            S.CANCELLED,
            name="cancel",
            label=_("Cancel the response"),
            guards=(Guard(_note_given, code="note_required", field="note"),),
        ),
    ),
    capability=MANAGE,
    refusal=Refusal(
        _("A response that is “%(current)s” cannot become “%(target)s”."),
        code="transition",
        params=("current", "target"),
    ),
    history=ResponseEvent,
    audit_snapshot=lambda response: snapshot(response, ("status", "progress")),
)
TRANSITIONS = {transition.name: transition for transition in RESPONSE_WORKFLOW.transitions}


@transaction.atomic
def response_move(*, actor: Any, response: Response, transition: str, note: str = "") -> Response:
    """Take the transition named `transition` (start, suspend, resume, complete, cancel) from the response's
    present status; cancelling asks for a note."""
    require(actor, MANAGE, response.network)
    step = TRANSITIONS.get(transition)
    if step is None:
        raise _error(None, gettext("This is not something a response can do."), "unknown_transition")
    response = RESPONSE_WORKFLOW.lock(response)
    if response.status not in step.sources:
        raise RESPONSE_WORKFLOW.refused(response.status, step.target)
    note = " ".join((note or "").split())
    return RESPONSE_WORKFLOW.apply(response, step.target, actor=actor, note=note, lock=False)


# --- creating and editing ------------------------------------------------------------------------------------


def _dates_in_order(ctx: inputs.Context) -> None:
    """A response ends on or after the day it starts."""
    starts, ends = ctx.value("starts_on"), ctx.value("ends_on")
    if starts and ends and ends < starts:
        ctx.add_error("ends_on", gettext("The response ends before it starts."), "dates_order")


RESPONSE_INPUTS = inputs.Rules(
    {
        "title": inputs.Text(
            required=True,
            max_length=max_length_of(Response, "title"),
            messages={"required": _("Give the response a title.")},
        ),
        "summary": inputs.Text(
            required=True,
            max_length=max_length_of(Response, "summary"),
            messages={"required": _("Say in one sentence what the response does.")},
        ),
        "description": inputs.Text(max_length=20_000),
        "municipalities": inputs.LookupMany(
            Municipality,
            scope=in_territory,
            by=("pk", "istat_code", "name"),
            messages={"invalid_choice": _("These Comuni are not part of the network's territory: %(values)s.")},
        ),
        "area": inputs.Lookup(NeedArea),
        "starts_on": inputs.Date(),
        "ends_on": inputs.Date(),
        "process": inputs.Lookup(Process),
    },
    checks=(_dates_in_order,),
)


def _write_response(response: Response, data: dict[str, Any], *, network: Network, actor: Any) -> list[Municipality]:
    """Clean `data` and set it on `response`; the Comuni are returned (set after the row is saved)."""
    RESPONSE_INPUTS.refuse_unknown(data)
    municipalities = data.get("municipalities")
    fields = {name: value for name, value in data.items() if name != "municipalities"}
    if response.pk is not None:
        given = {name: getattr(response, name) for name in RESPONSE_FIELDS} | fields
        given["municipalities"] = list(response.municipalities.all()) if municipalities is None else municipalities
    else:
        given = dict(fields, municipalities=municipalities)
    cleaned = RESPONSE_INPUTS.clean(given, network=network, actor=actor)
    for name in RESPONSE_FIELDS:
        setattr(response, name, cleaned[name])
    return list(cleaned["municipalities"])


def _audit(actor: Any, obj: Any, *, network: Network, action: str, before: dict | None, fields: tuple) -> None:
    record_event(actor=actor, action=action, obj=obj, network=network, before=before, after=snapshot(obj, fields))


@transaction.atomic
def create_response(*, actor: Any, network: Network, data: dict[str, Any]) -> Response:
    """Design a response: title, summary, description, Comuni, area, dates and the participatory process."""
    require(actor, MANAGE, network)
    response = Response(network=network, created_by=_user(actor))
    municipalities = _write_response(response, data, network=network, actor=actor)
    response.save()
    response.municipalities.set(municipalities)
    RESPONSE_WORKFLOW.record(response, actor=actor, from_state="")
    _audit(actor, response, network=network, action=AuditEvent.Action.CREATE, before=None, fields=RESPONSE_FIELDS)
    return response


@transaction.atomic
def update_response(*, actor: Any, response: Response, data: dict[str, Any]) -> Response:
    """Change what a response is: its title, summary, description, Comuni, area, dates or process."""
    network = response.network
    require(actor, MANAGE, network)
    response = RESPONSE_WORKFLOW.lock(response)
    before = snapshot(response, RESPONSE_FIELDS)
    municipalities = _write_response(response, data, network=network, actor=actor)
    response.save()
    response.municipalities.set(municipalities)
    _audit(actor, response, network=network, action=AuditEvent.Action.UPDATE, before=before, fields=RESPONSE_FIELDS)
    return response


# --- partners ------------------------------------------------------------------------------------------------


def _one_row_per_partner(ctx: inputs.Context) -> None:
    """An organisation is a partner of a response once, with one role."""
    organization, response = ctx.value("organization"), ctx.extra.get("response")
    if organization is not None and response is not None:
        if ResponsePartner.objects.filter(response=response, organization=organization).exists():
            ctx.add_error(
                "organization", gettext("This organisation is already a partner of the response."), "duplicate"
            )


PARTNER_INPUTS = inputs.Rules(
    {
        "organization": inputs.Lookup(
            Organization,
            required=True,
            messages={
                "required": _("Choose the partner organisation."),
                "invalid_choice": _("Choose an organisation of the network."),
            },
        ),
        "role": inputs.Choice(PartnerRole, default=PartnerRole.PARTNER),
        "brings": inputs.Text(max_length=5_000),
    },
    checks=(_one_row_per_partner,),
)


@transaction.atomic
def add_partner(*, actor: Any, response: Response, data: dict[str, Any]) -> ResponsePartner:
    """Add an organisation of the network to a response, with its role and what it brings."""
    network = response.network
    require(actor, MANAGE, network)
    RESPONSE_WORKFLOW.lock(response)
    values = PARTNER_INPUTS.clean(data, network=network, actor=actor, extra={"response": response})
    partner = ResponsePartner.objects.create(response=response, **values)
    _audit(actor, partner, network=network, action=AuditEvent.Action.CREATE, before=None, fields=PARTNER_FIELDS)
    return partner


# A partner's role and what it brings change; its organisation does not (remove the row and add another).
PARTNER_CHANGE_INPUTS = PARTNER_INPUTS.extend(drop=("organization",), drop_checks=(_one_row_per_partner,))


@transaction.atomic
def update_partner(*, actor: Any, partner: ResponsePartner, data: dict[str, Any]) -> ResponsePartner:
    """Change a partner's role on a response or what it brings (the organisation stays)."""
    network = partner.response.network
    require(actor, MANAGE, network)
    partner = ResponsePartner.objects.select_for_update().select_related("organization").get(pk=partner.pk)
    before = snapshot(partner, PARTNER_FIELDS)
    PARTNER_CHANGE_INPUTS.apply(partner, data, network=network, actor=actor)
    partner.save()
    _audit(actor, partner, network=network, action=AuditEvent.Action.UPDATE, before=before, fields=PARTNER_FIELDS)
    return partner


@transaction.atomic
def remove_partner(*, actor: Any, partner: ResponsePartner) -> None:
    """Remove a partner from a response (what it contributed stays in the ledger)."""
    network = partner.response.network
    require(actor, MANAGE, network)
    delete_and_record(actor=actor, obj=partner, network=network, before=snapshot(partner, PARTNER_FIELDS))


# --- budget --------------------------------------------------------------------------------------------------

BUDGET_INPUTS = inputs.Rules(
    {
        "source": inputs.Choice(
            BudgetSource, required=True, messages={"required": _("Choose where the money comes from.")}
        ),
        "organization": inputs.Lookup(
            Organization, messages={"invalid_choice": _("Choose an organisation of the network.")}
        ),
        "description": inputs.Text(
            required=True,
            max_length=max_length_of(BudgetLine, "description"),
            messages={"required": _("Say what the line is for.")},
        ),
        "amount": inputs.Decimal(
            required=True,
            places=2,
            min_value=Decimal(0),
            max_value=MAX_AMOUNT,
            messages={
                "required": _("Give the amount in euro."),
                "min_value": _("The amount cannot be negative."),
            },
        ),
    }
)


@transaction.atomic
def create_budget_line(*, actor: Any, response: Response, data: dict[str, Any]) -> BudgetLine:
    """Add a line to a response's budget: source, organisation (optional), description and amount in euro."""
    network = response.network
    require(actor, MANAGE, network)
    line = BudgetLine(response=response)
    BUDGET_INPUTS.apply(line, data, network=network, actor=actor)
    line.save()
    _audit(actor, line, network=network, action=AuditEvent.Action.CREATE, before=None, fields=BUDGET_FIELDS)
    return line


@transaction.atomic
def update_budget_line(*, actor: Any, line: BudgetLine, data: dict[str, Any]) -> BudgetLine:
    """Change a budget line."""
    network = line.response.network
    require(actor, MANAGE, network)
    line = BudgetLine.objects.select_for_update().get(pk=line.pk)
    before = snapshot(line, BUDGET_FIELDS)
    BUDGET_INPUTS.apply(line, data, network=network, actor=actor)
    line.save()
    _audit(actor, line, network=network, action=AuditEvent.Action.UPDATE, before=before, fields=BUDGET_FIELDS)
    return line


@transaction.atomic
def delete_budget_line(*, actor: Any, line: BudgetLine) -> None:
    """Remove a budget line."""
    network = line.response.network
    require(actor, MANAGE, network)
    delete_and_record(actor=actor, obj=line, network=network, before=snapshot(line, BUDGET_FIELDS))


# --- milestones and progress -------------------------------------------------------------------------------

MILESTONE_INPUTS = inputs.Rules(
    {
        "title": inputs.Text(
            required=True,
            max_length=max_length_of(Milestone, "title"),
            messages={"required": _("Name the milestone.")},
        ),
        "description": inputs.Text(max_length=5_000),
        "due_on": inputs.Date(required=True, messages={"required": _("Give the day the milestone is due.")}),
        "weight": inputs.Integer(
            min_value=1,
            max_value=100,
            default=1,
            range_code="weight_range",
            messages={"weight_range": _("The weight is a whole number from 1 to 100.")},
        ),
    }
)
REACHED_INPUTS = inputs.Rules(
    {"done_on": inputs.Date(required=True, past=True, messages={"required": _("Give the day it was reached.")})}
)


def progress_of(response: Response) -> int:
    """The weighted share of the response's milestones reached, as a whole percentage (0 without milestones)."""
    totals = response.milestones.aggregate(all=Sum("weight"), done=Sum("weight", filter=Q(done_on__isnull=False)))
    total, done = totals["all"] or 0, totals["done"] or 0
    if not total:
        return 0
    return int((Decimal(100) * done / total).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _recompute_progress(response: Response, *, actor: Any) -> None:
    """Write the response's progress from its milestones (the caller holds the response's lock)."""
    progress = progress_of(response)
    if progress != response.progress:
        change_and_record(
            actor=actor,
            obj=response,
            values={"progress": progress},
            save=lambda r: r.save(update_fields=["progress", "updated_at"]),
        )


@transaction.atomic
def create_milestone(*, actor: Any, response: Response, data: dict[str, Any]) -> Milestone:
    """Add a milestone to a response: name, description, due day and weight; the progress follows."""
    network = response.network
    require(actor, MANAGE, network)
    response = RESPONSE_WORKFLOW.lock(response)
    milestone = Milestone(response=response)
    MILESTONE_INPUTS.apply(milestone, data, network=network, actor=actor)
    milestone.save()
    _audit(actor, milestone, network=network, action=AuditEvent.Action.CREATE, before=None, fields=MILESTONE_FIELDS)
    _recompute_progress(response, actor=actor)
    return milestone


@transaction.atomic
def update_milestone(*, actor: Any, milestone: Milestone, data: dict[str, Any]) -> Milestone:
    """Change a milestone's name, description, due day or weight; the progress follows."""
    network = milestone.response.network
    require(actor, MANAGE, network)
    response = RESPONSE_WORKFLOW.lock(milestone.response)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    before = snapshot(milestone, MILESTONE_FIELDS)
    MILESTONE_INPUTS.apply(milestone, data, network=network, actor=actor)
    milestone.save()
    _audit(actor, milestone, network=network, action=AuditEvent.Action.UPDATE, before=before, fields=MILESTONE_FIELDS)
    _recompute_progress(response, actor=actor)
    return milestone


@transaction.atomic
def mark_milestone_reached(*, actor: Any, milestone: Milestone, done_on: Any) -> Milestone:
    """Mark a milestone reached on a day (not in the future): the progress is recomputed and the step is
    written on the response's public timeline."""
    network = milestone.response.network
    require(actor, MANAGE, network)
    response = RESPONSE_WORKFLOW.lock(milestone.response)
    milestone = Milestone.objects.select_for_update().get(pk=milestone.pk)
    if milestone.done_on is not None:
        raise _error("done_on", gettext("This milestone was already reached."), "already_reached")
    if response.status in (S.CANCELLED, S.PLANNED):
        raise _error(
            None, gettext("Milestones are reached while the response is under way or suspended."), "not_under_way"
        )
    values = REACHED_INPUTS.clean({"done_on": done_on}, network=network, actor=actor)
    before = snapshot(milestone, ("done_on",))
    milestone.done_on = values["done_on"]
    milestone.save(update_fields=["done_on", "updated_at"])
    _audit(actor, milestone, network=network, action=AuditEvent.Action.UPDATE, before=before, fields=("done_on",))
    _recompute_progress(response, actor=actor)
    note = gettext("Milestone reached on %(day)s: %(title)s.") % {
        "day": date_format(milestone.done_on, "j F Y"),
        "title": milestone.title,
    }
    RESPONSE_WORKFLOW.record(response, actor=actor, note=note)
    return milestone


# --- what the response answers ------------------------------------------------------------------------------

ANSWERABLE_DEMANDS = (DemandStatus.ACCEPTED, DemandStatus.ANSWERED)
# A need is answered from these statuses (the needs workflow); one already answered is only linked.
ANSWERABLE_NEEDS = (NeedStatus.AGGREGATED, NeedStatus.MATCHED, NeedStatus.ANSWERED)


def candidate_demands(actor: Any, network: Network) -> Any:
    """The accepted and answered demands `actor` may see, which a response may answer."""
    return demands_for_user(actor, network).filter(status__in=ANSWERABLE_DEMANDS).order_by("title", "pk")


def candidate_needs(actor: Any, network: Network) -> Any:
    """The needs `actor` may see whose status lets them be answered (aggregated, matched, answered)."""
    return (
        needs_for_user(actor, network)
        .filter(status__in=ANSWERABLE_NEEDS)
        .select_related("area", "municipality")
        .order_by("-created_at", "-pk")
    )


def candidate_proposals(network: Network) -> Any:
    """The accepted proposals of the network's processes."""
    return (
        Proposal.objects.filter(network=network, status=ProposalStatus.ACCEPTED, hidden_at__isnull=True)
        .select_related("process")
        .order_by("title", "pk")
    )


def _seen(field: str, candidates: Any) -> Any:
    """A check that every row given for `field` is among `candidates` (what the actor may link)."""

    def check(ctx: inputs.Context) -> None:
        rows = ctx.value(field) or []
        allowed = set(
            candidates(ctx.actor, ctx.network).filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True)
        )
        refused = [r.pk for r in rows if r.pk not in allowed]
        if refused:
            ctx.add_error(
                field,
                gettext("These cannot be linked to a response: %(ids)s.")
                % {"ids": ", ".join(f"#{pk}" for pk in refused)},
                "not_answerable",
            )

    return check


ANSWERS_INPUTS = inputs.Rules(
    {
        "demands": inputs.LookupMany(AggregatedDemand),
        "needs": inputs.LookupMany(Need),
        "proposals": inputs.LookupMany(Proposal),
        "process": inputs.Lookup(Process),
    },
    checks=(
        _seen("demands", candidate_demands),
        _seen("needs", candidate_needs),
        _seen("proposals", lambda _actor, network: candidate_proposals(network)),
    ),
)


def _answer_text(response: Response) -> str:
    text = gettext("Answered by the response “%(title)s”: %(summary)s") % {
        "title": response.title,
        "summary": response.summary,
    }
    return text[:MAX_ANSWER]


@transaction.atomic
def link_answers(*, actor: Any, response: Response, data: dict[str, Any]) -> Response:
    """Link to a response the demands, needs and accepted proposals it answers, and its process.

    An accepted demand is answered through the aggregation's `answer_demand` (its needs become "answered"
    along the needs workflow); a need linked alone moves to "answered" through `change_need_status`.
    Already linked rows stay linked; each new link is a step of the response's timeline.
    """
    network = response.network
    require(actor, MANAGE, network)
    response = RESPONSE_WORKFLOW.lock(response)
    values = ANSWERS_INPUTS.clean(data, network=network, actor=actor, partial=True)
    notes: list[str] = []
    linked_demands = set(response.demands.values_list("pk", flat=True))
    for demand in values.get("demands") or []:
        if demand.pk in linked_demands:
            continue
        if demand.status == DemandStatus.ACCEPTED:
            demand = answer_demand(actor=actor, demand=demand, answer=_answer_text(response))
        response.demands.add(demand)
        response.needs.add(*Need.objects.filter(demand_item__demand=demand))
        notes.append(gettext("It answers the demand “%(title)s”.") % {"title": demand.title})
    linked_needs = set(response.needs.values_list("pk", flat=True))
    new_needs = [need for need in values.get("needs") or [] if need.pk not in linked_needs]
    for need in new_needs:
        if need.status != NeedStatus.ANSWERED:
            change_need_status(
                actor=actor,
                need=need,
                to_status=NeedStatus.ANSWERED,
                note=gettext("Answered by the response “%(title)s”.") % {"title": response.title},
            )
        response.needs.add(need)
    if new_needs:
        # The timeline is public: how many needs is a figure for the small-numbers rule, so it says none.
        notes.append(gettext("It answers more needs."))
    linked_proposals = set(response.proposals.values_list("pk", flat=True))
    for proposal in values.get("proposals") or []:
        if proposal.pk not in linked_proposals:
            response.proposals.add(proposal)
            notes.append(gettext("It takes up the proposal “%(title)s”.") % {"title": proposal.title})
    if "process" in values and values["process"] != response.process:
        before = snapshot(response, ("process",))
        response.process = values["process"]
        response.save(update_fields=["process", "updated_at"])
        _audit(actor, response, network=network, action=AuditEvent.Action.UPDATE, before=before, fields=("process",))
        if response.process is not None:
            notes.append(gettext("It comes from the process “%(title)s”.") % {"title": response.process.title})
    for note in notes:
        RESPONSE_WORKFLOW.record(response, actor=actor, note=note)
    return response
