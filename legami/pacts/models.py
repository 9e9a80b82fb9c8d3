"""Cases and generative pacts (patti gener-attivi).

A Case is the services' taking a person in charge (presa in carico), followed by a case team: a case manager
and members from partner organisations (CaseMember). Only the team and the privacy officer see a case; for
everyone else it does not exist. Assessments score the person's situation in eight domains at the start and at
every review, so that change can be measured.

A Pact is the agreement signed with the person: its content lives in numbered PactVersions (objectives with their
expected results, supports, budget lines, commitments, give-back among them). A signed version is never edited:
a change makes a new version, and the history compares any two. Rows of a version carry a `key` that stays the
same from one version to the next, so that expenses (against a budget line) and give-back hours (against a
commitment) follow the line or the commitment across versions.

Every free text here is case data: EncryptedTextField, never in the audit in clear, never in `str()`.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legami.core.fields import EncryptedTextField
from legami.core.models import HistoryEvent, NetworkScopedModel
from legami.core.storage import private_storage

# Euro to the cent, up to 99,999,999.99 (the amounts of budgets and expenses).
MONEY = {"max_digits": 10, "decimal_places": 2}


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


# ------------------------------------------------------------------------------------------------------ pacts


class PactStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("pact status", "Draft")
    PROPOSED = "proposed", pgettext_lazy("pact status", "Proposed")
    SIGNED = "signed", pgettext_lazy("pact status", "Signed")
    ACTIVE = "active", pgettext_lazy("pact status", "Active")
    UNDER_REVIEW = "under_review", pgettext_lazy("pact status", "Under review")
    COMPLETED = "completed", pgettext_lazy("pact status", "Completed")
    INTERRUPTED = "interrupted", pgettext_lazy("pact status", "Interrupted")


class InterruptReason(models.TextChoices):
    PERSON_WITHDREW = "person_withdrew", _("The person withdrew from the pact")
    COMMITMENTS_NOT_KEPT = "commitments_not_kept", _("Commitments repeatedly not kept")
    SITUATION_CHANGED = "situation_changed", _("The situation changed (a new need, another service)")
    MOVED = "moved", _("The person moved away")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent was withdrawn")
    OTHER = "other", _("Other reason")


class Pact(NetworkScopedModel):
    """A generative pact of a case: its state, its versions, its expenses, give-back hours and reviews."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="pacts", verbose_name=_("network")
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="pacts", verbose_name=_("case"))
    status = models.CharField(_("status"), max_length=20, choices=PactStatus.choices, default=PactStatus.DRAFT)
    # The signed version in force (empty until the first signature).
    current_version = models.ForeignKey(
        "PactVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("version in force"),
    )
    # The next review's day, kept with the reviews (the desk's "reviews due" reads it).
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    interrupt_reason = models.CharField(
        _("reason for interruption"), max_length=30, choices=InterruptReason.choices, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["network", "status", "next_review_on"], name="pact_review_due"),
            models.Index(fields=["case", "created_at"], name="pact_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="interrupted") | ~Q(interrupt_reason=""), name="pact_interrupted_has_reason"
            ),
        ]
        verbose_name = _("pact")
        verbose_name_plural = _("pacts")

    def __str__(self) -> str:
        return _("Pact no. %(number)s") % {"number": self.pk}


class PactEvent(HistoryEvent):
    subject_field = "pact"
    pact = models.ForeignKey(Pact, on_delete=models.CASCADE, related_name="events", verbose_name=_("pact"))
    from_status = models.CharField(_("from"), max_length=20, choices=PactStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=PactStatus.choices)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("pact event")
        verbose_name_plural = _("pact events")


class SignatureMethod(models.TextChoices):
    PAPER = "paper", _("On paper, scan uploaded")
    DIGITAL = "digital", _("Digital signature")
    WITNESSED = "witnessed", _("Read aloud and agreed before a witness")


