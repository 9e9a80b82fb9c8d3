"""core.jobs.run_queued_job: the body every job task shares."""

import pytest

from legami.core.jobs import run_queued_job
from legami.core.models import Job

pytestmark = pytest.mark.django_db


def test_a_deleted_job_is_reported_missing_and_nothing_runs():
    ran = []
    assert run_queued_job(2_000_000_000, ran.append, what="Test") == {"job": 2_000_000_000, "status": "missing"}
    assert ran == []


def test_a_job_is_run_and_its_final_status_returned(cast):
    job = Job.objects.create(network=cast.network, kind="test", actor=cast.coordinator)

    def run(loaded: Job) -> None:
        assert loaded.pk == job.pk and loaded.network == cast.network
        loaded.status = Job.Status.SUCCEEDED

    assert run_queued_job(job.pk, run, what="Test") == {"job": job.pk, "status": Job.Status.SUCCEEDED}
