"""Writes of meetings: their details, cancellation (MEETING_WORKFLOW), registrations with a waiting list, the
roll call, the minutes, and the e-mail reminders.

Registrations are counted under a lock on the meeting's row (`select_for_update`), so that two people asking
for the last place at once never both get it: the second waits for the first's transaction and then finds the
meeting full. The waiting list is in order of `Registration.created_at`: a person who registers again after
cancelling goes to its end (their row's `created_at` is set again).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.accounts.models import User
from legami.core import inputs
from legami.core.audit import append, audit_event, record_event, snapshot
from legami.core.models import AuditEvent, DataClass
from legami.core.parsing import parse_date, parse_time
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.core.workflow import Refusal, Step, Transition, Workflow
from legami.participation.capabilities import MANAGE_PROCESSES as MANAGE
from legami.participation.capabilities import TAKE_PART
from legami.participation.models import (
    Meeting,
    MeetingStatus,
    Process,
    ProcessStatus,
    Registration,
    RegistrationStatus,
)
from legami.territory.models import Place

logger = logging.getLogger(__name__)

ROME = ZoneInfo("Europe/Rome")
S = MeetingStatus
R = RegistrationStatus

MEETING_FIELDS = (
    "title",
    "agenda",
    "starts_at",
    "ends_at",
    "place",
    "online_url",
    "capacity",
    "registrations_open",
)
MINUTES_FIELDS = ("minutes", "outcomes")
# Reminders go to the people registered for the meetings that start between these two distances from now.
REMINDER_FROM = datetime.timedelta(hours=24)
REMINDER_TO = datetime.timedelta(hours=48)


# --- date and time --------------------------------------------------------------------------------------


def rome_datetime(day: datetime.date, time: datetime.time) -> datetime.datetime:
    """The aware moment of `day` at `time` on the clocks of Rome (daylight saving time included)."""
    return datetime.datetime.combine(day, time, tzinfo=ROME)


class DateTime(inputs.Field):
    """A moment: an aware datetime, a naive one (read on the clocks of Rome) or text such as "31/12/2026 18:30"
    or "2026-12-31T18:30"."""

    default_messages = {"invalid": _("Enter a valid date and time, such as 31/12/2026 18:30.")}
    types = (datetime.datetime,)

    def parse(self, value: Any, ctx: inputs.Context) -> datetime.datetime:
        if isinstance(value, datetime.datetime):
            return value if timezone.is_aware(value) else value.replace(tzinfo=ROME)
        if not isinstance(value, str):
            raise self.error("invalid")
        text = value.strip().replace("T", " ")
        day_text, _sep, time_text = text.partition(" ")
        try:
            day = parse_date(day_text)
            time = parse_time(time_text.strip())
        except (TypeError, ValueError):
            raise self.error("invalid") from None
        if day is None or time is None:
            raise self.error("invalid")
        return rome_datetime(day, time)


def _ends_after_start(ctx: inputs.Context) -> None:
    """A meeting ends after it starts."""
    starts, ends = ctx.value("starts_at"), ctx.value("ends_at")
    if ctx.ok("starts_at", "ends_at") and starts and ends and ends <= starts:
        ctx.add_error("ends_at", gettext("The meeting ends before it starts."), "ends_before_start")


PLACE_OR_LINK = _("Choose a place of the network or give the online link.")

MEETING_INPUTS = inputs.Rules(
    {
        "title": inputs.Text(
            required=True,
            max_length=max_length_of(Meeting, "title"),
            messages={"required": _("Give the meeting a title.")},
        ),
        "agenda": inputs.Text(max_length=20_000),
        "starts_at": DateTime(required=True, messages={"required": _("Give the day and time the meeting starts.")}),
        "ends_at": DateTime(required=True, messages={"required": _("Give the time the meeting ends.")}),
        "place": inputs.Lookup(Place, messages={"invalid_choice": _("Choose a place of the network.")}),
        "online_url": inputs.model_text(
            Meeting,
            "online_url",
            messages={"invalid": _("Enter a web address, such as https://meet.example.org/incontro.")},
        ),
        "capacity": inputs.Integer(
            min_value=1,
            max_value=100_000,
            messages={"min_value": _("At least one place; leave it empty for no limit.")},
        ),
        "registrations_open": inputs.Boolean(default=True),
    },
    checks=(
        inputs.described(_ends_after_start, "ends_at", "ends_before_start", _("The meeting ends after it starts.")),
        inputs.one_of("place", "online_url", on="place", message=PLACE_OR_LINK, code="place_or_link"),
    ),
)

MINUTES_INPUTS = inputs.Rules(
    {
        "minutes": inputs.Text(max_length=50_000),
        "outcomes": inputs.Text(max_length=20_000),
    }
)

CANCEL_NOTE = inputs.Rules(
    {
        "note": inputs.Text(
            required=True,
            max_length=300,
            messages={"required": _("Say why the meeting is cancelled: the people registered will read it.")},
        )
    }
)

ROLL_CALL_INPUTS = inputs.Rules(
    {
        "guests": inputs.Integer(
            min_value=0,
            max_value=10_000,
            default=0,
            messages={"min_value": _("Enter the number of other people present, or 0.")},
        )
    }
)


# --- e-mails --------------------------------------------------------------------------------------------


def meeting_link(meeting: Meeting) -> str:
    """The meeting's public page, under LEGAMI_BASE_URL (a relative address when it is not set)."""
    path = reverse("participation:meeting_detail", args=[meeting.network.slug, meeting.pk])
    return settings.LEGAMI_BASE_URL.rstrip("/") + path


