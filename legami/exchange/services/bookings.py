"""Writes of bookings of shared spaces: a single booking, a weekly series, and the moves of the workflow
(confirm, refuse, cancel).

No double booking. A requested booking holds its slot as a confirmed one does, so a confirmation never meets a
conflict and the manager chooses between requests that do not overlap. The service checks the slot first, to
say which booking is in the way; the guarantee under concurrent requests is the database's:

- PostgreSQL: the exclusion constraint `booking_no_overlap` (space, time range, for requested and confirmed
  bookings). A second insert waits for the first transaction and then fails; the service turns the
  IntegrityError into the same message as its own check.
- SQLite: the check and the insert run after a write to the space's row, which takes SQLite's one write lock
  first: the next booking's check runs only once the first one is committed. A transaction that cannot take the
  lock is retried (the whole booking, not a part of it) when the service owns the transaction.

On both, a booking first holds its space (`hold_space`: the space's row lock on PostgreSQL), so that the writes of
one space take turns and each check sees the bookings committed before it. A transaction that writes other rows
before it books (an activity and its sessions) holds the space before its first audit event: the audit chain's
head stays locked until a transaction ends and a booking takes the space before the head, so the other order could
deadlock with a booking of the same space.

Several moments for one purpose (an activity's sessions) are booked together by `request_bookings`: each free
moment gets its own booking, and the moments taken are left out and named with the booking in the way.

A weekly series is written whole or not at all: a conflict on any date refuses it and names every date taken
(to be added to the exceptions), unless `skip_taken` is ticked, in which case only the free dates are booked
and the dates taken join the series' exceptions.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import append, audit_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import can, capability_grants, require
from legami.core.validation import max_length_of
from legami.core.workflow import Guard, Refusal, Transition, Workflow
from legami.exchange.capabilities import BOOK_SPACES, MANAGE_SPACES, VIEW_BOOKINGS
from legami.exchange.models import Booking, BookingEvent, BookingSeries, BookingStatus, Space
from legami.exchange.selectors.spaces import holding_between, local_zone, manages, open_between, opening_hours_text
from legami.exchange.services.spaces import ensure_bookable
from legami.network.models import Organization

EXCLUSION_CONSTRAINT = "booking_no_overlap"
# A weekly series covers at most a year: 53 weeks.
MAX_SERIES_DAYS = 371
T = TypeVar("T")

# --- inputs -----------------------------------------------------------------------------------------------


class Dates(inputs.Field):
    """A list of dates: a list of dates or ISO strings, or text with one date per line or separated by commas."""

    default_messages = {"invalid": _("“%(part)s” is not a date (write e.g. 10/03/2026).")}
    empty: Any = []

    def is_empty(self, value: Any) -> bool:
        return value is None or value == [] or (isinstance(value, str) and not value.strip())

    def parse(self, value: Any, ctx: inputs.Context) -> list[datetime.date]:
        if isinstance(value, str):
            parts = [p for p in value.replace(";", ",").replace("\n", ",").split(",") if p.strip()]
        elif isinstance(value, list | tuple):
            parts = list(value)
        else:
            raise self.error("invalid", part=str(value))
        found = set()
        for part in parts:
            try:
                day = inputs.parse_date(part.strip() if isinstance(part, str) else part)
            except (TypeError, ValueError):
                day = None
            if day is None:
                raise self.error("invalid", part=str(part).strip()[:40])
            found.add(day)
        return sorted(found)


def _ends_after_start(ctx: inputs.Context) -> None:
    """The booking ends after it starts, on the same day."""
    start, end = ctx.value("start"), ctx.value("end")
    if start and end and end <= start:
        ctx.add_error("end", gettext("The booking must end after it starts, on the same day."), "ends_before_start")


def _not_in_the_past(ctx: inputs.Context) -> None:
    """A booking starts in the future."""
    day, start = ctx.value("date"), ctx.value("start")
    if day and start and ctx.ok("date", "start"):
        if datetime.datetime.combine(day, start, tzinfo=local_zone()) <= timezone.now():
            ctx.add_error("date", gettext("This moment has passed: choose a date and time to come."), "in_the_past")


def _people_within_capacity(ctx: inputs.Context) -> None:
    """No more people than the space holds."""
    space, people = ctx.extra.get("space"), ctx.value("people")
    if space is not None and people and people > space.capacity:
        ctx.add_error(
            "people",
            gettext("The space holds at most %(capacity)s people.") % {"capacity": space.capacity},
            "over_capacity",
        )


def _within_opening_hours(ctx: inputs.Context) -> None:
    """The booking falls inside the space's opening hours (a space without hours is open at any time)."""
    space, day, start, end = ctx.extra.get("space"), ctx.value("date"), ctx.value("start"), ctx.value("end")
    if space is None or not (day and start and end) or not ctx.ok("date", "start", "end"):
        return
    if not open_between(space, day.weekday(), start, end):
        ctx.add_error(
            "start",
            gettext("The space is open %(hours)s: choose a time within the opening hours.")
            % {"hours": opening_hours_text(space)},
            "outside_opening_hours",
        )


