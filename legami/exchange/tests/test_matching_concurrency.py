"""Simultaneous starts of the matching engine on PostgreSQL: one run is queued, the others are refused.

Each thread has its own connection; the network's row lock makes the starts take turns, so the second sees the
first's job. SQLite has one writer at a time and no row locks: this test runs on PostgreSQL only.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from legami.core.models import Job
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.core.tests.concurrency import run_together
from legami.exchange.models import MATCHING_JOB_KIND
from legami.exchange.services import matching as svc

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_starts_queue_exactly_one_run(settings):
    # Queued jobs wait, as they do for a worker: a run finished at once would let the next start rightly.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    network = f.NetworkFactory()
    operators = []
    for n in range(6):
        user = f.UserFactory(email=f"operatore{n}@example.org")
        f.MembershipFactory(network=network, user=user, role=Role.COMMUNITY_WORKER)
        operators.append(user)

    def start(actor) -> str:
        try:
            svc.start_matching(actor=actor, network=network)
        except ValidationError as exc:
            return exc.code or ""
        return "queued"

    results = run_together(*(lambda actor=actor: start(actor) for actor in operators))
    errors = [r for r in results if isinstance(r, Exception)]
    outcomes = [r for r in results if not isinstance(r, Exception)]
    assert errors == []
    assert sorted(outcomes) == ["busy"] * 5 + ["queued"]
    assert Job.objects.filter(network=network, kind=MATCHING_JOB_KIND).count() == 1
