"""The registry of what refers to a Comune, a neighbourhood or a district (legami.territory.usage)."""

import pytest
from django.utils import translation

from legami.core.tests import factories as f
from legami.territory import usage
from legami.territory.models import Place


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(usage, "_USES", {usage.MUNICIPALITY: {}, usage.NEIGHBOURHOOD: {}, usage.DISTRICT: {}})


def _places(n: int) -> str:
    return f"{n} place(s)"


def test_a_use_is_counted_in_the_network_given_and_described_when_not_zero(cast, empty_registry):
    cremona, crema = cast.municipalities
    f.PlaceFactory(network=cast.network, municipality=cremona)
    f.PlaceFactory(network=cast.network, municipality=cremona)
    f.PlaceFactory(network=cast.other_network, municipality=cremona)
    usage.register_use(usage.MUNICIPALITY, usage.Use("places", Place.objects.all, "municipality", _places))
    assert usage.count_uses(usage.MUNICIPALITY, cremona.pk, network=cast.network) == {"places": 2}
    assert usage.count_uses(usage.MUNICIPALITY, cremona.pk) == {"places": 3}
    assert usage.count_uses(usage.MUNICIPALITY, crema.pk, network=cast.network) == {"places": 0}
    assert usage.describe_uses(usage.MUNICIPALITY, {"places": 2}) == ["2 place(s)"]
    assert usage.describe_uses(usage.MUNICIPALITY, {"places": 0}) == []


def test_registering_a_key_again_replaces_it(empty_registry):
    usage.register_use(usage.DISTRICT, usage.Use("things", Place.objects.all, "district", _places))
    usage.register_use(usage.DISTRICT, usage.Use("things", Place.objects.none, "district", _places))
    assert list(usage._USES[usage.DISTRICT]) == ["things"]
    assert usage._USES[usage.DISTRICT]["things"].rows == Place.objects.none


def test_an_unknown_territory_object_is_refused(empty_registry):
    with pytest.raises(ValueError, match="Unknown territory object 'province'"):
        usage.register_use("province", usage.Use("places", Place.objects.all, "province", _places))


def test_the_apps_register_their_uses_in_the_order_messages_list_them():
    assert list(usage._USES[usage.MUNICIPALITY]) == [
        "neighbourhoods",
        "places",
        "people",
        "households",
        "organizations",
    ]
    assert list(usage._USES[usage.NEIGHBOURHOOD]) == ["places", "people", "households"]
    assert list(usage._USES[usage.DISTRICT]) == ["memberships", "invitations"]
    with translation.override("it"):
        assert usage.describe_uses(usage.MUNICIPALITY, {"people": 2, "places": 1}) == ["1 luogo", "2 persone"]
