"""factory_boy factories for proposals, supports, comments and reports (and the open process they live in)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from legami.core.tests import factories as f
from legami.participation.models import (
    Comment,
    Phase,
    Process,
    ProcessKind,
    ProcessStatus,
    Proposal,
    Report,
    ReportReason,
    Support,
)


class OpenProcessFactory(DjangoModelFactory):
    """A published process; `open_process()` below gives it a current phase that opens everything today."""

    class Meta:
        model = Process

    network = factory.SubFactory(f.NetworkFactory)
    title = factory.Sequence(lambda n: f"Laboratorio di comunità {n}")
    kind = ProcessKind.COMMUNITY_LAB
    summary = "Un laboratorio per il quartiere"
    status = ProcessStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class PhaseFactory(DjangoModelFactory):
    class Meta:
        model = Phase

    process = factory.SubFactory(OpenProcessFactory)
    name = factory.Sequence(lambda n: f"Fase {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))
    proposals_open = True
    supports_open = True
    comments_open = True


def open_process(network, **kwargs) -> Process:
    """A published process of `network` whose current phase opens proposals, supports and comments today."""
    phase_kwargs = {k[len("phase__") :]: kwargs.pop(k) for k in list(kwargs) if k.startswith("phase__")}
    process = OpenProcessFactory(network=network, **kwargs)
    phase = PhaseFactory(process=process, **phase_kwargs)
    process.current_phase = phase
    process.save(update_fields=["current_phase"])
    return process


class ProposalFactory(DjangoModelFactory):
    class Meta:
        model = Proposal

    process = factory.SubFactory(OpenProcessFactory)
    network = factory.SelfAttribute("process.network")
    phase = factory.LazyAttribute(lambda o: o.process.current_phase)
    author = factory.SubFactory(f.UserFactory)
    title = factory.Sequence(lambda n: f"Proposta {n}")
    body = "Uno spazio compiti al centro civico il martedì pomeriggio."


class SupportFactory(DjangoModelFactory):
    """A support written directly (with the proposal's count kept): for setting up, not for testing the rules."""

    class Meta:
        model = Support
        skip_postgeneration_save = True

    proposal = factory.SubFactory(ProposalFactory)
    user = factory.SubFactory(f.UserFactory)

    @factory.post_generation
    def count(obj, create, extracted, **kwargs):
        if create:
            Proposal.objects.filter(pk=obj.proposal_id).update(support_count=obj.proposal.supports.count())


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    proposal = factory.SubFactory(ProposalFactory)
    author = factory.SubFactory(f.UserFactory)
    body = factory.Sequence(lambda n: f"Commento {n}")
    depth = factory.LazyAttribute(lambda o: (o.parent.depth + 1) if o.parent else 0)
    parent = None


class ReportFactory(DjangoModelFactory):
    class Meta:
        model = Report

    proposal = factory.SubFactory(ProposalFactory)
    network = factory.LazyAttribute(lambda o: (o.proposal or o.comment.proposal).network)
    comment = None
    reporter = factory.SubFactory(f.UserFactory)
    reason = ReportReason.SPAM
