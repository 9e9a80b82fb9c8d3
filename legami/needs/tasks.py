"""Background tasks of the needs app, run by `manage.py db_worker` (django-tasks, database backend)."""

from __future__ import annotations

import logging

from django_tasks import task

from legami.core.models import Job

logger = logging.getLogger(__name__)


@task()
def import_needs_task(job_id: int) -> dict:
    """Run the needs import saved in Job `job_id` and return its final status."""
    # Imported here: the services module enqueues this task, so a top-level import would be circular.
    from legami.needs.services.imports import run_needs_import

    job = Job.objects.select_related("network", "actor").filter(pk=job_id).first()
    if job is None:
        logger.warning("Needs import job %s no longer exists", job_id)
        return {"job": job_id, "status": "missing"}
    run_needs_import(job=job)
    return {"job": job_id, "status": job.status}
