"""Writes of demand aggregation: runs of the engine, queued as background jobs, that propose candidate demands."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from legami.aggregation import summaries
from legami.aggregation.capabilities import REVIEW_DEMANDS as REVIEW
from legami.aggregation.describing import describe, engine_settings, need_record, similarities
from legami.aggregation.models import AGGREGATION_JOB_KIND, AggregatedDemand, DemandItem, DemandStatus
from legami.aggregation.selectors.runs import SIZE_BUCKETS
from legami.aggregation.services.demands import (
    DEMAND_WORKFLOW,
    OPEN_NEED_STATUSES,
    _apply,
    _engine,
    _refuse,
)
from legami.core import inputs
from legami.core.audit import record_event
from legami.core.jobs import claim_job, enqueue_job, finish_job, job_language, job_under_way, run_queued_job
from legami.core.models import AuditEvent, Job
from legami.core.permissions import require
from legami.needs.models import Need, NeedArea
from legami.network.models import Network

logger = logging.getLogger(__name__)

S = DemandStatus

# Demands whose needs a run leaves alone.
SETTLED_DEMAND_STATUSES = (S.ACCEPTED, S.ANSWERED, S.CLOSED)
MIN_DISTANCE_KM, MAX_DISTANCE_KM = 0.1, 50.0
MIN_GROUP, MAX_GROUP = 2, 100
PROGRESS_SECONDS = 1.0


MIN_COHESION, MAX_COHESION = 0, 100

_DISTANCE = _("Choose a distance between %(low)s and %(high)s km.")
_GROUP = _("A group must have between %(low)d and %(high)d needs.")
_COHESION = _("The minimum cohesion is a percentage between %(low)d and %(high)d.")

# The settings of a run: how far apart needs may be, and how many make a group; one message each, whatever is wrong.
RUN_INPUTS = inputs.Rules(
    {
        "distance_km": inputs.Decimal(
            required=True,
            empty_code="invalid",
            min_value=Decimal(str(MIN_DISTANCE_KM)),
            max_value=Decimal(str(MAX_DISTANCE_KM)),
            messages={"invalid": _DISTANCE, "min_value": _DISTANCE, "max_value": _DISTANCE},
            params={"low": "0,1", "high": "50"},
        ),
        "min_group_size": inputs.Integer(
            required=True,
            empty_code="invalid",
            min_value=MIN_GROUP,
            max_value=MAX_GROUP,
            messages={"invalid": _GROUP, "min_value": _GROUP, "max_value": _GROUP},
            params={"low": MIN_GROUP, "high": MAX_GROUP},
        ),
        # percent, so that the form, the API and the run page speak the same figure as the candidates' pages
        "min_cohesion": inputs.Integer(
            required=True,
            empty_code="invalid",
            min_value=MIN_COHESION,
            max_value=MAX_COHESION,
            messages={"invalid": _COHESION, "min_value": _COHESION, "max_value": _COHESION},
            params={"low": MIN_COHESION, "high": MAX_COHESION},
        ),
    }
)


def _check_run_settings(distance_km: Any, min_group_size: Any, min_cohesion: Any = None) -> tuple[float, int, int]:
    """The distance, smallest group and minimum cohesion (percent) of a run, the site's defaults for those not
    given, checked by RUN_INPUTS."""
    values = RUN_INPUTS.clean(
        {
            "distance_km": settings.LEGAMI_AGGREGATION_DISTANCE_KM if distance_km is None else distance_km,
            "min_group_size": settings.LEGAMI_AGGREGATION_MIN_GROUP_SIZE if min_group_size is None else min_group_size,
            "min_cohesion": settings.LEGAMI_AGGREGATION_MIN_COHESION if min_cohesion is None else min_cohesion,
        }
    )
    return float(values["distance_km"]), values["min_group_size"], values["min_cohesion"]


def start_aggregation(
    *,
    actor: Any,
    network: Network,
    distance_km: float | None = None,
    min_group_size: int | None = None,
    min_cohesion: int | None = None,
) -> Job:
    """Queue a run of the engine over the network's open needs; refused while another run is queued or running."""
    require(actor, REVIEW, network)
    distance, size, cohesion = _check_run_settings(distance_km, min_group_size, min_cohesion)
    run_settings = {"distance_km": distance, "min_group_size": size, "min_cohesion": cohesion}
    with transaction.atomic():
        if job_under_way(network, AGGREGATION_JOB_KIND):
            raise _refuse(gettext("An aggregation run is already under way: wait for it to finish."), code="busy")
        job = Job.objects.create(
            network=network,
            kind=AGGREGATION_JOB_KIND,
            actor=actor,
            result={"settings": run_settings},
        )
        record_event(
            actor=actor, action=AuditEvent.Action.CREATE, obj=job, after={"kind": AGGREGATION_JOB_KIND, **run_settings}
        )
        transaction.on_commit(lambda: _enqueue_run(job.pk))
    return job