def _organisation_of_actor(ctx: inputs.Context) -> None:
    """One books for one's own organisation; operators may book for any organisation of the network."""
    organization = ctx.value("organization")
    if organization is None or not ctx.ok("organization") or can(ctx.actor, VIEW_BOOKINGS, ctx.network):
        return
    own = {g.organization_id for g in capability_grants(ctx.actor, BOOK_SPACES, ctx.network)}
    if organization.pk not in own:
        ctx.add_error("organization", gettext("You may book only for your own organisation."), "not_your_organisation")


BOOKING_INPUTS = inputs.Rules(
    {
        "date": inputs.Date(required=True, messages={"required": _("Give the day of the booking.")}),
        "start": inputs.Time(required=True, messages={"required": _("Give the time the booking starts.")}),
        "end": inputs.Time(required=True, messages={"required": _("Give the time the booking ends.")}),
        "title": inputs.Text(
            required=True,
            max_length=max_length_of(Booking, "title"),
            messages={"required": _("Say what the space is for (e.g. “Compleanno di Luca”).")},
        ),
        "people": inputs.Integer(
            required=True,
            min_value=1,
            max_value=5000,
            messages={"required": _("Say how many people are expected.")},
        ),
        "is_public_event": inputs.Boolean(default=False, empty=False),
        "organization": inputs.Lookup(
            Organization, messages={"invalid_choice": _("Choose an organisation of the network.")}
        ),
        "contact_name": inputs.Text(max_length=200),
        "contact_phone": inputs.Phone(),
    },
    checks=(
        _ends_after_start,
        _not_in_the_past,
        _people_within_capacity,
        _within_opening_hours,
        _organisation_of_actor,
    ),
)


def _until_after_start(ctx: inputs.Context) -> None:
    """A weekly booking ends on or after its first day, within a year."""
    day, until = ctx.value("date"), ctx.value("until")
    if not (day and until) or not ctx.ok("date", "until"):
        return
    if until < day:
        ctx.add_error("until", gettext("The last day comes before the first."), "until_before_start")
    elif (until - day).days > MAX_SERIES_DAYS:
        ctx.add_error("until", gettext("A weekly booking lasts at most a year."), "series_too_long")


WEEKLY_INPUTS = BOOKING_INPUTS.extend(
    {
        "until": inputs.Date(required=True, messages={"required": _("Give the last day of the weekly booking.")}),
        "exceptions": Dates(),
        "skip_taken": inputs.Boolean(default=False, empty=False),
    },
    checks=(_until_after_start,),
)


# --- the workflow -----------------------------------------------------------------------------------------


def _not_over(booking: Booking, step: Any) -> Any:
    if booking.ends_at <= timezone.now():
        return _("This booking is over.")
    return None


def _not_started(booking: Booking, step: Any) -> Any:
    if booking.starts_at <= timezone.now():
        return _("This booking has started already.")
    return None


WORKFLOW = Workflow(
    name="booking",
    model=Booking,
    states=BookingStatus,
    transitions=(
        Transition(
            BookingStatus.REQUESTED,
            BookingStatus.CONFIRMED,
            name="confirm",
            label=_("Confirm"),
            capability=MANAGE_SPACES,
            guards=(Guard(_not_started, "booking_started"),),
        ),
        Transition(
            BookingStatus.REQUESTED,
            BookingStatus.REFUSED,
            name="refuse",
            label=_("Refuse"),
            capability=MANAGE_SPACES,
        ),
        Transition(
            (BookingStatus.REQUESTED, BookingStatus.CONFIRMED),
            BookingStatus.CANCELLED,
            name="cancel",
            label=_("Cancel the booking"),
            guards=(Guard(_not_over, "booking_over"),),
        ),
    ),
    history=BookingEvent,
    refusal=Refusal(message=_("A booking cannot go from “%(from)s” to “%(to)s”."), code="invalid_transition"),
    data_class=DataClass.PERSONAL,
    select_related=("network", "space"),
)


