"""Test helpers of the time bank: accounts of the cast's citizen and partner, a posted transfer, and the monthly
figures as the figures page computed them before the monthly totals were kept."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from legami.core.tests import factories as f
from legami.exchange.models import TimeAccount, Transfer, TransferStatus
from legami.exchange.services.timebank import account_for, propose_transfer


def citizen_account(cast: Any, **person: Any) -> TimeAccount:
    """The account of the person linked to the cast's citizen (Cremona)."""
    found = cast.network.people.filter(user=cast.citizen).first()
    if found is None:
        defaults = {"first_name": "Giulia", "last_name": "Volontaria", "municipality": cast.municipalities[0]}
        found = f.PersonFactory(network=cast.network, user=cast.citizen, **(defaults | person))
    return account_for(network=cast.network, person=found)


def person_account(network: Any, **person: Any) -> TimeAccount:
    """The account of a new person of `network` (no login)."""
    return account_for(network=network, person=f.PersonFactory(network=network, **person))


def organization_account(cast: Any) -> TimeAccount:
    """The account of the cast's organisation (the partner staff act for it)."""
    return account_for(network=cast.network, organization=cast.organization)


def credit(cast: Any, account: TimeAccount, minutes: int, reason: str = "Credito iniziale") -> Any:
    """Give `account` minutes from the network fund, confirmed at once by the coordinator."""
    fund = account_for(network=cast.network)
    return propose_transfer(
        actor=cast.coordinator,
        network=cast.network,
        legs=[(fund, -minutes), (account, minutes)],
        reason=reason,
        confirm=True,
    )


def figures_by_aggregate(network: Any, year: int) -> list[tuple[Any, int, int]]:
    """(month, minutes, transfers) of `year`, aggregated from the transfers as `monthly_totals` did until the
    totals were kept in TransferMonth: the yardstick the kept totals must equal."""
    rows = (
        Transfer.objects.filter(
            network=network, status=TransferStatus.CONFIRMED, reverses__isnull=True, posted_at__year=year
        )
        .annotate(month=TruncMonth("posted_at"))
        .values("month")
        .annotate(minutes=Coalesce(Sum("total_minutes"), Value(0)), transfers=Count("id"))
        .order_by("month")
    )
    return [(row["month"].date(), row["minutes"], row["transfers"]) for row in rows]