def _enqueue_run(job_id: int) -> None:
    enqueue_job(
        job_id=job_id,
        task=run_aggregation_task,
        error_key="error",
        error_message=gettext("The run could not be queued. Try again later."),
    )


def _input_needs(network: Network) -> list[Need]:
    return list(
        Need.objects.filter(network=network, status__in=OPEN_NEED_STATUSES)
        .exclude(demand_item__demand__status__in=SETTLED_DEMAND_STATUSES)
        .select_related("area", "municipality", "neighbourhood")
        .order_by("id")
    )


def run_aggregation(*, job: Job, engine: Any = None) -> Job:
    """Run a queued aggregation job: group the open needs, replace the network's candidates, record the outcome."""
    if not claim_job(job):
        # Already run (a retried task, or a second worker).
        return job
    actor = job.actor
    language = job_language(job)
    options = (job.result or {}).get("settings", {})
    with translation.override(language):
        try:
            if actor is not None:
                require(actor, REVIEW, job.network)
            result = _run(job=job, engine=engine or _engine(), options=options)
        except PermissionDenied:
            _finish(job, failed=True, result={"error": gettext("You are no longer allowed to run the aggregation.")})
        except Exception as exc:
            logger.exception("Aggregation job %s failed", job.pk)
            _finish(
                job,
                failed=True,
                result={
                    "error": gettext("The run stopped because of an unexpected error (%(error)s). Nothing was changed.")
                    % {"error": type(exc).__name__},
                    "settings": options,
                },
            )
        else:
            _finish(job, failed=False, result={**result, "settings": options})
    return job


# The task sits beside the service that queues it: a tasks module calling back into this one would make the
# two modules import each other. `legami.aggregation.tasks` keeps its old name for runs queued before.
@task()
def run_aggregation_task(job_id: int) -> dict:
    """Run the aggregation saved in Job `job_id` and return its final status (run by `manage.py db_worker`)."""
    return run_queued_job(job_id, lambda job: run_aggregation(job=job), what="Aggregation")


def _run(*, job: Job, engine: Any, options: dict) -> dict:
    network = job.network
    needs = _input_needs(network)
    # What the network's coordinator and reviewers taught: its vocabulary and the evidence not undone.
    from legami.aggregation.selectors.learning import active_evidence_used
    from legami.aggregation.selectors.vocabulary import network_vocabulary

    vocabulary, (evidence_ids, evidence) = network_vocabulary(network), active_evidence_used(network)
    total = len(needs)
    Job.objects.filter(pk=job.pk).update(total=total, processed=0)
    records = [need_record(n, engine) for n in needs]
    percent = options.get("min_cohesion")
    min_cohesion = (percent if percent is not None else settings.LEGAMI_AGGREGATION_MIN_COHESION) / 100
    run_settings = engine_settings(
        engine,
        distance_km=options.get("distance_km"),
        min_group_size=options.get("min_group_size"),
        min_cohesion=min_cohesion,
    )
    outcome = _engine_run(engine)(
        records, run_settings, progress=_progress_of(job), vocabulary=vocabulary, evidence=evidence
    )
    misfiled = {int(i): str(area) for i, area in (getattr(outcome, "misfiled", None) or {}).items()}
    min_size = max(getattr(run_settings, "min_group_size", MIN_GROUP), 2)
    distance = getattr(run_settings, "distance_km", None)
    kept = []
    for group in outcome.groups:
        # A need the engine thinks is filed under the wrong area is flagged, never grouped on weak words.
        members = [i for i in group.members if i not in misfiled]
        if len(members) != len(group.members):
            group = dataclasses.replace(group, members=members)
        # Whatever the engine does with it, a group under the minimum cohesion is not proposed.
        if len(members) >= min_size and float(group.cohesion) >= min_cohesion:
            kept.append(group)
    with transaction.atomic():
        replaced = AggregatedDemand.objects.filter(network=network, status=S.CANDIDATE)
        replaced_count = replaced.count()
        replaced.delete()
        proposals = []
        for group in kept:
            members = [needs[i] for i in group.members]
            description = _describe_group(group, members, distance_km=distance, vocabulary=vocabulary)
            proposals.append((group, members, description))
        titles = summaries.distinct_titles(
            [d.title_parts or summaries.TitleParts(title=d.title) for _g, _m, d in proposals]
        )
        for (group, members, description), title in zip(proposals, titles, strict=True):
            description.title = title
            closeness = similarities(engine, [records[i] for i in group.members], run_settings, group)
            _propose(job, group, members, closeness, description)
        created, grouped = len(kept), sum(len(group.members) for group in kept)
        # Needs of the deleted candidates are free again: their items went with the demands.
        record_event(
            actor=job.actor,
            action=AuditEvent.Action.CREATE,
            object_type=AggregatedDemand._meta.label_lower,
            object_repr=f"run #{job.pk}",
            network=network,
            after={"candidates": created, "replaced": replaced_count, "needs": total, "grouped": grouped},
        )
    # The attach suggestions change with the candidates: the run stores them (the page reads them).
    from legami.aggregation.services.suggestions import store_suggestions

    suggestions = store_suggestions(network, engine=engine, vocabulary=vocabulary, evidence=evidence)
    return {
        "evidence": evidence_ids,
        "needs": total,
        "candidates": created,
        "grouped_needs": grouped,
        "replaced": replaced_count,
        "suggestions": suggestions,
        "sizes": size_counts(len(group.members) for group in kept),
        "misfiled": _misfiled_entries(network, needs, misfiled),
    }


