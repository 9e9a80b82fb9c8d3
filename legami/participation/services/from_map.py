"""A process that starts from a reading of the needs map: the map's filters and its public figures are the evidence.

The evidence is what the public needs map shows for the same filters, computed once when the process is drafted:
network-wide figures with every cell of fewer than k people suppressed (legami.needs.selectors.map). So the
process page, which every participant reads, never carries a figure the public map would hide, whoever drafted it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext

from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.needs.models import NeedArea
from legami.needs.selectors.map import Line, MapFilters, NeedsFigures, needs_figures
from legami.network.models import Network
from legami.participation.capabilities import MANAGE_PROCESSES as MANAGE
from legami.participation.models import Process, ProcessKind
from legami.participation.services.processes import PROCESS_WORKFLOW, create_process
from legami.territory.models import Municipality, SocialDistrict

# How many areas and places the evidence lists, the largest first.
EVIDENCE_LINES = 8


def _shown_lines(lines: list[Line]) -> list[dict[str, Any]]:
    """The lines with a shown, non-zero figure, largest first: name and needs, never a suppressed figure (nor the
    needs with no place given, which name no place)."""
    shown = [ln for ln in lines if ln.key is not None and not ln.figure.suppressed and ln.figure.needs]
    shown.sort(key=lambda ln: (-(ln.figure.needs or 0), ln.label))
    return [{"name": ln.label, "needs": ln.figure.needs} for ln in shown[:EVIDENCE_LINES]]


def filters_of(network: Network, filters: MapFilters) -> list[dict[str, str]]:
    """The filters set, as (field, value) pairs the evidence keeps: names for the network's rows, codes for choices."""
    pairs: list[dict[str, str]] = []

    def add(field: str, value: Any) -> None:
        if value not in (None, ""):
            pairs.append({"field": field, "value": str(value)})

    if filters.area is not None:
        add("area", NeedArea.objects.filter(network=network, pk=filters.area).values_list("name", flat=True).first())
    add("target_group", filters.target_group)
    if filters.district is not None:
        district = SocialDistrict.objects.filter(network=network, pk=filters.district).first()
        add("district", district.name if district else None)
    if filters.municipality is not None:
        add("municipality", Municipality.objects.filter(pk=filters.municipality).values_list("name", flat=True).first())
    add("date_from", filters.date_from.isoformat() if filters.date_from else None)
    add("date_to", filters.date_to.isoformat() if filters.date_to else None)
    if filters.expressed is not None:
        add("origin", "expressed" if filters.expressed else "detected")
    add("status", filters.status)
    add("channel", filters.channel)
    return pairs


def map_query(filters: MapFilters) -> str:
    """The needs map's query string for `filters`, to open the map as the process's evidence was read."""
    query = QueryDict(mutable=True)
    values: dict[str, Any] = {
        "area": filters.area,
        "target_group": filters.target_group,
        "district": filters.district,
        "municipality": filters.municipality,
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
        "origin": {True: "expressed", False: "detected"}.get(filters.expressed),  # type: ignore[arg-type]
        "status": filters.status,
        "channel": filters.channel,
    }
    for name, value in values.items():
        if value not in (None, ""):
            query[name] = str(value)
    return query.urlencode()


def map_evidence(network: Network, filters: MapFilters, figures: NeedsFigures) -> dict[str, Any]:
    """The evidence a process keeps from the map: the filters, the public total, the largest areas and places."""
    total = figures.total
    return {
        "source": "needs_map",
        "filters": filters_of(network, filters),
        "query": map_query(filters),
        "needs": None if total.suppressed else total.needs,
        "people": None if total.suppressed else total.people,
        "suppressed": total.suppressed,
        "areas": _shown_lines(figures.by_area.lines),
        "places": _shown_lines(figures.by_place.lines),
        "place_kind": figures.cross.place_kind,
        "recorded_on": timezone.localdate().isoformat(),
    }


def public_figures(network: Network, filters: MapFilters) -> NeedsFigures:
    """The public needs map's figures for `filters` (suppressed under k): what the evidence is made of."""
    return needs_figures(None, network, filters, public=True)


def _territory(network: Network, filters: MapFilters) -> list[Municipality]:
    if filters.municipality is not None:
        return list(Municipality.objects.filter(pk=filters.municipality, network_links__network=network))
    if filters.district is not None:
        return list(
            Municipality.objects.filter(
                network_links__network=network, network_links__district_id=filters.district
            ).order_by("name")
        )
    return []


@transaction.atomic
def create_process_from_map(
    *,
    actor: Any,
    network: Network,
    filters: MapFilters,
    title: str,
    kind: str = ProcessKind.COMMUNITY_LAB,
) -> Process:
    """Draft a process on the territory of the map's filters, with the public figures for them as its evidence."""
    require(actor, MANAGE, network)
    figures = public_figures(network, filters)
    if not figures.total.suppressed and not figures.total.needs:
        raise ValidationError(
            gettext("No need matches these filters: a process starts from the needs it will answer."),
            code="no_needs",
        )
    summary = gettext("A path to answer together the needs read on the needs map: %(title)s.") % {"title": title}
    data: dict[str, Any] = {
        "title": title,
        "kind": kind,
        "life_context": "",
        "summary": summary[: max_length_of(Process, "summary")],
        "municipalities": _territory(network, filters),
        "neighbourhood": None,
    }
    process = create_process(actor=actor, network=network, data=data)
    process.evidence = map_evidence(network, filters, figures)
    process.save(update_fields=["evidence", "updated_at"])
    PROCESS_WORKFLOW.record(process, actor=actor, note=gettext("Started from a reading of the needs map."))
    return process
