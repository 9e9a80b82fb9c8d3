"""Demand pages follow the one rule of small numbers: a group of 4 people is hidden, figures, summary and keywords."""

import pytest

from legami.aggregation.tests.test_demands_views import make_demand, url
from legami.needs.tests.factories import NeedAreaFactory

HIDDEN_FROM = ["evaluator", "funder", "partner_staff"]


@pytest.fixture
def area(cast):
    return NeedAreaFactory(network=cast.network, code="istruzione", name="Istruzione")


def _demand(cast, area, people):
    demand = make_demand(cast, area, n=people)
    demand.keywords = ["doposcuola", "compiti"]
    demand.save()
    return demand


@pytest.mark.parametrize("persona", HIDDEN_FROM)
def test_a_group_of_four_is_hidden_keywords_included(cast, area, english_login, persona):
    demand = _demand(cast, area, 4)
    client = english_login(getattr(cast, persona))
    detail = client.get(url(cast, "demand_detail", demand)).content.decode()
    assert "doposcuola, compiti" not in detail and "shown only to those who work with them" in detail
    assert demand.summary not in detail and "fewer than 5" in detail
    listing = client.get(url(cast, "demands")).content.decode()
    assert demand.summary not in listing and "fewer than 5" in listing


def test_the_coordinator_sees_a_group_of_four(cast, area, english_login):
    demand = _demand(cast, area, 4)
    detail = english_login(cast.coordinator).get(url(cast, "demand_detail", demand)).content.decode()
    assert "doposcuola, compiti" in detail and demand.summary in detail and "fewer than" not in detail


@pytest.mark.parametrize("persona", HIDDEN_FROM)
def test_a_group_of_five_is_shown(cast, area, english_login, persona):
    demand = _demand(cast, area, 5)
    detail = english_login(getattr(cast, persona)).get(url(cast, "demand_detail", demand)).content.decode()
    assert "doposcuola, compiti" in detail and demand.summary in detail and "fewer than" not in detail
