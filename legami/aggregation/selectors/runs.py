"""Reads of demand aggregation: the network's runs of the engine."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from legami.aggregation.models import AGGREGATION_JOB_KIND
from legami.core.models import Job
from legami.network.models import Network


def aggregation_jobs(network: Network, *, limit: int = 10) -> list[Job]:
    """The network's latest aggregation runs, newest first."""
    return list(Job.objects.filter(network=network, kind=AGGREGATION_JOB_KIND).select_related("actor")[:limit])


def get_aggregation_job(network: Network, pk: Any) -> Job:
    """One aggregation run of the network, or 404."""
    job = Job.objects.filter(network=network, kind=AGGREGATION_JOB_KIND, pk=pk).select_related("actor").first()
    if job is None:
        raise Http404
    return job
