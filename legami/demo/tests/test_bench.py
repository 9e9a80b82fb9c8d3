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


def test_benchmark_participation_seed_keeps_the_counters_of_its_rows(client):
    from django.db.models import Count

    from benchmarks.participation import SEARCH_TERM, endpoints
    from benchmarks.seed import populate
    from legami.participation.models import Comment, Proposal, Support
    from legami.participation.selectors.processes import open_phase

    seeded = populate(people=50, participation={"proposals": 120, "supports": 900, "comments": 300, "participants": 40})
    part = seeded.participation
    process = part.process

    assert (part.proposals, part.supports, part.comments, part.participants) == (120, 900, 300, 40)
    assert Support.objects.filter(proposal__process=process).count() == 900
    assert Comment.objects.filter(proposal__process=process).count() == 300
    for proposal in Proposal.objects.filter(process=process).annotate(
        supports_n=Count("supports", distinct=True), comments_n=Count("comments", distinct=True)
    ):
        assert (proposal.support_count, proposal.comment_count) == (proposal.supports_n, proposal.comments_n)
    # nobody supports more than the process allows, nor a withdrawn proposal
    per_user = Support.objects.filter(proposal__process=process).values("user").annotate(n=Count("pk"))
    assert max(row["n"] for row in per_user) <= process.support_limit
    assert not Support.objects.filter(proposal__process=process, proposal__status="withdrawn").exists()
    # threads: replies belong to their parent's proposal, one level below it, at most depth 2
    for reply in Comment.objects.filter(proposal__process=process, parent__isnull=False).select_related("parent"):
        assert reply.parent.proposal_id == reply.proposal_id
        assert reply.depth == reply.parent.depth + 1 <= 2
    assert Proposal.objects.filter(process=process, title__icontains=SEARCH_TERM).exists()
    # the process is public, and its current phase takes proposals, supports and comments today
    assert process.status == "published"
    assert open_phase(process, "supports_open") is not None
    assert open_phase(process, "proposals_open") is not None
    pages = endpoints(
        seeded.network.slug, part, coordinator=seeded.coordinator, coordinator_cookie="c", participant_cookie="p"
    )
    assert {page.key for page in pages} >= {"process", "proposals", "proposals_member", "proposals_search"}
    for page in pages:  # every page measured answers, anonymously or as the participant it is measured for
        if page.cookie:
            client.force_login(page.viewer or seeded.coordinator)
        else:
            client.logout()
        response = client.get(page.path)
        assert response.status_code == 200, page.path
    client.force_login(part.participant)
    search = next(page for page in pages if page.key == "proposals_search")
    assert SEARCH_TERM in client.get(search.path).content.decode().lower()
