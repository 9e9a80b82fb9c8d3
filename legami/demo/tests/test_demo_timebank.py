"""The demo's year of time bank activity: made through the services, balanced, with open proposals."""

import pytest

from legami.demo import data
from legami.demo.generator.loader import load_demo
from legami.demo.tests.test_demo_generator import province  # noqa: F401 — the fixture
from legami.exchange.models import Transfer, TransferStatus
from legami.exchange.selectors.timebank import ledger_problems
from legami.network.models import Network

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("province")
def test_the_demo_has_a_balanced_year_of_time_bank_activity():
    load_demo(small=True)
    network = Network.objects.get(slug=data.NETWORK["slug"])
    transfers = Transfer.objects.filter(network=network)
    assert transfers.count() > 150
    assert transfers.filter(status=TransferStatus.REVERSED).count() == 1
    assert transfers.filter(status=TransferStatus.PROPOSED).exists()
    months = {t.month for t in transfers.filter(posted_at__isnull=False).dates("posted_at", "month")}
    assert len(months) >= 12
    assert ledger_problems(network).problems == []
