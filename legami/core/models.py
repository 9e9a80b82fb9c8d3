"""Shared kernel models: base classes, audit events, workflow history, legal bases and consents, background jobs."""

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class NetworkScopedModel(TimeStampedModel):
    """A row that belongs to one network (the tenant); every selector filters on it."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="+", verbose_name=_("network")
    )

    class Meta:
        abstract = True


class DataClass(models.TextChoices):
    PUBLIC = "public", _("Public")
    PERSONAL = "personal", _("Personal")
    CASE = "case", _("Case data")


class AppendOnlyError(Exception):
    """An audit event may be appended (legami.core.audit.append) and its personal content erased
    (legami.core.audit.erase_personal_data); nothing else may change or delete one."""


class AuditEventQuerySet(models.QuerySet):
    """Refuses the bulk writes that would change or remove events, and inserts that skip the chain."""

    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self) -> Any:
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: Any = None) -> int:
        raise AppendOnlyError("Audit events cannot be changed.")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> Any:
        objs = list(objs)
        if any(not obj.entry_hash for obj in objs):
            raise AppendOnlyError("Audit events are written through legami.core.audit.append().")
        return super().bulk_create(objs, *args, **kwargs)


class AuditEvent(models.Model):
    """One write (or one read of case data): who, what, when, before and after."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        READ = "read", _("Read")
        EXPORT = "export", _("Exported")
        IMPORT = "import", _("Imported")
        INVITE = "invite", _("Invited")
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Log-in refused")
        ACCEPT = "accept", _("Accepted")
        REVOKE = "revoke", _("Revoked")
        VERIFY = "verify", _("Chain verified")

    network = models.ForeignKey(
        "network.Network",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
        verbose_name=_("network"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    data_class = models.CharField(_("data class"), max_length=20, choices=DataClass.choices, default=DataClass.PUBLIC)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # Set by append() (not auto_now_add, which would change it after the event was sealed).
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False, db_index=True)
    # The hash chain (legami.core.audit_chain). `chain` is written at append time and kept when the network
    # is deleted (its foreign key becomes NULL): the chain still verifies.
    chain = models.CharField(_("chain"), max_length=40, editable=False)
    sequence = models.PositiveBigIntegerField(_("sequence"), editable=False)
    salt = models.CharField(max_length=32, blank=True, editable=False)
    content_digest = models.CharField(max_length=64, editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["network", "-created_at"]),
            models.Index(fields=["object_type", "object_id"]),
        ]
        constraints = [models.UniqueConstraint(fields=["chain", "sequence"], name="core_auditevent_chain_sequence")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        if not self.entry_hash:
            raise AppendOnlyError("Audit events are written through legami.core.audit.append().")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("Audit events cannot be deleted.")


class AuditChain(models.Model):
    """The head of one hash chain of the audit log: its last sequence and hash, locked by every append."""

    key = models.CharField(_("chain"), max_length=40, unique=True)
    network = models.ForeignKey(
        "network.Network", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("network")
    )
    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain")
        verbose_name_plural = _("audit chains")

    def __str__(self) -> str:
        return f"{self.key} #{self.last_sequence}"


class HistoryEvent(models.Model):
    """One step of a workflow's history: who moved a row from one state to another, when, and why.

    A part's history model inherits it, adds the foreign key to its row (named by `subject_field`) and
    overrides `from_status` and `to_status` to give them its states as choices. `from_status` is empty for
    the step that records the row's creation; a step whose states are equal records something else that
    happened to the row (a rename, a merge…), told by its note.
    """

    subject_field: ClassVar[str] = ""

    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{getattr(self, f'{self.subject_field}_id', '')}: {self.from_status or '-'} -> {self.to_status}"

    def _label(self, name: str) -> Any:
        value = getattr(self, name)
        return dict(self._meta.get_field(name).flatchoices).get(value, value)  # type: ignore[union-attr]

    @property
    def from_label(self) -> Any:
        """The label of the state the step left ('' for a creation)."""
        return self._label("from_status")

    @property
    def to_label(self) -> Any:
        """The label of the state the step reached."""
        return self._label("to_status")

    @property
    def changes_state(self) -> bool:
        """True for a move between two states, False for a creation or an event that left the state as it was."""
        return bool(self.from_status) and self.from_status != self.to_status


class LegalBasis(models.TextChoices):
    """GDPR Art. 6(1) legal bases."""

    CONSENT = "consent", _("Consent (Art. 6.1.a GDPR)")
    CONTRACT = "contract", _("Contract (Art. 6.1.b GDPR)")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation (Art. 6.1.c GDPR)")
    VITAL_INTERESTS = "vital_interests", _("Vital interests (Art. 6.1.d GDPR)")
    PUBLIC_TASK = "public_task", _("Public interest task (Art. 6.1.e GDPR)")
    LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests (Art. 6.1.f GDPR)")


class SpecialCategoryCondition(models.TextChoices):
    """GDPR Art. 9(2) conditions, for processings of special-category (case) data."""

    NONE = "", _("No special-category data")
    EXPLICIT_CONSENT = "explicit_consent", _("Explicit consent (Art. 9.2.a GDPR)")
    SOCIAL_PROTECTION = "social_protection", _("Social security and protection law (Art. 9.2.b GDPR)")
    VITAL_INTERESTS = "vital_interests", _("Vital interests (Art. 9.2.c GDPR)")
    PUBLIC_INTEREST = "substantial_public_interest", _("Substantial public interest (Art. 9.2.g GDPR)")
    HEALTH_SOCIAL_CARE = "health_social_care", _("Health or social care (Art. 9.2.h GDPR)")


class Processing(NetworkScopedModel):
    """A processing of personal data in the network's register (purpose and legal basis)."""

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="processings", verbose_name=_("network")
    )
    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("name"), max_length=200)
    purpose = models.TextField(_("purpose"))
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices)
    special_category_condition = models.CharField(
        _("special-category condition"), max_length=40, choices=SpecialCategoryCondition.choices, blank=True
    )
    retention = models.CharField(_("retention period"), max_length=200, blank=True)
    # The period in whole months after a person's last activity, for the scheduled anonymisation (empty: not set).
    retention_months = models.PositiveIntegerField(
        _("retention in months"),
        null=True,
        blank=True,
        help_text=_("After how many months without activity the people under this processing are anonymised."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["network", "code"], name="processing_unique_code"),
            models.CheckConstraint(
                condition=models.Q(retention_months__isnull=True) | models.Q(retention_months__gte=1),
                name="processing_retention_months_positive",
            ),
        ]
        verbose_name = _("processing")
        verbose_name_plural = _("processings")

    def __str__(self) -> str:
        return self.name

    @property
    def needs_consent(self) -> bool:
        return self.legal_basis == LegalBasis.CONSENT


