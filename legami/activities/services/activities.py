"""Writes of activities: their details and weekly schedule (which makes the sessions), and their life
(ACTIVITY_WORKFLOW: draft → published → closed; cancelled).

The sessions follow the schedule: a new schedule adds the days it gains and removes the future, untouched
sessions of the days it loses; a session moved or cancelled by hand (`Session.edited`) is kept as it is, and
so is one that has a roll call.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.activities.capabilities import MANAGE_ACTIVITIES
from legami.activities.models import (
    Activity,
    ActivityEvent,
    ActivityKind,
    ActivityStatus,
    Enrollment,
    EnrollmentStatus,
    Session,
    SessionStatus,
    Weekday,
    local_weekday,
)
from legami.activities.permissions import organizer_scope, require_for
from legami.activities.services.bookings import hold_spaces, release, sync_bookings
from legami.activities.services.common import mail_enrollments, rome_datetime
from legami.activities.services.enrollments import fill_places
from legami.aggregation.models import AggregatedDemand
from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent
from legami.core.parsing import fold
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.core.workflow import Guard, Refusal, Step, Transition, Workflow
from legami.exchange.models import Space
from legami.exchange.selectors.spaces import open_between, opening_hours_text
from legami.network.models import Network, Organization
from legami.responses.models import Response
from legami.territory.models import Place

logger = logging.getLogger(__name__)

A = ActivityStatus
# The longest schedule one activity may have: two school years and a summer.
LONGEST_SCHEDULE = datetime.timedelta(days=800)

ACTIVITY_FIELDS = (
    "title",
    "description",
    "kind",
    "organizer",
    "place",
    "space",
    "min_age",
    "max_age",
    "capacity",
    "is_public",
    "demand",
    "response",
    "weekdays",
    "start_time",
    "end_time",
    "first_day",
    "last_day",
)
SCHEDULE_FIELDS = ("weekdays", "start_time", "end_time", "first_day", "last_day")

# Day names a file or a person may write (Italian first), folded: lower case, no accents.
DAY_WORDS = {
    **{word: Weekday.MONDAY for word in ("lunedi", "lun", "monday", "mon")},
    **{word: Weekday.TUESDAY for word in ("martedi", "mar", "tuesday", "tue")},
    **{word: Weekday.WEDNESDAY for word in ("mercoledi", "mer", "wednesday", "wed")},
    **{word: Weekday.THURSDAY for word in ("giovedi", "gio", "thursday", "thu")},
    **{word: Weekday.FRIDAY for word in ("venerdi", "ven", "friday", "fri")},
    **{word: Weekday.SATURDAY for word in ("sabato", "sab", "saturday", "sat")},
    **{word: Weekday.SUNDAY for word in ("domenica", "dom", "sunday", "sun")},
}


class Weekdays(inputs.Field):
    """Days of the week: a list of numbers 0 (Monday) to 6 (Sunday), or text such as "lunedì, mercoledì"."""

    default_messages = {"invalid": _("Give the days of the week, such as “lunedì, giovedì”.")}
    types = (list, tuple)

    def parse(self, value: Any, ctx: inputs.Context) -> list[int]:
        items: Iterable[Any]
        if isinstance(value, str):
            items = [part for part in value.replace(";", ",").replace("/", ",").split(",") if part.strip()]
        elif isinstance(value, list | tuple | set | frozenset):
            items = value
        else:
            raise self.error("invalid")
        days: set[int] = set()
        for item in items:
            if isinstance(item, bool):
                raise self.error("invalid")
            if isinstance(item, int):
                day = item
            else:
                text = fold(str(item)).strip()
                if text.isascii() and text.isdigit():
                    day = int(text)
                elif text in DAY_WORDS:
                    day = int(DAY_WORDS[text])
                else:
                    raise self.error("invalid")
            if day not in Weekday.values:
                raise self.error("invalid")
            days.add(day)
        return sorted(days)


def _ages_in_order(ctx: inputs.Context) -> None:
    """The lowest age is not above the highest."""
    low, high = ctx.value("min_age"), ctx.value("max_age")
    if ctx.ok("min_age", "max_age") and low is not None and high is not None and low > high:
        ctx.add_error("max_age", gettext("The highest age is below the lowest."), "ages_reversed")


def _ends_after_start(ctx: inputs.Context) -> None:
    """The sessions end after they start."""
    start, end = ctx.value("start_time"), ctx.value("end_time")
    if ctx.ok("start_time", "end_time") and start and end and end <= start:
        ctx.add_error("end_time", gettext("The sessions end before they start."), "ends_before_start")


def _days_in_order(ctx: inputs.Context) -> None:
    """The last day is not before the first, and the schedule lasts at most 800 days."""
    first, last = ctx.value("first_day"), ctx.value("last_day")
    if not (ctx.ok("first_day", "last_day") and first and last):
        return
    if last < first:
        ctx.add_error("last_day", gettext("The last day is before the first."), "days_reversed")
    elif last - first > LONGEST_SCHEDULE:
        ctx.add_error("last_day", gettext("A schedule lasts at most 800 days: split it in two."), "too_long")


def _space_to_check(ctx: inputs.Context) -> Space | None:
    """The space to check against the activity, when one is given and the values it depends on changed."""
    space = ctx.value("space")
    names = ("space", "place", "capacity", "weekdays", "start_time", "end_time")
    if space is None or not ctx.ok("space", "place") or not any(ctx.changed(name) for name in names):
        return None
    place = ctx.value("place")
    return space if place is None or space.place_id == place.pk else None


def _space_in_place(ctx: inputs.Context) -> None:
    """The space is one of the activity's place."""
    space, place = ctx.value("space"), ctx.value("place")
    if space is None or place is None or not ctx.ok("space", "place") or space.place_id == place.pk:
        return
    ctx.add_error(
        "space",
        gettext("“%(space)s” is in %(place)s: choose a space of the activity's place, or change the place.")
        % {"space": space.name, "place": space.place.name},
        "other_place",
    )