def _mail_people(meeting_id: int, user_ids: Sequence[int], template: str, subject: Any, note: str = "") -> int:
    """E-mail each of `user_ids` (one message each, in their own language) about the meeting; returns how many."""
    meeting = Meeting.objects.select_related("network", "process", "place", "place__municipality").get(pk=meeting_id)
    people = User.objects.filter(pk__in=list(user_ids), is_active=True).exclude(email="").order_by("pk")
    messages = []
    for person in people:
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE), timezone.override(ROME):
            context = {
                "meeting": meeting,
                "process": meeting.process,
                "network": meeting.network,
                "person": person,
                "link": meeting_link(meeting),
                "note": note,
            }
            text = str(subject) % {"title": meeting.title}
            body = render_to_string(f"participation/email/{template}.txt", context)
        messages.append(EmailMessage(text, body, None, [person.email]))
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def _mail_safely(meeting_id: int, user_ids: Sequence[int], template: str, subject: Any, note: str = "") -> int:
    """`_mail_people`, after the commit: a mail server that fails is logged, never turned into an error page
    for a write that is already saved."""
    try:
        return _mail_people(meeting_id, user_ids, template, subject, note)
    except Exception:  # noqa: BLE001 — any failure of the mail server; the write stands
        logger.exception(
            "meeting %s: the %s e-mails to %s people could not be sent", meeting_id, template, len(user_ids)
        )
        return 0


def _mail_on_commit(meeting: Meeting, user_ids: Iterable[int], template: str, subject: Any, note: str = "") -> None:
    ids = list(user_ids)
    if ids:
        transaction.on_commit(lambda: _mail_safely(meeting.pk, ids, template, subject, note))


CANCELLED_SUBJECT = _("Meeting cancelled: %(title)s")
PROMOTED_SUBJECT = _("A place is free for you: %(title)s")
REMINDER_SUBJECT = _("Reminder: %(title)s")


# --- the meeting's life ---------------------------------------------------------------------------------


def _tell_cancellation(meeting: Meeting, step: Step) -> None:
    """E-mail the people registered and waiting that the meeting is cancelled, with the reason."""
    people = Registration.objects.filter(meeting=meeting, status__in=(R.REGISTERED, R.WAITING)).values_list(
        "user_id", flat=True
    )
    ids = list(people)
    if ids:
        _mail_safely(meeting.pk, ids, "meeting_cancelled", CANCELLED_SUBJECT, step.note)


MEETING_WORKFLOW = Workflow(
    name="meeting",
    model=Meeting,
    states=MeetingStatus,
    transitions=(
        Transition(
            S.SCHEDULED,
            S.CANCELLED,
            name="cancel",
            label=_("Cancel the meeting"),
            on_commit=(_tell_cancellation,),
        ),
    ),
    capability=MANAGE,
    refusal=Refusal(
        _("A meeting that is “%(current)s” cannot become “%(target)s”."),
        code="transition",
        params=("current", "target"),
    ),
    audit_snapshot=lambda meeting: snapshot(meeting, ("status",)),
)


