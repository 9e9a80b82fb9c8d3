"""The life of a background Job, shared by every app that queues one (imports, aggregation runs…).

A job is queued by a service, run once by a task (a retried task or a second worker never runs it
again), and finished with its outcome; its page polls `processed`/`total`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from legami.core.importing import ImportFileError
from legami.core.models import Job

logger = logging.getLogger(__name__)


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


def run_file_import(
    *,
    job: Job,
    import_file: Callable[..., Any],
    refused_message: str | Promise,
    success_result: Callable[[Any], dict],
    kind: str | None = None,
    progress: Callable[..., None] | None = None,
    max_errors: int = 500,
) -> Job:
    """Run a queued file import once: `import_file(actor=, network=, file=, file_name=, progress=)` checks every row
    and writes all or nothing; its outcome (`ok`, `total`, `errors`) is recorded on the job in the actor's language."""
    if not claim_job(job, kind=kind):
        # Already run (a retried task, or a second worker): never import the same file twice.
        return job
    actor = job.actor

    def report(processed: int, total: int, *, phase: str = "validating") -> None:
        # Short writes outside the import's transaction, so the job page sees them at once.
        Job.objects.filter(pk=job.pk).update(processed=processed, total=total, result={"phase": phase})
        if progress is not None:
            progress(processed, total, phase=phase)

    with translation.override(job_language(job)):
        try:
            if actor is None:
                raise PermissionDenied
            with job.file.open("rb") as handle:
                outcome = import_file(
                    actor=actor, network=job.network, file=handle, file_name=job.original_name, progress=report
                )
        except PermissionDenied:
            finish_job(job, failed=True, result={"file_error": str(refused_message)})
        except ImportFileError as exc:
            finish_job(job, failed=True, result={"file_error": str(exc)})
        except Exception:
            unexpected = gettext("The import stopped because of an unexpected error. Nothing was imported.")
            finish_job(job, failed=True, result={"file_error": unexpected})
            raise
        else:
            counts = {"processed": outcome.total, "total": outcome.total}
            if outcome.ok:
                finish_job(job, failed=False, result=success_result(outcome), **counts)
            else:
                finish_job(
                    job,
                    failed=True,
                    errors=[e.as_dict() for e in outcome.errors[:max_errors]],
                    result={"error_count": len(outcome.errors), "bad_rows": len({e.row for e in outcome.errors})},
                    **counts,
                )
    return job