def _space_holds_places(ctx: inputs.Context) -> None:
    """The space holds the activity's places."""
    space, capacity = _space_to_check(ctx), ctx.value("capacity")
    if space is not None and ctx.ok("capacity") and capacity and capacity > space.capacity:
        ctx.add_error(
            "capacity",
            gettext("“%(space)s” holds at most %(n)s people: give fewer places, or choose a larger space.")
            % {"space": space.name, "n": space.capacity},
            "over_space_capacity",
        )


def _space_open(ctx: inputs.Context) -> None:
    """The space is open on the activity's days at its times."""
    space = _space_to_check(ctx)
    weekdays, start, end = ctx.value("weekdays"), ctx.value("start_time"), ctx.value("end_time")
    if space is None or not (ctx.ok("weekdays", "start_time", "end_time") and weekdays and start and end):
        return
    if end > start and any(not open_between(space, day, start, end) for day in weekdays):
        ctx.add_error(
            "space",
            gettext("“%(space)s” is open %(hours)s: choose days and times within its opening hours.")
            % {"space": space.name, "hours": opening_hours_text(space)},
            "outside_opening_hours",
        )


def _some_day(ctx: inputs.Context) -> None:
    """The schedule has at least one day of the week."""
    if ctx.ok("weekdays") and "weekdays" in ctx.values and not ctx.value("weekdays"):
        ctx.add_error("weekdays", gettext("Choose at least one day of the week."), "no_days")


