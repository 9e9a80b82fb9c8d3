"""Collective demand: groups of needs that could be answered together, proposed by the engine and reviewed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from legami.core.models import HistoryEvent, NetworkScopedModel
from legami.needs.models import TargetGroup

# The kind of the Job rows that record the engine's runs.
AGGREGATION_JOB_KIND = "needs_aggregation"
# The kind of the Job rows that refresh a network's stored attach suggestions.
SUGGESTIONS_JOB_KIND = "attach_suggestions"


class DemandStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")
    ACCEPTED = "accepted", pgettext_lazy("demand status", "Accepted")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", pgettext_lazy("demand status", "Closed")
    DISCARDED = "discarded", _("Discarded")


class AggregatedDemand(NetworkScopedModel):
    """Many similar needs grouped into one collective demand; its summary holds no personal data."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="demands", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    # why the engine grouped these needs, in plain language: ["same area: Istruzione", …]
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=DemandStatus.choices, default=DemandStatus.CANDIDATE)
    area = models.ForeignKey("needs.NeedArea", on_delete=models.RESTRICT, related_name="+", verbose_name=_("area"))
    target_group = models.CharField(_("target group"), max_length=30, choices=TargetGroup.choices)
    municipality = models.ForeignKey(
        "territory.Municipality",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Comune"),
    )
    neighbourhood = models.ForeignKey(
        "territory.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    # the slots all its needs share, same shape as Need.time_windows
    time_windows = models.JSONField(_("time windows"), default=list, blank=True)
    # the words that characterise its needs' descriptions (lemmas), most telling first
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    need_count = models.PositiveIntegerField(_("needs"), default=0)
    people_count = models.PositiveIntegerField(_("people concerned"), default=0)
    cohesion = models.FloatField(_("cohesion"), default=0.0)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("run")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True, help_text=_("How the demand was answered."))

    class Meta:
        ordering = ["-need_count", "-id"]
        verbose_name = _("aggregated demand")
        verbose_name_plural = _("aggregated demands")
        indexes = [models.Index(fields=["network", "status"], name="demand_network_status")]

    def __str__(self) -> str:
        return self.title


class DemandItem(models.Model):
    """A need inside a demand; a need belongs to one demand at a time."""

    class Source(models.TextChoices):
        ENGINE = "engine", _("Proposed by the engine")
        ATTACHED = "attached", _("Attached later")
        MANUAL = "manual", _("Added by hand")

    demand = models.ForeignKey(
        AggregatedDemand, on_delete=models.CASCADE, related_name="items", verbose_name=_("demand")
    )
    need = models.OneToOneField(
        "needs.Need", on_delete=models.CASCADE, related_name="demand_item", verbose_name=_("need")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.ENGINE)
    similarity = models.FloatField(_("similarity"), default=0.0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["-similarity", "id"]
        verbose_name = _("need in a demand")
        verbose_name_plural = _("needs in demands")

    def __str__(self) -> str:
        return f"{self.demand_id}:{self.need_id}"


class DemandEvent(HistoryEvent):
    """One step of a demand's history: status changes, renames, splits, merges, attachments."""

    subject_field = "demand"

    demand = models.ForeignKey(
        AggregatedDemand, on_delete=models.CASCADE, related_name="events", verbose_name=_("demand")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=DemandStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=DemandStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("demand event")
        verbose_name_plural = _("demand events")


class NetworkVocabulary(models.Model):
    """A network's vocabulary of service concepts and their synonyms, as the engine's JSON document."""

    network = models.OneToOneField(
        "network.Network", on_delete=models.CASCADE, related_name="aggregation_vocabulary", verbose_name=_("network")
    )
    # Vocabulary.to_data(): {"version": 1, "concepts": [{"code", "label", "terms", "nomenclatore", "area"}]}
    data = models.JSONField(_("vocabulary"), default=dict)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("aggregation vocabulary")
        verbose_name_plural = _("aggregation vocabularies")

    def __str__(self) -> str:
        return f"{self.network_id} r{self.revision}"


class EvidenceKind(models.TextChoices):
    TOGETHER = "together", _("Belong together")
    APART = "apart", _("Belong apart")


class EvidenceAction(models.TextChoices):
    MERGE = "merge", _("Merge of two candidates")
    SPLIT = "split", _("Split of a candidate")
    REMOVE = "remove", _("Need removed from a demand")
    ATTACH = "attach", _("Need attached to a demand")


class LearnedEvidence(models.Model):
    """What a reviewer's action taught the engine: words or concepts that belong together or apart."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    # The engine's Evidence.first / .second: terms or concept codes, never from case-team needs.
    first = models.JSONField(_("first side"), default=list)
    second = models.JSONField(_("second side"), default=list)
    action = models.CharField(_("action"), max_length=20, choices=EvidenceAction.choices)
    demand = models.ForeignKey(
        AggregatedDemand,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("demand"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("learned at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("learned evidence")
        verbose_name_plural = _("learned evidence")
        indexes = [models.Index(fields=["network", "undone_at"], name="evidence_network_active")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.first} / {self.second}"


class AttachSuggestion(models.Model):
    """A stored suggestion of the "new needs to attach" page: an open need that fits an accepted demand.

    Computed in the background (services.suggestions) by selectors.suggestions.suggest_attachments; the page
    reads these rows only, hiding in its query those whose need is no longer free and open or whose demand is
    no longer accepted. No text of its own: the need's description is read from the need, for the rows shown.
    """

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    need = models.ForeignKey("needs.Need", on_delete=models.CASCADE, related_name="+", verbose_name=_("need"))
    demand = models.ForeignKey(AggregatedDemand, on_delete=models.CASCADE, related_name="+", verbose_name=_("demand"))
    similarity = models.FloatField(_("similarity"))
    current_demand = models.ForeignKey(
        AggregatedDemand,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("candidate it sat in"),
    )
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["-similarity", "need_id"]
        verbose_name = _("attach suggestion")
        verbose_name_plural = _("attach suggestions")
        indexes = [models.Index(fields=["network", "-similarity", "need"], name="suggestion_network_rank")]

    def __str__(self) -> str:
        return f"{self.need_id} -> {self.demand_id} ({self.similarity:.2f})"


class SuggestionState(models.Model):
    """When a network's attach suggestions were last computed, and what the data were then: the needs revision
    (needs.NeedsRevision) and the demands stamp (selectors.suggestions.demands_stamp). The page compares both
    with today's to say whether the stored suggestions are stale."""

    network = models.OneToOneField(
        "network.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )
    needs_revision = models.BigIntegerField(_("needs revision"), null=True, blank=True)
    demands_stamp = models.CharField(_("demands stamp"), max_length=100, blank=True)
    computed_at = models.DateTimeField(_("computed at"))
    count = models.PositiveIntegerField(_("suggestions"), default=0)

    class Meta:
        verbose_name = _("attach suggestions state")
        verbose_name_plural = _("attach suggestions states")

    def __str__(self) -> str:
        return f"{self.network_id}: {self.count} at {self.computed_at:%Y-%m-%d %H:%M}"
