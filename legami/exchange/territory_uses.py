"""What of the exchange refers to the territory: bookable spaces in a place keep it from being deleted."""

from django.utils.translation import ngettext

from legami.territory.usage import PLACE, Use, register_use


def _spaces(n: int) -> str:
    return ngettext("%(count)d bookable space", "%(count)d bookable spaces", n) % {"count": n}


def register_territory_uses() -> None:
    """Count the spaces of each place among its uses (see legami.territory.usage)."""
    from legami.exchange.models import Space

    register_use(PLACE, Use("spaces", Space.objects.all, "place", _spaces))
