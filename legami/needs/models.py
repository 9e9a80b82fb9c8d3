"""Needs read together: the area taxonomy, needs and their history, surveys and their answers."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from legami.core.fields import EncryptedTextField
from legami.core.models import HistoryEvent, NetworkScopedModel
from legami.territory.fields import latitude_field, longitude_field


class TargetGroup(models.TextChoices):
    """Who a need concerns; the aggregation engine knows which groups can be answered together."""

    MINORS = "minors", _("Children and teenagers")
    YOUNG_PEOPLE = "young_people", _("Young people")
    FAMILIES = "families", _("Families")
    ADULTS = "adults", _("Adults in difficulty")
    ELDERLY = "elderly", _("Older people")
    DISABILITY = "disability", _("People with disabilities")
    MIGRANTS = "migrants", _("Migrants")
    CAREGIVERS = "caregivers", _("Caregivers")
    COMMUNITY = "community", _("The whole community")


class Urgency(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Channel(models.TextChoices):
    """How a need reached the network."""

    ONLINE = "online", _("Online self-report")
    INTERVIEW = "interview", _("Interview")
    COMMUNITY_LAB = "community_lab", _("Community lab")
    SURVEY = "survey", _("Survey")
    SENTINEL = "sentinel", _("Community sentinel")
    FRONT_OFFICE = "front_office", _("Front office")


class PrivacyLevel(models.TextChoices):
    """Who may read a need's description and its person: the network's operators, or the case team only."""

    NETWORK = "network", _("Network operators")
    CASE_TEAM = "case_team", _("Case team only (special categories)")


class NeedStatus(models.TextChoices):
    NEW = "new", _("New")
    READING = "reading", _("Being read")
    AGGREGATED = "aggregated", _("Aggregated")
    MATCHED = "matched", _("Matched")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class NeedArea(NetworkScopedModel):
    """One area of the network's need taxonomy (casa, lavoro, salute…); the network edits its own list."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="need_areas", verbose_name=_("network")
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("need area")
        verbose_name_plural = _("need areas")
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="needarea_unique_code"),
            models.UniqueConstraint(fields=["network", "name"], name="needarea_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Need(NetworkScopedModel):
    """A need of a person or household, or one observed in a place; expressed by them or detected by others."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="needs", verbose_name=_("network")
    )
    # RESTRICT: an area in use cannot be deleted alone, but goes with its network.
    area = models.ForeignKey(NeedArea, on_delete=models.RESTRICT, related_name="needs", verbose_name=_("area"))
    target_group = models.CharField(_("target group"), max_length=30, choices=TargetGroup.choices)
    description = EncryptedTextField(_("description"))
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.MEDIUM)
    expressed = models.BooleanField(
        _("expressed"), default=True, help_text=_("Asked for by the people concerned; otherwise detected by others.")
    )
    channel = models.CharField(_("channel"), max_length=30, choices=Channel.choices)
    privacy_level = models.CharField(
        _("privacy level"), max_length=20, choices=PrivacyLevel.choices, default=PrivacyLevel.NETWORK
    )
    status = models.CharField(_("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.NEW)
    # who: a person or a household of the registry, or nobody (a need observed in a place)
    person = models.ForeignKey(
        "network.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="needs",
        verbose_name=_("person"),
    )
    household = models.ForeignKey(
        "network.Household",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="needs",
        verbose_name=_("household"),
    )
    people_count = models.PositiveIntegerField(
        _("people concerned"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    # where
    municipality = models.ForeignKey(
        "territory.Municipality", on_delete=models.PROTECT, related_name="needs", verbose_name=_("Comune")
    )
    neighbourhood = models.ForeignKey(
        "territory.Neighbourhood",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
        verbose_name=_("neighbourhood"),
    )
    latitude = latitude_field()
    longitude = longitude_field()
    # when it applies: [{"day": 0-6 (Monday = 0), "start": "HH:MM", "end": "HH:MM"}, …]; empty = any time
    time_windows = models.JSONField(_("time windows"), default=list, blank=True)
    # What whoever helps must meet: a language in common (ISO 639-1 codes; empty: any), step-free access.
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    step_free = models.BooleanField(_("needs step-free access"), default=False)
    observed_on = models.DateField(_("date"), help_text=_("When the need was expressed or detected."))
    # who reported it: a user, or an anonymous citizen who left a contact
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_needs",
        verbose_name=_("reported by"),
    )
    # Who to call back: personal data, encrypted at rest (the length is checked by the write's input rules).
    contact_name = EncryptedTextField(_("contact name"), max_length=200, blank=True)
    contact_email = EncryptedTextField(_("contact e-mail"), max_length=254, blank=True)
    contact_phone = EncryptedTextField(_("contact phone"), max_length=30, blank=True)
    # the identifier the need had in the file it was imported from, if any
    external_id = models.CharField(_("external id"), max_length=64, blank=True)
    survey_response = models.ForeignKey(
        "needs.SurveyResponse",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
        verbose_name=_("survey response"),
    )

    class Meta:
        ordering = ["-observed_on", "-id"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [
            models.Index(fields=["network", "status"], name="need_network_status"),
            models.Index(fields=["network", "area", "municipality"], name="need_network_area_comune"),
            models.Index(fields=["network", "observed_on"], name="need_network_observed"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "external_id"],
                condition=~models.Q(external_id=""),
                name="need_unique_external_id",
            ),
            models.CheckConstraint(condition=models.Q(people_count__gte=1), name="need_people_count_positive"),
            models.CheckConstraint(
                condition=(models.Q(latitude__isnull=True) & models.Q(longitude__isnull=True))
                | (models.Q(latitude__isnull=False) & models.Q(longitude__isnull=False)),
                name="need_point_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.area} — {self.get_target_group_display()}"

    @property
    def is_case_data(self) -> bool:
        return self.privacy_level == PrivacyLevel.CASE_TEAM


class NeedEvent(HistoryEvent):
    """One step of a need's status history."""

    subject_field = "need"

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="events", verbose_name=_("need"))
    from_status = models.CharField(_("from"), max_length=20, choices=NeedStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=NeedStatus.choices)

    class Meta(HistoryEvent.Meta):
        verbose_name = _("need status change")
        verbose_name_plural = _("need status changes")


