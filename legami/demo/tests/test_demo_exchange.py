"""The demo's offers and matches: made through the services, in Cremona and Crema, matches at every step."""

import pytest

from legami.core.models import AuditEvent
from legami.demo import data
from legami.demo.generator.loader import load_demo
from legami.demo.tests.test_demo_generator import province  # noqa: F401 — the fixture
from legami.exchange.models import Match, MatchingRun, MatchStatus, Offer, OfferStatus
from legami.network.models import Network

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("province")
def test_the_demo_has_offers_and_matches_at_every_step():
    load_demo(small=True)
    network = Network.objects.get(slug=data.NETWORK["slug"])
    offers = Offer.objects.filter(network=network)
    assert offers.count() >= 8
    assert set(offers.values_list("municipality__name", flat=True)) == {"Cremona", "Crema"}
    assert not offers.exclude(status=OfferStatus.OPEN).exists()
    # the volunteer's own offer, checked by the community worker
    assert offers.filter(submitted_by__email=data.CITIZEN_EMAIL).count() == 2
    run = MatchingRun.objects.get(network=network)
    matches = Match.objects.filter(network=network)
    assert matches.count() == run.proposed >= 8
    statuses = set(matches.values_list("status", flat=True))
    assert statuses == {s.value for s in MatchStatus}
    assert AuditEvent.objects.filter(object_type="exchange.offer", action="create").count() == offers.count()
    # a second run writes nothing
    load_demo(small=True)
    assert Match.objects.filter(network=network).count() == matches.count()
