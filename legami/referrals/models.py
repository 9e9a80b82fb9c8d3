"""Referrals (segnalazioni): a sentinel signals a fragile situation to the services, and the district's
coordinators and case managers triage it: assign, ask the reporter for more, accept it into a case (the pacts
app), redirect it to another service or close it with a reason.

What the referral says about the person and the situation is case data: encrypted at rest, read only by the
triage (and by the case team once accepted), every read audited. The reporter sees their own referral's status
and the questions put to them, never what the services decide or write about the person.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legami.core.fields import EncryptedTextField
from legami.core.models import HistoryEvent, NetworkScopedModel


class Urgency(models.TextChoices):
    """How soon the services should look at a referral; each has the time within which triage is due."""

    IMMEDIATE = "immediate", _("Immediate: someone may be at risk now")
    HIGH = "high", _("Within two days")
    ORDINARY = "ordinary", _("Within two weeks")


# How long triage may take, by urgency: past it the referral is overdue.
TRIAGE_WITHIN = {
    Urgency.IMMEDIATE: datetime.timedelta(hours=24),
    Urgency.HIGH: datetime.timedelta(days=2),
    Urgency.ORDINARY: datetime.timedelta(days=14),
}


class AgeBand(models.TextChoices):
    CHILD = "child", _("A child or teenager")
    ADULT = "adult", _("An adult")
    OLDER = "older", _("An older person")
    FAMILY = "family", _("A family")
    UNKNOWN = "unknown", _("I don't know")


class ConsentState(models.TextChoices):
    """Whether the person knows of the referral and agrees."""

    GIVEN = "given", _("The person knows and agrees")
    NOT_ASKED = "not_asked", _("Not asked")
    REFUSED = "refused", _("The person does not agree")
    UNABLE = "unable", _("The person cannot give consent")


class ReferralStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("referral status", "New")
    ASSIGNED = "assigned", pgettext_lazy("referral status", "Assigned")
    INFO_REQUESTED = "info_requested", pgettext_lazy("referral status", "More information asked")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Taken in charge")
    REDIRECTED = "redirected", pgettext_lazy("referral status", "Sent to another service")
    CLOSED = "closed", pgettext_lazy("referral status", "Closed")


class CloseReason(models.TextChoices):
    NO_NEED = "no_need", _("No need for the services' help")
    ALREADY_FOLLOWED = "already_followed", _("Already followed by the services")
    DUPLICATE = "duplicate", _("Same situation as another referral")
    UNREACHABLE = "unreachable", _("The person could not be reached")
    REFUSED = "refused", _("The person refused help")
    OTHER = "other", _("Other reason")


class Referral(NetworkScopedModel):
    """A sentinel's referral of a fragile situation (segnalazione)."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="referrals", verbose_name=_("network")
    )
    # Who filed it: the reporter sees the status and the questions put to them, nothing else.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="referrals_filed",
        verbose_name=_("reporter"),
    )
    reporter_organization = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("reporter's organisation"),
    )
    reporter_contact = EncryptedTextField(_("how to reach the reporter"), blank=True)
    # Where the situation is: it routes the referral to the district's triage.
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("Comune")
    )
    # Who it concerns, in as few words as will let the services find the person ("the lady at number 12").
    subject = EncryptedTextField(_("who it concerns"))
    age_band = models.CharField(_("age"), max_length=20, choices=AgeBand.choices, default=AgeBand.UNKNOWN)
    where = EncryptedTextField(_("where to find them"), blank=True)
    observed = EncryptedTextField(_("what was seen"))
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.ORDINARY)
    consent = models.CharField(_("consent"), max_length=20, choices=ConsentState.choices)
    consent_note = EncryptedTextField(_("why consent was not asked or given"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.NEW)
    # When triage is due (filing time + TRIAGE_WITHIN[urgency]): the queue's order and its overdue flag.
    due_at = models.DateTimeField(_("triage due by"))
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referrals_assigned",
        verbose_name=_("assigned to"),
    )
    # The service it was sent to (redirected) or the reason it was closed.
    redirected_to = EncryptedTextField(_("service it was sent to"), blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["network", "status", "due_at"], name="referral_queue"),
            models.Index(fields=["network", "reporter", "created_at"], name="referral_reporter"),
            models.Index(fields=["network", "assigned_to", "status"], name="referral_assignee"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(close_reason=""), name="referral_closed_has_reason"
            ),
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        # Never the subject: a referral's name in lists, the audit and e-mails is its number.
        return _("Referral no. %(number)s") % {"number": self.pk}

    @property
    def is_case_data(self) -> bool:
        return True

    @property
    def is_open(self) -> bool:
        return self.status in {ReferralStatus.NEW, ReferralStatus.ASSIGNED, ReferralStatus.INFO_REQUESTED}


class ReferralEvent(HistoryEvent):
    """A step of a referral's triage. The note may name the person: encrypted, like the referral."""

    subject_field = "referral"
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events", verbose_name=_("referral"))
    from_status = models.CharField(_("from"), max_length=20, choices=ReferralStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ReferralStatus.choices)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")


class ReferralMessage(NetworkScopedModel):
    """A question the triage puts to the reporter, or the reporter's answer: the one exchange the reporter sees."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="messages", verbose_name=_("referral")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    from_reporter = models.BooleanField(_("written by the reporter"))
    body = EncryptedTextField(_("message"))

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("referral message")
        verbose_name_plural = _("referral messages")

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.pk}"
