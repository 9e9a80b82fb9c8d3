"""The time bank's pages: what each role sees and does, bad input, and constant query counts."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from legami.core.tests import factories as f
from legami.exchange.models import TimeAccount, TimeBankPolicy, Transfer
from legami.exchange.models import TransferStatus as S
from legami.exchange.selectors.timebank import ledger_problems
from legami.exchange.services import timebank as tb
from legami.exchange.tests.factories_timebank import (
    citizen_account,
    credit,
    figures_by_aggregate,
    organization_account,
    person_account,
)


def url(cast, name, *args, **kwargs):
    return reverse(f"exchange:{name}", args=[cast.network.slug, *args], kwargs=kwargs or None)


@pytest.fixture
def mine(cast):
    account = citizen_account(cast)
    credit(cast, account, 300)
    return account


@pytest.fixture
def org(cast):
    return organization_account(cast)


def _balance(account) -> int:
    return TimeAccount.objects.get(pk=account.pk).balance_minutes


def test_my_account_shows_the_balance_the_statement_and_what_waits(cast, english_login, mine, org):
    tb.propose_with(
        actor=cast.partner_staff,
        network=cast.network,
        account=org,
        counterpart=mine,
        minutes=30,
        gives=True,
        reason="Merenda condivisa",
    )
    page = english_login(cast.citizen).get(url(cast, "timebank"))
    body = page.content.decode()
    assert page.status_code == 200 and "5:00 h" in body
    assert [t.reason for t in page.context["pending"].to_answer] == ["Merenda condivisa"]
    [movement] = page.context["page_obj"].object_list
    assert movement.running == 300 and "Credito iniziale" in body


def test_a_member_without_a_linked_person_is_told_so(cast, english_login):
    page = english_login(cast.coordinator).get(url(cast, "timebank_propose"))
    assert page.status_code == 200 and "not linked to a person" in page.content.decode()


def test_the_citizen_proposes_hours_written_as_people_write_them(cast, english_login, mine, org):
    client = english_login(cast.citizen)
    page = client.get(url(cast, "timebank_propose"), {"q": "Ponte"})
    assert [label for _v, label in page.context["form"].fields["counterpart"].choices][1:] == ["Cooperativa Il Ponte"]
    response = client.post(
        url(cast, "timebank_propose"), {"gives": "1", "counterpart": org.pk, "minutes": "1,5 h", "reason": "Trasloco"}
    )
    transfer = Transfer.objects.get(reason="Trasloco")
    assert response.status_code == 302 and response.url == url(cast, "timebank_transfer", transfer.pk)
    assert transfer.total_minutes == 90 and transfer.status == S.PROPOSED and _balance(mine) == 300


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"minutes": "un po'"}, "minutes"),
        ({"minutes": ""}, "minutes"),
        ({"minutes": "200 h"}, "minutes"),
        ({"reason": ""}, "reason"),
        ({"counterpart": ""}, "counterpart"),
        ({"counterpart": "999999"}, "counterpart"),
    ],
)
def test_bad_input_on_the_proposal_is_named_and_nothing_is_written(cast, english_login, mine, org, data, field):
    client = english_login(cast.citizen)
    post = {"gives": "1", "counterpart": org.pk, "minutes": "1:00", "reason": "Spesa"} | data
    response = client.post(url(cast, "timebank_propose"), post)
    assert response.status_code == 400 and response.context["form"].errors[field]
    assert not Transfer.objects.filter(proposer_account=mine).exists()


def test_one_cannot_propose_hours_to_oneself_nor_to_another_networks_account(cast, english_login, mine):
    client = english_login(cast.citizen)
    for counterpart in (mine.pk, person_account(cast.other_network).pk):
        response = client.post(
            url(cast, "timebank_propose"), {"gives": "1", "counterpart": counterpart, "minutes": "1", "reason": "x"}
        )
        assert response.status_code == 400
    assert not Transfer.objects.filter(proposer_account=mine).exists()


def test_the_other_side_confirms_after_being_warned_and_the_balances_change(cast, english_login, mine, org):
    TimeBankPolicy.objects.create(network=cast.network, soft_limit_minutes=60, hard_limit_minutes=600)
    transfer = tb.propose_with(
        actor=cast.citizen, network=cast.network, account=mine, counterpart=org, minutes=60, gives=False, reason="Aiuto"
    )
    credit(cast, org, 0 + 1)  # the organisation has 1 minute: after paying an hour it is at -0:59
    client = english_login(cast.partner_staff)
    page = client.get(url(cast, "timebank_transfer", transfer.pk))
    assert [a.name for a in page.context["actions"]] == ["confirm", "refuse"]
    page = client.get(url(cast, "timebank_transfer_move", transfer.pk, "confirm"))
    body = page.content.decode()
    assert "-0:59 h" in body and "near the limit of -10:00 h" not in body  # 59 min is above the warning of 1 h
    TimeBankPolicy.objects.filter(network=cast.network).update(soft_limit_minutes=30)
    body = client.get(url(cast, "timebank_transfer_move", transfer.pk, "confirm")).content.decode()
    assert "near the limit of -10:00 h" in body
    assert client.post(url(cast, "timebank_transfer_move", transfer.pk, "confirm"), {"note": ""}).status_code == 302
    assert (_balance(mine), _balance(org)) == (360, -59)
    assert "Confirmed" in client.get(url(cast, "timebank_transfer", transfer.pk)).content.decode()


def test_a_confirmation_past_the_limit_is_refused_on_the_page(cast, english_login, mine, org):
    transfer = tb.propose_with(
        actor=cast.citizen,
        network=cast.network,
        account=mine,
        counterpart=org,
        minutes=11 * 60,
        gives=False,
        reason="x",
    )
    client = english_login(cast.partner_staff)
    assert "past the limit" in client.get(url(cast, "timebank_transfer_move", transfer.pk, "confirm")).content.decode()
    response = client.post(url(cast, "timebank_transfer_move", transfer.pk, "confirm"), {"note": ""})
    assert response.status_code == 400 and "past the limit of -10:00 h" in response.content.decode()
    assert _balance(org) == 0


def test_the_proposer_withdraws_and_the_operator_reverses(cast, english_login, mine, org):
    transfer = tb.propose_with(
        actor=cast.citizen, network=cast.network, account=mine, counterpart=org, minutes=60, gives=True, reason="x"
    )
    client = english_login(cast.citizen)
    assert client.get(url(cast, "timebank_transfer_move", transfer.pk, "confirm")).status_code == 403
    assert (
        client.post(url(cast, "timebank_transfer_move", transfer.pk, "cancel"), {"note": "Sbagliato"}).status_code
        == 302
    )
    transfer.refresh_from_db()
    assert transfer.status == S.CANCELLED
    second = tb.propose_with(
        actor=cast.citizen, network=cast.network, account=mine, counterpart=org, minutes=60, gives=True, reason="y"
    )
    tb.confirm_transfer(actor=cast.partner_staff, transfer=second)
    assert client.get(url(cast, "timebank_transfer_move", second.pk, "reverse")).status_code == 403
    coordinator = english_login(cast.coordinator)
    assert (
        coordinator.post(url(cast, "timebank_transfer_move", second.pk, "reverse"), {"reason": ""}).status_code == 400
    )
    assert (
        coordinator.post(url(cast, "timebank_transfer_move", second.pk, "reverse"), {"reason": "Doppio"}).status_code
        == 302
    )
    assert _balance(mine) == 300 and not ledger_problems(cast.network).problems
    assert coordinator.get(url(cast, "timebank_transfer_move", second.pk, "nonsense")).status_code == 404


def test_outsiders_and_other_members_do_not_find_a_transfer(cast, login, mine, org):
    transfer = credit(cast, person_account(cast.network), 60)
    assert login(cast.outsider).get(url(cast, "timebank_transfer", transfer.pk)).status_code == 404
    assert login(cast.citizen).get(url(cast, "timebank_transfer", transfer.pk)).status_code == 404
    assert login(cast.partner_staff).get(url(cast, "timebank_account", mine.pk)).status_code == 404
    assert login(cast.case_manager).get(url(cast, "timebank_account", mine.pk)).status_code == 200


def test_the_operator_credits_volunteers_from_the_fund_and_refuses_many_to_many(cast, english_login):
    volunteers = [person_account(cast.network, first_name=f"Volontario{n}") for n in range(2)]
    client = english_login(cast.community_worker)
    fund = tb.fund_for(cast.network)
    data = {
        "givers": [fund.pk],
        "receivers": [v.pk for v in volunteers],
        "minutes": "2:00",
        "reason": "Festa",
        "confirm": "on",
    }
    assert client.post(url(cast, "timebank_record"), data).status_code == 302
    assert [_balance(v) for v in volunteers] == [120, 120] and _balance(fund) == -240
    bad = data | {
        "givers": [volunteers[0].pk, volunteers[1].pk],
        "receivers": [fund.pk, person_account(cast.network).pk],
    }
    response = client.post(url(cast, "timebank_record"), bad)
    assert response.status_code == 400 and response.context["form"].errors["receivers"]
    response = client.post(url(cast, "timebank_record"), data | {"minutes": "-1"})
    assert response.status_code == 400


def test_an_operator_opens_an_account_for_a_person_of_the_registry(cast, english_login):
    person = f.PersonFactory(network=cast.network, first_name="Ermanno", last_name="Olmi")
    client = english_login(cast.coordinator)
    page = client.get(url(cast, "timebank_account_open"), {"q": "Olmi"})
    assert list(page.context["form"].fields["person"].queryset) == [person]
    response = client.post(url(cast, "timebank_account_open"), {"person": person.pk})
    account = TimeAccount.objects.get(person=person)
    assert response.status_code == 302 and response.url == url(cast, "timebank_account", account.pk)
    assert client.post(url(cast, "timebank_account_open"), {}).status_code == 400


def test_the_coordinator_sets_the_limits_and_bad_input_is_named(cast, english_login):
    client = english_login(cast.coordinator)
    assert client.get(url(cast, "timebank_policy")).context["form"].initial["hard_limit_minutes"] == "10:00"
    response = client.post(url(cast, "timebank_policy"), {"soft_limit_minutes": "5", "hard_limit_minutes": "4"})
    assert response.status_code == 400 and response.context["form"].errors["soft_limit_minutes"]
    assert (
        client.post(url(cast, "timebank_policy"), {"soft_limit_minutes": "4:30", "hard_limit_minutes": "6"}).status_code
        == 302
    )
    policy = TimeBankPolicy.objects.get(network=cast.network)
    assert (policy.soft_limit_minutes, policy.hard_limit_minutes) == (270, 360)


def test_the_figures_hide_a_month_of_few_transfers_from_the_evaluator(cast, english_login, mine):
    page = english_login(cast.evaluator).get(url(cast, "timebank_figures"))
    [row] = page.context["totals"]
    assert row.minutes is None and row.transfers is None
    for _ in range(4):
        credit(cast, mine, 60)
    [row] = english_login(cast.evaluator).get(url(cast, "timebank_figures")).context["totals"]
    assert row.minutes == 300 + 240 and row.transfers == 5
    [row] = english_login(cast.coordinator).get(url(cast, "timebank_figures"), {"year": "x"}).context["totals"]
    assert row.transfers == 5
    assert "Giulia" not in english_login(cast.funder).get(url(cast, "timebank_figures")).content.decode()


def test_the_figures_page_shows_what_the_transfers_add_up_to_in_one_small_query(cast, login, mine, monkeypatch):
    fund = tb.fund_for(cast.network)
    client = login(cast.coordinator)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(cast, "timebank_figures"), {"year": "2025"}).context["totals"] == []
    made = []
    for month in (1, 1, 2, 3, 3, 3, 11):
        when = datetime.datetime(2025, month, 28, 23, 50, tzinfo=zoneinfo.ZoneInfo("Europe/Rome"))
        monkeypatch.setattr(timezone, "now", lambda when=when: when)
        made.append(
            tb.propose_transfer(
                actor=cast.coordinator,
                network=cast.network,
                legs=[(fund, -30 * month), (mine, 30 * month)],
                reason="Ore",
                confirm=True,
            )
        )
    tb.reverse_transfer(actor=cast.coordinator, transfer=made[3], reason="Errore")  # one of March's, in November
    with CaptureQueriesContext(connection) as many:
        page = client.get(url(cast, "timebank_figures"), {"year": "2025"})
    shown = [(t.month, t.minutes, t.transfers) for t in page.context["totals"]]
    assert shown == figures_by_aggregate(cast.network, 2025)
    assert [(m.month, minutes, n) for m, minutes, n in shown] == [(1, 60, 2), (2, 60, 1), (3, 180, 2), (11, 330, 1)]
    assert len(many.captured_queries) == len(few.captured_queries)
    [totals] = [q["sql"] for q in many.captured_queries if "exchange_transfer" in q["sql"]]
    assert "exchange_transfermonth" in totals and '"exchange_transfer"' not in totals  # not the transfers


def test_the_accounts_list_searches_by_name(cast, english_login, mine, org):
    client = english_login(cast.case_manager)
    page = client.get(url(cast, "timebank_accounts"), {"q": "Volontaria"})
    assert [a.pk for a in page.context["page_obj"].object_list] == [mine.pk]
    page = client.get(url(cast, "timebank_accounts"), {"kind": "organization"})
    assert [a.pk for a in page.context["page_obj"].object_list] == [org.pk]


def test_a_long_transfer_list_stops_counting_and_offers_the_statuses(cast, login, mine, monkeypatch):
    from legami.exchange.views import timebank as timebank_views

    for n in range(3):
        tb.propose_transfer(
            actor=cast.coordinator,
            network=cast.network,
            legs=[(mine, -5), (person_account(cast.network), 5)],
            reason=f"r{n}",
            confirm=True,
        )
    total = Transfer.objects.filter(network=cast.network).count()
    monkeypatch.setattr(timebank_views, "COUNT_AT_MOST", total - 1)
    client = login(cast.coordinator)
    page = client.get(url(cast, "timebank_transfers")).content.decode()
    assert f"More than {total - 1} transfers: choose a status to see fewer." in page
    monkeypatch.setattr(timebank_views, "COUNT_AT_MOST", total)
    page = client.get(url(cast, "timebank_transfers")).content.decode()
    assert f"{total} transfers." in page and "More than" not in page


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_the_statement_and_the_lists_run_a_constant_number_of_queries(cast, login, mine, org):
    client = login(cast.coordinator)
    pages = [url(cast, "timebank_account", mine.pk), url(cast, "timebank_accounts"), url(cast, "timebank_transfers")]
    small = [_queries(client, p) for p in pages]
    for n in range(30):
        other = person_account(cast.network)
        tb.propose_transfer(
            actor=cast.coordinator, network=cast.network, legs=[(mine, -5), (other, 5)], reason=f"r{n}", confirm=True
        )
    big = [_queries(client, p) for p in pages]
    assert big == small
    assert max(big) <= 15
    statement = client.get(pages[0]).context["page_obj"]
    assert statement.paginator.count == 31
    runnings = [m.running for m in statement.object_list]
    assert runnings[0] == 300 - 30 * 5 and runnings == sorted(runnings)
