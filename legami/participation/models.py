"""Participation: processes (community labs, co-programming, co-design, consultations), their phases,
meetings with registrations and roll call, and proposals with supports, comments and moderation."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legami.core.models import HistoryEvent, NetworkScopedModel, TimeStampedModel


class ProcessKind(models.TextChoices):
    COMMUNITY_LAB = "community_lab", _("Community lab")
    CO_PROGRAMMING = "co_programming", _("Co-programming")
    CO_DESIGN = "co_design", _("Co-design")
    CONSULTATION = "consultation", _("Consultation")


class LifeContext(models.TextChoices):
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
    VILLAGE = "village", _("Village")
    WORKPLACE = "workplace", _("Workplace")
    SCHOOL = "school", _("School")
    OTHER = "other", _("Other life context")


class ProcessStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", pgettext_lazy("process status", "Open")
    CLOSED = "closed", pgettext_lazy("process status", "Closed")


class Process(NetworkScopedModel):
    """A participatory path on a territory, in phases, with meetings and proposals."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="processes", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ProcessKind.choices)
    life_context = models.CharField(_("life context"), max_length=20, choices=LifeContext.choices, blank=True)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    municipalities = models.ManyToManyField(
        "territory.Municipality", blank=True, related_name="+", verbose_name=_("Comuni")
    )
    neighbourhood = models.ForeignKey(
        "territory.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    status = models.CharField(_("status"), max_length=20, choices=ProcessStatus.choices, default=ProcessStatus.DRAFT)
    current_phase = models.ForeignKey(
        "participation.Phase",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("current phase"),
    )
    # How many proposals of this process one person may support; 0: no limit.
    support_limit = models.PositiveSmallIntegerField(_("supports per person"), default=0)
    demand = models.ForeignKey(
        "aggregation.AggregatedDemand",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="processes",
        verbose_name=_("aggregated demand"),
    )
    # What the process started from, frozen when it was opened: figures and areas, never a person.
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("participatory process")
        verbose_name_plural = _("participatory processes")
        indexes = [models.Index(fields=["network", "status", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class ProcessEvent(HistoryEvent):
    """One step of a process's history: published, phase changed, closed, reopened."""

    subject_field = "process"

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="events", verbose_name=_("process"))
    from_status = models.CharField(_("from"), max_length=20, choices=ProcessStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ProcessStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("process event")


class Phase(TimeStampedModel):
    """A stretch of a process (ascolto, lettura dei bisogni, progettazione…) and what it lets people do."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="phases", verbose_name=_("process"))
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    proposals_open = models.BooleanField(_("proposals open"), default=False)
    supports_open = models.BooleanField(_("supports open"), default=False)
    comments_open = models.BooleanField(_("comments open"), default=False)

    class Meta:
        ordering = ["position", "starts_on", "id"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="phase_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", pgettext_lazy("meeting status", "Cancelled")


class Meeting(NetworkScopedModel):
    """A meeting of a process: in a place of the territory or online, with registrations and a roll call."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="meetings", verbose_name=_("network")
    )
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("process"))
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.ForeignKey(
        "territory.Place",
        null=True,
        blank=True,
        # A place with meetings is not deleted (the territory counts them first); the network's deletion takes both.
        on_delete=models.RESTRICT,
        related_name="meetings",
        verbose_name=_("place"),
    )
    online_url = models.URLField(_("online link"), blank=True)
    # None: no limit on registrations.
    capacity = models.PositiveIntegerField(_("places"), null=True, blank=True)
    registrations_open = models.BooleanField(_("registrations open"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    minutes = models.TextField(_("minutes"), blank=True)
    outcomes = models.TextField(_("outcomes"), blank=True)
    # People present who had not registered (counted at the roll call, never named).
    guests = models.PositiveIntegerField(_("other people present"), default=0)
    roll_call_at = models.DateTimeField(_("roll call taken at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["network", "starts_at"]), models.Index(fields=["process", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("registration status", "Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration status", "Cancelled")


class Registration(TimeStampedModel):
    """A person's place at a meeting (or on its waiting list), and whether they came."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("meeting")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("participant")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RegistrationStatus.choices, default=RegistrationStatus.REGISTERED
    )
    # None until the roll call; then True (present) or False (absent).
    attended = models.BooleanField(_("present"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_registration_per_person")]
        indexes = [models.Index(fields=["meeting", "status", "created_at"]), models.Index(fields=["user"])]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.user_id} ({self.status})"


class ProposalStatus(models.TextChoices):
    PUBLISHED = "published", pgettext_lazy("proposal status", "Published")
    EVALUATING = "evaluating", _("Under evaluation")
    ACCEPTED = "accepted", pgettext_lazy("proposal status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("proposal status", "Not accepted")
    WITHDRAWN = "withdrawn", pgettext_lazy("proposal status", "Withdrawn")


class Proposal(NetworkScopedModel):
    """A proposal of a citizen, a partner or an operator, supported and commented on, then answered."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="proposals", verbose_name=_("network")
    )
    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("process"))
    phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals", verbose_name=_("phase")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    organization = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("proposal"))
    area = models.ForeignKey(
        "needs.NeedArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("area")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PUBLISHED
    )
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("why it was hidden"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept by the services in the same transaction as the supports and comments they count.
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        indexes = [
            models.Index(fields=["process", "-created_at"]),
            models.Index(fields=["process", "-support_count"]),
            models.Index(fields=["process", "status"]),
            models.Index(fields=["author"]),
        ]

    def __str__(self) -> str:
        return self.title


class ProposalEvent(HistoryEvent):
    """One step of a proposal's history: answered, withdrawn, hidden, shown again."""

    subject_field = "proposal"

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events", verbose_name=_("proposal"))
    from_status = models.CharField(_("from"), max_length=20, choices=ProposalStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ProposalStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("proposal event")


class Support(models.Model):
    """One person's support of a proposal."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="supports", verbose_name=_("proposal")
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="one_support_per_person")]
        indexes = [models.Index(fields=["user"])]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.user_id}"


class Comment(TimeStampedModel):
    """A comment on a proposal, or a reply to another comment."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="comments", verbose_name=_("proposal")
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", verbose_name=_("reply to")
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"))
    hidden_at = models.DateTimeField(_("hidden at"), null=True, blank=True)
    hidden_reason = models.CharField(_("why it was hidden"), max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [models.Index(fields=["proposal", "created_at"])]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.pk}"


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    OFFENSIVE = "offensive", _("Offensive or discriminatory")
    PERSONAL_DATA = "personal_data", _("It exposes someone's personal data")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", _("Other")


class Report(NetworkScopedModel):
    """A participant's report of a proposal or a comment to the moderators."""

    proposal = models.ForeignKey(
        Proposal, null=True, blank=True, on_delete=models.CASCADE, related_name="reports", verbose_name=_("proposal")
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports", verbose_name=_("comment")
    )
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=ReportReason.choices)
    details = models.CharField(_("details"), max_length=500, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False, comment__isnull=True)
                | Q(proposal__isnull=True, comment__isnull=False),
                name="report_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["reporter", "proposal"], condition=Q(proposal__isnull=False), name="one_report_per_proposal"
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"], condition=Q(comment__isnull=False), name="one_report_per_comment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason}: {self.proposal_id or self.comment_id}"
