"""Writes of participatory processes: a process's life (PROCESS_WORKFLOW), its phases and its evidence.

A process is drafted, published (it needs a phase), closed and, when the partnership decides so, reopened.
Which phase is current is the operators' choice; what the current phase allows (proposals, supports,
comments) is read by `selectors.processes.open_phase`, which the other writes of this app ask.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.core import inputs
from legami.core.audit import delete_and_record, record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.core.workflow import Guard, Refusal, Step, Transition, Workflow
from legami.network.models import Network
from legami.participation.capabilities import MANAGE_PROCESSES as MANAGE
from legami.participation.models import (
    LifeContext,
    Phase,
    Process,
    ProcessEvent,
    ProcessKind,
    ProcessStatus,
)
from legami.territory.models import Municipality, Neighbourhood
from legami.territory.services.common import in_territory

S = ProcessStatus

PROCESS_FIELDS = ("title", "kind", "life_context", "summary", "description", "neighbourhood", "support_limit")
PHASE_FIELDS = (
    "name",
    "description",
    "starts_on",
    "ends_on",
    "position",
    "proposals_open",
    "supports_open",
    "comments_open",
)


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _has_phase(process: Process, step: Step) -> str | None:
    """A process is published with at least one phase, so that its page can say where it stands."""
    if process.phases.exists():
        return None
    return gettext("Add at least one phase before publishing the process.")


PROCESS_WORKFLOW = Workflow(
    name="process",
    model=Process,
    states=ProcessStatus,
    transitions=(
        Transition(
            S.DRAFT,
            S.PUBLISHED,
            name="publish",
            label=_("Publish"),
            guards=(Guard(_has_phase, code="no_phase"),),
        ),
        Transition(S.PUBLISHED, S.CLOSED, name="close", label=_("Close the process")),
        Transition(S.CLOSED, S.PUBLISHED, name="reopen", label=_("Reopen the process")),
    ),
    capability=MANAGE,
    refusal=Refusal(
        _("A process that is “%(current)s” cannot become “%(target)s”."),
        code="transition",
        params=("current", "target"),
    ),
    history=ProcessEvent,
    audit_snapshot=lambda process: snapshot(process, ("status", "current_phase", "published_at")),
    saved_fields=None,
)


def _neighbourhood_in_territory(ctx: inputs.Context) -> None:
    """The neighbourhood is in one of the process's Comuni, when both are given."""
    neighbourhood = ctx.value("neighbourhood")
    municipalities = ctx.value("municipalities")
    if neighbourhood and municipalities and neighbourhood.municipality_id not in {m.pk for m in municipalities}:
        ctx.add_error("neighbourhood", gettext("The neighbourhood is not in one of the Comuni chosen."), "outside")


PROCESS_INPUTS = inputs.Rules(
    {
        "title": inputs.Text(
            required=True,
            max_length=max_length_of(Process, "title"),
            messages={"required": _("Give the process a title.")},
        ),
        "kind": inputs.Choice(ProcessKind, required=True, messages={"required": _("Choose the kind of process.")}),
        "life_context": inputs.Choice(LifeContext),
        "summary": inputs.Text(
            required=True,
            max_length=max_length_of(Process, "summary"),
            messages={"required": _("Say in one sentence what the process is for.")},
        ),
        "description": inputs.Text(max_length=20_000),
        "municipalities": inputs.LookupMany(
            Municipality,
            scope=in_territory,
            by=("pk", "istat_code", "name"),
            messages={"invalid_choice": _("These Comuni are not part of the network's territory: %(values)s.")},
        ),
        "neighbourhood": inputs.Lookup(Neighbourhood),
        "support_limit": inputs.Integer(
            min_value=0,
            max_value=100,
            default=0,
            messages={"max_value": _("At most 100 supports per person; 0 means no limit.")},
        ),
    },
    checks=(_neighbourhood_in_territory,),
)


def _dates_in_order(ctx: inputs.Context) -> None:
    """A phase ends on or after the day it starts."""
    starts, ends = ctx.value("starts_on"), ctx.value("ends_on")
    if starts and ends and ends < starts:
        ctx.add_error("ends_on", gettext("The phase ends before it starts."), "dates_order")


PHASE_INPUTS = inputs.Rules(
    {
        "name": inputs.Text(
            required=True,
            max_length=max_length_of(Phase, "name"),
            messages={"required": _("Name the phase (for example: ascolto, progettazione).")},
        ),
        "description": inputs.Text(max_length=5_000),
        "starts_on": inputs.Date(required=True, messages={"required": _("Give the day the phase starts.")}),
        "ends_on": inputs.Date(required=True, messages={"required": _("Give the day the phase ends.")}),
        "position": inputs.Integer(min_value=0, max_value=100, default=0),
        "proposals_open": inputs.Boolean(default=False),
        "supports_open": inputs.Boolean(default=False),
        "comments_open": inputs.Boolean(default=False),
    },
    checks=(_dates_in_order,),
)