def _lock(meeting: Meeting) -> Meeting:
    """The meeting read again under a row lock, with its network and process."""
    return Meeting.objects.select_for_update(of=("self",)).select_related("network", "process").get(pk=meeting.pk)


def _refuse(message: str, code: str, field: str | None = None) -> ValidationError:
    error = ValidationError(message, code=code)
    return ValidationError({field: [error]}) if field else error


def _audit_meeting(actor: Any, meeting: Meeting, *, action: str, before: dict | None, fields: Sequence[str]) -> None:
    record_event(
        actor=actor,
        action=action,
        obj=meeting,
        before=before,
        after=snapshot(meeting, fields),
    )


def _fill_places(meeting: Meeting, actor: Any) -> list[int]:
    """Promote the first people waiting while the (locked) meeting has free places; their user ids, in order."""
    waiting = Registration.objects.filter(meeting=meeting, status=R.WAITING).order_by("created_at", "id")
    if meeting.capacity is None:
        promoted = list(waiting.select_for_update())
    else:
        taken = Registration.objects.filter(meeting=meeting, status=R.REGISTERED).count()
        free = meeting.capacity - taken
        promoted = list(waiting.select_for_update()[:free]) if free > 0 else []
    events = []
    for registration in promoted:
        registration.status = R.REGISTERED
        registration.save(update_fields=["status", "updated_at"])
        events.append(_registration_event(actor, registration, meeting, before=R.WAITING, note="promoted"))
    if events:
        append(events)
    return [registration.user_id for registration in promoted]


@transaction.atomic
def create_meeting(*, actor: Any, process: Process, data: dict[str, Any]) -> Meeting:
    """Schedule a meeting of a process that is not closed: title, agenda, times, place or link, places."""
    require(actor, MANAGE, process.network)
    process = Process.objects.select_for_update().select_related("network").get(pk=process.pk)
    if process.status == ProcessStatus.CLOSED:
        raise _refuse(gettext("The process is closed: reopen it to schedule a meeting."), "process_closed")
    meeting = Meeting(network=process.network, process=process)
    MEETING_INPUTS.apply(meeting, data, network=process.network, actor=actor)
    meeting.save()
    _audit_meeting(actor, meeting, action=AuditEvent.Action.CREATE, before=None, fields=MEETING_FIELDS)
    return meeting