def _misfiled_entries(network: Network, needs: list[Need], misfiled: dict[int, str]) -> list[dict]:
    """The job's record of the misfiled needs: the need and the id of the area its text points to (the engine
    names areas by code; a code the network does not use is left out)."""
    if not misfiled:
        return []
    ids = dict(NeedArea.objects.filter(network=network, code__in=set(misfiled.values())).values_list("code", "pk"))
    return [{"need": needs[i].pk, "area": ids[code]} for i, code in sorted(misfiled.items()) if code in ids]


def size_counts(sizes: Iterable[int]) -> dict[str, int]:
    """How many candidates of each size bucket (SIZE_BUCKETS), every bucket present."""
    counts = dict.fromkeys((label for label, _low, _high in SIZE_BUCKETS), 0)
    for size in sizes:
        for label, low, high in SIZE_BUCKETS:
            if size >= low and (high is None or size <= high):
                counts[label] += 1
                break
    return counts


def _engine_run(engine: Any) -> Callable[..., Any]:
    """The engine's `run` (groups and misfiled needs); an engine with only `aggregate` (an older one, a test
    double) flags nothing as misfiled."""
    run = getattr(engine, "run", None)
    if run is not None:
        return run

    def standin(records: Any, run_settings: Any, progress: Any = None, **kwargs: Any) -> Any:
        return _Outcome(groups=list(engine.aggregate(records, run_settings, progress=progress, **kwargs)), misfiled={})

    return standin


@dataclasses.dataclass
class _Outcome:
    groups: list
    misfiled: dict


def _describe_group(group: Any, members: list[Need], *, distance_km: Any, vocabulary: Any = None) -> Any:
    windows_any = getattr(group, "windows_any", None)
    return describe(
        members,
        area_name=members[0].area.name,
        keywords=list(group.keywords),
        windows=list(group.common_windows),
        windows_any=list(windows_any) if windows_any is not None else None,
        distance_km=distance_km,
        vocabulary=vocabulary,
    )


def _progress_of(job: Job) -> Callable[[int, int], None]:
    """The engine's progress callback: one short UPDATE at most every PROGRESS_SECONDS, whatever its pace."""
    last = {"at": 0.0}

    def progress(done: int, of: int) -> None:
        now = time.monotonic()
        if done >= of or now - last["at"] >= PROGRESS_SECONDS:
            last["at"] = now
            Job.objects.filter(pk=job.pk).update(processed=min(done, of), total=of)

    return progress


def _propose(job: Job, group: Any, members: list[Need], closeness: list[float], description: Any) -> None:
    """One candidate demand for a group the engine found, with its items and the first step of its history."""
    demand = AggregatedDemand(
        network=job.network, status=S.CANDIDATE, area_id=members[0].area_id, cohesion=float(group.cohesion), job=job
    )
    _apply(demand, description, keep_title=False)
    demand.save()
    DemandItem.objects.bulk_create(
        DemandItem(demand=demand, need=need, source=DemandItem.Source.ENGINE, similarity=sim)
        for need, sim in zip(members, closeness, strict=True)
    )
    DEMAND_WORKFLOW.record(
        demand, actor=job.actor, from_state="", note=gettext("Proposed by aggregation run no. %(n)s") % {"n": job.pk}
    )


def _finish(job: Job, *, failed: bool, result: dict) -> None:
    needs = job.total if failed else result.get("needs", job.total)
    finish_job(job, failed=failed, result=result, processed=job.processed if failed else needs, total=needs)
