"""factory_boy factories for proposals, supports, comments and reports (and the open process they live in)."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from legami.core.tests import factories as f
from legami.participation.models import (
    Comment,
    Proposal,
    Report,
    ReportReason,
    Support,
)
from legami.participation.tests import factories
from legami.participation.tests.factories import PublishedProcessFactory


class PhaseFactory(factories.PhaseFactory):
    """A phase that opens proposals, supports and comments, started three days ago, for ten more days."""

    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))
    proposals_open = True
    supports_open = True
    comments_open = True


class ProposalFactory(DjangoModelFactory):
    class Meta:
        model = Proposal

    process = factory.SubFactory(PublishedProcessFactory)
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
