"""What still refers to a Comune, a neighbourhood or a district of a network's territory.

Before a Comune leaves the territory, or a district or neighbourhood is deleted, the territory counts
the rows that refer to it. Most of those rows belong to the apps built on the territory (people,
households, organisations, memberships…), which territory does not import: each app registers its
uses here from its AppConfig.ready(), with the words that name them in a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import ngettext

MUNICIPALITY = "municipality"
NEIGHBOURHOOD = "neighbourhood"
DISTRICT = "district"
PLACE = "place"


@dataclass(frozen=True)
class Use:
    """Rows that refer to a territory object through `field` and count as one of its uses."""

    key: str  # the name the count is reported under, e.g. "people"
    rows: Callable[[], QuerySet]  # the rows that count, built at each call (e.g. "pending" depends on now)
    field: str  # their foreign key to the territory object
    describe: Callable[[int], str]  # "%(count)d person" in the plural the count needs, formatted


_USES: dict[str, dict[str, Use]] = {MUNICIPALITY: {}, NEIGHBOURHOOD: {}, DISTRICT: {}, PLACE: {}}


def register_use(target: str, use: Use) -> None:
    """Count `use` among the uses of a `target` (MUNICIPALITY, NEIGHBOURHOOD, DISTRICT or PLACE); once per key."""
    if target not in _USES:
        raise ValueError(f"Unknown territory object {target!r}: use one of {sorted(_USES)}")
    _USES[target][use.key] = use


def count_uses(target: str, pk: Any, *, network: Any = None) -> dict[str, int]:
    """How many rows of each registered use refer to the `target` object `pk` (only `network`'s, when given)."""
    counts = {}
    for use in _USES[target].values():
        rows = use.rows().filter(**{f"{use.field}_id": pk})
        if network is not None:
            rows = rows.filter(network=network)
        counts[use.key] = rows.count()
    return counts


def describe_uses(target: str, counts: dict[str, int]) -> list[str]:
    """The non-zero counts in words ("2 people"), in registration order."""
    return [use.describe(counts[key]) for key, use in _USES[target].items() if counts.get(key)]


def _neighbourhoods(n: int) -> str:
    return ngettext("%(count)d neighbourhood", "%(count)d neighbourhoods", n) % {"count": n}


def _places(n: int) -> str:
    return ngettext("%(count)d place", "%(count)d places", n) % {"count": n}


def register_territory_uses() -> None:
    """The territory's own rows that refer to a Comune or a neighbourhood: its neighbourhoods and places."""
    from legami.territory.models import Neighbourhood, Place

    register_use(MUNICIPALITY, Use("neighbourhoods", Neighbourhood.objects.all, "municipality", _neighbourhoods))
    register_use(MUNICIPALITY, Use("places", Place.objects.all, "municipality", _places))
    register_use(NEIGHBOURHOOD, Use("places", Place.objects.all, "neighbourhood", _places))
