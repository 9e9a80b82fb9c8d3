"""Civic Center activities: an Activity organised by a partner in a place, its weekly Sessions, the Enrollments
with a waiting list, the Attendance taken at each session, and the volunteers' shifts."""

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legami.core.fields import EncryptedTextField
from legami.core.models import HistoryEvent, NetworkScopedModel


class ActivityKind(models.TextChoices):
    AFTER_SCHOOL = "after_school", _("After-school")
    CULTURAL = "cultural", _("Cultural")
    AGGREGATIVE = "aggregative", _("Aggregative")
    SPORT = "sport", _("Sport")
    MUTUAL_HELP = "mutual_help", _("Mutual-help group")
    DIGITAL_HELP = "digital_help", _("Digital help desk")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("activity status", "Draft")
    PUBLISHED = "published", pgettext_lazy("activity status", "Published")
    CLOSED = "closed", pgettext_lazy("activity status", "Closed")
    CANCELLED = "cancelled", pgettext_lazy("activity status", "Cancelled")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class Activity(NetworkScopedModel):
    """An activity of the Civic Center: organised by a partner in a place, on weekly days, with places."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="activities", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    # RESTRICT: an organisation or a place with activities stays, unless its network goes with them.
    organizer = models.ForeignKey(
        "network.Organization", on_delete=models.RESTRICT, related_name="activities", verbose_name=_("organiser")
    )
    place = models.ForeignKey(
        "territory.Place", on_delete=models.RESTRICT, related_name="activities", verbose_name=_("place")
    )
    # The shared space of the place its sessions book (exchange's bookings). RESTRICT, as for the place: a space
    # that activities use is not deleted from under them (it is made not bookable instead), unless its network goes.
    space = models.ForeignKey(
        "exchange.Space",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="activities",
        verbose_name=_("space"),
    )
    min_age = models.PositiveSmallIntegerField(_("from age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("up to age"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("places"))
    status = models.CharField(_("status"), max_length=20, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT)
    is_public = models.BooleanField(
        _("in the public calendar"), default=True, help_text=_("Shown to everyone once published.")
    )
    # What the activity answers: a collective demand, or a co-designed response.
    demand = models.ForeignKey(
        "aggregation.AggregatedDemand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("aggregated demand"),
    )
    response = models.ForeignKey(
        "responses.Response",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        verbose_name=_("response"),
    )
    # The weekly schedule the sessions are made from: days (0 Monday … 6 Sunday), times on the clocks of Rome.
    weekdays = models.JSONField(_("days of the week"), default=list, blank=True)
    start_time = models.TimeField(_("starts at"))
    end_time = models.TimeField(_("ends at"))
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [
            models.Index(fields=["network", "status", "title"], name="activity_network_status"),
            models.Index(fields=["network", "organizer"], name="activity_network_organizer"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="activity_capacity_positive"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True) | Q(max_age__isnull=True) | Q(min_age__lte=F("max_age")),
                name="activity_age_range",
            ),
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="activity_ends_after_start"),
            models.CheckConstraint(condition=Q(last_day__gte=F("first_day")), name="activity_days_in_order"),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityEvent(HistoryEvent):
    subject_field = "activity"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="events", verbose_name=_("activity"))
    from_status = models.CharField(_("from"), max_length=20, choices=ActivityStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ActivityStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("activity event")
        verbose_name_plural = _("activity events")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("session status", "Scheduled")
    HELD = "held", pgettext_lazy("session status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("session status", "Cancelled")


class Session(NetworkScopedModel):
    """One meeting of an activity: made from the weekly schedule (its `slot` is the day it stands for), then
    moved or cancelled on its own when needed."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="activity_sessions", verbose_name=_("network")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("activity")
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    status = models.CharField(
        _("status"), max_length=20, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # The day of the weekly schedule this session stands for; None for a session added by hand.
    slot = models.DateField(_("scheduled day"), null=True, blank=True)
    # Moved or cancelled by hand: a new schedule keeps it as it is.
    edited = models.BooleanField(_("changed by hand"), default=False)
    # The local day of the week it starts on, kept with `starts_at` (save() and the services' bulk writes): the
    # calendar's "day" filter reads it from an index instead of computing it for every coming session.
    weekday = models.PositiveSmallIntegerField(_("day of the week"), choices=Weekday.choices, default=0, editable=False)
    # The booking of the activity's space for this session (made and cancelled by the activity's services); None
    # when the activity has no space, the session is past, or the space was taken (see services/bookings.py).
    booking = models.OneToOneField(
        "exchange.Booking",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity_session",
        verbose_name=_("booking of the space"),
    )

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [
            models.Index(fields=["network", "starts_at"], name="session_network_starts"),
            models.Index(fields=["activity", "starts_at"], name="session_activity_starts"),
            models.Index(fields=["network", "weekday", "starts_at"], name="session_network_weekday"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["activity", "slot"], name="session_one_per_slot"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} @ {self.starts_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.weekday = local_weekday(self.starts_at)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "starts_at" in update_fields:
            kwargs["update_fields"] = {*update_fields, "weekday"}
        super().save(*args, **kwargs)


def local_weekday(moment: datetime.datetime) -> int:
    """The day of the week (Monday = 0) of `moment` in the network's time zone (Rome)."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).weekday()


class EnrollmentStatus(models.TextChoices):
    ENROLLED = "enrolled", pgettext_lazy("enrolment status", "Enrolled")
    WAITLISTED = "waitlisted", pgettext_lazy("enrolment status", "On the waiting list")
    WITHDRAWN = "withdrawn", pgettext_lazy("enrolment status", "Withdrawn")


class Enrollment(NetworkScopedModel):
    """A person of the registry (a child, an adult) enrolled in an activity, or waiting for a place."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="activity_enrollments", verbose_name=_("network")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="enrollments", verbose_name=_("activity")
    )
    person = models.ForeignKey(
        "network.Person", on_delete=models.CASCADE, related_name="activity_enrollments", verbose_name=_("person")
    )
    status = models.CharField(_("status"), max_length=20, choices=EnrollmentStatus.choices)
    # The place on the waiting list (1 first); None when not waiting.
    position = models.PositiveIntegerField(_("place on the waiting list"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Whom to call about a minor: a parent or guardian (the household may give it).
    guardian_name = EncryptedTextField(_("parent or guardian"), blank=True)
    guardian_email = EncryptedTextField(_("guardian's e-mail"), blank=True)
    guardian_phone = EncryptedTextField(_("guardian's phone"), blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)

    class Meta:
        ordering = ["activity", "status", "position", "id"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        indexes = [models.Index(fields=["activity", "status", "position"], name="enrollment_activity_status")]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="enrollment_once_per_person"),
            models.UniqueConstraint(
                fields=["activity", "position"], condition=Q(status="waitlisted"), name="enrollment_waiting_position"
            ),
            models.CheckConstraint(
                condition=Q(status="waitlisted", position__isnull=False) | (~Q(status="waitlisted") & Q(position=None)),
                name="enrollment_position_when_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.person_id} ({self.status})"


class EnrollmentEvent(HistoryEvent):
    subject_field = "enrollment"

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="events", verbose_name=_("enrolment")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=EnrollmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=EnrollmentStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("enrolment event")
        verbose_name_plural = _("enrolment events")


class Attendance(models.Model):
    """Whether an enrolled person was at a session (one row per session and person, written at the roll call)."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["session", "enrollment"], name="attendance_once_per_session")]
        indexes = [models.Index(fields=["enrollment", "present"], name="attendance_enrollment_present")]

    def __str__(self) -> str:
        return f"{self.enrollment_id} @ {self.session_id}: {'present' if self.present else 'absent'}"


class VolunteerShift(NetworkScopedModel):
    """A volunteer's time at a session, logged by the organiser or an operator.

    An operator who runs the time bank credits the minutes from the network's fund (`credit_shift`), once.
    """

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="volunteer_shifts", verbose_name=_("network")
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="shifts", verbose_name=_("session"))
    person = models.ForeignKey(
        "network.Person", on_delete=models.CASCADE, related_name="volunteer_shifts", verbose_name=_("volunteer")
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    role = models.CharField(_("what they did"), max_length=200, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    credited_at = models.DateTimeField(_("credited to the time bank at"), null=True, blank=True)
    # The time bank transfer from the network's fund that credited these minutes (a reversal leaves it in place).
    transfer = models.OneToOneField(
        "exchange.Transfer",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="volunteer_shift",
        verbose_name=_("time bank transfer"),
    )

    class Meta:
        ordering = ["session", "id"]
        verbose_name = _("volunteer shift")
        verbose_name_plural = _("volunteer shifts")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="shift_once_per_session"),
            models.CheckConstraint(condition=Q(minutes__gte=1, minutes__lte=1440), name="shift_minutes_range"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.session_id}: {self.minutes}'"