@transaction.atomic
def update_meeting(*, actor: Any, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    """Change a scheduled meeting's details; more places (or none as a limit) promote the people waiting."""
    require(actor, MANAGE, meeting.network)
    meeting = _lock(meeting)
    if meeting.status == S.CANCELLED:
        raise _refuse(gettext("The meeting has been cancelled: it can no longer be changed."), "cancelled")
    before = snapshot(meeting, MEETING_FIELDS)
    MEETING_INPUTS.apply(meeting, data, network=meeting.network, actor=actor)
    meeting.save()
    _audit_meeting(actor, meeting, action=AuditEvent.Action.UPDATE, before=before, fields=MEETING_FIELDS)
    promoted = _fill_places(meeting, actor)
    _mail_on_commit(meeting, promoted, "meeting_promoted", PROMOTED_SUBJECT)
    return meeting


def cancel_meeting(*, actor: Any, meeting: Meeting, note: str) -> Meeting:
    """Cancel a scheduled meeting, saying why; the people registered and waiting are told by e-mail."""
    require(actor, MANAGE, meeting.network)
    cleaned = CANCEL_NOTE.clean({"note": note})
    return MEETING_WORKFLOW.apply(meeting, S.CANCELLED, actor=actor, note=cleaned["note"])


# --- registrations --------------------------------------------------------------------------------------


def _registration_event(
    actor: Any, registration: Registration, meeting: Meeting, *, before: str | None, note: str = ""
) -> AuditEvent:
    return audit_event(
        actor=actor,
        action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
        obj=registration,
        network=meeting.network_id,
        before=None if before is None else {"status": before},
        after={"status": registration.status, "meeting": meeting.pk},
        data_class=DataClass.PERSONAL,
        note=note,
    )


def _has_place(meeting: Meeting) -> bool:
    if meeting.capacity is None:
        return True
    return Registration.objects.filter(meeting=meeting, status=R.REGISTERED).count() < meeting.capacity


def registration_refusal(meeting: Meeting, *, now: datetime.datetime | None = None) -> ValidationError | None:
    """Why nobody may register for `meeting` now, or None when they may (read by the page and by `register`)."""
    moment = now or timezone.now()
    if meeting.status == S.CANCELLED:
        return _refuse(gettext("The meeting has been cancelled."), "cancelled")
    if meeting.process.status != ProcessStatus.PUBLISHED:
        return _refuse(gettext("The process is not open: nobody can register."), "process_not_open")
    if meeting.starts_at <= moment:
        return _refuse(gettext("The meeting has already started."), "started")
    if not meeting.registrations_open:
        return _refuse(gettext("Registrations for this meeting are closed."), "registrations_closed")
    return None


@transaction.atomic
def register(*, actor: Any, meeting: Meeting) -> Registration:
    """Register `actor` for the meeting: a place if one is free, else the end of the waiting list."""
    require(actor, TAKE_PART, meeting.network)
    meeting = _lock(meeting)
    refusal = registration_refusal(meeting)
    if refusal is not None:
        raise refusal
    registration = Registration.objects.select_for_update().filter(meeting=meeting, user=actor).first()
    status = R.REGISTERED if _has_place(meeting) else R.WAITING
    if registration is None:
        registration = Registration.objects.create(meeting=meeting, user=actor, status=status)
        append([_registration_event(actor, registration, meeting, before=None)])
        return registration
    if registration.status != R.CANCELLED:
        raise _refuse(gettext("You are already registered for this meeting."), "already_registered")
    # Back at the end of the line: the waiting list is in order of created_at.
    registration.status = status
    registration.created_at = timezone.now()
    registration.attended = None
    registration.save(update_fields=["status", "created_at", "attended", "updated_at"])
    append([_registration_event(actor, registration, meeting, before=R.CANCELLED, note="registered again")])
    return registration


@transaction.atomic
def unregister(*, actor: Any, meeting: Meeting) -> Registration:
    """Cancel `actor`'s registration (or place on the waiting list); a freed place goes to the first waiting."""
    require(actor, TAKE_PART, meeting.network)
    meeting = _lock(meeting)
    if meeting.status == S.CANCELLED:
        raise _refuse(gettext("The meeting has been cancelled."), "cancelled")
    if meeting.starts_at <= timezone.now():
        raise _refuse(gettext("The meeting has already started."), "started")
    registration = (
        Registration.objects.select_for_update()
        .filter(meeting=meeting, user=actor, status__in=(R.REGISTERED, R.WAITING))
        .first()
    )
    if registration is None:
        raise _refuse(gettext("You are not registered for this meeting."), "not_registered")
    before = registration.status
    registration.status = R.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    append([_registration_event(actor, registration, meeting, before=before)])
    if before == R.REGISTERED:
        promoted = _fill_places(meeting, actor)
        _mail_on_commit(meeting, promoted, "meeting_promoted", PROMOTED_SUBJECT)
    return registration


# --- roll call and minutes ------------------------------------------------------------------------------


def roll_call_refusal(meeting: Meeting, *, today: datetime.date | None = None) -> ValidationError | None:
    """Why the roll call cannot be taken now (a cancelled meeting, or before its day), or None."""
    if meeting.status == S.CANCELLED:
        return _refuse(gettext("The meeting has been cancelled."), "cancelled")
    day = today or timezone.localdate(timezone=ROME)
    if day < timezone.localtime(meeting.starts_at, ROME).date():
        return _refuse(gettext("The roll call can be taken from the day of the meeting on."), "too_early")
    return None


@transaction.atomic
def take_roll_call(*, actor: Any, meeting: Meeting, present: Iterable[Any], guests: Any = 0) -> Meeting:
    """Record who of the registered came (the others are absent) and how many others were present."""
    require(actor, MANAGE, meeting.network)
    meeting = _lock(meeting)
    refusal = roll_call_refusal(meeting)
    if refusal is not None:
        raise refusal
    cleaned = ROLL_CALL_INPUTS.clean({"guests": guests})
    registered = {
        r.pk: r
        for r in Registration.objects.select_for_update().filter(meeting=meeting, status=R.REGISTERED).order_by("pk")
    }
    present_ids = set()
    for value in present:
        pk = inputs.parse_id(getattr(value, "pk", value))
        if pk is None or pk not in registered:
            raise _refuse(
                gettext("Only the people registered for the meeting can be marked present."), "invalid", "present"
            )
        present_ids.add(pk)
    events = []
    for pk, registration in registered.items():
        attended = pk in present_ids
        if registration.attended is attended:
            continue
        before = registration.attended
        registration.attended = attended
        registration.save(update_fields=["attended", "updated_at"])
        events.append(
            audit_event(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=registration,
                network=meeting.network_id,
                before={"attended": before},
                after={"attended": attended},
                data_class=DataClass.PERSONAL,
            )
        )
    before_meeting = snapshot(meeting, ("guests", "roll_call_at"))
    meeting.guests = cleaned["guests"]
    meeting.roll_call_at = timezone.now()
    meeting.save(update_fields=["guests", "roll_call_at", "updated_at"])
    events.append(
        audit_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=meeting,
            before=before_meeting,
            after=snapshot(meeting, ("guests", "roll_call_at")),
            note=f"roll call: {len(present_ids)} of {len(registered)} present",
        )
    )
    append(events)
    return meeting


