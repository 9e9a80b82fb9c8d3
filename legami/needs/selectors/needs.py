"""Reads of needs, scoped to what the viewer may see (district, and case-team needs only for the case team)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet
from django.http import Http404

from legami.core.audit import record_read
from legami.core.permissions import can
from legami.needs.capabilities import VIEW_CASE_NEEDS, VIEW_NEEDS
from legami.needs.models import Need, NeedArea, NeedEvent, PrivacyLevel
from legami.needs.selectors.snapshot import choice_code, current_need_columns, day_key
from legami.network.models import Network
from legami.network.selectors.people import scoped_municipality_ids


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def needs_for_user(
    user: Any,
    network: Network,
    *,
    area: Any = None,
    target_group: str = "",
    municipality: Any = None,
    neighbourhood: Any = None,
    status: str = "",
    expressed: bool | None = None,
    channel: str = "",
    urgency: Any = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Need]:
    """The network's needs the user may see, optionally filtered, newest first.

    None without needs.view_needs; a district-limited viewer sees the needs of their districts' Comuni;
    needs kept to the case team are left out entirely for those without needs.view_case_needs.
    """
    if not can(user, VIEW_NEEDS, network):
        return Need.objects.none()
    qs = Need.objects.filter(network=network)
    scope = scoped_municipality_ids(user, network, VIEW_NEEDS)
    if scope is not None:
        qs = qs.filter(municipality_id__in=scope)
    if not can(user, VIEW_CASE_NEEDS, network):
        qs = qs.exclude(privacy_level=PrivacyLevel.CASE_TEAM)
    else:
        case_scope = scoped_municipality_ids(user, network, VIEW_CASE_NEEDS)
        if case_scope is not None:
            # Case-team needs only from the Comuni where the viewer is on the case team.
            qs = qs.filter(~Q(privacy_level=PrivacyLevel.CASE_TEAM) | Q(municipality_id__in=case_scope))
    if area:
        qs = qs.filter(area_id=_pk(area))
    if target_group:
        qs = qs.filter(target_group=target_group)
    if municipality:
        qs = qs.filter(municipality_id=_pk(municipality))
    if neighbourhood:
        qs = qs.filter(neighbourhood_id=_pk(neighbourhood))
    if status:
        qs = qs.filter(status=status)
    if expressed is not None:
        qs = qs.filter(expressed=expressed)
    if channel:
        qs = qs.filter(channel=channel)
    if urgency:
        qs = qs.filter(urgency=int(urgency))
    if date_from:
        qs = qs.filter(observed_on__gte=date_from)
    if date_to:
        qs = qs.filter(observed_on__lte=date_to)
    return qs.select_related("area", "municipality", "neighbourhood", "person", "household").order_by(
        "-observed_on", "-id"
    )


@dataclass(frozen=True)
class ListScope:
    """Which of the network's needs a user's list holds, before the filters (the rules of needs_for_user)."""

    allowed: bool  # needs.view_needs
    comuni: frozenset[int] | None = None  # None: every Comune
    case_team: bool = False  # needs.view_case_needs
    case_comuni: frozenset[int] | None = None  # where case-team needs are listed; None: everywhere


def _ids(scope: QuerySet | None) -> frozenset[int] | None:
    return None if scope is None else frozenset(scope.values_list("municipality_id", flat=True))


def list_scope(user: Any, network: Network) -> ListScope:
    """The user's ListScope in `network` (a few permission queries)."""
    if not can(user, VIEW_NEEDS, network):
        return ListScope(allowed=False)
    case_team = can(user, VIEW_CASE_NEEDS, network)
    return ListScope(
        allowed=True,
        comuni=_ids(scoped_municipality_ids(user, network, VIEW_NEEDS)),
        case_team=case_team,
        case_comuni=_ids(scoped_municipality_ids(user, network, VIEW_CASE_NEEDS)) if case_team else None,
    )


def count_needs_for_user(
    user: Any,
    network: Network,
    *,
    scope: ListScope | None = None,
    area: Any = None,
    target_group: str = "",
    municipality: Any = None,
    neighbourhood: Any = None,
    status: str = "",
    expressed: bool | None = None,
    channel: str = "",
    urgency: Any = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> int:
    """How many needs needs_for_user() lists with the same arguments, counted on the network's cached snapshot
    (legami.needs.selectors.map.current_need_columns) instead of a COUNT over the table, when this process holds
    them at the current revision (else the COUNT): the list's page numbers.

    The same rules, on arrays: district scope, case-team needs only for the case capability (and, for a
    district-limited case team, only from their Comuni), then each filter.
    """
    scope = scope or list_scope(user, network)
    if not scope.allowed:
        return 0
    needs = current_need_columns(network)
    if needs is None:
        # Just after a write this process has not read the needs again: one COUNT costs less than a reload,
        # which the map will make when it is next shown.
        return (
            needs_for_user(
                user,
                network,
                area=area,
                target_group=target_group,
                municipality=municipality,
                neighbourhood=neighbourhood,
                status=status,
                expressed=expressed,
                channel=channel,
                urgency=urgency,
                date_from=date_from,
                date_to=date_to,
            )
            .order_by()
            .count()
        )
    mask = np.ones(len(needs.area), dtype=bool)
    if scope.comuni is not None:
        mask &= np.isin(needs.municipality, list(scope.comuni))
    if not scope.case_team:
        mask &= ~needs.case_team
    elif scope.case_comuni is not None:
        mask &= ~needs.case_team | np.isin(needs.municipality, list(scope.case_comuni))
    if area:
        mask &= needs.area == _pk(area)
    if target_group:
        mask &= needs.target_group == choice_code("target_group", target_group)
    if municipality:
        mask &= needs.municipality == _pk(municipality)
    if neighbourhood:
        mask &= needs.neighbourhood == _pk(neighbourhood)
    if status:
        mask &= needs.status == choice_code("status", status)
    if expressed is not None:
        mask &= needs.expressed == expressed
    if channel:
        mask &= needs.channel == choice_code("channel", channel)
    if urgency:
        mask &= needs.urgency == int(urgency)
    if date_from:
        mask &= needs.day >= day_key(date_from)
    if date_to:
        mask &= needs.day <= day_key(date_to)
    return int(np.count_nonzero(mask))


def get_need_for_user(user: Any, network: Network, pk: Any, *, purpose: str = "") -> Need:
    """One need the user may see, or 404; reading a case-team need is written to the audit log."""
    try:
        need = needs_for_user(user, network).select_related("reported_by", "survey_response").get(pk=pk)
    except (Need.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if need.is_case_data:
        record_read(actor=user, obj=need, purpose=purpose)
    return need


def need_history(need: Need) -> QuerySet[NeedEvent]:
    """The status steps of a need, oldest first, with their actors."""
    return need.events.select_related("actor").order_by("created_at", "id")


def active_areas(network: Network) -> QuerySet[NeedArea]:
    """The network's areas in use, in the network's order."""
    return NeedArea.objects.filter(network=network, is_active=True).order_by("position", "name")
