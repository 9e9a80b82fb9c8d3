"""core finds the tenant through settings, without importing the network app (legami.core.tenancy)."""

import pytest
from django.http import Http404

from legami.core import tenancy
from legami.core.tests import factories as f
from legami.network.models import Membership, Network


def test_the_models_come_from_the_settings(settings):
    assert tenancy.network_model() is Network
    assert tenancy.membership_model() is Membership
    settings.LEGAMI_NETWORK_MODEL = "network.Organization"
    assert tenancy.network_model().__name__ == "Organization"


@pytest.mark.django_db
def test_only_an_active_network_is_found_by_slug():
    active = f.NetworkFactory(slug="attiva")
    f.NetworkFactory(slug="chiusa", is_active=False)
    assert tenancy.get_network_by_slug("attiva") == active
    for slug in ("chiusa", "nessuna", ""):
        with pytest.raises(Http404):
            tenancy.get_network_by_slug(slug)


@pytest.mark.django_db
def test_the_public_list_holds_the_active_networks_by_name():
    second = f.NetworkFactory(name="Rete B")
    first = f.NetworkFactory(name="Rete A")
    f.NetworkFactory(name="Rete C", is_active=False)
    assert list(tenancy.list_public_networks()) == [first, second]
