"""Reads of the give-back hours: a pact's progress against its give-back commitments, its entries, and the host's
queue of hours to confirm (which names the person, the day, the minutes and the place, never the pact).

Minutes are stored; hours are shown as "2 h 30 min" (`duration`).
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum

from legami.network.models import Network
from legami.pacts.models import (
    CaseMember,
    Commitment,
    GiveBackHours,
    GiveBackStatus,
    Pact,
    PactVersion,
)
from legami.pacts.services.giveback import host_scope, staff_of

HOURS = decimal.Decimal(60)


def duration(minutes: Any) -> str:
    """Minutes as hours: 150 -> "2 h 30 min", 120 -> "2 h", 45 -> "45 min", 0 -> "0 min"."""
    if minutes is None or minutes == "":
        return ""
    total = int(minutes)
    sign = "-" if total < 0 else ""
    hours, rest = divmod(abs(total), 60)
    if hours and rest:
        return f"{sign}{hours} h {rest} min"
    if hours:
        return f"{sign}{hours} h"
    return f"{sign}{rest} min"


@dataclass
class Progress:
    """One give-back commitment over a period: hours confirmed and pending, hours committed, the percentage."""

    commitment: Commitment
    confirmed_minutes: int
    pending_minutes: int
    committed_minutes: int

    @property
    def key(self) -> uuid.UUID:
        return self.commitment.key

    @property
    def percent(self) -> int | None:
        """Confirmed over committed, in whole percent (None when nothing was committed for the period)."""
        if self.committed_minutes <= 0:
            return None
        share = decimal.Decimal(self.confirmed_minutes * 100) / self.committed_minutes
        return int(share.to_integral_value(rounding=decimal.ROUND_HALF_UP))


def pact_span(pact: Pact) -> tuple[datetime.date, datetime.date] | None:
    """The pact's span: from the start of its first signed version to the end of the version in force."""
    if pact.current_version_id is None:
        return None
    current = PactVersion.objects.only("starts_on", "ends_on").get(pk=pact.current_version_id)
    first = (
        PactVersion.objects.filter(pact_id=pact.pk, signed_on__isnull=False)
        .order_by("starts_on")
        .values_list("starts_on", flat=True)
        .first()
    )
    return (min(first, current.starts_on) if first else current.starts_on), current.ends_on


def _days(start: datetime.date, end: datetime.date) -> int:
    """Days from `start` to `end`, both counted (0 when the end comes first)."""
    return max((end - start).days + 1, 0)


def committed_minutes(
    commitment: Commitment, since: datetime.date, until: datetime.date, span: tuple[datetime.date, datetime.date]
) -> int:
    """The minutes `commitment` asks for in the period, within the pact's span (see give_back_progress)."""
    start, end = max(since, span[0]), min(until, span[1])
    days = _days(start, end)
    if not days:
        return 0
    if commitment.hours_per_week is not None:
        hours = commitment.hours_per_week * days / 7
    elif commitment.hours_total is not None:
        hours = commitment.hours_total * days / _days(*span)
    else:
        return 0
    return int((hours * HOURS).to_integral_value(rounding=decimal.ROUND_HALF_UP))


