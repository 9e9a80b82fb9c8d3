"""Reads of co-design tables: who sees which call and which application, the ranking with per-criterion means."""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from legami.core.permissions import can, grants
from legami.core.roles import OPERATORS, Role
from legami.network.models import Network
from legami.responses.capabilities import MANAGE_COPROGRAMMING, SCORE_APPLICATIONS
from legami.responses.models import (
    Application,
    ApplicationStatus,
    CallEvent,
    CallStatus,
    CoDesignCall,
    Criterion,
    Response,
    Score,
)


def sees_drafts(user: Any, network: Network) -> bool:
    """Draft calls are seen by those who run them."""
    return can(user, MANAGE_COPROGRAMMING, network)


def calls_for(user: Any, network: Network, *, status: str = "") -> QuerySet[CoDesignCall]:
    """The calls `user` may see, newest first, with their number of applications."""
    calls = CoDesignCall.objects.filter(network=network)
    if not sees_drafts(user, network):
        calls = calls.exclude(status=CallStatus.DRAFT)
    if status:
        calls = calls.filter(status=status)
    return (
        calls.prefetch_related("municipalities")
        .annotate(
            applications_total=Count(
                "applications", filter=~Q(applications__status=ApplicationStatus.WITHDRAWN), distinct=True
            )
        )
        .order_by("-opens_on", "-id")
    )


def get_call_for(user: Any, network: Network, pk: int) -> CoDesignCall:
    """One call `user` may see (404 for a draft to those who do not run calls, or for another network's)."""
    calls = CoDesignCall.objects.filter(network=network, pk=pk)
    if not sees_drafts(user, network):
        calls = calls.exclude(status=CallStatus.DRAFT)
    found = (
        calls.select_related("network", "coprogramming", "process", "created_by")
        .prefetch_related("municipalities", Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id")))
        .first()
    )
    if found is None:
        raise Http404
    return found


def get_criterion_for(user: Any, network: Network, pk: int) -> Criterion:
    """One criterion of a call `user` may see (404 for a draft's to those who do not run calls)."""
    criteria = Criterion.objects.select_related("call__network").filter(pk=pk, call__network=network)
    if not sees_drafts(user, network):
        criteria = criteria.exclude(call__status=CallStatus.DRAFT)
    found = criteria.first()
    if found is None:
        raise Http404
    return found


def call_events(call: CoDesignCall) -> QuerySet[CallEvent]:
    """The call's history, oldest first."""
    return call.events.select_related("actor")


def sees_every_application(user: Any, network: Network) -> bool:
    """Operators, evaluators and coordinators read every application; partner staff only their organisation's,
    funders none (they read the ranking)."""
    roles = {g.role for g in grants(user, network)}
    return bool(roles & (OPERATORS | {Role.EVALUATOR})) or can(user, SCORE_APPLICATIONS, network)


def own_organization_ids(user: Any, network: Network) -> set[int]:
    return {g.organization_id for g in grants(user, network) if g.organization_id is not None}


def applications_for(user: Any, call: CoDesignCall) -> QuerySet[Application]:
    """The call's applications `user` may read, ranked first, with their organisation and partners."""
    applications = call.applications.select_related("organization").prefetch_related("partners")
    if not sees_every_application(user, call.network):
        applications = applications.filter(organization_id__in=own_organization_ids(user, call.network))
    return applications.order_by("rank", "created_at", "id")


def get_application_for(user: Any, network: Network, pk: int) -> Application:
    """One application `user` may read (404 otherwise, and for a draft call's to those who do not run calls)."""
    applications = Application.objects.filter(network=network, pk=pk)
    if not sees_every_application(user, network):
        applications = applications.filter(organization_id__in=own_organization_ids(user, network))
    if not sees_drafts(user, network):
        applications = applications.exclude(call__status=CallStatus.DRAFT)
    found = (
        applications.select_related("call__network", "organization", "submitted_by")
        .prefetch_related("partners")
        .first()
    )
    if found is None:
        raise Http404
    return found


def scores_by(application: Application, evaluator: Any) -> dict[int, Score]:
    """{criterion id: the evaluator's score} of one application."""
    return {s.criterion_id: s for s in application.scores.filter(evaluator=evaluator)}


def application_scores(application: Application) -> QuerySet[Score]:
    """Every score of the application, by criterion, with the evaluator."""
    return application.scores.select_related("criterion", "evaluator").order_by(
        "criterion__position", "criterion_id", "id"
    )


def ranking(call: CoDesignCall) -> dict[str, Any]:
    """The ranked applications with, per criterion, the mean of the evaluators' scores (2 decimals) and how many
    evaluators scored; the applications not ranked (withdrawn, excluded) after them."""
    criteria = list(call.criteria.order_by("position", "id"))
    scores: dict[tuple[int, int], list[int]] = defaultdict(list)
    for application_id, criterion_id, value in Score.objects.filter(application__call=call).values_list(
        "application_id", "criterion_id", "score"
    ):
        scores[(application_id, criterion_id)].append(value)
    rows: list[dict[str, Any]] = []
    for application in call.applications.select_related("organization").order_by("rank", "created_at", "id"):
        means = []
        for criterion in criteria:
            values = scores.get((application.pk, criterion.pk), [])
            mean = (
                (Decimal(sum(values)) / Decimal(len(values))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                if values
                else None
            )
            means.append({"criterion": criterion, "mean": mean, "count": len(values)})
        rows.append({"application": application, "means": means})
    ranked = [r for r in rows if r["application"].rank is not None]
    others = [r for r in rows if r["application"].rank is None]
    return {"criteria": criteria, "ranked": ranked, "others": others}


def get_convention_response(user: Any, network: Network, pk: int) -> Response:
    """The Response made by a co-design table, for its convention (404 for one that no table made)."""
    found = (
        Response.objects.filter(network=network, pk=pk, call__isnull=False)
        .select_related("call", "call__coprogramming__public_body", "process")
        .prefetch_related("municipalities", "partners__organization", "budget__organization")
        .first()
    )
    if found is None:
        raise Http404
    return found