ACTIVITY_INPUTS = inputs.Rules(
    {
        "title": inputs.Text(
            required=True,
            max_length=max_length_of(Activity, "title"),
            messages={"required": _("Give the activity a title.")},
        ),
        "description": inputs.Text(max_length=20_000),
        "kind": inputs.Choice(ActivityKind, required=True, messages={"required": _("Choose the kind of activity.")}),
        "organizer": inputs.Lookup(
            Organization,
            by=("pk", "name"),
            required=True,
            messages={
                "required": _("Choose the organisation that runs the activity."),
                "invalid_choice": _("Choose an organisation of the network."),
            },
        ),
        "place": inputs.Lookup(
            Place,
            by=("pk", "name"),
            required=True,
            messages={
                "required": _("Choose the place of the activity."),
                "invalid_choice": _("Choose a place of the network."),
            },
        ),
        # Optional: the shared space of the place its sessions book (a name may repeat in other places).
        "space": inputs.Lookup(
            Space,
            by=("pk", "name"),
            within="place",
            usable=lambda space: space.is_active,
            messages={
                "invalid_choice": _("Choose a shared space of the network."),
                "inactive": _("This space takes no bookings at the moment: choose another one."),
                "ambiguous": _("Several spaces of the place have this name: give its number."),
            },
        ),
        "min_age": inputs.Integer(min_value=0, max_value=120),
        "max_age": inputs.Integer(min_value=0, max_value=120),
        "capacity": inputs.Integer(
            required=True,
            min_value=1,
            max_value=10_000,
            messages={"required": _("Give the number of places."), "min_value": _("At least one place.")},
        ),
        "is_public": inputs.Boolean(default=True),
        "demand": inputs.Lookup(
            AggregatedDemand, messages={"invalid_choice": _("Choose an aggregated demand of the network.")}
        ),
        "response": inputs.Lookup(Response, messages={"invalid_choice": _("Choose a response of the network.")}),
        "weekdays": Weekdays(required=True, messages={"required": _("Choose at least one day of the week.")}),
        "start_time": inputs.Time(required=True, messages={"required": _("Give the time the sessions start.")}),
        "end_time": inputs.Time(required=True, messages={"required": _("Give the time the sessions end.")}),
        "first_day": inputs.Date(required=True, messages={"required": _("Give the first day of the activity.")}),
        "last_day": inputs.Date(required=True, messages={"required": _("Give the last day of the activity.")}),
    },
    checks=(
        inputs.described(_ages_in_order, "max_age", "ages_reversed", _("The highest age is not below the lowest.")),
        inputs.described(_ends_after_start, "end_time", "ends_before_start", _("The sessions end after they start.")),
        inputs.described(
            _days_in_order, "last_day", "days_reversed", _("The last day is not before the first (800 days at most).")
        ),
        inputs.described(_some_day, "weekdays", "no_days", _("At least one day of the week.")),
        inputs.described(_space_in_place, "space", "other_place", _("The space is one of the activity's place.")),
        inputs.described(
            _space_holds_places, "capacity", "over_space_capacity", _("No more places than the space holds.")
        ),
        inputs.described(
            _space_open, "space", "outside_opening_hours", _("The space is open on the activity's days at its times.")
        ),
    ),
)

CANCEL_NOTE = inputs.Rules(
    {
        "note": inputs.Text(
            required=True,
            max_length=300,
            messages={"required": _("Say why the activity is cancelled: the people enrolled will read it.")},
        )
    }
)


CANCELLED_SUBJECT = _("Activity cancelled: %(title)s")
# The e-mail's paragraphs (one msgid each, no new lines in the catalogue), joined by `mail_enrollments`.
CANCELLED_BODY = (
    _("Hello,"),
    _(
        "the activity “%(title)s”, in which %(person)s is enrolled, has been cancelled. The organisers will "
        "contact you for anything you need."
    ),
)


# --- the activity's life --------------------------------------------------------------------------------


def _has_sessions(activity: Activity, step: Step) -> Any:
    if not Session.objects.filter(activity=activity, status=SessionStatus.SCHEDULED).exists():
        return gettext("The activity has no scheduled session: give it a schedule before publishing it.")
    return None


def _tell_cancellation(activity: Activity, step: Step) -> None:
    """E-mail the people enrolled and waiting that the activity is cancelled."""
    ids = Enrollment.objects.filter(
        activity=activity, status__in=(EnrollmentStatus.ENROLLED, EnrollmentStatus.WAITLISTED)
    ).values_list("pk", flat=True)
    mail_enrollments(list(ids), CANCELLED_SUBJECT, CANCELLED_BODY)


ACTIVITY_WORKFLOW = Workflow(
    name="activity",
    model=Activity,
    states=ActivityStatus,
    history=ActivityEvent,
    capability=MANAGE_ACTIVITIES,
    refusal=Refusal(_("An activity cannot go from “%(from)s” to “%(to)s”."), code="transition"),
    transitions=(
        Transition(
            A.DRAFT,
            A.PUBLISHED,
            name="publish",
            label=_("Publish"),
            guards=(Guard(_has_sessions, code="no_sessions"),),
        ),
        Transition(A.PUBLISHED, A.CLOSED, name="close", label=_("Close enrolments and the activity")),
        Transition(A.CLOSED, A.PUBLISHED, name="reopen", label=_("Reopen")),
        Transition(
            (A.DRAFT, A.PUBLISHED),
            A.CANCELLED,
            name="cancel",
            label=_("Cancel the activity"),
            on_commit=(_tell_cancellation,),
        ),
    ),
)


