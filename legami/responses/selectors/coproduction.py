"""Reads of the co-production ledger: a response's entries, its totals by kind and by contributor, and each
partner's totals across the network's responses; every list runs a constant number of queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext

from legami.core import smallnumbers
from legami.core.permissions import can
from legami.network.models import Network
from legami.network.selectors.organizations import organizations_staffed_by
from legami.responses.capabilities import MANAGE_RESPONSES
from legami.responses.models import ContributorKind, CoProduction, CoProductionKind, Response

KINDS = list(CoProductionKind)


def ledger_for(response: Response) -> QuerySet[CoProduction]:
    """The response's entries, newest first, with the partner and who recorded each."""
    return response.coproduction.select_related("organization", "recorded_by", "network").order_by("-on_date", "-id")


def totals_by_kind(response: Response) -> list[dict[str, Any]]:
    """How much of each kind the response received (one query)."""
    sums = dict(response.coproduction.values_list("kind").annotate(total=Sum("quantity")).order_by())
    return [{"kind": kind.value, "label": kind.label, "total": sums.get(kind.value, Decimal(0))} for kind in KINDS]


def _rows(values: Any, *, limit: int | None) -> list[dict[str, Any]]:
    """Group (contributor, organisation, kind) sums into one row per contributor with a cell per kind."""
    rows: dict[Any, dict[str, Any]] = {}
    for item in values:
        key = item["organization_id"] if item["contributor"] == ContributorKind.PARTNER else "citizens"
        row = rows.setdefault(
            key,
            {
                "name": item["organization__name"] or gettext("Citizens"),
                "citizens": key == "citizens",
                "organization_id": item["organization_id"],
                "totals": {kind.value: Decimal(0) for kind in KINDS},
                "people": 0,
                "responses": 0,
            },
        )
        row["totals"][item["kind"]] += item["total"] or Decimal(0)
        row["people"] += item["people"] or 0
        row["responses"] = max(row["responses"], item.get("responses") or 0)
    ordered = sorted(rows.values(), key=lambda r: (r["citizens"], r["name"].lower()))
    for row in ordered:
        row["cells"] = [row["totals"][kind.value] for kind in KINDS]
        # How many citizens gave is a count of people: hidden under the small-numbers rule.
        row["people_small"] = row["citizens"] and smallnumbers.hidden(row["people"], limit)
    return ordered


def totals_by_contributor(response: Response, *, limit: int | None) -> list[dict[str, Any]]:
    """Each partner's totals by kind on the response, and the citizens' (how many people, under the small-numbers
    rule); one query."""
    values = (
        response.coproduction.values("contributor", "organization_id", "organization__name", "kind")
        .annotate(total=Sum("quantity"), people=Sum("people"))
        .order_by()
    )
    return _rows(values, limit=limit)


def partner_totals(network: Network, *, limit: int | None) -> list[dict[str, Any]]:
    """Each partner's totals by kind across the network's responses, with how many responses (one query)."""
    values = (
        CoProduction.objects.filter(network=network)
        .values("contributor", "organization_id", "organization__name", "kind")
        .annotate(total=Sum("quantity"), people=Sum("people"), responses=Count("response", distinct=True))
        .order_by()
    )
    return _rows(values, limit=limit)


def exportable_entries(actor: Any, network: Network) -> QuerySet[CoProduction]:
    """The entries `actor` may download, and so re-import: all of them for those who run responses, the entries of
    their own organisations for partner staff (never citizens' counts)."""
    entries = CoProduction.objects.filter(network=network).select_related("organization")
    if not can(actor, MANAGE_RESPONSES, network):
        entries = entries.filter(
            contributor=ContributorKind.PARTNER,
            organization__in=organizations_staffed_by(actor, network).values("pk"),
        )
    return entries.order_by("response_id", "on_date", "id")
