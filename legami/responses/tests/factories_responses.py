"""Factories of responses, their partners, budget lines, milestones, co-production entries and give-back places."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from legami.core.tests import factories as f
from legami.responses.models import (
    BudgetLine,
    BudgetSource,
    ContributorKind,
    CoProduction,
    CoProductionKind,
    GiveBackPlace,
    Milestone,
    PartnerRole,
    Response,
    ResponsePartner,
    ResponseStatus,
)


class ResponseFactory(DjangoModelFactory):
    class Meta:
        model = Response

    network = factory.SubFactory(f.NetworkFactory)
    title = factory.Sequence(lambda n: f"Portierato sociale {n}")
    summary = "Un presidio di prossimità per gli anziani del quartiere"
    status = ResponseStatus.PLANNED


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = ResponsePartner

    role = PartnerRole.PARTNER
    brings = "Due educatori e la sala civica"


class BudgetLineFactory(DjangoModelFactory):
    class Meta:
        model = BudgetLine

    source = BudgetSource.PUBLIC
    description = "Contributo del piano di zona"
    amount = Decimal("12500.00")


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    title = factory.Sequence(lambda n: f"Tappa {n}")
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    weight = 1


class CoProductionFactory(DjangoModelFactory):
    class Meta:
        model = CoProduction

    network = factory.SelfAttribute("response.network")
    contributor = ContributorKind.PARTNER
    kind = CoProductionKind.HOURS
    quantity = Decimal("10")
    on_date = factory.LazyFunction(timezone.localdate)


class GiveBackPlaceFactory(DjangoModelFactory):
    class Meta:
        model = GiveBackPlace

    network = factory.SelfAttribute("response.network")
    objective = "Accompagnare gli anziani a fare la spesa"
    places = 3
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=5))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=90))


def active_response(network, organization, **kwargs) -> Response:
    """An active response with `organization` as its lead partner."""
    kwargs.setdefault("status", ResponseStatus.ACTIVE)
    response = ResponseFactory(network=network, **kwargs)
    PartnerFactory(response=response, organization=organization, role=PartnerRole.LEAD)
    return response
