"""The desk's links are made with one reverse per route: the same address as reverse() for every row."""

import pytest
from django.urls import reverse

from legami.pacts.views.desk import row_url


@pytest.mark.parametrize("name", ["pacts:case", "pacts:pact", "pacts:budget", "referrals:detail"])
def test_a_row_url_is_the_reversed_address(name):
    url = row_url(name, "rete-98")
    assert url is not None
    for pk in (1, 9, 98, 987, 9876543210, 12345678901):
        assert url(pk) == reverse(name, args=["rete-98", pk])


def test_a_route_that_does_not_exist_gives_no_link():
    assert row_url("pacts:no_such_page", "rete") is None