class PactVersion(NetworkScopedModel):
    """The content of a pact as agreed at one time. Editable while unsigned; a signed version never changes."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    pact = models.ForeignKey(Pact, on_delete=models.CASCADE, related_name="versions", verbose_name=_("pact"))
    number = models.PositiveSmallIntegerField(_("version"))
    # The version it was made from (empty for the first).
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("based on")
    )
    summary = EncryptedTextField(_("what the pact is for"), blank=True)
    change_note = EncryptedTextField(_("what changes and why"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    review_every_weeks = models.PositiveSmallIntegerField(
        _("review every (weeks)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(52)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("written by")
    )
    # The signature: once signed_on is set, the version is frozen.
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signature_method = models.CharField(
        _("how it was signed"), max_length=20, choices=SignatureMethod.choices, blank=True
    )
    signature_scan = models.FileField(
        _("signed copy"), upload_to="pacts/signatures/%Y/%m/", storage=private_storage, blank=True
    )
    signature_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("signature recorded by"),
    )

    class Meta:
        ordering = ["pact", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pact", "number"], name="pact_version_number_once"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="pact_version_dates_in_order"),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True) | ~Q(signature_method=""), name="pact_version_signed_how"
            ),
        ]
        verbose_name = _("pact version")
        verbose_name_plural = _("pact versions")

    def __str__(self) -> str:
        return _("Pact no. %(number)s, version %(version)s") % {"number": self.pact_id, "version": self.number}

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None


class VersionRow(models.Model):
    """A row of a version's content. `key` identifies the same row from one version to the next."""

    version = models.ForeignKey(PactVersion, on_delete=models.CASCADE, related_name="+", verbose_name=_("version"))
    key = models.UUIDField(_("key"), default=uuid.uuid4, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["version", "position", "id"]


class PartyKind(models.TextChoices):
    CASE_MANAGER = "case_manager", _("The case manager")
    ORGANIZATION = "organization", _("A partner organisation")
    FAMILY = "family", _("A family member")
    OTHER = "other", _("Someone else")


class PactParty(VersionRow):
    """A party to the pact besides the person (who is always one), and whether they sign."""

    version = models.ForeignKey(
        PactVersion, on_delete=models.CASCADE, related_name="parties", verbose_name=_("version")
    )
    kind = models.CharField(_("party"), max_length=20, choices=PartyKind.choices)
    organization = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    name = EncryptedTextField(_("name"), blank=True)
    signs = models.BooleanField(_("signs the pact"), default=True)

    class Meta(VersionRow.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="pact_party_key_once")]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return f"{self.version_id}: {self.key}"


class Objective(VersionRow):
    version = models.ForeignKey(
        PactVersion, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("version")
    )
    text = EncryptedTextField(_("objective"))

    class Meta(VersionRow.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="pact_objective_key_once")]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self) -> str:
        return f"{self.version_id}: {self.key}"