def give_back_progress(
    pact: Pact, since: datetime.date, until: datetime.date, *, version_id: Any = None
) -> list[Progress]:
    """For each give-back commitment of the version in force (or of the version `version_id`: a review counts the
    hours the version it reviews asked for, even after a later version changed them), over the days from `since` to
    `until` (both counted): the minutes confirmed by the host, the minutes waiting for the host, and the minutes
    committed.

    The committed minutes count only the days of the period within the pact's span (from the start of its first
    signed version to the end of the version in force): hours_per_week × those days / 7, or, for a commitment of
    hours in all, hours_total pro rata of the pact's duration (hours_total × those days / the span's days).
    Hours follow a commitment by its key, so those logged under an earlier version count. Three queries.
    """
    span = pact_span(pact)
    if span is None:
        return []
    commitments = list(
        Commitment.objects.filter(version_id=version_id or pact.current_version_id, is_give_back=True).order_by(
            "position", "id"
        )
    )
    sums: dict[Any, dict[str, Any]] = {
        row["commitment_key"]: dict(row)
        for row in GiveBackHours.objects.filter(
            pact=pact, commitment_key__in=[c.key for c in commitments], done_on__gte=since, done_on__lte=until
        )
        .order_by()
        .values("commitment_key")
        .annotate(
            confirmed=Sum("minutes", filter=Q(status=GiveBackStatus.CONFIRMED)),
            pending=Sum("minutes", filter=Q(status=GiveBackStatus.PENDING)),
        )
    }
    return [
        Progress(
            commitment=commitment,
            confirmed_minutes=(sums.get(commitment.key) or {}).get("confirmed") or 0,
            pending_minutes=(sums.get(commitment.key) or {}).get("pending") or 0,
            committed_minutes=committed_minutes(commitment, since, until, span),
        )
        for commitment in commitments
    ]


def progress_since_start(pact: Pact, today: datetime.date) -> tuple[list[Progress], tuple[Any, Any]]:
    """The progress from the pact's start to today (or to its end, when it ended), and that period."""
    span = pact_span(pact)
    if span is None:
        return [], (None, None)
    until = min(today, span[1])
    return give_back_progress(pact, span[0], until), (span[0], until)


def progress_at_review(review: Any, today: datetime.date) -> tuple[list[Progress], tuple[Any, Any]]:
    """The progress a review looks at: from the day after the last review held before it (or the pact's start) to
    the day it was held (or today, while it is planned), and that period."""
    span = pact_span(review.pact)
    if span is None:
        return [], (None, None)
    until = min(review.held_on or today, span[1])
    previous = (
        review.pact.reviews.filter(held_on__isnull=False, held_on__lt=until)
        .exclude(pk=review.pk)
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )
    since = max(span[0], previous + datetime.timedelta(days=1)) if previous else span[0]
    return give_back_progress(review.pact, since, until, version_id=review.version_id), (since, until)


def hours_of(pact: Pact) -> QuerySet[GiveBackHours]:
    """The pact's give-back hours, newest first, with where they were given."""
    return (
        GiveBackHours.objects.filter(pact=pact)
        .select_related(
            "host", "giveback_place", "volunteer_shift__session__activity", "logged_by", "confirmed_by", "transfer"
        )
        .order_by("-done_on", "-id")
    )


def confirmation_queue(viewer: Any, network: Network) -> QuerySet[GiveBackHours]:
    """The pending hours `viewer` may confirm as host: their organisation's (partner staff) or every host's
    (coordinators, community workers), without those of pacts they follow on the team unless they are staff of
    the host. Only what the queue shows is joined: the person, the host, the place (never the pact's content)."""
    scope = host_scope(viewer, network)
    queue = GiveBackHours.objects.filter(network=network, status=GiveBackStatus.PENDING)
    if scope is not None:
        queue = queue.filter(host_id__in=scope)
    own_cases = CaseMember.objects.filter(user_id=viewer.pk).values("case_id")
    queue = queue.exclude(Q(pact__case_id__in=own_cases) & ~Q(host_id__in=staff_of(viewer, network)))
    return queue.select_related("pact__case__person", "host", "giveback_place").order_by("done_on", "id")


def hours_for_host(viewer: Any, network: Network, pk: Any) -> GiveBackHours | None:
    """Pending or answered hours `pk` hosted by an organisation `viewer` confirms for (None otherwise)."""
    scope = host_scope(viewer, network)
    rows = GiveBackHours.objects.filter(network=network, pk=pk)
    if scope is not None:
        rows = rows.filter(host_id__in=scope)
    return rows.select_related("pact__case__person", "host", "giveback_place", "network").first()
