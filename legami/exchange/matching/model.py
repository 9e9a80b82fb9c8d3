"""The matching engine's inputs and outputs: plain frozen records, no database."""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from legami.needs.timewindows import TimeWindow, normalize

EARTH_RADIUS_KM = 6371.0
# Costs are whole centimetres: the solver works on integers, and a centimetre is far below any real difference.
CENTIMETRES_PER_KM = 100_000
MIN_OVERLAP_MINUTES = 60


@dataclass(frozen=True, slots=True)
class NeedInput:
    """One open need: its area, its point, when the person is free and its hard constraints."""

    id: Hashable
    area: Hashable  # compared with == against the offer's areas
    lat: float
    lon: float
    windows: tuple[TimeWindow, ...] = ()  # empty = any time
    languages: frozenset[str] = frozenset()  # languages the person speaks; empty = no constraint
    step_free: bool = False  # needs step-free access


@dataclass(frozen=True, slots=True)
class OfferInput:
    """One open offer: the areas it serves, its point and reach, when, how many needs at once, its constraints."""

    id: Hashable
    areas: frozenset[Hashable]
    lat: float
    lon: float
    radius_km: float
    windows: tuple[TimeWindow, ...] = ()
    capacity: int = 1
    languages: frozenset[str] = frozenset()  # empty = no constraint
    step_free: bool = False


@dataclass(frozen=True, slots=True)
class Proposal:
    """A need and an offer the engine proposes together, with what makes them compatible."""

    need_id: Hashable
    offer_id: Hashable
    area: Hashable
    distance_km: float
    shared_windows: tuple[TimeWindow, ...]  # the overlaps of >= min_overlap minutes (empty when a side has none)
    languages: frozenset[str]  # shared languages (empty when unconstrained)


@dataclass(frozen=True)
class MatchResult:
    """The proposals of one run (in the needs' input order) and its figures."""

    proposals: list[Proposal]
    needs: int
    offers: int
    compatible_pairs: int
    matched: int
    total_distance_km: float
    seconds: float
    # where the time went: finding the compatible pairs, then assigning them
    compatibility_seconds: float = 0.0
    solve_seconds: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)


def haversine_km(lat1, lon1, lat2, lon2):  # type: ignore[no-untyped-def]
    """Great-circle distance in km (Earth radius 6371.0 km) between points in degrees; arrays broadcast.

    Scalars give a float, arrays an ndarray. One formula for the scalar and the vectorised paths, so that a pair
    on the boundary of a radius is judged the same way by both.
    """
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    half_dphi = (phi2 - phi1) / 2.0
    half_dlambda = np.radians(np.subtract(lon2, lon1)) / 2.0
    a = np.sin(half_dphi) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(half_dlambda) ** 2
    distance = 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    if np.ndim(distance) == 0:
        return float(distance)
    return distance


def centimetres(distance_km: float) -> int:
    """The integer cost of a distance, as the solver sees it."""
    return int(round(distance_km * CENTIMETRES_PER_KM))


def window_overlaps(
    a: Sequence[TimeWindow], b: Sequence[TimeWindow], min_overlap: int = MIN_OVERLAP_MINUTES
) -> tuple[TimeWindow, ...]:
    """The slots of at least `min_overlap` minutes the two (merged) lists share on the same day."""
    shared = []
    for x in normalize(a):
        for y in normalize(b):
            if x.day == y.day:
                start, end = max(x.start, y.start), min(x.end, y.end)
                if end - start >= max(min_overlap, 1):
                    shared.append(TimeWindow(x.day, start, end))
    return tuple(normalize(shared))


def check_inputs(needs: Sequence[NeedInput], offers: Sequence[OfferInput]) -> None:
    """Refuse what the engine cannot judge: duplicate ids, points off the globe, negative radii, capacity < 1."""
    seen: set[Hashable] = set()
    for need in needs:
        if need.id in seen:
            raise ValueError(f"duplicate need id {need.id!r}")
        seen.add(need.id)
        _check_point(need.lat, need.lon, f"need {need.id!r}")
    seen = set()
    for offer in offers:
        if offer.id in seen:
            raise ValueError(f"duplicate offer id {offer.id!r}")
        seen.add(offer.id)
        _check_point(offer.lat, offer.lon, f"offer {offer.id!r}")
        try:
            radius = float(offer.radius_km)
        except (TypeError, ValueError):
            radius = math.nan
        if not (math.isfinite(radius) and radius >= 0):
            raise ValueError(f"offer {offer.id!r}: the radius must be a number >= 0")
        if isinstance(offer.capacity, bool) or not isinstance(offer.capacity, int) or offer.capacity < 1:
            raise ValueError(f"offer {offer.id!r}: the capacity must be a whole number >= 1")


def _check_point(lat: float, lon: float, who: str) -> None:
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        lat = math.nan
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"{who}: ({lat}, {lon}) is not a point")
