"""The time bank's API: accounts, statements and transfers, for each role, with bad input and refusals."""

import pytest

from legami.api.tests.helpers import network_url
from legami.exchange.models import TimeAccount, Transfer
from legami.exchange.models import TransferStatus as S
from legami.exchange.services.timebank import fund_for, propose_with
from legami.exchange.tests.factories_timebank import citizen_account, credit, organization_account, person_account

pytestmark = pytest.mark.django_db


def url(cast, *parts):
    return network_url(cast.network, "timebank", *parts)


@pytest.fixture
def mine(cast):
    account = citizen_account(cast)
    credit(cast, account, 300)
    return account


def test_operators_list_every_account_and_others_are_refused(cast, api_as, mine):
    body = api_as(cast.case_manager).get(url(cast, "accounts"), {"q": "Volontaria"}).json()
    assert body["count"] == 1 and body["items"][0]["balance_minutes"] == 300
    assert api_as(cast.citizen).get(url(cast, "accounts")).status_code == 403
    assert api_as(cast.evaluator).get(url(cast, "accounts")).status_code == 403
    assert api_as(cast.outsider).get(url(cast, "accounts")).status_code == 404


def test_a_citizen_reads_her_own_account_and_statement_only(cast, api_as, mine):
    client = api_as(cast.citizen)
    [own] = client.get(url(cast, "my-accounts")).json()
    assert own["id"] == mine.pk
    statement = client.get(url(cast, "accounts", mine.pk, "statement")).json()
    assert statement["items"][0]["balance_after"] == 300 and statement["items"][0]["reason"] == "Credito iniziale"
    other = person_account(cast.network)
    assert client.get(url(cast, "accounts", other.pk)).status_code == 404
    assert client.get(url(cast, "accounts", fund_for(cast.network).pk, "statement")).status_code == 404


def test_propose_confirm_and_the_limit_through_the_api(cast, api_as, mine):
    org = organization_account(cast)
    citizen = api_as(cast.citizen)
    data = {"account": mine.pk, "counterpart": org.pk, "gives": False, "minutes": 11 * 60, "reason": "Trasloco"}
    created = citizen.post(url(cast, "transfers"), data)
    assert created.status_code == 201 and created.json()["status"] == "proposed"
    pk = created.json()["id"]
    assert citizen.post(url(cast, "transfers", pk, "confirm"), {}).status_code == 403  # her own proposal
    refused = api_as(cast.partner_staff).post(url(cast, "transfers", pk, "confirm"), {"note": ""})
    assert refused.status_code == 409 and "past the limit" in refused.json()["detail"]
    small = citizen.post(url(cast, "transfers"), data | {"minutes": 90}).json()
    confirmed = api_as(cast.partner_staff).post(url(cast, "transfers", small["id"], "confirm"), {})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert TimeAccount.objects.get(pk=org.pk).balance_minutes == -90
    again = api_as(cast.partner_staff).post(url(cast, "transfers", small["id"], "refuse"), {})
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"minutes": 0}, "minutes"),
        ({"minutes": 7000}, "minutes"),
        ({"reason": ""}, "reason"),
        ({"counterpart": 0}, "counterpart"),
    ],
)
def test_bad_input_answers_422_and_writes_nothing(cast, api_as, mine, change, field):
    org = organization_account(cast)
    data = {"account": mine.pk, "counterpart": org.pk, "gives": True, "minutes": 60, "reason": "x"} | change
    response = api_as(cast.citizen).post(url(cast, "transfers"), data)
    assert response.status_code == 422 and field in {str(i["loc"][-1]) for i in response.json()["detail"]}
    assert not Transfer.objects.filter(proposer_account=mine).exists()


def test_a_counterpart_of_another_network_is_refused(cast, api_as, mine):
    foreign = person_account(cast.other_network)
    data = {"account": mine.pk, "counterpart": foreign.pk, "gives": True, "minutes": 60, "reason": "x"}
    response = api_as(cast.citizen).post(url(cast, "transfers"), data)
    assert response.status_code == 422


def test_operators_record_group_transfers_and_reverse_them(cast, api_as):
    volunteers = [person_account(cast.network) for _ in range(2)]
    fund = fund_for(cast.network)
    client = api_as(cast.community_worker)
    data = {"givers": [fund.pk], "receivers": [v.pk for v in volunteers], "minutes": 120, "reason": "Festa"}
    created = client.post(url(cast, "group-transfers"), data)
    assert created.status_code == 201 and len(created.json()["legs"]) == 3
    pk = created.json()["id"]
    assert api_as(cast.citizen).post(url(cast, "group-transfers"), data).status_code == 403
    assert api_as(cast.case_manager).post(url(cast, "transfers", pk, "reverse"), {"reason": "x"}).status_code == 403
    reversal = client.post(url(cast, "transfers", pk, "reverse"), {"reason": "Doppione"})
    assert reversal.status_code == 201 and reversal.json()["reverses"] == pk
    assert client.post(url(cast, "transfers", pk, "reverse"), {"reason": "Ancora"}).status_code == 409
    assert [TimeAccount.objects.get(pk=v.pk).balance_minutes for v in volunteers] == [0, 0]
    bad = client.post(url(cast, "group-transfers"), data | {"givers": [volunteers[0].pk, volunteers[1].pk]})
    assert bad.status_code == 422


def test_the_proposer_withdraws_through_the_api(cast, api_as, mine):
    org = organization_account(cast)
    transfer = propose_with(
        actor=cast.citizen, network=cast.network, account=mine, counterpart=org, minutes=30, gives=True, reason="x"
    )
    assert api_as(cast.partner_staff).post(url(cast, "transfers", transfer.pk, "cancel"), {}).status_code == 403
    response = api_as(cast.citizen).post(url(cast, "transfers", transfer.pk, "cancel"), {"note": "errore"})
    assert response.status_code == 200 and response.json()["status"] == S.CANCELLED
    assert api_as(cast.outsider).get(url(cast, "transfers", transfer.pk)).status_code == 404


def test_the_figures_are_totals_for_evaluators(cast, api_as, mine):
    from django.utils import timezone

    year = timezone.localdate().year
    [month] = api_as(cast.evaluator).get(url(cast, "figures"), {"year": year}).json()
    assert month["minutes"] is None  # one transfer: hidden
    [month] = api_as(cast.coordinator).get(url(cast, "figures"), {"year": year}).json()
    assert month["minutes"] == 300 and month["transfers"] == 1
    assert api_as(cast.citizen).get(url(cast, "figures"), {"year": year}).status_code == 403
