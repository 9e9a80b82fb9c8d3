"""The case manager's desk (scrivania): the page a case manager opens every morning, on a phone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from legami.core.decorators import network_view
from legami.network.models import Network
from legami.pacts.capabilities import WORK_ON_CASES
from legami.pacts.selectors.desk import Desk, desk_for, record_desk_read

NAV = "pacts_desk"

# A number no row has, reversed in its place: every row's address is then the text around it with the row's number
# (the routes' last segment is an <int:pk>, so the path is the same for every number).
_PLACEHOLDER = 9876543210


def row_url(name: str, slug: str) -> Callable[[int], str] | None:
    """`pk -> reverse(name, args=[slug, pk])`, reversing once for all the rows; None when the route does not exist
    (a part not installed: the rows are then shown without a link)."""
    try:
        sample = reverse(name, args=[slug, _PLACEHOLDER])
    except NoReverseMatch:
        return None
    head, found, tail = sample.rpartition(str(_PLACEHOLDER))
    if not found:  # pragma: no cover - a route that does not put the number in its path
        return lambda pk: reverse(name, args=[slug, pk])
    return lambda pk: f"{head}{int(pk)}{tail}"


def link_rows(desk: Desk, slug: str) -> None:
    """Give each row of the desk its `url` (None without the route), one reverse per route and not per row."""
    case_url, pact_url = row_url("pacts:case", slug), row_url("pacts:pact", slug)
    budget_url, referral_url = row_url("pacts:budget", slug), row_url("referrals:detail", slug)

    def link(rows: list[Any], url: Callable[[int], str] | None, pk: Callable[[Any], int]) -> None:
        for row in rows:
            row.url = url(pk(row)) if url else None

    link(desk.cases.rows, case_url, lambda case: case.pk)
    link(desk.reviews.rows, pact_url, lambda pact: pact.pk)
    link(desk.commitments.rows, pact_url, lambda commitment: commitment.version.pact_id)
    link(desk.budgets.rows, budget_url, lambda pact: pact.pk)
    link(desk.referrals.rows if desk.referrals else [], referral_url, lambda referral: referral.pk)
    link(desk.approvals.rows if desk.approvals else [], budget_url, lambda expense: expense.pact_id)


@require_GET
@network_view(WORK_ON_CASES)
def desk(request: HttpRequest, network: Network) -> HttpResponse:
    """My cases, the reviews due, the overdue commitments, the referrals waiting and the budgets near their limit."""
    mine = desk_for(request.user, network)
    record_desk_read(request.user, network, mine)
    link_rows(mine, network.slug)
    return render(request, "pacts/desk.html", {"nav": NAV, "desk": mine})
