"""Background tasks of the network app, run by `manage.py db_worker` (django-tasks, database backend)."""

from __future__ import annotations

import logging

from django_tasks import task

from legami.network.models import Network
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
