"""Reads of demand aggregation: the network's runs of the engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404

from legami.aggregation.models import AGGREGATION_JOB_KIND
from legami.core.models import Job
from legami.needs.models import Need, NeedArea
from legami.needs.selectors.needs import needs_for_user
from legami.network.models import Network

# The size buckets of the run page (the run stores its counts under these labels).
SIZE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("2", 2, 2),
    ("3", 3, 3),
    ("4–5", 4, 5),
    ("6–10", 6, 10),
    ("11+", 11, None),
)


def aggregation_jobs(network: Network, *, limit: int = 10) -> list[Job]:
    """The network's latest aggregation runs, newest first."""
    return list(Job.objects.filter(network=network, kind=AGGREGATION_JOB_KIND).select_related("actor")[:limit])


def get_aggregation_job(network: Network, pk: Any) -> Job:
    """One aggregation run of the network, or 404."""
    job = Job.objects.filter(network=network, kind=AGGREGATION_JOB_KIND, pk=pk).select_related("actor").first()
    if job is None:
        raise Http404
    return job


@dataclass(frozen=True)
class MisfiledNeed:
    """A need a run flagged instead of grouping it: the area it is in and the one its text points to."""

    need_id: int
    area: str
    suggested: str
    visible: bool  # the viewer may open the need (the needs' own rules: case-team needs only to the case team)


def misfiled_needs(viewer: Any, network: Network, job: Job) -> list[MisfiledNeed]:
    """The needs a run flagged as filed under the wrong area and still there, with whether the viewer may open
    each; three queries whatever their number."""
    suggested: dict[int, int] = {}
    for entry in (job.result or {}).get("misfiled") or []:
        try:
            suggested[int(entry["need"])] = int(entry["area"])
        except (KeyError, TypeError, ValueError):
            continue
    if not suggested:
        return []
    current = dict(Need.objects.filter(network=network, pk__in=suggested).values_list("pk", "area_id"))
    visible = set(needs_for_user(viewer, network).filter(pk__in=suggested).values_list("pk", flat=True))
    names = dict(
        NeedArea.objects.filter(network=network, pk__in={*current.values(), *suggested.values()}).values_list(
            "pk", "name"
        )
    )
    return [
        MisfiledNeed(need_id=pk, area=names[current[pk]], suggested=names[area], visible=pk in visible)
        for pk, area in sorted(suggested.items())
        # a need deleted or refiled since the run is no longer a question
        if pk in current and current[pk] != area and current[pk] in names and area in names
    ]


def size_rows(job: Job) -> list[tuple[str, int]]:
    """The run's count of candidates per size, in the order of the buckets."""
    sizes = (job.result or {}).get("sizes") or {}
    return [(label, int(sizes.get(label, 0))) for label, _low, _high in SIZE_BUCKETS] if sizes else []
