"""Factories of participation: processes and their phases (meetings and proposals have theirs beside their
tests, in factories_meetings.py and factories_proposals.py, built on these)."""

from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from legami.core.tests import factories as f
from legami.participation.models import Phase, Process, ProcessKind, ProcessStatus


class ProcessFactory(DjangoModelFactory):
    """A draft process."""

    class Meta:
        model = Process

    network = factory.SubFactory(f.NetworkFactory)
    title = factory.Sequence(lambda n: f"Laboratorio di comunità {n}")
    kind = ProcessKind.COMMUNITY_LAB
    summary = "Leggere insieme i bisogni del quartiere e costruire le risposte"
    status = ProcessStatus.DRAFT


class PublishedProcessFactory(ProcessFactory):
    """A published process (with no current phase: `open_process()` gives it one)."""

    status = ProcessStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class PhaseFactory(DjangoModelFactory):
    """A phase running today, which opens nothing unless told."""

    class Meta:
        model = Phase

    process = factory.SubFactory(PublishedProcessFactory)
    name = factory.Sequence(lambda n: f"Fase {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20))


def open_process(network, *, proposals=True, supports=True, comments=True, **kwargs) -> Process:
    """A published process of `network` whose current phase, running today, opens what is asked (everything,
    unless told); `phase__<field>` arguments go to the phase."""
    phase_kwargs = {k[len("phase__") :]: kwargs.pop(k) for k in list(kwargs) if k.startswith("phase__")}
    process = PublishedProcessFactory(network=network, **kwargs)
    phase_kwargs = {
        "proposals_open": proposals,
        "supports_open": supports,
        "comments_open": comments,
        "position": 0,
        **phase_kwargs,
    }
    phase = PhaseFactory(process=process, **phase_kwargs)
    process.current_phase = phase
    process.save(update_fields=["current_phase"])
    return process
