"""Background tasks of the network app, run by `manage.py db_worker` (django-tasks, database backend)."""

from __future__ import annotations

import logging

from django_tasks import task

from legami.core.models import Job

logger = logging.getLogger(__name__)


@task()
def import_people_task(job_id: int) -> dict:
    """Run the people import saved in Job `job_id` and return its final status."""
    # Imported here: the services module enqueues this task, so a top-level import would be circular.
    from legami.network.services.imports import run_people_import

    job = Job.objects.select_related("network", "actor").filter(pk=job_id).first()
    if job is None:
        logger.warning("People import job %s no longer exists", job_id)
        return {"job": job_id, "status": "missing"}
    run_people_import(job=job)
    return {"job": job_id, "status": job.status}
