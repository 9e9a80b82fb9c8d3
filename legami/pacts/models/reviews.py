"""Reviews of a pact (each objective and commitment rated, an outcome) and the reminders sent for them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from legami.core.fields import EncryptedTextField
from legami.core.models import NetworkScopedModel
from legami.pacts.models.cases import Assessment
from legami.pacts.models.pacts import Pact, PactVersion

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
