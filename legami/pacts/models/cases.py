"""Cases (presa in carico), their teams and the multidimensional assessments."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legami.core.fields import EncryptedTextField
from legami.core.models import HistoryEvent, NetworkScopedModel

# ------------------------------------------------------------------------------------------------------ cases


class CaseStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("case status", "Open")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


class CaseCloseReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("The goals were reached")
    TRANSFERRED = "transferred", _("Passed to another service")
    MOVED = "moved", _("The person moved away")
    WITHDREW = "withdrew", _("The person no longer wants to take part")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent was withdrawn")
    OTHER = "other", _("Other reason")


class Case(NetworkScopedModel):
    """A person taken in charge by the services (presa in carico), with a case team."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="cases", verbose_name=_("network")
    )
    person = models.ForeignKey(
        "network.Person", on_delete=models.PROTECT, related_name="cases", verbose_name=_("person")
    )
    # The referral that asked for it, when it came from one.
    referral = models.OneToOneField(
        "referrals.Referral",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case",
        verbose_name=_("referral"),
    )
    # The processing of the register it is done under: its legal basis and purpose. When the basis is consent and
    # the person withdraws it, the case can no longer be worked on, only closed.
    processing = models.ForeignKey(
        "core.Processing", on_delete=models.PROTECT, related_name="cases", verbose_name=_("processing")
    )
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    summary = EncryptedTextField(_("situation"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("opened by")
    )
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=30, choices=CaseCloseReason.choices, blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["network", "status", "opened_on"], name="case_network_status")]
        constraints = [
            models.CheckConstraint(condition=~Q(status="closed") | ~Q(close_reason=""), name="case_closed_has_reason"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        # Never the person's name: lists, the audit and e-mails name a case by its number.
        return _("Case no. %(number)s") % {"number": self.pk}


class CaseEvent(HistoryEvent):
    subject_field = "case"
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    from_status = models.CharField(_("from"), max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=CaseStatus.choices)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("case event")
        verbose_name_plural = _("case events")


class TeamRole(models.TextChoices):
    MANAGER = "manager", _("Case manager")
    MEMBER = "member", _("Team member")


class CaseMember(NetworkScopedModel):
    """Someone on a case's team: the case manager (one per case) or a member, often from a partner organisation."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members", verbose_name=_("case"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role on the team"), max_length=20, choices=TeamRole.choices, default=TeamRole.MEMBER)
    organization = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organisation"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("added by")
    )

    class Meta:
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="case_member_once"),
            models.UniqueConstraint(fields=["case"], condition=Q(role="manager"), name="case_one_manager"),
        ]
        indexes = [models.Index(fields=["user", "case"], name="case_member_user")]
        verbose_name = _("case team member")
        verbose_name_plural = _("case team members")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.user_id} ({self.role})"


# ------------------------------------------------------------------------------------------------ assessments


class Domain(models.TextChoices):
    """The domains of the multidimensional assessment."""

    HOUSING = "housing", _("Housing")
    WORK = "work", _("Work")
    INCOME = "income", _("Income")
    HEALTH = "health", _("Health")
    RELATIONSHIPS = "relationships", _("Relationships")
    SKILLS = "skills", _("Skills")
    FAMILY_CARE = "family_care", _("Family care")
    AUTONOMY = "autonomy", _("Autonomy")


class AssessmentKind(models.TextChoices):
    BASELINE = "baseline", _("Baseline")
    REVIEW = "review", _("At a review")
    CLOSING = "closing", _("At closing")


class Assessment(NetworkScopedModel):
    """A multidimensional assessment of the person's situation, on a day."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=AssessmentKind.choices)
    assessed_on = models.DateField(_("assessed on"))
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("assessed by")
    )
    note = EncryptedTextField(_("overall note"), blank=True)

    class Meta:
        ordering = ["assessed_on", "id"]
        indexes = [models.Index(fields=["case", "assessed_on"], name="assessment_case_day")]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")

    def __str__(self) -> str:
        return _("Assessment of %(day)s") % {"day": self.assessed_on}


class AssessmentScore(models.Model):
    """One domain of an assessment: a score from 1 (serious difficulty) to 5 (no difficulty), notes, evidence."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scores", verbose_name=_("assessment")
    )
    domain = models.CharField(_("domain"), max_length=20, choices=Domain.choices)
    score = models.PositiveSmallIntegerField(_("score"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    notes = EncryptedTextField(_("notes"), blank=True)
    evidence = EncryptedTextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="assessment_domain_once"),
            models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="assessment_score_1_5"),
        ]
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.domain}={self.score}"