@transaction.atomic
def record_minutes(*, actor: Any, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    """Write the meeting's minutes and outcomes (public: they name no one)."""
    require(actor, MANAGE, meeting.network)
    meeting = _lock(meeting)
    if meeting.status == S.CANCELLED:
        raise _refuse(gettext("The meeting has been cancelled."), "cancelled")
    before = snapshot(meeting, MINUTES_FIELDS)
    MINUTES_INPUTS.refuse_unknown(data)
    cleaned = MINUTES_INPUTS.clean(data, instance=meeting, network=meeting.network, actor=actor)
    for name, value in cleaned.items():
        setattr(meeting, name, value)
    meeting.save(update_fields=[*cleaned, "updated_at"])
    _audit_meeting(actor, meeting, action=AuditEvent.Action.UPDATE, before=before, fields=MINUTES_FIELDS)
    return meeting


# --- reminders ------------------------------------------------------------------------------------------


def meetings_due_for_reminder(now: datetime.datetime | None = None) -> list[int]:
    """The ids of the scheduled meetings starting 24 to 48 hours from now whose reminder has not been sent."""
    moment = now or timezone.now()
    due = Meeting.objects.filter(
        status=S.SCHEDULED,
        reminder_sent_at__isnull=True,
        starts_at__gte=moment + REMINDER_FROM,
        starts_at__lt=moment + REMINDER_TO,
    ).filter(~Q(process__status=ProcessStatus.DRAFT))
    return list(due.order_by("starts_at", "pk").values_list("pk", flat=True))


def send_reminders(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """E-mail the people registered for the meetings due (see meetings_due_for_reminder), once per meeting.

    Each meeting is marked under its row lock before its e-mails go (on commit): a second run, or two at
    once, sends nothing more. Returns how many meetings and e-mails.
    """
    meetings = people = 0
    for pk in meetings_due_for_reminder(now):
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update().filter(pk=pk, reminder_sent_at__isnull=True).first()
            if meeting is None or meeting.status != S.SCHEDULED:
                continue
            meeting.reminder_sent_at = timezone.now()
            meeting.save(update_fields=["reminder_sent_at", "updated_at"])
            ids = list(
                Registration.objects.filter(meeting=meeting, status=R.REGISTERED)
                .order_by("pk")
                .values_list("user_id", flat=True)
            )
            record_event(
                actor=None,
                action=AuditEvent.Action.UPDATE,
                obj=meeting,
                after={"reminder_sent_at": meeting.reminder_sent_at.isoformat()},
                note=f"reminder: {len(ids)} people",
            )
            _mail_on_commit(meeting, ids, "meeting_reminder", REMINDER_SUBJECT)
        meetings += 1
        people += len(ids)
    if meetings:
        logger.info("meeting reminders: %s meetings, %s people", meetings, people)
    return {"meetings": meetings, "people": people}
