"""Test helpers of the time bank: accounts of the cast's citizen and partner, and a posted transfer."""

from __future__ import annotations

from typing import Any

from legami.core.tests import factories as f
from legami.exchange.models import TimeAccount
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
