"""Incroci di comunità: the community's offers, their matches with needs, the time bank and shared spaces."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legami.core.fields import EncryptedTextField
from legami.core.models import HistoryEvent, NetworkScopedModel
from legami.territory.fields import latitude_field, longitude_field

# --- offers ----------------------------------------------------------------------------------------------


class OfferKind(models.TextChoices):
    TIME = "time", _("Time")
    SKILL = "skill", _("Skill")
    GOOD = "good", _("Goods")
    SPACE = "space", _("Space")
    TRANSPORT = "transport", _("Transport")


class OfferStatus(models.TextChoices):
    # Sent from the public form: an operator checks it before it is matched.
    PENDING = "pending", pgettext_lazy("offer status", "To be checked")
    OPEN = "open", pgettext_lazy("offer status", "Open")
    PAUSED = "paused", pgettext_lazy("offer status", "Paused")
    CLOSED = "closed", pgettext_lazy("offer status", "Closed")


class Offer(NetworkScopedModel):
    """What a person or an organisation offers the community: time, a skill, goods, a space, transport."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="offers", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OfferKind.choices)
    areas = models.ManyToManyField("needs.NeedArea", related_name="offers", verbose_name=_("need areas"))
    status = models.CharField(_("status"), max_length=20, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    # who offers: a person of the registry, an organisation, or a citizen of the public form (contact below)
    person = models.ForeignKey(
        "network.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
        verbose_name=_("organisation"),
    )
    contact_name = EncryptedTextField(_("contact name"), max_length=200, blank=True)
    contact_email = EncryptedTextField(_("contact e-mail"), max_length=254, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), max_length=30, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="offers",
        verbose_name=_("posted by"),
    )
    # where and how far
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("Comune")
    )
    neighbourhood = models.ForeignKey(
        "territory.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    latitude = latitude_field()
    longitude = longitude_field()
    radius_km = models.DecimalField(
        _("how far (km)"),
        max_digits=5,
        decimal_places=1,
        default=5,
        validators=[MinValueValidator(0), MaxValueValidator(200)],
        help_text=_("How far from the place given the offer can reach."),
    )
    time_windows = models.JSONField(_("availability"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("needs at once"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("How many needs the offer can serve at the same time."),
    )
    # ISO 639-1 codes ("it", "en", "ar"…) of the languages the offerer speaks
    languages = models.JSONField(_("languages"), default=list, blank=True)
    step_free = models.BooleanField(
        _("step-free access"), default=False, help_text=_("Reachable and usable without steps (wheelchairs).")
    )
    accessibility_notes = models.CharField(_("accessibility notes"), max_length=300, blank=True)
    external_id = models.CharField(_("external id"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        indexes = [models.Index(fields=["network", "status", "-created_at"], name="offer_network_status")]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="offer_capacity_positive"),
            models.CheckConstraint(condition=Q(radius_km__gte=0) & Q(radius_km__lte=200), name="offer_radius_range"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="offer_point_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OfferEvent(HistoryEvent):
    subject_field = "offer"

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="events", verbose_name=_("offer"))
    from_status = models.CharField(_("from"), max_length=20, choices=OfferStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=OfferStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("offer event")
        verbose_name_plural = _("offer events")


# --- matches ---------------------------------------------------------------------------------------------


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("match status", "Proposed")
    ACCEPTED = "accepted", pgettext_lazy("match status", "Accepted")
    ACTIVE = "active", pgettext_lazy("match status", "Active")
    COMPLETED = "completed", pgettext_lazy("match status", "Completed")
    CANCELLED = "cancelled", pgettext_lazy("match status", "Cancelled")


LIVE_MATCH_STATES = (MatchStatus.PROPOSED, MatchStatus.ACCEPTED, MatchStatus.ACTIVE)


# The kind of the core.models.Job that runs the engine in the background (services/matching.py); the job's result
# names the MatchingRun it wrote, which exists only once the run has succeeded.
MATCHING_JOB_KIND = "exchange_matching"


class MatchingRun(NetworkScopedModel):
    """One run of the matching engine over a network's open needs and offers, and what it found."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="matching_runs", verbose_name=_("network")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the filters the run was limited to (area, Comune…), as chosen on the page
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    needs_considered = models.PositiveIntegerField(_("needs considered"), default=0)
    offers_considered = models.PositiveIntegerField(_("offers considered"), default=0)
    compatible_pairs = models.PositiveIntegerField(_("compatible pairs"), default=0)
    proposed = models.PositiveIntegerField(_("matches proposed"), default=0)
    total_distance_km = models.DecimalField(_("total distance (km)"), max_digits=12, decimal_places=3, default=0)
    seconds = models.DecimalField(_("seconds"), max_digits=9, decimal_places=3, default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")


class Match(NetworkScopedModel):
    """A need meeting an offer: proposed by the engine or by an operator, accepted by both sides, followed."""

    class Origin(models.TextChoices):
        ENGINE = "engine", _("Matching engine")
        MANUAL = "manual", _("By hand")

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="matches", verbose_name=_("network")
    )
    need = models.ForeignKey("needs.Need", on_delete=models.CASCADE, related_name="matches", verbose_name=_("need"))
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="matches", verbose_name=_("offer"))
    status = models.CharField(_("status"), max_length=20, choices=MatchStatus.choices, default=MatchStatus.PROPOSED)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, default=Origin.MANUAL)
    run = models.ForeignKey(
        MatchingRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="matches", verbose_name=_("run")
    )
    distance_km = models.DecimalField(_("distance (km)"), max_digits=8, decimal_places=3, null=True, blank=True)
    # why the pair fits, in the words of the day it was proposed ("stessa area: Casa; a 1,2 km; …")
    explanation = models.CharField(_("why"), max_length=500, blank=True)
    need_accepted_at = models.DateTimeField(_("accepted for the need at"), null=True, blank=True)
    need_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offer_accepted_at = models.DateTimeField(_("accepted for the offer at"), null=True, blank=True)
    offer_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # feedback at the end, from each side (1–5 and a few words)
    need_rating = models.PositiveSmallIntegerField(
        _("rating from the need's side"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    offer_rating = models.PositiveSmallIntegerField(
        _("rating from the offer's side"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    feedback = EncryptedTextField(_("feedback"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        indexes = [models.Index(fields=["network", "status", "-created_at"], name="match_network_status")]
        constraints = [
            # a need is matched at most once at a time
            models.UniqueConstraint(
                fields=["need"],
                condition=Q(status__in=["proposed", "accepted", "active"]),
                name="match_one_live_per_need",
            ),
            models.CheckConstraint(
                condition=Q(need_rating__isnull=True) | Q(need_rating__gte=1, need_rating__lte=5),
                name="match_need_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(offer_rating__isnull=True) | Q(offer_rating__gte=1, offer_rating__lte=5),
                name="match_offer_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need_id} ↔ {self.offer}"


class MatchEvent(HistoryEvent):
    subject_field = "match"

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events", verbose_name=_("match"))
    from_status = models.CharField(_("from"), max_length=20, choices=MatchStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=MatchStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("match event")
        verbose_name_plural = _("match events")


# --- time bank -------------------------------------------------------------------------------------------
#
# A double-entry ledger of hours, in minutes. A Transfer is a set of Movements (legs) that sum to zero; an
# account's balance is the sum of its posted movements, kept in step under row locks by the services and
# proved by `manage.py check_ledger`. Nothing is ever deleted: a mistake is corrected by a reversal transfer.
# RESTRICT: an account, a person or an organisation with hours cannot be deleted alone, but goes with its network.


class TimeAccountKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("time account kind", "Person")
    ORGANIZATION = "organization", pgettext_lazy("time account kind", "Organisation")
    # The network's own account ("fondo ore"): it issues the hours it credits, so it may go below zero freely.
    FUND = "fund", pgettext_lazy("time account kind", "Network fund")


class TimeAccount(NetworkScopedModel):
    """The hours account of a person, of an organisation, or the network's fund; opened on first use."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="time_accounts", verbose_name=_("network")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TimeAccountKind.choices)
    person = models.ForeignKey(
        "network.Person",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="time_accounts",
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="time_accounts",
        verbose_name=_("organisation"),
    )
    # The sum of the account's posted movements, written only under the account's row lock.
    balance_minutes = models.BigIntegerField(_("balance (minutes)"), default=0)
    # This account's own hard limit (minutes below zero), instead of the network policy's.
    overdraft_limit_minutes = models.PositiveIntegerField(_("overdraft limit (minutes)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("time account")
        verbose_name_plural = _("time accounts")
        indexes = [models.Index(fields=["network", "kind"], name="timeaccount_network_kind")]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "person"], condition=Q(person__isnull=False), name="timeaccount_one_per_person"
            ),
            models.UniqueConstraint(
                fields=["organization"], condition=Q(organization__isnull=False), name="timeaccount_one_per_org"
            ),
            models.UniqueConstraint(fields=["network"], condition=Q(kind="fund"), name="timeaccount_one_fund"),
            models.CheckConstraint(
                condition=Q(kind="person", person__isnull=False, organization__isnull=True)
                | Q(kind="organization", person__isnull=True, organization__isnull=False)
                | Q(kind="fund", person__isnull=True, organization__isnull=True),
                name="timeaccount_owner_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == TimeAccountKind.PERSON and self.person_id:
            return str(self.person)
        if self.kind == TimeAccountKind.ORGANIZATION and self.organization_id:
            return str(self.organization)
        return str(_("Network hours fund"))


class TimeBankPolicy(NetworkScopedModel):
    """A network's overdraft rules: a warning past the soft limit, a refusal past the hard one (minutes below 0)."""

    network = models.OneToOneField(
        "network.Network", on_delete=models.CASCADE, related_name="time_bank_policy", verbose_name=_("network")
    )
    soft_limit_minutes = models.PositiveIntegerField(_("warning below zero (minutes)"), default=8 * 60)
    hard_limit_minutes = models.PositiveIntegerField(_("limit below zero (minutes)"), default=10 * 60)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("time bank policy")
        verbose_name_plural = _("time bank policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(soft_limit_minutes__lte=models.F("hard_limit_minutes")), name="timebankpolicy_soft_le_hard"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.network_id}: -{self.soft_limit_minutes}/-{self.hard_limit_minutes}"


class TransferStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("transfer status", "To be confirmed")
    CONFIRMED = "confirmed", pgettext_lazy("transfer status", "Confirmed")
    REFUSED = "refused", pgettext_lazy("transfer status", "Refused")
    CANCELLED = "cancelled", pgettext_lazy("transfer status", "Cancelled")
    REVERSED = "reversed", pgettext_lazy("transfer status", "Reversed")


class Transfer(NetworkScopedModel):
    """Hours passing between accounts: proposed by one side, confirmed by the other (or an operator), posted once."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="time_transfers", verbose_name=_("network")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=TransferStatus.choices, default=TransferStatus.PROPOSED
    )
    reason = models.CharField(_("reason"), max_length=300)
    # The sum of the positive legs: how many minutes changed hands.
    total_minutes = models.PositiveIntegerField(_("minutes"))
    match = models.ForeignKey(
        Match,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="time_transfers",
        verbose_name=_("match"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The side the proposer acted for (null: an operator, for the network).
    proposer_account = models.ForeignKey(
        TimeAccount, null=True, blank=True, on_delete=models.RESTRICT, related_name="+", verbose_name=_("proposed for")
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    # A reversal names the transfer it undoes; its legs are the original's, negated.
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="reversal", verbose_name=_("reverses")
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("time transfer")
        verbose_name_plural = _("time transfers")
        indexes = [
            models.Index(fields=["network", "status", "-created_at"], name="transfer_network_status"),
            models.Index(fields=["network", "posted_at"], name="transfer_network_posted"),
            models.Index(fields=["network", "-created_at", "-id"], name="transfer_network_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(total_minutes__gt=0), name="transfer_minutes_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["confirmed", "reversed"], posted_at__isnull=False)
                | (~Q(status__in=["confirmed", "reversed"]) & Q(posted_at__isnull=True)),
                name="transfer_posted_when_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Movement(NetworkScopedModel):
    """One leg of a transfer: minutes taken from (negative) or given to (positive) one account."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="time_movements", verbose_name=_("network")
    )
    transfer = models.ForeignKey(Transfer, on_delete=models.RESTRICT, related_name="legs", verbose_name=_("transfer"))
    account = models.ForeignKey(
        TimeAccount, on_delete=models.RESTRICT, related_name="movements", verbose_name=_("account")
    )
    minutes = models.BigIntegerField(_("minutes"))
    # Set when the transfer is confirmed: the statement orders by it, and only posted legs count in a balance.
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)

    class Meta:
        ordering = ["transfer_id", "id"]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        indexes = [
            # The statement's window and count read this index alone (PostgreSQL: an index-only scan).
            models.Index(
                fields=["account", "posted_at", "id"],
                include=["minutes", "transfer"],
                name="movement_account_posted",
                condition=Q(posted_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(minutes=0), name="movement_minutes_nonzero"),
            models.UniqueConstraint(fields=["transfer", "account"], name="movement_one_leg_per_account"),
        ]

    def __str__(self) -> str:
        return f"{self.transfer_id}: {self.account_id} {self.minutes:+d}"


class TransferMonth(models.Model):
    """The hours of one month of a network, kept with the ledger: what the figures page reads.

    `minutes` and `transfers` count the confirmed transfers that are not reversals, by the month (in the site's
    time zone) they were posted; a reversed transfer leaves its month. The time bank's services move them with
    F() increments in the transaction that posts or reverses; `manage.py check_ledger` compares them with the
    transfers, and `rebuild_monthly_totals` recomputes them after transfers written without the services.
    """

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="time_months", verbose_name=_("network")
    )
    # The month's first day.
    month = models.DateField(_("month"))
    minutes = models.BigIntegerField(_("minutes"), default=0)
    transfers = models.BigIntegerField(_("transfers"), default=0)

    class Meta:
        ordering = ["network", "month"]
        verbose_name = _("time bank month")
        verbose_name_plural = _("time bank months")
        constraints = [models.UniqueConstraint(fields=["network", "month"], name="transfermonth_one_per_month")]

    def __str__(self) -> str:
        return f"{self.network_id} {self.month:%Y-%m}: {self.minutes} / {self.transfers}"


class TransferEvent(HistoryEvent):
    subject_field = "transfer"

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="events", verbose_name=_("transfer"))
    from_status = models.CharField(_("from"), max_length=20, choices=TransferStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=TransferStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("transfer event")
        verbose_name_plural = _("transfer events")


# --- shared spaces ---------------------------------------------------------------------------------------


def new_feed_token() -> str:
    """A secret for the iCalendar feed of a space that is not public (43 URL-safe characters)."""
    import secrets

    return secrets.token_urlsafe(32)


class Space(NetworkScopedModel):
    """A bookable space in a place: a room of a casa di quartiere, a hall, a courtyard."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="spaces", verbose_name=_("network")
    )
    place = models.ForeignKey(
        "territory.Place", on_delete=models.RESTRICT, related_name="spaces", verbose_name=_("place")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("capacity (people)"), validators=[MinValueValidator(1), MaxValueValidator(5000)]
    )
    # weekly windows in the shape of legami.needs.timewindows ([] = any time)
    opening_hours = models.JSONField(_("opening hours"), default=list, blank=True)
    rules = models.TextField(_("rules of use"), blank=True)
    manager_organization = models.ForeignKey(
        "network.Organization",
        on_delete=models.RESTRICT,
        related_name="managed_spaces",
        verbose_name=_("managing organisation"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_spaces",
        verbose_name=_("manager"),
    )
    approval_required = models.BooleanField(
        _("bookings need approval"), default=True, help_text=_("A manager confirms each booking.")
    )
    step_free = models.BooleanField(
        _("step-free access"), default=False, help_text=_("Reachable and usable without steps (wheelchairs).")
    )
    is_public = models.BooleanField(
        _("public calendar"),
        default=False,
        help_text=_("Anyone may read when the space is taken (never who booked it)."),
    )
    is_active = models.BooleanField(_("bookable"), default=True)
    feed_token = models.CharField(_("calendar feed key"), max_length=64, unique=True, default=new_feed_token)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("space")
        verbose_name_plural = _("spaces")
        constraints = [models.CheckConstraint(condition=Q(capacity__gte=1), name="space_capacity_positive")]

    def __str__(self) -> str:
        return self.name


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("booking status", "Requested")
    CONFIRMED = "confirmed", pgettext_lazy("booking status", "Confirmed")
    REFUSED = "refused", pgettext_lazy("booking status", "Refused")
    CANCELLED = "cancelled", pgettext_lazy("booking status", "Cancelled")


# A request holds its slot as a confirmed booking does: confirming never meets a conflict.
HOLDING_BOOKING_STATES = (BookingStatus.REQUESTED, BookingStatus.CONFIRMED)


class BookingSeries(NetworkScopedModel):
    """A weekly booking: one weekday, from a time to a time, from a date until a date, skipping the exceptions."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="booking_series", verbose_name=_("network")
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="series", verbose_name=_("space"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), validators=[MaxValueValidator(6)])
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("to"))
    starts_on = models.DateField(_("first day"))
    until = models.DateField(_("until"))
    # ISO dates ("2026-03-10") skipped by the series
    exceptions = models.JSONField(_("dates skipped"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("weekly booking")
        verbose_name_plural = _("weekly bookings")
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="booking_series_weekday"),
            models.CheckConstraint(condition=Q(end_time__gt=models.F("start_time")), name="booking_series_times"),
            models.CheckConstraint(condition=Q(until__gte=models.F("starts_on")), name="booking_series_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.space_id}: {self.weekday} {self.start_time}-{self.end_time}"


class Booking(NetworkScopedModel):
    """A space taken from a moment to a moment, for a purpose, by a person (and maybe an organisation)."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="bookings", verbose_name=_("network")
    )
    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("space"))
    series = models.ForeignKey(
        BookingSeries,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
        verbose_name=_("weekly booking"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    title = models.CharField(_("what for"), max_length=200)
    # a public event's title is shown on the public calendar; otherwise the slot reads "taken"
    is_public_event = models.BooleanField(_("public event"), default=False)
    people = models.PositiveSmallIntegerField(_("people expected"), validators=[MinValueValidator(1)])
    status = models.CharField(
        _("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="space_bookings",
        verbose_name=_("booked by"),
    )
    organization = models.ForeignKey(
        "network.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="space_bookings",
        verbose_name=_("organisation"),
    )
    contact_name = EncryptedTextField(_("contact name"), max_length=200, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), max_length=30, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [models.Index(fields=["space", "starts_at"], name="booking_space_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="booking_ends_after_start"),
            models.CheckConstraint(condition=Q(people__gte=1), name="booking_people_positive"),
            # PostgreSQL also has the exclusion constraint booking_no_overlap (migration 0003_spaces).
        ]

    def __str__(self) -> str:
        return self.title


class BookingEvent(HistoryEvent):
    subject_field = "booking"

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="events", verbose_name=_("booking"))
    from_status = models.CharField(_("from"), max_length=20, choices=BookingStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=BookingStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("booking event")
        verbose_name_plural = _("booking events")
