"""Reads of referrals: the reporter's own (status only), the triage queue and one referral for triage.

Triage sees the referrals of the network, or of its districts' Comuni when the role is limited to some districts;
for anyone else a referral does not exist (404). Every read of one referral's text is audited.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from legami.core.audit import record_read
from legami.core.permissions import can
from legami.core.roles import registry
from legami.network.models import Membership, Network
from legami.network.selectors.people import municipality_in_scope, scoped_municipality_ids
from legami.referrals.capabilities import TRIAGE_REFERRALS
from legami.referrals.models import Referral, ReferralEvent, ReferralMessage, ReferralStatus
from legami.territory.models import NetworkMunicipality

S = ReferralStatus
OPEN_STATES = (S.NEW, S.ASSIGNED, S.INFO_REQUESTED)
DECIDED_STATES = (S.ACCEPTED, S.REDIRECTED, S.CLOSED)

# What the reporter reads of each state: never who, why or where it went, only how far it has come.
REPORTER_STATUS: dict[str, Any] = {
    S.NEW: pgettext_lazy("referral as its reporter sees it", "Received"),
    S.ASSIGNED: pgettext_lazy("referral as its reporter sees it", "Being examined"),
    S.INFO_REQUESTED: pgettext_lazy("referral as its reporter sees it", "More information asked"),
    S.ACCEPTED: pgettext_lazy("referral as its reporter sees it", "Taken in charge"),
    S.REDIRECTED: pgettext_lazy("referral as its reporter sees it", "Sent to another service"),
    S.CLOSED: pgettext_lazy("referral as its reporter sees it", "Closed"),
}


def reporter_status(referral: Referral) -> Any:
    """The status of `referral` as its reporter sees it."""
    return REPORTER_STATUS.get(referral.status, REPORTER_STATUS[S.NEW])


def is_overdue(referral: Referral, now: datetime.datetime | None = None) -> bool:
    """True when triage is still open past its due time (set by the urgency when the referral was filed)."""
    return referral.is_open and (now or timezone.now()) > referral.due_at


# --- the reporter --------------------------------------------------------------------------------------------


def my_referrals(viewer: Any, network: Network) -> QuerySet[Referral]:
    """The referrals `viewer` filed in `network`, newest first."""
    if not getattr(viewer, "is_authenticated", False):
        return Referral.objects.none()
    return (
        Referral.objects.filter(network=network, reporter=viewer)
        .select_related("municipality")
        .order_by("-created_at", "-id")
    )


def my_referral(viewer: Any, network: Network, pk: Any) -> Referral:
    """One referral `viewer` filed, else Http404 (another's referral does not exist for them)."""
    referral = my_referrals(viewer, network).filter(pk=pk).first()
    if referral is None:
        raise Http404
    return referral


def referral_messages(referral: Referral) -> QuerySet[ReferralMessage]:
    """The questions put to the reporter and their answers, oldest first."""
    return ReferralMessage.objects.filter(referral=referral).select_related("author").order_by("created_at", "id")


# --- triage ----------------------------------------------------------------------------------------------------


def referrals_to_triage(viewer: Any, network: Network) -> QuerySet[Referral]:
    """The referrals `viewer` may triage: the network's, or those in their districts' Comuni; none without the role."""
    referrals = Referral.objects.filter(network=network)
    if not can(viewer, TRIAGE_REFERRALS, network):
        return referrals.none()
    scope = scoped_municipality_ids(viewer, network, TRIAGE_REFERRALS)
    return referrals if scope is None else referrals.filter(municipality_id__in=scope)


def reaches(viewer: Any, referral: Referral) -> bool:
    """True when `viewer` may triage `referral` (the role, and its Comune within their districts)."""
    network = referral.network
    return can(viewer, TRIAGE_REFERRALS, network) and municipality_in_scope(
        viewer, network, referral.municipality_id, TRIAGE_REFERRALS
    )


def triage_queue(
    viewer: Any,
    network: Network,
    *,
    status: str = "",
    urgency: str = "",
    mine: bool = False,
    overdue: bool = False,
    decided: bool = False,
) -> QuerySet[Referral]:
    """The queue: open referrals by due time (or the decided ones, latest first), with the filters given."""
    referrals = referrals_to_triage(viewer, network).select_related("municipality", "assigned_to")
    if decided:
        referrals = referrals.filter(status__in=DECIDED_STATES).order_by("-decided_at", "-id")
    else:
        referrals = referrals.filter(status__in=OPEN_STATES).order_by("due_at", "id")
    if status:
        referrals = referrals.filter(status=status)
    if urgency:
        referrals = referrals.filter(urgency=urgency)
    if mine:
        referrals = referrals.filter(assigned_to=viewer)
    if overdue:
        referrals = referrals.filter(status__in=OPEN_STATES, due_at__lt=timezone.now())
    return referrals


def referral_for_triage(viewer: Any, network: Network, pk: Any, *, purpose: str) -> Referral:
    """The referral `pk` if `viewer` may triage it (an audited read), else Http404."""
    referral = (
        referrals_to_triage(viewer, network)
        .select_related("network", "municipality", "assigned_to", "reporter_organization")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        raise Http404
    record_read(actor=viewer, obj=referral, purpose=purpose, network=network)
    return referral


def referral_history(referral: Referral) -> QuerySet[ReferralEvent]:
    """The steps of a referral's triage, oldest first, with their actors."""
    return ReferralEvent.objects.filter(referral=referral).select_related("actor").order_by("created_at", "id")


def triagers_for(network: Network, municipality: Any) -> QuerySet:
    """The users who triage referrals about `municipality`: active coordinators and case managers of the network
    whose membership is network-wide or limited to the district that holds the Comune."""
    districts = NetworkMunicipality.objects.filter(
        network=network, municipality_id=getattr(municipality, "pk", municipality), district__isnull=False
    ).values("district_id")
    memberships = Membership.objects.filter(
        network=network, is_active=True, role__in=sorted(registry.roles_for(TRIAGE_REFERRALS))
    ).filter(Q(district__isnull=True) | Q(district_id__in=districts))
    return (
        get_user_model()
        .objects.filter(is_active=True, pk__in=memberships.values("user_id"))
        .order_by("full_name", "email", "pk")
    )