class Survey(NetworkScopedModel):
    """A questionnaire for the participatory reading of needs, answered through a public link."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="surveys", verbose_name=_("network")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    anonymous = models.BooleanField(
        _("anonymous"), default=True, help_text=_("Answers are not linked to a name, an e-mail or an account.")
    )
    public_token = models.CharField(_("public link code"), max_length=40, unique=True)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_on__isnull=True)
                | models.Q(closes_on__isnull=True)
                | models.Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_opening",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        SCALE = "scale", _("Scale")
        NUMBER = "number", _("Number")
        TEXT = "text", _("Free text")
        MUNICIPALITY = "municipality", _("Comune")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("survey"))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # the options of a choice question, in order
    choices = models.JSONField(_("options"), default=list, blank=True)
    # bounds of a scale (whole numbers) or a number question
    min_value = models.DecimalField(_("minimum"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text


class SurveyResponse(models.Model):
    """One submission of a survey; anonymous surveys keep no respondent nor contact."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses", verbose_name=_("survey"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_name = EncryptedTextField(_("contact name"), max_length=200, blank=True)
    contact_email = EncryptedTextField(_("contact e-mail"), max_length=254, blank=True)
    # where the respondent lives, from the survey's Comune / neighbourhood questions
    municipality = models.ForeignKey(
        "territory.Municipality", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    neighbourhood = models.ForeignKey(
        "territory.Neighbourhood", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"


class Answer(models.Model):
    """The answer to one question: a string, a list of strings, or a number, as JSON."""

    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response")
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question"))
    value = models.JSONField(_("value"))

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_unique_question")]

    def __str__(self) -> str:
        return f"{self.question_id}={self.value!r}"


class SurveyNeedRule(models.Model):
    """Answers that become needs: choosing `choice` (or, on a scale, at least `min_value`) records a need."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="need_rules", verbose_name=_("survey"))
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="need_rules", verbose_name=_("question")
    )
    choice = models.CharField(_("option"), max_length=200, blank=True)
    min_value = models.DecimalField(_("from value"), max_digits=12, decimal_places=2, null=True, blank=True)
    area = models.ForeignKey(NeedArea, on_delete=models.RESTRICT, related_name="+", verbose_name=_("area"))
    target_group = models.CharField(_("target group"), max_length=30, choices=TargetGroup.choices)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.MEDIUM)
    description = models.CharField(
        _("need description"), max_length=300, help_text=_("The description the recorded need gets.")
    )

    class Meta:
        ordering = ["question__position", "id"]
        verbose_name = _("answer-to-need rule")
        verbose_name_plural = _("answer-to-need rules")

    def __str__(self) -> str:
        return f"{self.question_id}:{self.choice or self.min_value} -> {self.area_id}"


class NeedsRevision(models.Model):
    """A number that changes whenever any of a network's needs is written; database triggers keep it.

    Every write to the needs table (create, edit, status change, bulk import, `QuerySet.update()`, anonymisation,
    delete, cascades and TRUNCATE) gives the network a new value in the same transaction, so a reader that cached
    figures under one value knows they are stale as soon as the value differs. Values are never reused, not even
    after a rollback (a sequence on PostgreSQL, random on SQLite). No foreign key: the triggers also fire while a
    network is being deleted.
    """

    network_id = models.BigIntegerField(primary_key=True)
    revision = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("needs revision")
        verbose_name_plural = _("needs revisions")

    def __str__(self) -> str:
        return f"{self.network_id}@{self.revision}"
