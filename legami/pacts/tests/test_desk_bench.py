"""The benchmark's seed of cases, pacts and referrals (benchmarks/pacts.py): its rows hold together and the desk
pages it measures answer."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_pacts_seed_builds_desks_to_measure(client):
    from benchmarks.pacts import MEASURED_CASES, endpoints
    from benchmarks.seed import populate
    from legami.pacts.models import CaseMember, Pact
    from legami.pacts.selectors.desk import desk_for
    from legami.referrals.models import Referral

    seeded = populate(people=150, pacts=60, referrals=120)
    part = seeded.pacts

    assert (part.cases, part.referrals) == (60, 120)
    assert Pact.objects.filter(network=seeded.network).count() == part.pacts >= 60
    assert Referral.objects.filter(network=seeded.network).count() == 120
    assert CaseMember.objects.filter(user=part.case_manager, role="manager").count() == MEASURED_CASES
    # every pact with a version in force has it among its own versions
    for pact in Pact.objects.filter(network=seeded.network, current_version__isnull=False):
        assert pact.current_version.pact_id == pact.pk
    desk = desk_for(part.case_manager, seeded.network)
    assert desk.cases.count > 0 and desk.referrals is not None

    pages = endpoints(
        seeded.network.slug, part, coordinator=seeded.coordinator, coordinator_cookie="x", session_cookie=lambda u: "y"
    )
    for page in pages:
        client.force_login(page.viewer)
        assert client.get(page.path).status_code == 200, page.path
