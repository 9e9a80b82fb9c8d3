"""The case manager's desk (scrivania): the page a case manager opens every morning, on a phone."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from legami.core.decorators import network_view
from legami.network.models import Network
from legami.pacts.capabilities import WORK_ON_CASES
from legami.pacts.selectors.desk import desk_for, record_desk_read

NAV = "pacts_desk"


@require_GET
@network_view(WORK_ON_CASES)
def desk(request: HttpRequest, network: Network) -> HttpResponse:
    """My cases, the reviews due, the overdue commitments, the referrals waiting and the budgets near their limit."""
    mine = desk_for(request.user, network)
    record_desk_read(request.user, network, mine)
    return render(request, "pacts/desk.html", {"nav": NAV, "desk": mine})