class Consent(TimeStampedModel):
    """A person's consent to one processing whose legal basis is consent, with its history."""

    person = models.ForeignKey(
        "network.Person", on_delete=models.CASCADE, related_name="consents", verbose_name=_("person")
    )
    processing = models.ForeignKey(
        Processing, on_delete=models.CASCADE, related_name="consents", verbose_name=_("processing")
    )
    given = models.BooleanField(_("given"), default=True)
    given_at = models.DateTimeField(_("given at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    source = models.CharField(_("how it was collected"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "processing"], name="consent_unique_person_processing")
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.person_id}:{self.processing_id}={self.given}"


class Job(NetworkScopedModel):
    """A background job (an import, an export…) whose progress users follow on a page."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Completed")
        FAILED = "failed", _("Failed")

    network = models.ForeignKey(
        "network.Network", on_delete=models.CASCADE, related_name="jobs", verbose_name=_("network")
    )
    kind = models.CharField(_("kind"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("actor")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(_("file"), upload_to="jobs/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    total = models.PositiveIntegerField(_("total"), default=0)
    processed = models.PositiveIntegerField(_("processed"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status in (self.Status.SUCCEEDED, self.Status.FAILED) else 0
        return min(100, round(100 * self.processed / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class UsedFormStamp(models.Model):
    """A public form's stamp that has been accepted once (see legami.core.formguard); kept for a day."""

    nonce = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"form stamp used at {self.used_at:%Y-%m-%d %H:%M}"