def may_take(booking: Booking, actor: Any, name: str) -> bool:
    """True when `actor` may take the transition `name` on this booking (the space's managers decide; the booker,
    the managers and the staff of the organisation it was made for cancel)."""
    if name in ("confirm", "refuse"):
        return manages(actor, booking.space)
    if getattr(actor, "pk", None) == booking.booked_by_id or manages(actor, booking.space):
        return True
    # A colleague's booking for one's own organisation (the sessions of an activity it runs).
    return booking.organization_id is not None and any(
        grant.organization_id == booking.organization_id
        for grant in capability_grants(actor, BOOK_SPACES, booking.network)
    )


def available(booking: Booking, actor: Any) -> list[Transition]:
    """The transitions the page offers `actor` on `booking`."""
    return [
        t
        for t in WORKFLOW.available(booking, actor, network=booking.network, guards=True)
        if may_take(booking, actor, t.name)
    ]


def _move(*, actor: Any, booking: Booking, name: str, target: str, note: str) -> Booking:
    if not can(actor, BOOK_SPACES, booking.network) and not can(actor, MANAGE_SPACES, booking.network):
        raise PermissionDenied
    if not may_take(booking, actor, name):
        raise PermissionDenied
    return WORKFLOW.apply(booking, target, actor=actor, note=note)


def confirm_booking(*, actor: Any, booking: Booking, note: str = "") -> Booking:
    """Confirm a requested booking (the space's managers)."""
    return _move(actor=actor, booking=booking, name="confirm", target=BookingStatus.CONFIRMED, note=note)


def refuse_booking(*, actor: Any, booking: Booking, note: str = "") -> Booking:
    """Refuse a requested booking (the space's managers); the slot is free again."""
    return _move(actor=actor, booking=booking, name="refuse", target=BookingStatus.REFUSED, note=note)


def cancel_booking(*, actor: Any, booking: Booking, note: str = "") -> Booking:
    """Cancel a requested or confirmed booking (its booker or the space's managers); the slot is free again."""
    return _move(actor=actor, booking=booking, name="cancel", target=BookingStatus.CANCELLED, note=note)


def _require_cancel(actor: Any, rows: Sequence[Booking]) -> None:
    """PermissionDenied unless `actor` may cancel every booking of `rows`."""
    for row in rows:
        if not can(actor, BOOK_SPACES, row.network) and not can(actor, MANAGE_SPACES, row.network):
            raise PermissionDenied
        if not may_take(row, actor, "cancel"):
            raise PermissionDenied


def cancel_bookings(*, actor: Any, bookings: Sequence[Booking], note: str = "") -> int:
    """Cancel several bookings at once (an activity's sessions), each as `cancel_booking` would; the ones that are
    over, refused or cancelled already stay as they are. Returns how many were cancelled."""
    if not bookings:
        return 0
    with transaction.atomic():
        rows = WORKFLOW.lock_many(bookings)
        _require_cancel(actor, rows)
        now = timezone.now()
        live = [row for row in rows if row.ends_at > now]
        cancel = [BookingStatus.CANCELLED]
        return WORKFLOW.move_many(
            live, steps={BookingStatus.REQUESTED: cancel, BookingStatus.CONFIRMED: cancel}, actor=actor, note=note
        )


def rename_bookings(*, actor: Any, bookings: Sequence[Booking], title: str) -> int:
    """Give several bookings a new purpose (an activity renamed), as who may cancel them; returns how many changed."""
    if not bookings:
        return 0
    title = BOOKING_INPUTS["title"].clean(title, inputs.Context())
    with transaction.atomic():
        rows = [row for row in WORKFLOW.lock_many(bookings) if row.title != title]
        _require_cancel(actor, rows)
        events = []
        for row in rows:
            before = snapshot(row, ("title",))
            row.title = title
            events.append(
                audit_event(
                    actor=actor,
                    action=AuditEvent.Action.UPDATE,
                    obj=row,
                    before=before,
                    after=snapshot(row, ("title",)),
                    data_class=DataClass.PERSONAL,
                )
            )
        Booking.objects.filter(pk__in=[row.pk for row in rows]).update(title=title, updated_at=timezone.now())
        append(events)
    return len(rows)


# --- booking ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Occurrence:
    starts_at: datetime.datetime
    ends_at: datetime.datetime

    @property
    def day(self) -> datetime.date:
        return self.starts_at.astimezone(local_zone()).date()