def _lock(activity: Activity) -> Activity:
    """The activity read again under a row lock, with its network."""
    return Activity.objects.select_for_update(of=("self",)).select_related("network").get(pk=activity.pk)


def _check_organizer(actor: Any, network: Network, organizer: Organization | None) -> None:
    """Partner staff create and run only their own organisation's activities."""
    scope = organizer_scope(actor, MANAGE_ACTIVITIES, network)
    if scope is not None and organizer is not None and organizer.pk not in scope:
        raise ValidationError(
            {"organizer": [ValidationError(gettext("You may run only your organisation's activities."), "not_own")]}
        )


@transaction.atomic
def create_activity(*, actor: Any, network: Network, data: dict[str, Any]) -> Activity:
    """Record a draft activity and make its sessions from the weekly schedule."""
    require(actor, MANAGE_ACTIVITIES, network)
    data = dict(data)
    scope = organizer_scope(actor, MANAGE_ACTIVITIES, network)
    if scope is not None and len(scope) == 1 and not data.get("organizer"):
        data["organizer"] = next(iter(scope))  # partner staff: their own organisation
    activity = Activity(network=network, created_by=actor if getattr(actor, "is_authenticated", False) else None)
    ACTIVITY_INPUTS.apply(activity, data, network=network, actor=actor)
    _check_organizer(actor, network, activity.organizer)
    hold_spaces(activity.space)  # before the first audit event (see services/bookings.py)
    activity.save()
    ACTIVITY_WORKFLOW.record(activity, actor=actor, from_state="")
    record_event(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=activity,
        after=snapshot(activity, ACTIVITY_FIELDS),
    )
    sync_sessions(activity, actor=actor)
    sync_bookings(actor=actor, activity=activity)
    return activity


@transaction.atomic
def update_activity(*, actor: Any, activity: Activity, data: dict[str, Any]) -> Activity:
    """Change an activity's details or schedule (the sessions follow); more places promote the people waiting."""
    require_for(actor, MANAGE_ACTIVITIES, activity)
    activity = _lock(activity)
    if activity.status in (A.CLOSED, A.CANCELLED):
        raise ValidationError(
            gettext("The activity is “%(status)s”: it can no longer be changed."),
            code="not_editable",
            params={"status": activity.get_status_display()},
        )
    before = snapshot(activity, ACTIVITY_FIELDS)
    old_space = activity.space
    ACTIVITY_INPUTS.apply(activity, data, network=activity.network, actor=actor)
    _check_organizer(actor, activity.network, activity.organizer)
    hold_spaces(old_space, activity.space)  # before the first audit event (see services/bookings.py)
    activity.save()
    after = snapshot(activity, ACTIVITY_FIELDS)
    record_event(actor=actor, action=AuditEvent.Action.UPDATE, obj=activity, before=before, after=after)
    if any((before or {}).get(name) != (after or {}).get(name) for name in SCHEDULE_FIELDS):
        sync_sessions(activity, actor=actor)
    sync_bookings(actor=actor, activity=activity, renamed=(before or {}).get("title") != (after or {}).get("title"))
    fill_places(activity, actor)
    return activity


def _only(activity: Activity, name: str, target: str) -> Activity:
    """The activity locked, refused unless the move is the transition `name` (publishing and reopening reach the
    same state from different ones); inside the caller's transaction."""
    activity = ACTIVITY_WORKFLOW.lock(activity)
    transition = ACTIVITY_WORKFLOW.transition(activity.status, target)
    if transition is None or transition.name != name:
        raise ACTIVITY_WORKFLOW.refused(activity.status, target)
    return activity


@transaction.atomic
def publish_activity(*, actor: Any, activity: Activity, note: str = "") -> Activity:
    """Publish a draft activity: it enters the calendar (when public) and takes enrolments."""
    require_for(actor, MANAGE_ACTIVITIES, activity)
    activity = _only(activity, "publish", A.PUBLISHED)
    return ACTIVITY_WORKFLOW.apply(
        activity, A.PUBLISHED, actor=actor, note=note, changes={"published_at": timezone.now()}, lock=False
    )


