"""Simultaneous starts of the matching engine on PostgreSQL: one run is queued, the others are refused.

Each thread has its own connection; the network's row lock makes the starts take turns, so the second sees the
first's job. SQLite has one writer at a time and no row locks: this test runs on PostgreSQL only.
"""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from legami.core.models import Job
from legami.core.roles import Role
from legami.core.tests import factories as f
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
    barrier = threading.Barrier(len(operators))
    outcomes: list[str] = []
    errors: list[Exception] = []

    def start(actor) -> None:
        try:
            barrier.wait()
            svc.start_matching(actor=actor, network=network)
            outcomes.append("queued")
        except ValidationError as exc:
            outcomes.append(exc.code or "")
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start, args=(actor,)) for actor in operators]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["busy"] * 5 + ["queued"]
    assert Job.objects.filter(network=network, kind=MATCHING_JOB_KIND).count() == 1