@dataclass
class Booked:
    """What a booking request wrote: its bookings, the series (weekly), and the dates skipped as taken."""

    bookings: list[Booking]
    series: BookingSeries | None = None
    skipped: tuple[datetime.date, ...] = ()


def _when(day: datetime.date, moment: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, moment, tzinfo=local_zone())


def _day_text(moment: datetime.datetime) -> str:
    text = date_format(moment, "l j E")
    # Italian writes days and months in lower case ("martedì 3 marzo").
    return text.lower() if (get_language() or "").startswith("it") else text


def conflict_message(booking: Booking) -> str:
    """ "The space is already booked from 16:00 to 18:00 on tuesday 3 march." for the booking in the way."""
    start, end = booking.starts_at.astimezone(local_zone()), booking.ends_at.astimezone(local_zone())
    return gettext("The space is already booked from %(start)s to %(end)s on %(day)s.") % {
        "start": time_format(start, "H:i"),
        "end": time_format(end, "H:i"),
        "day": _day_text(start),
    }


def _conflicts(space: Space, occurrences: Sequence[Occurrence]) -> dict[Occurrence, Booking]:
    """The first booking in the way of each occurrence that has one (one query)."""
    if not occurrences:
        return {}
    first = min(o.starts_at for o in occurrences)
    last = max(o.ends_at for o in occurrences)
    held = list(holding_between(space, first, last))
    found: dict[Occurrence, Booking] = {}
    for occurrence in occurrences:
        for booking in held:
            if booking.starts_at < occurrence.ends_at and booking.ends_at > occurrence.starts_at:
                found[occurrence] = booking
                break
    return found


def _refusal(space: Space, conflicts: dict[Occurrence, Booking], *, weekly: bool) -> ValidationError:
    if not weekly:
        booking = next(iter(conflicts.values()))
        return ValidationError({"start": [ValidationError(conflict_message(booking), code="slot_taken")]})
    days = sorted({o.day for o in conflicts})
    listed = ", ".join(date_format(day, "SHORT_DATE_FORMAT") for day in days)
    message = ngettext(
        "The space is already booked on %(dates)s: add the date to the exceptions, or tick “skip the dates "
        "already taken”.",
        "The space is already booked on %(dates)s: add these dates to the exceptions, or tick “skip the dates "
        "already taken”.",
        len(days),
    ) % {"dates": listed}
    return ValidationError({"exceptions": [ValidationError(message, code="slot_taken", params={"dates": days})]})


def hold_space(space: Space) -> None:
    """Make the caller's transaction the only one booking `space` until it ends: the space's row lock on
    PostgreSQL; on SQLite a write first, so that the transaction holds the database's write lock before it checks
    the slot. Inside a transaction; call it before the transaction's first audit event (see the module's note)."""
    if connection.vendor == "sqlite":
        Space.objects.filter(pk=space.pk).update(updated_at=F("updated_at"))
    else:
        list(Space.objects.select_for_update().filter(pk=space.pk).values_list("pk", flat=True))


def _serialised(attempt: Callable[[], T]) -> T:
    """Run `attempt` (one whole transaction); on SQLite, again when another writer held the lock, if we may."""
    tries = 0
    while True:
        try:
            return attempt()
        except OperationalError as exc:
            retry = connection.vendor == "sqlite" and "locked" in str(exc) and not connection.in_atomic_block
            if not retry or tries >= 100:
                raise
            tries += 1
            time.sleep(0.02 * min(tries, 10))


def _write(
    *,
    actor: Any,
    space: Space,
    values: dict[str, Any],
    occurrences: list[Occurrence],
    series: BookingSeries | None,
    skip_taken: bool,
) -> Booked:
    """Check the slots and insert the bookings (and the series) in one transaction."""
    weekly = series is not None
    with transaction.atomic():
        hold_space(space)
        conflicts = _conflicts(space, occurrences)
        skipped: tuple[datetime.date, ...] = ()
        if conflicts and not skip_taken:
            raise _refusal(space, conflicts, weekly=weekly)
        if conflicts:
            skipped = tuple(sorted({o.day for o in conflicts}))
            occurrences = [o for o in occurrences if o not in conflicts]
            if not occurrences:
                raise ValidationError(
                    {"exceptions": [ValidationError(gettext("Every date is taken already."), code="all_taken")]}
                )
        status = _first_status(actor, space)
        if series is not None:
            series.exceptions = sorted({*series.exceptions, *(d.isoformat() for d in skipped)})
            series.save()
        rows = [
            Booking(
                network=space.network,
                space=space,
                series=series,
                starts_at=o.starts_at,
                ends_at=o.ends_at,
                status=status,
                booked_by=actor,
                **values,
            )
            for o in occurrences
        ]
        created = _insert_unless_overlapping(rows)
        if created is None:
            # Another request took a slot between our check and our insert, and was committed first.
            conflicts = _conflicts(space, occurrences)
            raise _refusal(space, conflicts, weekly=weekly) if conflicts else _just_booked()
        _record_created(actor, created, status)
    return Booked(created, series, skipped)