def _audit_process(actor: Any, process: Process, *, action: str, before: dict | None, note: str = "") -> None:
    record_event(
        actor=actor,
        action=action,
        obj=process,
        before=before,
        after=snapshot(process, PROCESS_FIELDS),
        note=note,
    )


def _write_process(process: Process, data: dict[str, Any], *, network: Network, actor: Any) -> list[Municipality]:
    """Clean `data` and set it on `process`; the Comuni are returned (set after the row is saved)."""
    municipalities = data.get("municipalities")
    fields = {name: value for name, value in data.items() if name != "municipalities"}
    if process.pk is not None:
        given = {name: getattr(process, name) for name in PROCESS_FIELDS} | fields
        given["municipalities"] = list(process.municipalities.all()) if municipalities is None else municipalities
    else:
        given = dict(fields, municipalities=municipalities)
    PROCESS_INPUTS.refuse_unknown(data)
    cleaned = PROCESS_INPUTS.clean(given, network=network, actor=actor)
    for name in PROCESS_FIELDS:
        setattr(process, name, cleaned[name])
    return list(cleaned["municipalities"])


@transaction.atomic
def create_process(*, actor: Any, network: Network, data: dict[str, Any]) -> Process:
    """Draft a process: title, kind, life context, summary, description, Comuni, neighbourhood, support limit."""
    require(actor, MANAGE, network)
    process = Process(network=network, created_by=_user(actor))
    municipalities = _write_process(process, data, network=network, actor=actor)
    process.save()
    process.municipalities.set(municipalities)
    PROCESS_WORKFLOW.record(process, actor=actor, from_state="")
    _audit_process(actor, process, action=AuditEvent.Action.CREATE, before=None)
    return process


@transaction.atomic
def update_process(*, actor: Any, process: Process, data: dict[str, Any]) -> Process:
    """Change what a process is: its title, description, territory or support limit."""
    require(actor, MANAGE, process.network)
    process = PROCESS_WORKFLOW.lock(process)
    before = snapshot(process, PROCESS_FIELDS)
    municipalities = _write_process(process, data, network=process.network, actor=actor)
    process.save()
    process.municipalities.set(municipalities)
    _audit_process(actor, process, action=AuditEvent.Action.UPDATE, before=before)
    return process


def _move(process: Process, *, source: str, target: str, actor: Any, note: str, changes: dict | None = None) -> Process:
    """Move a process from `source` only: publishing and reopening both lead to "published", from different
    states, so the service names the one it starts from (the refusal is the table's)."""
    require(actor, MANAGE, process.network)
    process = PROCESS_WORKFLOW.lock(process)
    if process.status != source:
        raise PROCESS_WORKFLOW.refused(process.status, target)
    return PROCESS_WORKFLOW.apply(process, target, actor=actor, note=note, changes=changes, lock=False)


@transaction.atomic
def publish_process(*, actor: Any, process: Process, note: str = "") -> Process:
    """Publish a draft process (it needs a phase); its current phase is the first one if none is chosen."""
    changes = {"published_at": process.published_at or timezone.now()}
    process = _move(process, source=S.DRAFT, target=S.PUBLISHED, actor=actor, note=note, changes=changes)
    if process.current_phase_id is None:
        process.current_phase = process.phases.order_by("position", "starts_on", "id").first()
        process.save(update_fields=["current_phase", "updated_at"])
    return process


@transaction.atomic
def close_process(*, actor: Any, process: Process, note: str = "") -> Process:
    """Close a process: nothing more can be proposed, supported or commented."""
    return _move(process, source=S.PUBLISHED, target=S.CLOSED, actor=actor, note=note)


@transaction.atomic
def reopen_process(*, actor: Any, process: Process, note: str = "") -> Process:
    """Reopen a closed process."""
    return _move(process, source=S.CLOSED, target=S.PUBLISHED, actor=actor, note=note)


def _phase_of(process: Process, phase: Any) -> Phase:
    if isinstance(phase, Phase) and phase.process_id == process.pk:
        return phase
    pk = inputs.parse_id(phase.pk if isinstance(phase, Phase) else phase)
    found = process.phases.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise ValidationError(
            {"phase": [ValidationError(gettext("Choose a phase of this process."), code="invalid_choice")]}
        )
    return found


@transaction.atomic
def activate_phase(*, actor: Any, process: Process, phase: Any, note: str = "") -> Process:
    """Make `phase` the process's current one (the timeline marks it; its settings apply from now)."""
    require(actor, MANAGE, process.network)
    process = PROCESS_WORKFLOW.lock(process)
    chosen = _phase_of(process, phase)
    if process.current_phase_id == chosen.pk:
        return process
    previous = process.current_phase
    process.current_phase = chosen
    process.save(update_fields=["current_phase", "updated_at"])
    text = gettext("Current phase: %(phase)s.") % {"phase": chosen.name}
    if previous is not None:
        text = gettext("Phase changed from “%(old)s” to “%(new)s”.") % {"old": previous.name, "new": chosen.name}
    PROCESS_WORKFLOW.record(process, actor=actor, note=" ".join(filter(None, [text, note]))[:500])
    return process


