"""The one background task of every import, run by `manage.py db_worker` (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from legami.core.imports.pipeline import run_import_job
from legami.core.imports.registry import declaration_for
from legami.core.jobs import run_queued_job


@task()
def run_import_task(job_id: int) -> dict:
    """Run the import saved in Job `job_id` with the declaration registered for its kind; return its final status."""
    return run_queued_job(
        job_id, lambda job: run_import_job(job=job, declaration=declaration_for(job.kind)), what="Import"
    )