def _first_status(actor: Any, space: Space) -> str:
    """Confirmed at once when the space needs no approval or `actor` manages it; else requested."""
    confirmed = not space.approval_required or manages(actor, space)
    return BookingStatus.CONFIRMED if confirmed else BookingStatus.REQUESTED


def _record_created(actor: Any, created: list[Booking], status: str) -> None:
    """The first step of each new booking's history, and its audit event."""
    note = gettext("Confirmed at once.") if status == BookingStatus.CONFIRMED else ""
    BookingEvent.objects.bulk_create(
        BookingEvent(booking=b, from_status="", to_status=status, actor=actor, note=note) for b in created
    )
    events = [
        audit_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=b,
            before=None,
            after=snapshot(b, ("space", "starts_at", "ends_at", "status", "people", "series")),
            data_class=DataClass.PERSONAL,
        )
        for b in created
    ]
    append(events)


def _prepare(actor: Any, space: Space, data: dict[str, Any], rules: inputs.Rules) -> dict[str, Any]:
    require(actor, BOOK_SPACES, space.network)
    ensure_bookable(space)
    return rules.clean(data, network=space.network, actor=actor, extra={"space": space})


BOOKING_VALUES = ("title", "people", "is_public_event", "organization", "contact_name", "contact_phone")


def _booking_values(values: dict[str, Any]) -> dict[str, Any]:
    return {name: values[name] for name in BOOKING_VALUES}


def request_booking(*, actor: Any, space: Space, data: dict[str, Any]) -> Booking:
    """Book a space once: confirmed at once when the space needs no approval, else requested."""
    values = _prepare(actor, space, data, BOOKING_INPUTS)
    occurrence = Occurrence(_when(values["date"], values["start"]), _when(values["date"], values["end"]))

    def attempt() -> Booked:
        return _write(
            actor=actor,
            space=space,
            values=_booking_values(values),
            occurrences=[occurrence],
            series=None,
            skip_taken=False,
        )

    return _serialised(attempt).bookings[0]


def weekly_dates(
    first: datetime.date, until: datetime.date, exceptions: Sequence[datetime.date]
) -> list[datetime.date]:
    """Every week's day from `first` to `until`, without the exceptions."""
    skipped = set(exceptions)
    days = []
    day = first
    while day <= until:
        if day not in skipped:
            days.append(day)
        day += datetime.timedelta(days=7)
    return days


def request_weekly_booking(*, actor: Any, space: Space, data: dict[str, Any]) -> Booked:
    """Book a space every week on the first day's weekday until a date, skipping the exceptions; all or nothing,
    unless `skip_taken`, which books the free dates and adds the taken ones to the exceptions."""
    values = _prepare(actor, space, data, WEEKLY_INPUTS)
    days = weekly_dates(values["date"], values["until"], values["exceptions"])
    if not days:
        raise ValidationError(
            {"exceptions": [ValidationError(gettext("The exceptions leave no date to book."), code="no_dates")]}
        )
    occurrences = [Occurrence(_when(d, values["start"]), _when(d, values["end"])) for d in days]

    def attempt() -> Booked:
        series = BookingSeries(
            network=space.network,
            space=space,
            weekday=values["date"].weekday(),
            start_time=values["start"],
            end_time=values["end"],
            starts_on=values["date"],
            until=values["until"],
            exceptions=[d.isoformat() for d in values["exceptions"]],
            created_by=actor,
        )
        return _write(
            actor=actor,
            space=space,
            values=_booking_values(values),
            occurrences=occurrences,
            series=series,
            skip_taken=values["skip_taken"],
        )

    return _serialised(attempt)


# --- several moments for one purpose ----------------------------------------------------------------------

# What every booking of a batch shares (its moments are given apart): the single booking's rules without the day
# and the times.
MOMENTS_INPUTS = inputs.Rules(
    {name: BOOKING_INPUTS[name] for name in BOOKING_VALUES},
    checks=(_people_within_capacity, _organisation_of_actor),
)