class ExpectedResult(models.Model):
    """How an objective is known to be reached: an indicator, its target and by when."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="results", verbose_name=_("objective")
    )
    key = models.UUIDField(_("key"), default=uuid.uuid4, editable=False)
    indicator = EncryptedTextField(_("indicator"))
    target = EncryptedTextField(_("target"))
    due_on = models.DateField(_("by"), null=True, blank=True)

    class Meta:
        ordering = ["objective", "id"]
        verbose_name = _("expected result")
        verbose_name_plural = _("expected results")

    def __str__(self) -> str:
        return f"{self.objective_id}: {self.key}"


class Support(VersionRow):
    """A support the pact gives: a service, who provides it, how often."""

    version = models.ForeignKey(
        PactVersion, on_delete=models.CASCADE, related_name="supports", verbose_name=_("version")
    )
    service = EncryptedTextField(_("service"))
    provider = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("provided by"),
    )
    frequency = EncryptedTextField(_("how often"), blank=True)

    class Meta(VersionRow.Meta):
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="pact_support_key_once")]
        verbose_name = _("support")
        verbose_name_plural = _("supports")

    def __str__(self) -> str:
        return f"{self.version_id}: {self.key}"


class BudgetCategory(models.TextChoices):
    HOUSING = "housing", _("Rent and housing")
    BILLS = "bills", _("Utility bills")
    FOOD = "food", _("Food and basic goods")
    TRANSPORT = "transport", _("Transport")
    TRAINING = "training", _("Training and courses")
    HEALTH = "health", _("Health and care")
    CHILDREN = "children", _("Children: school, childcare, sport")
    WORK = "work", _("Work: tools, licences, internships")
    OTHER = "other", _("Other")


class BudgetLine(VersionRow):
    """A line of the personal welfare budget (budget di welfare personale): what for, how much."""

    version = models.ForeignKey(
        PactVersion, on_delete=models.CASCADE, related_name="budget_lines", verbose_name=_("version")
    )
    support = models.ForeignKey(
        Support,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="budget_lines",
        verbose_name=_("support"),
    )
    category = models.CharField(_("category"), max_length=20, choices=BudgetCategory.choices)
    description = EncryptedTextField(_("description"), blank=True)
    amount = models.DecimalField(
        _("amount (euro)"),
        validators=[MinValueValidator(Decimal("0.01"))],
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
    )

    class Meta(VersionRow.Meta):
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="pact_budget_key_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="pact_budget_amount_positive"),
        ]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return f"{self.version_id}: {self.key}"


class CommitmentParty(models.TextChoices):
    PERSON = "person", _("The person")
    CASE_MANAGER = "case_manager", _("The case manager")
    ORGANIZATION = "organization", _("A partner organisation")
    FAMILY = "family", _("The family")


class Commitment(VersionRow):
    """Who commits to what, by when. A give-back commitment counts hours given to the community."""

    version = models.ForeignKey(
        PactVersion, on_delete=models.CASCADE, related_name="commitments", verbose_name=_("version")
    )
    party = models.CharField(_("who"), max_length=20, choices=CommitmentParty.choices)
    organization = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisation"),
    )
    what = EncryptedTextField(_("what"))
    due_on = models.DateField(_("by"), null=True, blank=True)
    is_give_back = models.BooleanField(_("give-back to the community"), default=False)
    hours_per_week = models.DecimalField(
        _("hours a week"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25"))],
    )
    hours_total = models.DecimalField(
        _("hours in all"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25"))],
    )

    class Meta(VersionRow.Meta):
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="pact_commitment_key_once"),
            models.CheckConstraint(
                condition=Q(is_give_back=False) | Q(hours_per_week__isnull=False) | Q(hours_total__isnull=False),
                name="pact_give_back_has_hours",
            ),
        ]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    # ------------------------------------------------------------------------------------- budget and give-back

    def __str__(self) -> str:
        return f"{self.version_id}: {self.key}"


class ExpenseStatus(models.TextChoices):
    RECORDED = "recorded", pgettext_lazy("expense status", "Recorded")
    AWAITING_APPROVAL = "awaiting_approval", pgettext_lazy("expense status", "Awaiting approval (over budget)")
    APPROVED = "approved", pgettext_lazy("expense status", "Approved over budget")
    REFUSED = "refused", pgettext_lazy("expense status", "Refused")


class Expense(NetworkScopedModel):
    """An expense against a budget line (by its key), with its document. One that would take the line over its
    amount waits for a second person's approval and does not count until then."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    pact = models.ForeignKey(Pact, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("pact"))
    line_key = models.UUIDField(_("budget line"))
    amount = models.DecimalField(
        _("amount (euro)"),
        validators=[MinValueValidator(Decimal("0.01"))],
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
    )
    spent_on = models.DateField(_("spent on"))
    description = EncryptedTextField(_("description"))
    document = models.FileField(_("document"), upload_to="pacts/expenses/%Y/%m/", storage=private_storage, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ExpenseStatus.choices, default=ExpenseStatus.RECORDED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("approved or refused by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = EncryptedTextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        indexes = [models.Index(fields=["pact", "line_key", "status"], name="expense_pact_line")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="expense_amount_positive"),
            # The second person: whoever approves an overspending is not whoever recorded it.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("recorded_by")), name="expense_second_person"
            ),
        ]
        verbose_name = _("expense")
        verbose_name_plural = _("expenses")

    def __str__(self) -> str:
        return _("Expense no. %(number)s") % {"number": self.pk}


class GiveBackSource(models.TextChoices):
    ACTIVITY = "activity", _("A Civic Center activity")
    GIVEBACK_PLACE = "giveback_place", _("A give-back place of a response")
    TIME_BANK = "time_bank", _("A time bank exchange")
    OTHER = "other", _("Elsewhere in the community")


class GiveBackStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("give-back hours status", "Waiting for the host")
    CONFIRMED = "confirmed", pgettext_lazy("give-back hours status", "Confirmed by the host")
    REJECTED = "rejected", pgettext_lazy("give-back hours status", "Not confirmed")


