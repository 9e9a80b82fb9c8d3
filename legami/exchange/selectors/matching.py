"""Reads of matches: the operators' list, one match, the proposals waiting for a side's answer, the engine's runs.

An operator sees the matches of the needs they may see (district, case team); a side sees the matches it takes
part in, and of the other side only what it needs to say yes: the area, where (Comune and neighbourhood), when,
and the reasons; never the need's description nor who the person is.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from legami.core.models import Job
from legami.core.permissions import can
from legami.exchange.capabilities import MANAGE_MATCHES, OFFER_OWN
from legami.exchange.models import MATCHING_JOB_KIND, Match, MatchEvent, MatchingRun, MatchStatus
from legami.exchange.selectors.offers import staff_organization_ids
from legami.needs.models import NeedArea
from legami.needs.selectors.needs import needs_for_user
from legami.network.models import Network
from legami.territory.models import Municipality

_JOINS = ("need__area", "need__municipality", "need__neighbourhood", "need__person", "offer__municipality")


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def matches_for_user(
    viewer: Any, network: Network, *, status: str = "", area: Any = None, run: Any = None
) -> QuerySet[Match]:
    """The matches of the needs `viewer` may see (operators who run matching), filtered, newest first."""
    if not can(viewer, MANAGE_MATCHES, network):
        return Match.objects.none()
    qs = Match.objects.filter(network=network, need__in=needs_for_user(viewer, network).values("pk"))
    if status:
        qs = qs.filter(status=status)
    if area:
        qs = qs.filter(need__area_id=_pk(area))
    if run:
        qs = qs.filter(run_id=_pk(run))
    return qs.order_by("-created_at", "-id")


def _side_filter(viewer: Any, network: Network) -> Q:
    """The matches `viewer` takes part in: on a need of theirs, or on their own offer."""
    side = Q(need__person__user_id=viewer.pk)
    if can(viewer, OFFER_OWN, network):
        side |= Q(offer__submitted_by_id=viewer.pk) | Q(offer__person__user_id=viewer.pk)
        organizations = staff_organization_ids(viewer, network)
        if organizations:
            side |= Q(offer__organization_id__in=organizations)
    return side


def my_matches(viewer: Any, network: Network) -> list[Match]:
    """The matches `viewer` takes part in as a side, live ones first (a citizen's page)."""
    if not getattr(viewer, "is_authenticated", False):
        return []
    qs = (
        Match.objects.filter(network=network)
        .filter(_side_filter(viewer, network))
        .select_related(*_JOINS, "offer__organization")
        .order_by("-created_at", "-id")
    )
    rows = list(qs[:200])
    live = (MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.ACTIVE)
    return sorted(rows, key=lambda m: m.status not in live)


def get_match_for_user(viewer: Any, network: Network, pk: Any) -> Match:
    """One match `viewer` may see: an operator's (on a need they may see) or a side's own; 404 otherwise."""
    match = (
        Match.objects.filter(network=network, pk=pk)
        .select_related(*_JOINS, "offer__organization", "offer__person", "run", "network")
        .first()
    )
    if match is None:
        raise Http404
    if can(viewer, MANAGE_MATCHES, network) and needs_for_user(viewer, network).filter(pk=match.need_id).exists():
        return match
    if (
        getattr(viewer, "is_authenticated", False)
        and Match.objects.filter(Q(pk=match.pk) & _side_filter(viewer, network)).exists()
    ):
        return match
    raise Http404


def match_history(match: Match) -> QuerySet[MatchEvent]:
    """The match's history, oldest first, with who did each step."""
    return match.events.select_related("actor").order_by("created_at", "id")


def matching_runs(viewer: Any, network: Network, limit: int = 10) -> list[MatchingRun]:
    """The engine's latest runs in the network (operators who run matching)."""
    if not can(viewer, MANAGE_MATCHES, network):
        return []
    return list(MatchingRun.objects.filter(network=network).select_related("started_by")[:limit])


def get_run_for_user(viewer: Any, network: Network, pk: Any) -> MatchingRun:
    """One run of the engine; 404 for those who do not run matching."""
    if not can(viewer, MANAGE_MATCHES, network):
        raise Http404
    run = MatchingRun.objects.filter(network=network, pk=pk).select_related("started_by").first()
    if run is None:
        raise Http404
    return run


def matching_jobs_under_way(viewer: Any, network: Network) -> list[Job]:
    """The network's runs of the engine queued or running (at most one: a second is refused), for operators."""
    if not can(viewer, MANAGE_MATCHES, network):
        return []
    return list(
        Job.objects.filter(
            network=network, kind=MATCHING_JOB_KIND, status__in=[Job.Status.QUEUED, Job.Status.RUNNING]
        ).select_related("actor")
    )


def get_matching_job_for_user(viewer: Any, network: Network, pk: Any) -> Job:
    """One run of the engine as a job (queued, running or finished); 404 for those who do not run matching and for
    any other job."""
    if not can(viewer, MANAGE_MATCHES, network):
        raise Http404
    job = Job.objects.filter(network=network, kind=MATCHING_JOB_KIND, pk=pk).select_related("actor").first()
    if job is None:
        raise Http404
    return job


def job_run(job: Job) -> MatchingRun | None:
    """The run a finished matching job wrote (None while it runs, when it failed, or if the run is gone)."""
    run_id = (job.result or {}).get("run") if job.status == Job.Status.SUCCEEDED else None
    if not isinstance(run_id, int):
        return None
    return MatchingRun.objects.filter(network_id=job.network_id, pk=run_id).first()


def job_filter_names(job: Job) -> list[str]:
    """The names of the area and Comune a queued run is limited to, in that order (empty: every open need)."""
    filters = (job.result or {}).get("filters") or {}
    names: list[str] = []
    if filters.get("area"):
        area = NeedArea.objects.filter(network_id=job.network_id, pk=filters["area"]).values_list("name", flat=True)
        names.extend(area[:1])
    if filters.get("municipality"):
        names.extend(Municipality.objects.filter(pk=filters["municipality"]).values_list("name", flat=True)[:1])
    return names
