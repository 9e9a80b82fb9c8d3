"""Factories of participation's processes and phases (meetings and proposals have theirs beside their tests)."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from legami.participation.models import Phase, Process, ProcessKind, ProcessStatus


class ProcessFactory(DjangoModelFactory):
    class Meta:
        model = Process

    title = factory.Sequence(lambda n: f"Laboratorio di comunità {n}")
    kind = ProcessKind.COMMUNITY_LAB
    summary = "Leggere insieme i bisogni del quartiere e costruire le risposte"
    status = ProcessStatus.DRAFT


class PhaseFactory(DjangoModelFactory):
    class Meta:
        model = Phase

    name = factory.Sequence(lambda n: f"Fase {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))


def open_process(network, *, proposals=True, supports=True, comments=True, **kwargs) -> Process:
    """A published process whose current phase, running today, opens what is asked."""
    process = ProcessFactory(network=network, status=ProcessStatus.PUBLISHED, published_at=timezone.now(), **kwargs)
    phase = PhaseFactory(
        process=process, proposals_open=proposals, supports_open=supports, comments_open=comments, position=0
    )
    process.current_phase = phase
    process.save(update_fields=["current_phase"])
    return process
