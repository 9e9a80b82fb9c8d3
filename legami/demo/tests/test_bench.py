"""The benchmark's own pieces: the bare baseline view and the data it seeds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from legami.network.models import Membership, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "legami.bench_urls"


def test_bare_view_is_query_free_for_anonymous_visitors(bench_urls, client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/__bench__/bare/")

    assert response.status_code == 200
    assert response.content == b"ok"
    assert len(ctx.captured_queries) == 0


def test_bare_view_loads_the_session_of_a_logged_in_user(bench_urls, cast, login):
    client = login(cast.coordinator)

    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/__bench__/bare/")

    assert response.content == b"ok, logged in"
    # The session, the user, and the device its two-factor verification went through (django-otp's middleware).
    assert len(ctx.captured_queries) == 3


def test_bare_view_only_answers_get(bench_urls, client):
    assert client.post("/__bench__/bare/").status_code == 405


def test_application_urls_still_resolve_under_the_benchmark_urlconf(bench_urls, client):
    assert client.get("/healthz").status_code == 200


def test_benchmark_seed_builds_a_network_the_coordinator_can_browse(client):
    from benchmarks.seed import SEARCH_TERM, populate

    seeded = populate(people=300)

    assert Person.objects.filter(network=seeded.network).count() == 300 == seeded.people
    assert Membership.objects.get(user=seeded.coordinator, network=seeded.network).role == "coordinator"
    client.force_login(seeded.coordinator)
    assert client.get(f"/{seeded.network.slug}/people/").status_code == 200
    assert client.get(f"/{seeded.network.slug}/people/", {"q": SEARCH_TERM}).status_code == 200
