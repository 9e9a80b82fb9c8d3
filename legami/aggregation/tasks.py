"""Background tasks of the aggregation app, run by `manage.py db_worker` (django-tasks, database backend)."""

from __future__ import annotations

import logging

from django_tasks import task

from legami.core.models import Job

logger = logging.getLogger(__name__)


@task()
def run_aggregation_task(job_id: int) -> dict:
    """Run the aggregation saved in Job `job_id` and return its final status."""
    # Imported here: the services module enqueues this task, so a top-level import would be circular.
    from legami.aggregation.services import run_aggregation

    job = Job.objects.select_related("network", "actor").filter(pk=job_id).first()
    if job is None:
        logger.warning("Aggregation job %s no longer exists", job_id)
        return {"job": job_id, "status": "missing"}
    run_aggregation(job=job)
    return {"job": job_id, "status": job.status}
