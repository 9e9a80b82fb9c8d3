"""Responses (risposte progettuali) and the Art. 55 CTS procedures that build them: co-programming rounds,
co-design tables (calls, applications, scores), the co-production ledger and the give-back places."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legami.core.models import HistoryEvent, NetworkScopedModel, TimeStampedModel

# --- co-programming ------------------------------------------------------------------------------------


class CoProgrammingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("co-programming status", "Open")
    CLOSED = "closed", pgettext_lazy("co-programming status", "Closed")


class CoProgramming(NetworkScopedModel):
    """A co-programming round: a public body shares an analysis, partners contribute, the lead partner signs
    off the priorities (Art. 55 CTS, comma 2)."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="coprogrammings", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=200)
    public_body = models.ForeignKey(
        "network.Organization", on_delete=models.RESTRICT, related_name="+", verbose_name=_("public body")
    )
    lead = models.ForeignKey(
        "network.Organization", on_delete=models.RESTRICT, related_name="+", verbose_name=_("lead partner")
    )
    analysis = models.TextField(_("shared analysis"))
    demands = models.ManyToManyField(
        "aggregation.AggregatedDemand", blank=True, related_name="coprogrammings", verbose_name=_("demands")
    )
    surveys = models.ManyToManyField("needs.Survey", blank=True, related_name="+", verbose_name=_("surveys"))
    # Territorial figures chosen when the round opened (needs by area, people), never a person.
    figures = models.JSONField(_("territorial figures"), default=dict, blank=True)
    process = models.ForeignKey(
        "participation.Process",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coprogrammings",
        verbose_name=_("participatory process"),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("contributions until"))
    status = models.CharField(
        _("status"), max_length=20, choices=CoProgrammingStatus.choices, default=CoProgrammingStatus.OPEN
    )
    priorities = models.TextField(_("priorities agreed"), blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("co-programming round")
        verbose_name_plural = _("co-programming rounds")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="coprogramming_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.title


class CoProgrammingEvent(HistoryEvent):
    subject_field = "coprogramming"

    coprogramming = models.ForeignKey(
        CoProgramming, on_delete=models.CASCADE, related_name="events", verbose_name=_("co-programming round")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=CoProgrammingStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=CoProgrammingStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("co-programming event")


class ContributionKind(models.TextChoices):
    ANALYSIS = "analysis", _("Analysis")
    DATA = "data", _("Data")
    PROPOSAL = "proposal", _("Proposal")


class Contribution(NetworkScopedModel):
    """A partner's contribution to a co-programming round: an analysis, data or a proposal, with a file."""

    coprogramming = models.ForeignKey(
        CoProgramming, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("co-programming round")
    )
    organization = models.ForeignKey(
        "network.Organization", on_delete=models.RESTRICT, related_name="+", verbose_name=_("partner")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ContributionKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("contribution"))
    file = models.FileField(_("file"), upload_to="coprogramming/%Y/%m/", blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return self.title


# --- co-design tables -------------------------------------------------------------------------------------


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", pgettext_lazy("call status", "Open for applications")
    EVALUATION = "evaluation", _("Under evaluation")
    RANKED = "ranked", _("Ranked")
    AWARDED = "awarded", _("Awarded")
    CANCELLED = "cancelled", pgettext_lazy("call status", "Cancelled")


class CoDesignCall(NetworkScopedModel):
    """A co-design table (Art. 55 CTS, comma 3): a call with purpose, budget, requirements, phases and weighted
    criteria; partners apply, evaluators score, the outcome is a Response and its convention."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="codesign_calls", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"))
    municipalities = models.ManyToManyField(
        "territory.Municipality", blank=True, related_name="+", verbose_name=_("Comuni")
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    budget = models.DecimalField(_("budget framework (euro)"), max_digits=12, decimal_places=2)
    budget_notes = models.TextField(_("budget notes"), blank=True)
    requirements = models.TextField(_("requirements"), blank=True)
    # The table's own phases, as text the call publishes (e.g. "1. presentazione; 2. tavolo; 3. convenzione").
    phases = models.TextField(_("phases of the table"), blank=True)
    opens_on = models.DateField(_("applications from"))
    closes_on = models.DateField(_("applications until"))
    status = models.CharField(_("status"), max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT)
    coprogramming = models.ForeignKey(
        CoProgramming,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="calls",
        verbose_name=_("co-programming round"),
    )
    process = models.ForeignKey(
        "participation.Process",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="codesign_calls",
        verbose_name=_("participatory process"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("co-design table")
        verbose_name_plural = _("co-design tables")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="call_dates_in_order"),
            models.CheckConstraint(condition=Q(budget__gte=0), name="call_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class CallEvent(HistoryEvent):
    subject_field = "call"

    call = models.ForeignKey(CoDesignCall, on_delete=models.CASCADE, related_name="events", verbose_name=_("call"))
    from_status = models.CharField(_("from"), max_length=20, choices=CallStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=CallStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("co-design table event")


class Criterion(TimeStampedModel):
    """An evaluation criterion of a call, with its weight (the weights of a call add up to 100)."""

    call = models.ForeignKey(CoDesignCall, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("call"))
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what is evaluated"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), validators=[MinValueValidator(1), MaxValueValidator(100)])
    max_score = models.PositiveSmallIntegerField(
        _("highest score"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", pgettext_lazy("application status", "Withdrawn")
    EXCLUDED = "excluded", _("Excluded")
    SELECTED = "selected", _("Selected")


class Application(NetworkScopedModel):
    """A partner's answer to a co-design call: a project proposal and the resources it brings."""

    call = models.ForeignKey(
        CoDesignCall, on_delete=models.CASCADE, related_name="applications", verbose_name=_("call")
    )
    organization = models.ForeignKey(
        "network.Organization", on_delete=models.RESTRICT, related_name="+", verbose_name=_("applicant")
    )
    partners = models.ManyToManyField(
        "network.Organization", blank=True, related_name="+", verbose_name=_("partners in the application")
    )
    title = models.CharField(_("title"), max_length=200)
    proposal = models.TextField(_("project proposal"))
    staff_hours = models.PositiveIntegerField(_("staff hours"), default=0)
    volunteers = models.PositiveIntegerField(_("volunteers"), default=0)
    spaces = models.TextField(_("spaces"), blank=True)
    money = models.DecimalField(_("own money (euro)"), max_digits=12, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    exclusion_reason = models.CharField(_("why it was excluded"), max_length=500, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Written when the call is ranked: the weighted score out of 100 and the place in the ranking.
    total_score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        ordering = ["rank", "created_at", "id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["call", "organization"], name="one_application_per_organization"),
            models.CheckConstraint(condition=Q(money__gte=0), name="application_money_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class Score(TimeStampedModel):
    """One evaluator's score of one application on one criterion, with the reason."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="scores", verbose_name=_("application")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="scores", verbose_name=_("criterion")
    )
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["criterion__position", "id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["application", "criterion", "evaluator"], name="one_score_per_evaluator_and_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application_id}/{self.criterion_id}: {self.score}"


# --- responses ----------------------------------------------------------------------------------------------


class ResponseStatus(models.TextChoices):
    PLANNED = "planned", _("Being designed")
    ACTIVE = "active", _("Under way")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", pgettext_lazy("response status", "Cancelled")


class Response(NetworkScopedModel):
    """A co-designed project or service (risposta progettuale): partners, the needs and demands it answers,
    budget by source, milestones and progress, with a public accountability page."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="responses", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ResponseStatus.choices, default=ResponseStatus.PLANNED
    )
    municipalities = models.ManyToManyField(
        "territory.Municipality", blank=True, related_name="+", verbose_name=_("Comuni")
    )
    area = models.ForeignKey(
        "needs.NeedArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("area")
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # 0–100, from the milestones done (weighted), kept by the services.
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    # Needs are case data: the public page shows only how many, under the small-numbers rule.
    needs = models.ManyToManyField("needs.Need", blank=True, related_name="responses", verbose_name=_("needs"))
    demands = models.ManyToManyField(
        "aggregation.AggregatedDemand", blank=True, related_name="responses", verbose_name=_("demands")
    )
    proposals = models.ManyToManyField(
        "participation.Proposal", blank=True, related_name="responses", verbose_name=_("proposals")
    )
    process = models.ForeignKey(
        "participation.Process",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
        verbose_name=_("participatory process"),
    )
    call = models.OneToOneField(
        CoDesignCall,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="response",
        verbose_name=_("co-design table"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="response_dates_in_order",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="response_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return self.title


class ResponseEvent(HistoryEvent):
    """One step of a response's public timeline: started, milestone done, suspended, completed."""

    subject_field = "response"

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="events", verbose_name=_("response"))
    from_status = models.CharField(_("from"), max_length=20, choices=ResponseStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ResponseStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("response event")


class PartnerRole(models.TextChoices):
    LEAD = "lead", _("Lead partner")
    PARTNER = "partner", _("Partner")
    FUNDER = "funder", _("Funder")
    SUPPORTER = "supporter", _("Supporter")


class ResponsePartner(TimeStampedModel):
    """A partner of a response, its role and what it brings, in words."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="partners", verbose_name=_("response")
    )
    organization = models.ForeignKey(
        "network.Organization", on_delete=models.RESTRICT, related_name="+", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.PARTNER)
    brings = models.TextField(_("what it brings"), blank=True)

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("response partner")
        verbose_name_plural = _("response partners")
        constraints = [models.UniqueConstraint(fields=["response", "organization"], name="one_role_per_partner")]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.organization_id} ({self.role})"


class BudgetSource(models.TextChoices):
    PUBLIC = "public", _("Public funds")
    FOUNDATION = "foundation", _("Foundation")
    PRIVATE = "private", _("Private funds")
    IN_KIND = "in_kind", _("In kind")


class BudgetLine(TimeStampedModel):
    """A line of a response's budget: how much, from which source, given by whom."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="budget", verbose_name=_("response"))
    source = models.CharField(_("source"), max_length=20, choices=BudgetSource.choices)
    organization = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("given by"),
    )
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount (euro)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["source", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.source}: {self.amount}"


class Milestone(TimeStampedModel):
    """A step of a response, due on a day; done when it is reached."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("response")
    )
    title = models.CharField(_("milestone"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("reached on"), null=True, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class ContributorKind(models.TextChoices):
    PARTNER = "partner", _("A partner organisation")
    CITIZENS = "citizens", _("Citizens")


class CoProductionKind(models.TextChoices):
    HOURS = "hours", _("Hours of work")
    SPACE = "space", _("Use of a space (hours)")
    MONEY = "money", _("Money (euro)")
    GOODS = "goods", _("Goods (value in euro)")


class CoProduction(NetworkScopedModel):
    """One entry of the co-production ledger: hours, spaces, money or goods contributed to a response by a
    partner or by citizens."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="coproduction", verbose_name=_("response")
    )
    contributor = models.CharField(_("who contributed"), max_length=20, choices=ContributorKind.choices)
    organization = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="+",
        verbose_name=_("partner"),
    )
    kind = models.CharField(_("what"), max_length=20, choices=CoProductionKind.choices)
    quantity = models.DecimalField(_("how much"), max_digits=12, decimal_places=2)
    # How many citizens gave it (for citizens' entries; never who).
    people = models.PositiveIntegerField(_("people"), default=0)
    description = models.CharField(_("description"), max_length=300, blank=True)
    on_date = models.DateField(_("on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-on_date", "-id"]
        verbose_name = _("co-production entry")
        verbose_name_plural = _("co-production entries")
        indexes = [models.Index(fields=["response", "kind"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="coproduction_quantity_positive"),
            models.CheckConstraint(
                condition=Q(contributor="partner", organization__isnull=False)
                | Q(contributor="citizens", organization__isnull=True),
                name="coproduction_partner_has_organization",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.quantity}"


class GiveBackPlaceStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("give-back place status", "Open")
    CLOSED = "closed", pgettext_lazy("give-back place status", "Closed")


class GiveBackPlace(NetworkScopedModel):
    """Places for giving back to the community (posti per la restituzione) that a response offers; generative
    pacts will take them."""

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="giveback_places", verbose_name=_("response")
    )
    area = models.ForeignKey(
        "needs.NeedArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("area")
    )
    objective = models.CharField(_("objective"), max_length=300)
    places = models.PositiveSmallIntegerField(_("places"), validators=[MinValueValidator(1)])
    host = models.ForeignKey(
        "network.Organization", on_delete=models.RESTRICT, related_name="+", verbose_name=_("host organisation")
    )
    skills_sought = models.TextField(_("skills sought"), blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=20, choices=GiveBackPlaceStatus.choices, default=GiveBackPlaceStatus.OPEN
    )

    class Meta:
        ordering = ["starts_on", "id"]
        verbose_name = _("give-back place")
        verbose_name_plural = _("give-back places")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="giveback_dates_in_order"),
            models.CheckConstraint(condition=Q(places__gte=1), name="giveback_at_least_one_place"),
        ]

    def __str__(self) -> str:
        return self.objective