def _audit_phase(actor: Any, phase: Phase, *, action: str, before: dict | None) -> None:
    record_event(
        actor=actor,
        action=action,
        obj=phase,
        network=phase.process.network,
        before=before,
        after=snapshot(phase, PHASE_FIELDS),
    )


@transaction.atomic
def create_phase(*, actor: Any, process: Process, data: dict[str, Any]) -> Phase:
    """Add a phase to a process: name, dates, and whether it opens proposals, supports and comments."""
    require(actor, MANAGE, process.network)
    process = PROCESS_WORKFLOW.lock(process)
    phase = Phase(process=process)
    values = dict(data)
    if "position" not in values:
        values["position"] = process.phases.count()
    PHASE_INPUTS.apply(phase, values, network=process.network, actor=actor)
    phase.save()
    _audit_phase(actor, phase, action=AuditEvent.Action.CREATE, before=None)
    return phase


@transaction.atomic
def update_phase(*, actor: Any, phase: Phase, data: dict[str, Any]) -> Phase:
    """Change a phase's name, dates or what it opens."""
    process = phase.process
    require(actor, MANAGE, process.network)
    PROCESS_WORKFLOW.lock(process)
    phase = Phase.objects.select_for_update().select_related("process__network").get(pk=phase.pk)
    before = snapshot(phase, PHASE_FIELDS)
    PHASE_INPUTS.apply(phase, data, network=process.network, actor=actor)
    phase.save()
    _audit_phase(actor, phase, action=AuditEvent.Action.UPDATE, before=before)
    return phase


@transaction.atomic
def delete_phase(*, actor: Any, phase: Phase) -> None:
    """Remove a phase that is not the current one of a published process."""
    process = phase.process
    require(actor, MANAGE, process.network)
    process = PROCESS_WORKFLOW.lock(process)
    if process.current_phase_id == phase.pk and process.status != S.DRAFT:
        raise ValidationError(
            gettext("This is the current phase: make another phase current first."), code="current_phase"
        )
    if process.status != S.DRAFT and process.phases.count() == 1:
        raise ValidationError(gettext("A published process keeps at least one phase."), code="last_phase")
    delete_and_record(actor=actor, obj=phase, network=process.network, before=snapshot(phase, PHASE_FIELDS))


# --- a process from an aggregated demand ---------------------------------------------------------------

PROCESS_FROM_DEMAND_STATUSES = (DemandStatus.ACCEPTED, DemandStatus.ANSWERED)


def demand_evidence(demand: AggregatedDemand) -> dict[str, Any]:
    """What a demand brings to a process as evidence: its figures, area and places, never a person."""
    return {
        "source": "demand",
        "demand": demand.pk,
        "title": demand.title,
        "summary": demand.summary,
        "needs": demand.need_count,
        "people": demand.people_count,
        "areas": [{"name": demand.area.name, "needs": demand.need_count}],
        "municipality": demand.municipality.name if demand.municipality is not None else "",
        "target_group": demand.get_target_group_display(),
        "time_windows": list(demand.time_windows or []),
        "recorded_on": timezone.localdate().isoformat(),
    }


@transaction.atomic
def create_process_from_demand(
    *, actor: Any, demand: AggregatedDemand, kind: str = ProcessKind.COMMUNITY_LAB
) -> Process:
    """Draft a process that starts from an accepted demand: its figures and its area become the evidence."""
    network = demand.network
    require(actor, MANAGE, network)
    if demand.status not in PROCESS_FROM_DEMAND_STATUSES:
        raise ValidationError(
            gettext("Only an accepted or answered demand can start a process."), code="demand_not_accepted"
        )
    data: dict[str, Any] = {
        "title": demand.title,
        "kind": kind,
        "life_context": LifeContext.NEIGHBOURHOOD if demand.neighbourhood_id else "",
        "summary": gettext("A path to answer together: %(title)s.") % {"title": demand.title},
        "municipalities": [demand.municipality] if demand.municipality_id else [],
        "neighbourhood": demand.neighbourhood,
    }
    data["title"] = data["title"][: max_length_of(Process, "title")]
    data["summary"] = data["summary"][: max_length_of(Process, "summary")]
    process = create_process(actor=actor, network=network, data=data)
    process.demand = demand
    process.evidence = demand_evidence(demand)
    process.save(update_fields=["demand", "evidence", "updated_at"])
    PROCESS_WORKFLOW.record(
        process, actor=actor, note=gettext("Started from the aggregated demand “%(title)s”.") % {"title": demand.title}
    )
    return process
