"""What of activities refers to the territory: activities held in a place keep it from being deleted."""

from django.utils.translation import ngettext

from legami.territory.usage import PLACE, Use, register_use


def _activities(n: int) -> str:
    return ngettext("%(count)d activity", "%(count)d activities", n) % {"count": n}


def register_territory_uses() -> None:
    """Count the activities of each place among its uses (see legami.territory.usage)."""
    from legami.activities.models import Activity

    register_use(PLACE, Use("activities", Activity.objects.all, "place", _activities))
