"""Reads of participatory processes: who sees which, their phases, and what the current phase allows."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from legami.core.permissions import can
from legami.network.models import Network
from legami.participation.capabilities import MANAGE_PROCESSES
from legami.participation.models import Phase, Process, ProcessEvent, ProcessStatus

# What a phase may open to participants.
Opening = Literal["proposals_open", "supports_open", "comments_open"]


def sees_drafts(user: Any, network: Network) -> bool:
    """Drafts are seen by those who run processes; everyone else sees published and closed ones."""
    return can(user, MANAGE_PROCESSES, network)


def processes_for(user: Any, network: Network, *, status: str = "", kind: str = "") -> QuerySet[Process]:
    """The processes `user` may see in `network`, with their current phase and counts, newest first."""
    processes = Process.objects.filter(network=network)
    if not sees_drafts(user, network):
        processes = processes.exclude(status=ProcessStatus.DRAFT)
    if status:
        processes = processes.filter(status=status)
    if kind:
        processes = processes.filter(kind=kind)
    return (
        processes.select_related("current_phase", "neighbourhood")
        .prefetch_related("municipalities")
        .annotate(
            proposals_total=Count("proposals", filter=Q(proposals__hidden_at__isnull=True), distinct=True),
            meetings_total=Count("meetings", distinct=True),
        )
        .order_by("-published_at", "-created_at", "-id")
    )


def get_process_for(user: Any, network: Network, pk: int, *, parts: bool = True) -> Process:
    """One process `user` may see (404 for a draft to those who do not run processes, or another network's).

    With `parts` (the process's own pages) its Comuni, phases, neighbourhood, demand and author come along;
    without, only its network and current phase, which is what the pages of its proposals ask of it."""
    processes = Process.objects.filter(network=network)
    if not sees_drafts(user, network):
        processes = processes.exclude(status=ProcessStatus.DRAFT)
    if parts:
        processes = processes.select_related(
            "network", "current_phase", "neighbourhood", "demand", "created_by"
        ).prefetch_related(
            "municipalities", Prefetch("phases", queryset=Phase.objects.order_by("position", "starts_on", "id"))
        )
    else:
        processes = processes.select_related("network", "current_phase")
    process = processes.filter(pk=pk).first()
    if process is None:
        raise Http404
    return process


def process_events(process: Process) -> QuerySet[ProcessEvent]:
    """The process's history, oldest first, with who did each step."""
    return process.events.select_related("actor")


def today() -> date:
    """Today in the network's time (Europe/Rome)."""
    return timezone.localdate()


def open_phase(process: Process, opening: Opening, *, on: date | None = None) -> Phase | None:
    """The current phase when it opens `opening` today and the process is published; else None.

    A phase closes at the end of its last day even if nobody has moved the process on, so a support
    sent the day after is refused however the process was left.
    """
    if process.status != ProcessStatus.PUBLISHED or process.current_phase_id is None:
        return None
    phase = process.current_phase
    if phase is None or not getattr(phase, opening):
        return None
    day = on or today()
    if not (phase.starts_on <= day <= phase.ends_on):
        return None
    return phase


def phase_openings(phase: Phase) -> list[str]:
    """What a phase lets participants do, in words (for its place on the timeline)."""
    from django.utils.translation import gettext

    words = [
        (phase.proposals_open, gettext("propose")),
        (phase.supports_open, gettext("support proposals")),
        (phase.comments_open, gettext("comment on proposals")),
    ]
    return [word for opens, word in words if opens]


def timeline(process: Process) -> list[dict[str, Any]]:
    """The phases in order, each marked past, current or to come (for the public timeline)."""
    phases = list(process.phases.all())
    current_index = next((i for i, p in enumerate(phases) if p.pk == process.current_phase_id), None)
    rows = []
    for index, phase in enumerate(phases):
        if current_index is None:
            state = "upcoming"
        elif index < current_index:
            state = "past"
        elif index == current_index:
            state = "current"
        else:
            state = "upcoming"
        rows.append({"phase": phase, "state": state, "opens": phase_openings(phase)})
    return rows


def latest_proposals(process: Process, *, limit: int = 5) -> list[Any]:
    """The newest visible proposals of the process (for its page)."""
    return list(
        process.proposals.filter(hidden_at__isnull=True).select_related("area").order_by("-created_at", "-id")[:limit]
    )


def evidence_figures(process: Process, *, limit: int | None) -> dict[str, Any] | None:
    """The process's evidence as the viewer may see it: a figure about fewer than `limit` people is hidden.

    A demand's evidence holds exact figures (hidden here under the viewer's limit); the needs map's holds the
    public map's figures, already suppressed when it was read (a suppressed total is None)."""
    return evidence_figures_of(process.evidence or {}, limit=limit)


def evidence_figures_of(evidence: dict[str, Any], *, limit: int | None = None) -> dict[str, Any] | None:
    """Evidence (a process's, or one about to be kept) as shown: see evidence_figures."""
    from legami.core import smallnumbers

    if not evidence:
        return None
    people = evidence.get("people")
    from_map = evidence.get("source") == "needs_map"
    small = bool(evidence.get("suppressed")) if from_map else smallnumbers.hidden(people, limit)
    return {
        "source": "needs_map" if from_map else "demand",
        "title": evidence.get("title", ""),
        "summary": "" if small else evidence.get("summary", ""),
        "needs": None if small else evidence.get("needs"),
        "people": None if small else people,
        "small": small,
        "areas": evidence.get("areas", []) if not small else [],
        "places": evidence.get("places", []) if not small else [],
        "neighbourhoods": evidence.get("place_kind") == "neighbourhood",
        "filters": _filters_shown(evidence.get("filters") or []),
        "map_query": evidence.get("query", ""),
        "municipality": evidence.get("municipality", ""),
        "target_group": evidence.get("target_group", ""),
        "recorded_on": _day(evidence.get("recorded_on")),
        "demand": evidence.get("demand"),
    }


def _filters_shown(pairs: list[dict[str, str]]) -> list[tuple[str, str]]:
    """The needs map's filters kept in the evidence, as (label, value) in the viewer's language."""
    from legami.needs.models import Channel, NeedStatus, TargetGroup

    labels = {
        "area": _("Area"),
        "target_group": _("Target group"),
        "district": _("Social district"),
        "municipality": _("Comune"),
        "date_from": _("From"),
        "date_to": _("To"),
        "origin": _("Expressed or detected"),
        "status": _("Status"),
        "channel": _("Channel"),
    }
    choices: dict[str, dict[str, Any]] = {
        "target_group": dict(TargetGroup.choices),
        "status": dict(NeedStatus.choices),
        "channel": dict(Channel.choices),
        "origin": {"expressed": _("Expressed only"), "detected": _("Detected only")},
    }
    shown = []
    for pair in pairs:
        field, value = pair.get("field", ""), pair.get("value", "")
        if field not in labels:
            continue
        if field in ("date_from", "date_to"):
            day = _day(value)
            value = date_format(day, "j E Y") if day else value
        shown.append((str(labels[field]), str(choices.get(field, {}).get(value, value))))
    return shown


def _day(value: Any) -> date | None:
    """A day written in ISO form in the evidence, as a date (None when missing or unreadable)."""
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def get_phase_for(user: Any, network: Network, pk: int) -> Phase:
    """One phase of a process `user` may see in `network`, with its process (404 otherwise)."""
    phases = Phase.objects.select_related("process__network").filter(pk=pk, process__network=network)
    if not sees_drafts(user, network):
        phases = phases.exclude(process__status=ProcessStatus.DRAFT)
    phase = phases.first()
    if phase is None:
        raise Http404
    return phase
