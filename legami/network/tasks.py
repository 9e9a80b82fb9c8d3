"""Background tasks of the network app, run by `manage.py db_worker` (django-tasks, database backend)."""

from __future__ import annotations

import logging

from django_tasks import task

from legami.core.models import Job
from legami.network.models import Network
from legami.network.services.audit import run_audit_verification
from legami.network.services.personal_data import anonymise_expired_people

logger = logging.getLogger(__name__)


@task()
def anonymise_expired_task(network_slug: str = "") -> dict:
    """Anonymise the people whose retention has ended, in one network or in all; returns the counts per network."""
    network = None
    if network_slug:
        network = Network.objects.filter(slug=network_slug).first()
        if network is None:
            logger.warning("anonymise_expired: no network %r", network_slug)
            return {"network": network_slug, "status": "missing"}
    runs = anonymise_expired_people(network=network)
    for run in runs:
        if run.anonymised:
            logger.info("anonymise_expired: %s: %s people anonymised", run.network.slug, run.anonymised)
    return {run.network.slug: {"due": run.due, "anonymised": run.anonymised} for run in runs}


@task()
def verify_audit_task(job_id: int) -> dict:
    """Verify a network's audit chain for the verification Job `job_id`; return the job's final status."""
    job = Job.objects.select_related("network", "actor").filter(pk=job_id).first()
    if job is None:
        logger.warning("Audit verification job %s no longer exists", job_id)
        return {"job": job_id, "status": "missing"}
    run_audit_verification(job)
    return {"job": job_id, "status": job.status}
