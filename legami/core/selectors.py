"""Reads of the shared kernel: the register of processings and people's consents."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from legami.core.models import Consent, Processing


def processings_of(network: Any) -> QuerySet[Processing]:
    """The network's register of processings, by name."""
    return Processing.objects.filter(network=network).order_by("name", "pk")


def get_processing(network: Any, pk: Any) -> Processing:
    """One processing of the network, or 404."""
    try:
        return processings_of(network).get(pk=pk)
    except (Processing.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def consents_of(person: Any) -> QuerySet[Consent]:
    """The consents recorded for a person (given or withdrawn), with their processing, by processing name."""
    return Consent.objects.filter(person=person).select_related("processing").order_by("processing__name", "pk")


@dataclass(frozen=True)
class ConsentState:
    """A processing of the network and what the person said about it (None: never asked)."""

    processing: Processing
    consent: Consent | None

    @property
    def state(self) -> str:
        if self.consent is None:
            return "never_asked"
        return "given" if self.consent.given else "withdrawn"


def consent_states(person: Any, network: Any) -> list[ConsentState]:
    """Every processing of the network with the person's consent to it, if any (two queries)."""
    consents = {c.processing_id: c for c in Consent.objects.filter(person=person)}
    return [ConsentState(p, consents.get(p.pk)) for p in processings_of(network)]
