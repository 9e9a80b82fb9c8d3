"""Factories of co-programming rounds and co-design tables (rows written directly, as the tests set them up)."""

import itertools
from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from legami.core.tests import factories as f
from legami.network.models import Organization
from legami.responses.models import (
    Application,
    CallStatus,
    CoDesignCall,
    CoProgramming,
    CoProgrammingStatus,
    Criterion,
    Score,
)


def today():
    return timezone.localdate()


_bodies = itertools.count(1)


def public_body(network, name=None, **kwargs):
    name = name or f"Comune di prova {next(_bodies)}"
    return f.OrganizationFactory(network=network, name=name, kind=Organization.Kind.MUNICIPALITY, **kwargs)


class RoundFactory(DjangoModelFactory):
    class Meta:
        model = CoProgramming

    title = factory.Sequence(lambda n: f"Co-programmazione politiche giovanili {n}")
    analysis = "I giovani del distretto chiedono spazi e lavoro."
    opens_on = factory.LazyFunction(lambda: today() - timedelta(days=5))
    closes_on = factory.LazyFunction(lambda: today() + timedelta(days=20))
    status = CoProgrammingStatus.OPEN


class CallFactory(DjangoModelFactory):
    class Meta:
        model = CoDesignCall

    title = factory.Sequence(lambda n: f"Tavolo di co-progettazione {n}")
    purpose = "Un servizio di compagnia per anziani soli"
    duration_months = 24
    budget = Decimal("50000.00")
    opens_on = factory.LazyFunction(lambda: today() - timedelta(days=5))
    closes_on = factory.LazyFunction(lambda: today() + timedelta(days=20))
    status = CallStatus.DRAFT


class CriterionFactory(DjangoModelFactory):
    class Meta:
        model = Criterion

    name = factory.Sequence(lambda n: f"Criterio {n}")
    weight = 50
    max_score = 10


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    network = factory.SelfAttribute("call.network")
    title = factory.Sequence(lambda n: f"Progetto {n}")
    proposal = "Volontari che visitano gli anziani ogni settimana."


def score(application, criterion, evaluator, value, reason="Motivato"):
    return Score.objects.create(
        application=application, criterion=criterion, evaluator=evaluator, score=value, reason=reason
    )


def evaluator(network, email, organization=None):
    from legami.core.roles import Role

    user = f.UserFactory(email=email)
    f.MembershipFactory(network=network, user=user, role=Role.EVALUATOR, organization=organization)
    return user