@dataclass(frozen=True)
class LeftOut:
    """A moment a batch did not book, and why: "slot_taken" (with the `booking` in the way; None when it is another
    moment of the same batch), "outside_opening_hours" or "in_the_past"."""

    reason: str
    booking: Booking | None = None


@dataclass
class Batch:
    """What `request_bookings` wrote: the booking of each moment booked, and the moments left out, by index."""

    booked: dict[int, Booking]
    left_out: dict[int, LeftOut]


def _sorted_out(
    space: Space, moments: Sequence[tuple[datetime.datetime, datetime.datetime]]
) -> tuple[list[tuple[int, Occurrence]], dict[int, LeftOut]]:
    """The moments that may be booked (in time order), and those left out before looking at other bookings."""
    zone, now = local_zone(), timezone.now()
    left_out: dict[int, LeftOut] = {}
    wanted: list[tuple[int, Occurrence]] = []
    for index, (start, end) in enumerate(moments):
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        if end <= start or local_start.date() != local_end.date():
            raise ValueError(f"moment {index} must end after it starts, on the same day")
        if start <= now:
            left_out[index] = LeftOut("in_the_past")
        elif not open_between(space, local_start.weekday(), local_start.time(), local_end.time()):
            left_out[index] = LeftOut("outside_opening_hours")
        else:
            wanted.append((index, Occurrence(start, end)))
    kept: list[tuple[int, Occurrence]] = []
    for index, occurrence in sorted(wanted, key=lambda pair: (pair[1].starts_at, pair[0])):
        # In time order, the kept moments do not overlap: only the last one may reach this one.
        if kept and kept[-1][1].ends_at > occurrence.starts_at:
            left_out[index] = LeftOut("slot_taken")
        else:
            kept.append((index, occurrence))
    return kept, left_out


def _insert_unless_overlapping(rows: list[Booking]) -> list[Booking] | None:
    """Insert `rows` in a savepoint; None when PostgreSQL's exclusion constraint refused them (a request committed
    between the caller's check and this insert took one of their times)."""
    try:
        with transaction.atomic():
            return Booking.objects.bulk_create(rows)
    except IntegrityError as exc:
        if EXCLUSION_CONSTRAINT not in str(exc):
            raise
        return None


def _just_booked() -> ValidationError:
    return ValidationError(
        {"start": [ValidationError(gettext("The space was just booked: try again."), code="slot_taken")]}
    )


def request_bookings(
    *,
    actor: Any,
    space: Space,
    data: dict[str, Any],
    moments: Sequence[tuple[datetime.datetime, datetime.datetime]],
) -> Batch:
    """Book `space` at several moments for one purpose (an activity's sessions), each moment on one day: every free
    moment gets its own booking, confirmed at once or requested as `request_booking` decides; a moment taken
    already, outside the opening hours or past is left out, with the reason and the booking in the way.

    `data` holds what the bookings share (title, people, organisation …, as for `request_booking`); its errors
    refuse the whole batch. Inside the caller's transaction, whose first audit event must come after this call or
    after `hold_space` (see the module's note); a moment taken by a request committed between the check and the
    insert is checked again, never booked twice.
    """
    values = _booking_values(_prepare(actor, space, data, MOMENTS_INPUTS))
    kept, left_out = _sorted_out(space, moments)

    def attempt() -> Batch:
        with transaction.atomic():
            hold_space(space)
            status = _first_status(actor, space)
            for _try in range(3):
                conflicts = _conflicts(space, [occurrence for _index, occurrence in kept])
                free = [(index, occurrence) for index, occurrence in kept if occurrence not in conflicts]
                rows = [
                    Booking(
                        network=space.network,
                        space=space,
                        starts_at=occurrence.starts_at,
                        ends_at=occurrence.ends_at,
                        status=status,
                        booked_by=actor,
                        **values,
                    )
                    for _index, occurrence in free
                ]
                created = _insert_unless_overlapping(rows)
                if created is None:
                    continue  # a request committed between the check and the insert: check again
                _record_created(actor, created, status)
                taken = {index: LeftOut("slot_taken", conflicts[o]) for index, o in kept if o in conflicts}
                booked = {index: booking for (index, _o), booking in zip(free, created, strict=True)}
                return Batch(booked, {**left_out, **taken})
            raise _just_booked()

    return _serialised(attempt)
