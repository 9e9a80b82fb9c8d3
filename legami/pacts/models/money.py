"""What is spent and given back under a pact: expenses against its budget lines, give-back hours toward its
commitments (both by key, across versions)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legami.core.fields import EncryptedTextField
from legami.core.models import NetworkScopedModel
from legami.core.storage import private_storage
from legami.pacts.models.pacts import MONEY, Pact


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
        indexes = [
            models.Index(fields=["pact", "line_key", "status"], name="expense_pact_line"),
            # The desk's "expenses awaiting your approval": few rows among many.
            models.Index(fields=["pact"], condition=Q(status="awaiting_approval"), name="expense_awaiting_approval"),
        ]
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
