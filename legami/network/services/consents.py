"""People's consents to the network's processings (the register itself is in `legami.core.services`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event, snapshot
from legami.core.models import AuditEvent, Consent, DataClass, Processing
from legami.core.permissions import require
from legami.core.validation import max_length_of
from legami.network.capabilities import CHANGE_PEOPLE
from legami.network.selectors.people import person_in_scope
from legami.network.services.people import refuse_anonymised


def _rests_on_consent(ctx: inputs.Context) -> None:
    """Consent is recorded only for a processing whose legal basis is consent."""
    processing = ctx.value("processing")
    if ctx.given("processing") and not processing.needs_consent:
        message = _("This processing does not rest on consent (its legal basis is: %(basis)s).")
        ctx.add_error("processing", message, "not_consent_based", basis=processing.get_legal_basis_display())


# A person's answer about one of the network's processings: given or not (a bool, as the form gives it), and how.
CONSENT_INPUTS = inputs.Rules(
    {
        "processing": inputs.Lookup(
            Processing,
            required=True,
            empty_code="invalid_choice",
            messages={"invalid_choice": _("Choose a processing of this network.")},
        ),
        "given": inputs.Boolean(
            strict=True,
            required=True,
            empty_code="invalid",
            messages={"invalid": _("Say whether consent was given or withdrawn.")},
        ),
        "source": inputs.Text(max_length=max_length_of(Consent, "source")),
    },
    checks=(_rests_on_consent,),
)


def record_consent(*, actor: Any, person: Any, processing: Processing, given: bool, source: str = "") -> Consent:
    """Record that `person` gave (given=True) or refused/withdrew (given=False) consent to `processing`.

    Giving sets given_at and clears withdrawn_at; withdrawing sets withdrawn_at and keeps given_at, so the
    record shows when consent was last given and when it was withdrawn.
    """
    network = person.network
    require(actor, CHANGE_PEOPLE, network)
    if not person_in_scope(actor, person, CHANGE_PEOPLE):
        raise PermissionDenied(CHANGE_PEOPLE)
    refuse_anonymised(person)
    values = CONSENT_INPUTS.clean({"processing": processing, "given": given, "source": source}, network=network)
    processing, given, source = values["processing"], values["given"], values["source"]

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
