"""The one background task of every import, run by `manage.py db_worker` (django-tasks, database backend)."""

from __future__ import annotations

import logging

from django_tasks import task

from legami.core.imports.pipeline import run_import_job
from legami.core.imports.registry import declaration_for
from legami.core.models import Job

logger = logging.getLogger(__name__)


@task()
def run_import_task(job_id: int) -> dict:
    """Run the import saved in Job `job_id` with the declaration registered for its kind; return its final status."""
    job = Job.objects.select_related("network", "actor").filter(pk=job_id).first()
    if job is None:
        logger.warning("Import job %s no longer exists", job_id)
        return {"job": job_id, "status": "missing"}
    run_import_job(job=job, declaration=declaration_for(job.kind))
    return {"job": job_id, "status": job.status}
