"""The job lifecycle shared by imports and aggregation runs."""

from legami.core.jobs import claim_job, enqueue_job, finish_job
from legami.core.models import Job


class _Refusing:
    def enqueue(self, job_id):
        raise RuntimeError("queue down")


class _Accepting:
    class _Result:
        id = "task-42"

    def enqueue(self, job_id):
        return self._Result()


def test_a_refused_enqueue_fails_the_job_with_the_message(cast):
    job = Job.objects.create(network=cast.network, kind="x", actor=cast.coordinator)
    enqueue_job(job_id=job.pk, task=_Refusing(), error_key="error", error_message="Riprova più tardi.")
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.result == {"error": "Riprova più tardi."}
    assert job.finished_at is not None


def test_an_accepted_enqueue_keeps_the_task_id(cast):
    job = Job.objects.create(network=cast.network, kind="x", actor=cast.coordinator)
    enqueue_job(job_id=job.pk, task=_Accepting(), error_key="error", error_message="-")
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.task_result_id == "task-42"


def test_a_job_is_claimed_once_and_only_of_its_kind(cast):
    job = Job.objects.create(network=cast.network, kind="needs_import", actor=cast.coordinator)
    assert not claim_job(job, kind="people_import")
    assert job.status == Job.Status.QUEUED
    assert claim_job(job, kind="needs_import")
    assert job.status == Job.Status.RUNNING and job.started_at is not None
    assert not claim_job(job)


def test_finishing_records_the_outcome_and_counts(cast):
    job = Job.objects.create(network=cast.network, kind="x", actor=cast.coordinator, status=Job.Status.RUNNING)
    finish_job(job, failed=False, result={"created": 3}, processed=3, total=3)
    job.refresh_from_db()
    assert (job.status, job.result, job.processed, job.total) == (Job.Status.SUCCEEDED, {"created": 3}, 3, 3)
    assert job.errors == [] and job.finished_at is not None
