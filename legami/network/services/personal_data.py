"""A person's rights: the export of everything held about them (GDPR Art. 15 and 20), their anonymisation on
request or at the end of retention (Art. 17, 5.1.e), and the list of who consents to a processing now."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from legami.core.audit import erase_personal_data, record_event
from legami.core.models import AuditEvent, Consent, DataClass, Processing
from legami.core.permissions import require
from legami.core.personal_data import anonymise_sections, audit_events_about, person_data_zip
from legami.network.capabilities import ANONYMISE_PEOPLE, EXPORT_PEOPLE, EXPORT_PERSON_DATA
from legami.network.models import Network, Person
from legami.network.selectors.people import person_in_scope
from legami.network.selectors.retention import consenting_people, people_due_for_anonymisation

ON_REQUEST = "anonymised: on request"
RETENTION_ENDED = "anonymised: retention ended"


def export_person_data(*, actor: Any, person: Person) -> bytes:
    """The ZIP of everything the network holds about `person` (data.json and one CSV per section); audited."""
    require(actor, EXPORT_PERSON_DATA, person.network)
    if not person_in_scope(actor, person, EXPORT_PERSON_DATA):
        raise PermissionDenied(EXPORT_PERSON_DATA)
    now = timezone.now()
    with transaction.atomic():
        content = person_data_zip(person, exported_at=now)
        record_event(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            obj=person,
            network=person.network,
            object_repr=f"#{person.pk}",
            after={"format": "zip"},
            # It holds everything, case-team needs included.
            data_class=DataClass.CASE,
            note="data export (GDPR Art. 15, 20)",
        )
    return content


def _anonymise(person: Person, *, actor: Any, note: str) -> Person:
    with transaction.atomic():
        locked = Person.objects.select_for_update().filter(pk=person.pk).first()
        if locked is None:
            raise ValidationError(_("This person is no longer in the registry."), code="missing")
        if locked.anonymised_at is not None:
            when = formats.date_format(timezone.localtime(locked.anonymised_at), "SHORT_DATE_FORMAT")
            raise ValidationError(
                _("This person was already anonymised on %(date)s: there is nothing left to remove."),
                code="already_anonymised",
                params={"date": when},
            )
        # The audit events about the person are found before their rows change, then emptied of what they said.
        event_ids = list(audit_events_about(locked).values_list("pk", flat=True))
        locked.anonymised_at = timezone.now()
        anonymise_sections(locked)
        erase_personal_data(AuditEvent.objects.filter(pk__in=event_ids))
        record_event(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            object_type=Person._meta.label_lower,
            object_id=locked.pk,
            object_repr=f"#{locked.pk}",
            network=locked.network_id,
            data_class=DataClass.PERSONAL,
            note=note,
        )
    return locked


def anonymise_person(*, actor: Any, person: Person) -> Person:
    """Remove, irreversibly, what identifies `person` in every app, keeping every figure; one audit event."""
    require(actor, ANONYMISE_PEOPLE, person.network)
    if not person_in_scope(actor, person, ANONYMISE_PEOPLE):
        raise PermissionDenied(ANONYMISE_PEOPLE)
    return _anonymise(person, actor=actor, note=ON_REQUEST)


@dataclass(frozen=True)
class RetentionRun:
    """What the end-of-retention run found in one network, and how many people it anonymised."""

    network: Network
    due: int
    anonymised: int


def anonymise_expired_people(
    *, network: Network | None = None, now: datetime.datetime | None = None, dry_run: bool = False
) -> list[RetentionRun]:
    """Anonymise the people whose retention has ended (legami.network.selectors.retention), network by network.

    The platform runs it (the scheduled task, the command): no user is the actor, the audit says "system".
    Each person is anonymised in a transaction of their own, so a run stopped halfway leaves whole people.
    """
    moment = now or timezone.now()
    networks = [network] if network is not None else list(Network.objects.order_by("slug"))
    runs = []
    for current in networks:
        due = people_due_for_anonymisation(current, now=moment)
        done = 0
        if not dry_run:
            for person in Person.objects.filter(pk__in=[d.person_id for d in due]).order_by("pk"):
                try:
                    _anonymise(person, actor=None, note=RETENTION_ENDED)
                except ValidationError:
                    continue  # anonymised meanwhile (on request): nothing left to do
                done += 1
        runs.append(RetentionRun(current, len(due), done))
    return runs


def export_consenting_people(*, actor: Any, processing: Processing) -> list[list[Any]]:
    """The rows of who consents to `processing` now, within the actor's reach: audited as an export."""
    network = processing.network
    require(actor, EXPORT_PEOPLE, network)
    if not processing.needs_consent:
        raise ValidationError(
            _("“%(name)s” does not rest on consent: nobody is asked for it, so there is no list of who gives it."),
            code="not_consent_based",
            params={"name": processing.name},
        )
    consents = (
        Consent.objects.filter(
            processing=processing, given=True, person__in=consenting_people(processing, viewer=actor)
        )
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person_id")
    )
    rows = [
        [c.person_id, c.person.first_name, c.person.last_name, c.person.email, c.person.phone, c.given_at]
        for c in consents
    ]
    with transaction.atomic():
        record_event(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            obj=processing,
            network=network,
            object_repr=f"{processing.code}: consenting people",
            after={"count": len(rows)},
            data_class=DataClass.PERSONAL,
        )
    return rows
