"""What of participation refers to the territory: meetings held in a place keep it from being deleted."""

from django.utils.translation import ngettext

from legami.territory.usage import PLACE, Use, register_use


def _meetings(n: int) -> str:
    return ngettext("%(count)d meeting", "%(count)d meetings", n) % {"count": n}


def register_territory_uses() -> None:
    """Count the meetings of each place among its uses (see legami.territory.usage)."""
    from legami.participation.models import Meeting

    register_use(PLACE, Use("meetings", Meeting.objects.all, "place", _meetings))
