"""The time bank's reads: the monthly totals the figures page shows."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone

from legami.exchange.models import TransferMonth
from legami.exchange.selectors.timebank import monthly_totals
from legami.exchange.services import timebank as tb
from legami.exchange.tests.factories_timebank import figures_by_aggregate, person_account

ROME = zoneinfo.ZoneInfo("Europe/Rome")


# --- the monthly totals -----------------------------------------------------------------------------------------


def _at(monkeypatch, *moment):
    monkeypatch.setattr(timezone, "now", lambda: datetime.datetime(*moment, tzinfo=ROME))


def test_the_monthly_totals_show_what_the_aggregate_of_the_transfers_showed(cast, monkeypatch):
    fund = tb.fund_for(cast.network)
    a, b = person_account(cast.network), person_account(cast.network)
    made = []
    for month, day in ((1, 31), (2, 1), (2, 28), (3, 15), (12, 31)):
        _at(monkeypatch, 2025, month, day, 23, 45)  # late at night: the local day is the month's
        made.append(
            tb.propose_transfer(
                actor=cast.coordinator,
                network=cast.network,
                legs=[(fund, -90), (a, 60), (b, 30)],
                reason="x",
                confirm=True,
            )
        )
    _at(monkeypatch, 2025, 3, 20, 10, 0)
    refused = tb.propose_transfer(actor=cast.coordinator, network=cast.network, legs=[(a, -10), (b, 10)], reason="x")
    tb.refuse_transfer(actor=cast.coordinator, transfer=refused)
    proposed = tb.propose_transfer(actor=cast.coordinator, network=cast.network, legs=[(a, -10), (b, 10)], reason="x")
    _at(monkeypatch, 2025, 4, 2, 9, 0)
    tb.reverse_transfer(actor=cast.coordinator, transfer=made[2], reason="Errore")  # February's, in April
    tb.confirm_transfer(actor=cast.coordinator, transfer=proposed)  # proposed in March, posted in April
    _at(monkeypatch, 2026, 1, 1, 0, 30)
    tb.propose_transfer(actor=cast.coordinator, network=cast.network, legs=[(b, -5), (a, 5)], reason="x", confirm=True)
    for year in (2024, 2025, 2026):
        shown = [(t.month, t.minutes, t.transfers) for t in monthly_totals(cast.coordinator, cast.network, year=year)]
        assert shown == figures_by_aggregate(cast.network, year)
    assert [
        (t.month.month, t.minutes, t.transfers) for t in monthly_totals(cast.coordinator, cast.network, year=2025)
    ] == [
        (1, 90, 1),
        (2, 90, 1),  # the reversed one left February
        (3, 90, 1),
        (4, 10, 1),
        (12, 90, 1),
    ]
    assert TransferMonth.objects.filter(network=cast.network, transfers=0).count() == 0  # February still counts one


def test_a_month_left_empty_by_a_reversal_is_not_shown(cast, monkeypatch):
    fund = tb.fund_for(cast.network)
    _at(monkeypatch, 2025, 5, 10, 12, 0)
    transfer = tb.propose_transfer(
        actor=cast.coordinator,
        network=cast.network,
        legs=[(fund, -60), (person_account(cast.network), 60)],
        reason="x",
        confirm=True,
    )
    tb.reverse_transfer(actor=cast.coordinator, transfer=transfer, reason="Errore")
    assert TransferMonth.objects.get(network=cast.network).transfers == 0
    assert monthly_totals(cast.coordinator, cast.network, year=2025) == [] == figures_by_aggregate(cast.network, 2025)


def test_the_small_numbers_rule_still_hides_a_month_of_few_transfers(cast, monkeypatch):
    fund = tb.fund_for(cast.network)
    account = person_account(cast.network)
    _at(monkeypatch, 2025, 6, 1, 12, 0)
    for _ in range(4):
        tb.propose_transfer(
            actor=cast.coordinator, network=cast.network, legs=[(fund, -30), (account, 30)], reason="x", confirm=True
        )
    [hidden] = monthly_totals(cast.evaluator, cast.network, year=2025)
    assert (hidden.month, hidden.minutes, hidden.transfers) == (datetime.date(2025, 6, 1), None, None)
    [shown] = monthly_totals(cast.coordinator, cast.network, year=2025)
    assert (shown.minutes, shown.transfers) == (120, 4)
    tb.propose_transfer(
        actor=cast.coordinator, network=cast.network, legs=[(fund, -30), (account, 30)], reason="x", confirm=True
    )
    [shown] = monthly_totals(cast.evaluator, cast.network, year=2025)
    assert (shown.minutes, shown.transfers) == (150, 5)
    assert monthly_totals(cast.coordinator, cast.other_network, year=2025) == []
