"""The time bank under simultaneous transfers on PostgreSQL: no lost update, the ledger balanced, the limit held,
the monthly totals equal to what the transfers add up to.

Each thread has its own connection; the accounts' row locks (taken in id order) make confirmations of the same
accounts take turns, and the month's totals move by F() increments of one row. SQLite has one writer at a time and
no row locks: these tests run on PostgreSQL only.
"""

from __future__ import annotations

import random
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.exchange.models import Movement, TimeAccount, Transfer, TransferMonth
from legami.exchange.models import TransferStatus as S
from legami.exchange.selectors.timebank import ledger_problems, monthly_totals
from legami.exchange.services import timebank as tb

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")


def _run(threads: list[threading.Thread]) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_many_simultaneous_transfers_among_three_accounts_lose_nothing():
    network = f.NetworkFactory()
    operator = f.UserFactory(email="operatore@example.org")
    f.MembershipFactory(network=network, user=operator, role=Role.COMMUNITY_WORKER)
    accounts = [tb.account_for(network=network, person=f.PersonFactory(network=network)) for _ in range(3)]
    fund = tb.fund_for(network)
    # Enough hours for any order of the transfers to stay within the limits.
    tb.propose_transfer(
        actor=operator,
        network=network,
        legs=[(fund, -3000), *[(a, 1000) for a in accounts]],
        reason="Avvio",
        confirm=True,
    )
    threads_count, per_thread = 8, 25
    barrier = threading.Barrier(threads_count)
    errors: list[Exception] = []
    expected = {a.pk: 1000 for a in accounts}
    lock = threading.Lock()

    def work(seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 — a test's spread, not a secret
        try:
            barrier.wait()
            for _ in range(per_thread):
                payer, payee = rng.sample(accounts, 2)
                minutes = rng.randint(1, 30)
                if rng.random() < 0.5:
                    tb.propose_transfer(
                        actor=operator,
                        network=network,
                        legs=[(payer, -minutes), (payee, minutes)],
                        reason="Corsa",
                        confirm=True,
                    )
                else:
                    proposed = tb.propose_transfer(
                        actor=operator, network=network, legs=[(payer, -minutes), (payee, minutes)], reason="Corsa"
                    )
                    tb.confirm_transfer(actor=operator, transfer=proposed)
                with lock:
                    expected[payer.pk] -= minutes
                    expected[payee.pk] += minutes
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    _run([threading.Thread(target=work, args=(n,)) for n in range(threads_count)])
    assert errors == []
    assert Transfer.objects.filter(network=network, status=S.CONFIRMED).count() == 1 + threads_count * per_thread
    assert {a.pk: a.balance_minutes for a in TimeAccount.objects.filter(pk__in=expected)} == expected
    report = ledger_problems(network)
    assert report.problems == [] and report.balance_sum == 0
    assert not Movement.objects.filter(network=network, posted_at__isnull=True).exists()
    # The month's totals: every transfer counted once, none lost between two confirmations.
    confirmed = Transfer.objects.filter(network=network, status=S.CONFIRMED)
    [month] = TransferMonth.objects.filter(network=network)
    assert (month.minutes, month.transfers) == (sum(t.total_minutes for t in confirmed), confirmed.count())


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_confirmations_that_pass_alone_but_not_together_let_exactly_one_through():
    network = f.NetworkFactory()
    operator = f.UserFactory(email="operatore2@example.org")
    f.MembershipFactory(network=network, user=operator, role=Role.COORDINATOR)
    payer = tb.account_for(network=network, person=f.PersonFactory(network=network))
    others = [tb.account_for(network=network, person=f.PersonFactory(network=network)) for _ in range(2)]
    # The default limit is 10 hours below zero: 6 h each pass alone, 12 h together do not.
    proposals = [
        tb.propose_transfer(actor=operator, network=network, legs=[(payer, -360), (other, 360)], reason="Trasloco")
        for other in others
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[Exception] = []

    def confirm(transfer: Transfer) -> None:
        try:
            barrier.wait()
            tb.confirm_transfer(actor=operator, transfer=transfer)
            outcomes.append("confirmed")
        except ValidationError as exc:
            outcomes.append(exc.error_list[0].code or "")
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    _run([threading.Thread(target=confirm, args=(t,)) for t in proposals])
    assert errors == []
    assert sorted(outcomes) == ["confirmed", "over_limit"]
    assert TimeAccount.objects.get(pk=payer.pk).balance_minutes == -360
    assert sorted(Transfer.objects.filter(network=network).values_list("status", flat=True)) == [
        S.CONFIRMED,
        S.PROPOSED,
    ]
    assert ledger_problems(network).problems == []


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_months_first_transfers_reversals_and_a_rebuild_at_once_keep_the_totals_exact():
    # Each thread moves hours between two accounts of its own, so that nothing but the month's totals is shared:
    # no row for the month yet, the threads' first transfers race to open it, then to add to it. Some transfers are
    # reversed as they go, and a rebuild runs in the middle of it all. The totals end as the transfers add up.
    network = f.NetworkFactory()
    operator = f.UserFactory(email="operatore3@example.org")
    f.MembershipFactory(network=network, user=operator, role=Role.COORDINATOR)
    threads_count, per_thread = 6, 15
    pairs = [
        [tb.account_for(network=network, person=f.PersonFactory(network=network)) for _ in range(2)]
        for _ in range(threads_count)
    ]
    barrier = threading.Barrier(threads_count + 1)
    errors: list[Exception] = []

    def work(seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 — a test's spread, not a secret
        payer, payee = pairs[seed]
        try:
            barrier.wait()
            for n in range(per_thread):  # at most 120 minutes below zero in all: within the limit
                transfer = tb.propose_transfer(
                    actor=operator,
                    network=network,
                    legs=[(payer, -(n + 1)), (payee, n + 1)],
                    reason="Corsa",
                    confirm=rng.random() < 0.5,
                )
                if transfer.status == S.PROPOSED:
                    tb.confirm_transfer(actor=operator, transfer=transfer)
                if rng.random() < 0.25:
                    tb.reverse_transfer(actor=operator, transfer=transfer, reason="Errore")
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def rebuild() -> None:
        try:
            barrier.wait()
            for _ in range(3):
                tb.rebuild_monthly_totals(network=network)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    _run([threading.Thread(target=work, args=(n,)) for n in range(threads_count)] + [threading.Thread(target=rebuild)])
    assert errors == []
    counted = Transfer.objects.filter(network=network, status=S.CONFIRMED, reverses__isnull=True)
    assert counted.count() < threads_count * per_thread  # some were reversed
    [month] = TransferMonth.objects.filter(network=network)
    assert (month.minutes, month.transfers) == (sum(t.total_minutes for t in counted), counted.count())
    assert ledger_problems(network).problems == []
    [shown] = monthly_totals(operator, network, year=month.month.year)
    assert (shown.minutes, shown.transfers) == (month.minutes, month.transfers)
