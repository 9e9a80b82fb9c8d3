"""Reads of responses: the public list and accountability page, the budget by source, the figures of what a
response answers (under the small-numbers rule) and its public timeline."""

from __future__ import annotations

from collections import OrderedDict
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from legami.core import smallnumbers
from legami.network.models import Network
from legami.responses.models import (
    BudgetLine,
    BudgetSource,
    GiveBackPlace,
    Milestone,
    Response,
    ResponseEvent,
    ResponsePartner,
)


def responses_for(network: Network, *, status: str = "") -> QuerySet[Response]:
    """The network's responses (public), optionally of one status, newest first, with their Comuni and area."""
    responses = Response.objects.filter(network=network)
    if status:
        responses = responses.filter(status=status)
    return responses.select_related("area").prefetch_related("municipalities").order_by("-created_at", "-id")


def get_response(network: Network, pk: Any) -> Response:
    """One response of the network with what its page shows, or 404 (another network's does not exist here)."""
    response = (
        Response.objects.filter(network=network, pk=pk)
        .select_related("network", "area", "process", "call")
        .prefetch_related(
            "municipalities",
            Prefetch(
                "partners", queryset=ResponsePartner.objects.select_related("organization").order_by("role", "id")
            ),
            Prefetch("budget", queryset=BudgetLine.objects.select_related("organization").order_by("source", "id")),
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id")),
            Prefetch(
                "giveback_places",
                queryset=GiveBackPlace.objects.select_related("host", "area").order_by("starts_on", "id"),
            ),
        )
        .first()
    )
    if response is None:
        raise Http404
    return response


def get_partner(network: Network, pk: Any, *, response: Any = None) -> ResponsePartner:
    """One partner row of a response of the network (of `response` when given), or 404."""
    partners = ResponsePartner.objects.select_related("response__network", "organization").filter(
        pk=pk, response__network=network
    )
    if response is not None:
        partners = partners.filter(response=response)
    partner = partners.first()
    if partner is None:
        raise Http404
    return partner


def get_budget_line(network: Network, pk: Any, *, response: Any = None) -> BudgetLine:
    """One budget line of a response of the network (of `response` when given), or 404."""
    lines = BudgetLine.objects.select_related("response__network", "organization").filter(
        pk=pk, response__network=network
    )
    if response is not None:
        lines = lines.filter(response=response)
    line = lines.first()
    if line is None:
        raise Http404
    return line


def budget_by_source(response: Response) -> dict[str, Any]:
    """The budget's lines grouped by source with each source's total and the grand total (from the prefetch)."""
    labels = dict(BudgetSource.choices)
    groups: OrderedDict[str, dict[str, Any]] = OrderedDict()
    total = Decimal(0)
    for line in response.budget.all():
        group = groups.setdefault(
            line.source,
            {"source": line.source, "label": labels.get(line.source, line.source), "lines": [], "total": Decimal(0)},
        )
        group["lines"].append(line)
        group["total"] += line.amount
        total += line.amount
    return {"sources": list(groups.values()), "total": total}


def answered_figures(response: Response, *, limit: int | None) -> dict[str, Any]:
    """What the response answers, as the viewer may see it: how many needs (hidden under `limit`), the demands
    by title, the accepted proposals; never a need's text."""
    needs = response.needs.count()
    demands = list(response.demands.order_by("title").values_list("title", flat=True))
    proposals = list(response.proposals.select_related("process").order_by("title"))
    small = smallnumbers.hidden(needs, limit)
    return {
        "needs": None if small else needs,
        "small": small,
        "demands": demands,
        "proposals": proposals,
    }


def timeline(response: Response) -> list[ResponseEvent]:
    """The response's public timeline, oldest first: created, started, each milestone reached, suspended…"""
    return list(response.events.order_by("created_at", "id"))


def history(response: Response) -> QuerySet[ResponseEvent]:
    """The response's history with who did each step (for those who run it)."""
    return response.events.select_related("actor")