def close_activity(*, actor: Any, activity: Activity, note: str = "") -> Activity:
    """Close a published activity: no more enrolments; its sessions and roll calls stay."""
    require_for(actor, MANAGE_ACTIVITIES, activity)
    return ACTIVITY_WORKFLOW.apply(activity, A.CLOSED, actor=actor, note=note)


@transaction.atomic
def reopen_activity(*, actor: Any, activity: Activity, note: str = "") -> Activity:
    """Publish a closed activity again."""
    require_for(actor, MANAGE_ACTIVITIES, activity)
    activity = _only(activity, "reopen", A.PUBLISHED)
    return ACTIVITY_WORKFLOW.apply(activity, A.PUBLISHED, actor=actor, note=note, lock=False)


@transaction.atomic
def cancel_activity(*, actor: Any, activity: Activity, note: str) -> Activity:
    """Cancel an activity, saying why: its future sessions are cancelled and the people enrolled told by e-mail."""
    require_for(actor, MANAGE_ACTIVITIES, activity)
    cleaned = CANCEL_NOTE.clean({"note": note})
    activity = ACTIVITY_WORKFLOW.apply(activity, A.CANCELLED, actor=actor, note=cleaned["note"])
    coming = Session.objects.filter(activity=activity, status=SessionStatus.SCHEDULED, starts_at__gt=timezone.now())
    booked = list(coming.filter(booking__isnull=False).select_related("booking"))
    coming.update(status=SessionStatus.CANCELLED, note=cleaned["note"][:300], updated_at=timezone.now())
    release(actor=actor, sessions=booked, note=gettext("The activity is cancelled."), unlink=False)
    return activity


# --- the sessions of the schedule -----------------------------------------------------------------------


def schedule_days(activity: Activity) -> list[datetime.date]:
    """The days of the weekly schedule, from the first day to the last."""
    days = []
    weekdays = set(activity.weekdays or ())
    day = activity.first_day
    while day <= activity.last_day:
        if day.weekday() in weekdays:
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def sync_sessions(activity: Activity, *, actor: Any = None, now: datetime.datetime | None = None) -> dict[str, int]:
    """Make the sessions follow the schedule (inside the caller's transaction); returns the counts changed.

    Kept as they are: sessions edited by hand, past ones, held or cancelled ones, and any with a roll call. The
    bookings of the sessions removed are cancelled (as `actor`); `sync_bookings` moves the others.
    """
    moment = now or timezone.now()
    wanted = {
        day: (rome_datetime(day, activity.start_time), rome_datetime(day, activity.end_time))
        for day in schedule_days(activity)
    }
    existing = {s.slot: s for s in Session.objects.filter(activity=activity, slot__isnull=False)}
    with_roll_call = set(
        Session.objects.filter(activity=activity, attendances__isnull=False).values_list("pk", flat=True).distinct()
    )
    removed, moved = [], []
    for slot, session in existing.items():
        untouched = (
            not session.edited
            and session.status == SessionStatus.SCHEDULED
            and session.starts_at > moment
            and session.pk not in with_roll_call
        )
        if not untouched:
            continue
        if slot not in wanted:
            removed.append(session.pk)
        elif (session.starts_at, session.ends_at) != wanted[slot]:
            session.starts_at, session.ends_at = wanted[slot]
            session.weekday = local_weekday(session.starts_at)
            moved.append(session)
    if removed:
        gone = Session.objects.filter(pk__in=removed)
        booked = list(gone.filter(booking__isnull=False).select_related("booking"))
        release(actor=actor, sessions=booked, note=gettext("The activity's session changed."), unlink=False)
        gone.delete()
    if moved:
        Session.objects.bulk_update(moved, ["starts_at", "ends_at", "weekday"])
    new = [
        Session(
            network_id=activity.network_id,
            activity=activity,
            slot=day,
            starts_at=starts,
            ends_at=ends,
            weekday=local_weekday(starts),
        )
        for day, (starts, ends) in wanted.items()
        if day not in existing
    ]
    Session.objects.bulk_create(new, batch_size=500)
    return {"added": len(new), "moved": len(moved), "removed": len(removed)}
