"""The time bank's reads: the accounts list's search by name, and the monthly totals the figures page shows."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.utils import timezone

from legami.exchange.models import TimeAccount, TimeAccountKind, TransferMonth
from legami.exchange.selectors.timebank import accounts_for, counterpart_choices, monthly_totals
from legami.exchange.services import timebank as tb
from legami.exchange.tests.factories_timebank import figures_by_aggregate, organization_account, person_account
from legami.network.models import Person

ROME = zoneinfo.ZoneInfo("Europe/Rome")


# --- the accounts list's search ---------------------------------------------------------------------------------


@pytest.fixture
def people(cast):
    """Accounts whose names, e-mails and tax codes differ, so that each search says which field found them."""
    return {
        "anna": person_account(
            cast.network, first_name="Anna", last_name="Bianchi", email="anna@example.org", tax_code="BNCNNA80A41D150K"
        ),
        "marco": person_account(
            cast.network, first_name="Marco", last_name="Rossini", email="verdi.marco@example.org", tax_code=""
        ),
        "luca": person_account(
            cast.network, first_name="Luca", last_name="Verdi", email="luca@example.org", tax_code="VRDLCU75C12D150X"
        ),
        "org": organization_account(cast),  # "Cooperativa Il Ponte"
        "fund": tb.fund_for(cast.network),
    }


def _found(cast, search, **kwargs):
    return {a.pk for a in accounts_for(cast.network, search=search, **kwargs)}


def test_a_word_finds_the_accounts_whose_first_or_last_name_or_organisation_holds_it(cast, people):
    assert _found(cast, "anna") == {people["anna"].pk}
    assert _found(cast, "ROSSI") == {people["marco"].pk}  # in the middle of a last name, any case
    assert _found(cast, "ponte") == {people["org"].pk}
    assert _found(cast, "i") == {people[k].pk for k in ("anna", "marco", "luca", "org")}  # never the fund
    assert _found(cast, "") == {a.pk for a in people.values()}


def test_every_word_must_be_found_and_each_may_be_in_another_name(cast, people):
    assert _found(cast, "marco rossini") == {people["marco"].pk}
    assert _found(cast, "rossini marco") == {people["marco"].pk}
    assert _found(cast, "marco bianchi") == set()
    assert _found(cast, "cooperativa ponte") == {people["org"].pk}
    assert _found(cast, "anna ponte") == set()  # a person's word and an organisation's do not add up


def test_short_words_alone_or_with_a_long_one_mean_the_same(cast, people):
    # Words under three letters are read from the names directly; with a longer word the index narrows first.
    assert _found(cast, "ma ro") == {people["marco"].pk}
    assert _found(cast, "ro marco") == {people["marco"].pk}
    assert _found(cast, "il po") == {people["org"].pk}
    assert _found(cast, "il ponte") == {people["org"].pk}
    assert _found(cast, "an bi") == _found(cast, "an bianchi") == {people["anna"].pk}
    assert _found(cast, "ex") == _found(cast, "ex anna") == set()  # "ex" is in the e-mails only


def test_an_e_mail_or_a_tax_code_finds_no_account(cast, people):
    # Only the names count: the e-mail and the codice fiscale are in the registry's search, not the accounts'.
    assert _found(cast, "example.org") == set()
    assert _found(cast, "verdi") == {people["luca"].pk}  # Luca Verdi, not Marco (whose e-mail holds "verdi")
    assert _found(cast, "BNCNNA80A41D150K") == set()  # a whole codice fiscale
    assert _found(cast, "d150") == set()  # a part of one
    assert _found(cast, "anna@example.org") == set()


def test_the_search_keeps_to_the_network_and_the_kind(cast, people):
    stranger = person_account(cast.other_network, first_name="Anna", last_name="Bianchi")
    assert _found(cast, "anna bianchi") == {people["anna"].pk}
    assert stranger.pk not in _found(cast, "anna")
    assert _found(cast, "i", kind=TimeAccountKind.ORGANIZATION) == {people["org"].pk}
    assert _found(cast, "anna", kind=TimeAccountKind.ORGANIZATION) == set()
    assert [a.pk for a in counterpart_choices(cast.citizen, cast.network, search="verdi")] == [people["luca"].pk]


def test_the_search_treats_like_wildcards_as_letters(cast, people):
    assert _found(cast, "%") == set() and _found(cast, "_") == set()
    named = person_account(cast.network, first_name="Anna_Maria", last_name="Gallo")
    assert _found(cast, "_") == {named.pk}


def test_the_search_finds_the_accounts_in_the_lists_order(cast, people):
    # People by last name, then organisations, then the fund: the search keeps the list's order.
    found = [a.pk for a in accounts_for(cast.network, search="n")]
    assert found == [people["anna"].pk, people["marco"].pk, people["org"].pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is a PostgreSQL index")
def test_search_can_use_the_trigram_index_on_postgresql(cast, people):
    # Three thousand people with hours accounts, analysed, so that going through every account costs what it does
    # in a network; whole-table and plain index scans turned off, the people are still found through the
    # registry's trigram index (on the benchmark's 20,000 people PostgreSQL chooses it with nothing turned off).
    crowd = Person.objects.bulk_create(
        [Person(network=cast.network, first_name=f"Nome{n}", last_name=f"Cognome{n}") for n in range(3000)]
    )
    TimeAccount.objects.bulk_create(
        [TimeAccount(network=cast.network, kind=TimeAccountKind.PERSON, person=person) for person in crowd]
    )
    sql, params = accounts_for(cast.network, search="rossi").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE network_person, exchange_timeaccount")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "person_search_trgm" in plan, plan


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
