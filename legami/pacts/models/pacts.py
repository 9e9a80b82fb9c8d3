"""Pacts and their numbered versions; a version's rows (parties, objectives and expected results, supports,
budget lines, commitments) carry a `key` kept from one version to the next."""

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
from legami.pacts.models.cases import Case

# Euro to the cent, up to 99,999,999.99 (the amounts of budgets and expenses).
MONEY = {"max_digits": 10, "decimal_places": 2}


# ------------------------------------------------------------------------------------------------------ pacts


class PactStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("pact status", "Draft")
    PROPOSED = "proposed", pgettext_lazy("pact status", "Proposed")
    SIGNED = "signed", pgettext_lazy("pact status", "Signed")
    ACTIVE = "active", pgettext_lazy("pact status", "Active")
    UNDER_REVIEW = "under_review", pgettext_lazy("pact status", "Under review")
    COMPLETED = "completed", pgettext_lazy("pact status", "Completed")
    INTERRUPTED = "interrupted", pgettext_lazy("pact status", "Interrupted")


# A version's content is written only while unsigned, and only the newest version of a pact in one of these states
# (the draft of a new pact, or the next version while the pact is under review).
CONTENT_WRITABLE_STATES = (PactStatus.DRAFT, PactStatus.UNDER_REVIEW)


def content_writable(*, signed: bool, newest: bool, status: str) -> bool:
    """The rule of `services.pacts.editable_version` on plain values, for pages that read them from annotations."""
    return not signed and newest and status in CONTENT_WRITABLE_STATES


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

    def __str__(self) -> str:
        return f"{self.version_id}: {self.key}"
