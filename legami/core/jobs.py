"""The life of a background Job, shared by every app that queues one (imports, aggregation runs…).

A job is queued by a service, run once by a task (a retried task or a second worker never runs it
again), and finished with its outcome; its page polls `processed`/`total`. Imports run through
legami.core.imports.pipeline.run_import_job.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.functional import Promise

from legami.core.models import Job

logger = logging.getLogger(__name__)


def job_under_way(network: Any, kind: str) -> bool:
    """True when a job of `kind` is queued or running in `network`. Call it inside the transaction that creates the
    next one: it locks the network's row first, so two simultaneous starts take turns and the second sees the
    first's job (a no-op on SQLite, whose writes are serial anyway)."""
    type(network).objects.select_for_update().filter(pk=network.pk).first()
    return Job.objects.filter(network=network, kind=kind, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exists()


def enqueue_job(*, job_id: int, task: Any, error_key: str, error_message: str | Promise) -> None:
    """Queue `task(job_id)`; if the queue refuses it, fail the job with `error_message` under `error_key`."""
    try:
        result = task.enqueue(job_id)
    except Exception:
        logger.exception("Could not queue job %s", job_id)
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), result={error_key: str(error_message)}
        )
        return
    Job.objects.filter(pk=job_id).update(task_result_id=str(result.id)[:64])


def claim_job(job: Job, *, kind: str | None = None) -> bool:
    """Move a queued job to running, atomically; False (and the job refreshed) when it was already taken."""
    queued = Job.objects.filter(pk=job.pk, status=Job.Status.QUEUED)
    if kind is not None:
        queued = queued.filter(kind=kind)
    claimed = bool(queued.update(status=Job.Status.RUNNING, started_at=timezone.now()))
    job.refresh_from_db()
    return claimed


def job_language(job: Job) -> str:
    """The language the job's messages are written in: its actor's."""
    return getattr(job.actor, "preferred_language", "") or settings.LANGUAGE_CODE


def finish_job(job: Job, *, failed: bool, result: dict, errors: list | None = None, **counts: int) -> None:
    """Record the outcome; an uploaded file (personal data) is deleted once read."""
    job.status = Job.Status.FAILED if failed else Job.Status.SUCCEEDED
    job.result = result
    job.errors = errors or []
    job.finished_at = timezone.now()
    for name, value in counts.items():
        setattr(job, name, value)
    if job.file:
        job.file.delete(save=False)
    job.save(update_fields=["status", "result", "errors", "finished_at", "file", "updated_at", *counts])


def run_queued_job(job_id: int, run: Callable[[Job], Any], *, what: str) -> dict:
    """The body of every job task: load Job `job_id` with its network and actor, `run` it, return its final status
    (`missing` when the job was deleted meanwhile; `what` names it in the log)."""
    job = Job.objects.select_related("network", "actor").filter(pk=job_id).first()
    if job is None:
        logger.warning("%s job %s no longer exists", what, job_id)
        return {"job": job_id, "status": "missing"}
    run(job)
    return {"job": job_id, "status": job.status}
