"""Offers, needs placed on the map, and matches for the exchange tests."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from legami.core.tests import factories as f
from legami.exchange.models import Match, MatchStatus, Offer, OfferKind, OfferStatus
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

# Two points in Cremona, about 1.2 km apart, and one in Crema (about 35 km away).
CREMONA = (Decimal("45.133300"), Decimal("10.022700"))
CREMONA_EAST = (Decimal("45.135000"), Decimal("10.038000"))
CREMA = (Decimal("45.364600"), Decimal("9.683700"))


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer
        skip_postgeneration_save = True

    network = factory.SubFactory(f.NetworkFactory)
    title = factory.Sequence(lambda n: f"Offerta {n}")
    kind = OfferKind.TIME
    status = OfferStatus.OPEN
    municipality = factory.SubFactory(f.MunicipalityFactory)
    latitude, longitude = CREMONA
    radius_km = Decimal("5")
    capacity = 1

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)


def area(cast, code="casa"):
    return NeedAreaFactory(network=cast.network, code=code)


def offer(cast, areas, **kwargs):
    kwargs.setdefault("municipality", cast.municipalities[0])
    return OfferFactory(network=cast.network, areas=areas, **kwargs)


def need(cast, need_area, point=CREMONA_EAST, **kwargs):
    kwargs.setdefault("municipality", cast.municipalities[0])
    return NeedFactory(network=cast.network, area=need_area, latitude=point[0], longitude=point[1], **kwargs)


def proposed(cast, need_row, offer_row, **kwargs):
    return Match.objects.create(
        network=cast.network, need=need_row, offer=offer_row, status=MatchStatus.PROPOSED, **kwargs
    )
