"""People's consents to the network's processings (the register itself is in `legami.core.services`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, Consent, DataClass, Processing
from legami.core.permissions import require
from legami.core.validation import length_error
from legami.network.capabilities import CHANGE_PEOPLE
from legami.network.selectors.people import person_in_scope


def record_consent(*, actor: Any, person: Any, processing: Processing, given: bool, source: str = "") -> Consent:
    """Record that `person` gave (given=True) or refused/withdrew (given=False) consent to `processing`.

    Giving sets given_at and clears withdrawn_at; withdrawing sets withdrawn_at and keeps given_at, so the
    record shows when consent was last given and when it was withdrawn.
    """
    network = person.network
    require(actor, CHANGE_PEOPLE, network)
    if not person_in_scope(actor, person, CHANGE_PEOPLE):
        raise PermissionDenied(CHANGE_PEOPLE)
    errors: dict[str, ValidationError] = {}
    if not isinstance(processing, Processing) or processing.network_id != person.network_id:
        errors["processing"] = ValidationError(_("Choose a processing of this network."), code="invalid_choice")
    elif not processing.needs_consent:
        errors["processing"] = ValidationError(
            _("This processing does not rest on consent (its legal basis is: %(basis)s)."),
            code="not_consent_based",
            params={"basis": processing.get_legal_basis_display()},
        )
    if not isinstance(given, bool):
        errors["given"] = ValidationError(_("Say whether consent was given or withdrawn."), code="invalid")
    source = "" if source is None else str(source).strip()
    if error := length_error(Consent, "source", source):
        errors["source"] = error
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    with transaction.atomic():
        consent = Consent.objects.select_for_update().filter(person=person, processing=processing).first()
        before = snapshot(consent)
        if consent is None:
            consent = Consent(person=person, processing=processing)
        consent.given = given
        consent.source = source
        if given:
            consent.given_at = now
            consent.withdrawn_at = None
        else:
            consent.withdrawn_at = now
        consent.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE if before is None else AuditEvent.Action.UPDATE,
            obj=consent,
            network=network,
            object_repr=f"{person} — {processing}",
            before=before,
            after=snapshot(consent),
            data_class=DataClass.PERSONAL,
        )
    return consent