class GiveBackHours(NetworkScopedModel):
    """Hours the person gave to the community toward a give-back commitment (by its key). They count once the host
    confirms them: the activity's organiser (a volunteer shift they logged is confirmed), the give-back place's
    host organisation, or the other side of a confirmed time-bank exchange. The host sees the hours and the place,
    never the pact."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    pact = models.ForeignKey(Pact, on_delete=models.PROTECT, related_name="give_back_hours", verbose_name=_("pact"))
    commitment_key = models.UUIDField(_("commitment"))
    done_on = models.DateField(_("day"))
    minutes = models.PositiveIntegerField(_("minutes"), validators=[MinValueValidator(1), MaxValueValidator(1440)])
    source = models.CharField(_("where"), max_length=20, choices=GiveBackSource.choices)
    volunteer_shift = models.OneToOneField(
        "activities.VolunteerShift",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="give_back",
        verbose_name=_("volunteer shift"),
    )
    giveback_place = models.ForeignKey(
        "responses.GiveBackPlace",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hours",
        verbose_name=_("give-back place"),
    )
    transfer = models.OneToOneField(
        "exchange.Transfer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="give_back",
        verbose_name=_("time bank exchange"),
    )
    host = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("host organisation"),
    )
    description = EncryptedTextField(_("what they did"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GiveBackStatus.choices, default=GiveBackStatus.PENDING
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("logged by")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        ordering = ["-done_on", "-id"]
        indexes = [
            models.Index(fields=["pact", "commitment_key", "status"], name="giveback_pact_commitment"),
            models.Index(fields=["network", "status", "host"], name="giveback_host_queue"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(minutes__gte=1, minutes__lte=1440), name="giveback_minutes_range"),
        ]
        verbose_name = _("give-back hours")
        verbose_name_plural = _("give-back hours")

    def __str__(self) -> str:
        return f"{self.pact_id}: {self.minutes}' ({self.done_on})"


# ---------------------------------------------------------------------------------------------------- reviews


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("Continue as agreed")
    RENEW = "renew", _("Renew (a new version)")
    CHANGE = "change", _("Change (a new version)")
    COMPLETE = "complete", _("Close: completed")
    INTERRUPT = "interrupt", _("Close: interrupted")


class Review(NetworkScopedModel):
    """A review meeting of a pact: each objective and commitment assessed, a new assessment, an outcome."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    pact = models.ForeignKey(Pact, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("pact"))
    version = models.ForeignKey(
        PactVersion, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("version reviewed")
    )
    due_on = models.DateField(_("due on"))
    held_on = models.DateField(_("held on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReviewOutcome.choices, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    assessment = models.OneToOneField(
        Assessment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review",
        verbose_name=_("assessment"),
    )
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("held by"),
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(held_on__isnull=True) | ~Q(outcome=""), name="review_held_has_outcome"),
        ]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return _("Review of %(day)s") % {"day": self.held_on or self.due_on}


class ItemRating(models.TextChoices):
    MET = "met", _("Reached or kept")
    PARTLY = "partly", _("Partly")
    NOT_MET = "not_met", _("Not reached or not kept")
    NOT_DUE = "not_due", _("Not due yet")


class ReviewItem(models.Model):
    """How one objective or commitment (by its key) went, at a review."""

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("Objective")
        COMMITMENT = "commitment", _("Commitment")

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items", verbose_name=_("review"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    item_key = models.UUIDField(_("item"))
    rating = models.CharField(_("how it went"), max_length=20, choices=ItemRating.choices)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        ordering = ["review", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "kind", "item_key"], name="review_item_once")]
        verbose_name = _("review item")
        verbose_name_plural = _("review items")

    def __str__(self) -> str:
        return f"{self.review_id}: {self.kind} {self.item_key}"


class ReminderKind(models.TextChoices):
    REVIEW_DUE = "review_due", _("A review is coming")
    COMMITMENT_OVERDUE = "commitment_overdue", _("A commitment is overdue")


class Reminder(models.Model):
    """A reminder e-mail sent to a case team, kept so that each is sent once."""

    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    pact = models.ForeignKey(Pact, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("pact"))
    kind = models.CharField(_("kind"), max_length=30, choices=ReminderKind.choices)
    # What it is about: the review's or the commitment's key, and the day it falls due.
    about = models.UUIDField(_("about"), null=True, blank=True)
    due_on = models.DateField(_("due on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["pact", "kind", "about", "due_on"], name="reminder_once"),
        ]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")

    def __str__(self) -> str:
        return f"{self.pact_id}: {self.kind} {self.due_on}"
