"""Which needs and offers are compatible: one pair (scalar, the rules' reference) and all pairs (vectorised).

The rules: the need's area is among the offer's areas; the great-circle distance is within the offer's radius
(`distance <= radius`); when both sides have time windows, some window of each overlaps the other's by at least
`min_overlap` minutes on the same day; when both list languages they share one; a need that needs step-free
access meets only a step-free offer.

All pairs at once: one k-d tree per need area over the needs' 3-D unit vectors, queried with each offer of that
area at the chord of its radius (so only pairs of the same area within reach are ever produced), then the exact
haversine, the language, step-free and time-window filters as numpy array operations, a chunk of offers at a
time so that memory stays bounded by the compatible pairs, not by all pairs within reach.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from .model import (
    EARTH_RADIUS_KM,
    MIN_OVERLAP_MINUTES,
    NeedInput,
    OfferInput,
    Proposal,
    haversine_km,
    window_overlaps,
)

MINUTES_PER_DAY = 24 * 60
# Offers queried at once: bounds the candidate pairs held before filtering (a few million at most).
OFFER_CHUNK = 2_000
# Offers of one query differ in reach by at most this factor (the pairs fetched beyond a radius, dropped at once,
# are at most BAND_RATIO ** 2 - 1 of those within it); reaches under 100 m count as 100 m.
BAND_RATIO = 1.1
MIN_BAND_CHORD = 0.1 / EARTH_RADIUS_KM
# A pair this much beyond the radius (a micrometre) still counts as within: the scalar and the vectorised
# haversine may differ in their last bit, and a pair on the boundary must be judged the same by both.
BOUNDARY_KM = 1e-9
# Pairs whose windows are compared at once (pairs x need windows x offer windows integers).
WINDOW_CHUNK = 250_000


def compatible(need: NeedInput, offer: OfferInput, *, min_overlap: int = MIN_OVERLAP_MINUTES) -> Proposal | None:
    """The proposal of this one pair when it is compatible, else None (the reference the vectorised path follows)."""
    if need.area not in offer.areas:
        return None
    if need.step_free and not offer.step_free:
        return None
    languages: frozenset[str] = frozenset()
    if need.languages and offer.languages:
        languages = frozenset(need.languages) & frozenset(offer.languages)
        if not languages:
            return None
    distance = haversine_km(float(need.lat), float(need.lon), float(offer.lat), float(offer.lon))
    if not distance <= float(offer.radius_km) + BOUNDARY_KM:
        return None
    shared: tuple = ()
    if need.windows and offer.windows:
        shared = window_overlaps(need.windows, offer.windows, min_overlap)
        if not shared:
            return None
    return Proposal(
        need_id=need.id,
        offer_id=offer.id,
        area=need.area,
        distance_km=distance,
        shared_windows=shared,
        languages=languages,
    )


@dataclass(frozen=True)
class Pairs:
    """The compatible pairs as parallel arrays, sorted by need index then offer index."""

    need: np.ndarray  # int32 index into the needs
    offer: np.ndarray  # int32 index into the offers
    distance_km: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.need)

    def without(self, drop: np.ndarray) -> Pairs:
        """The pairs but those where `drop` (a boolean array, one per pair) is true."""
        keep = ~drop
        return Pairs(self.need[keep], self.offer[keep], self.distance_km[keep])


def _bands(offers: np.ndarray, chord: np.ndarray) -> list[np.ndarray]:
    """The offers in groups of similar reach (the widest at most BAND_RATIO times the narrowest, at most
    OFFER_CHUNK offers): each group is queried at its widest chord, so few pairs are fetched only to be dropped."""
    ordered = offers[np.argsort(chord[offers], kind="stable")]
    reach = np.maximum(chord[ordered], MIN_BAND_CHORD)
    bands, first = [], 0
    while first < len(ordered):
        last = int(np.searchsorted(reach, reach[first] * BAND_RATIO, side="right"))
        last = min(max(last, first + 1), first + OFFER_CHUNK)
        bands.append(ordered[first:last])
        first = last
    return bands


def _day_mask(windows: Sequence) -> int:
    mask = 0
    for window in windows:
        mask |= 1 << window.day
    return mask


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    return np.column_stack((np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)))


def _bitmasks(sets: Sequence[frozenset[str]], codes: dict[str, int]) -> np.ndarray:
    """One row of uint64 words per set: bit `codes[x]` set for each member x."""
    words = max(1, math.ceil(len(codes) / 64))
    masks = np.zeros((len(sets), words), dtype=np.uint64)
    for row, members in enumerate(sets):
        for member in members:
            code = codes[member]
            masks[row, code // 64] |= np.uint64(1) << np.uint64(code % 64)
    return masks


def _windows_array(windows: Sequence[tuple], width: int) -> tuple[np.ndarray, np.ndarray]:
    """Windows as minutes of the week, padded: (starts, ends) of shape (rows, width); padding never overlaps."""
    starts = np.full((len(windows), width), 10 * MINUTES_PER_DAY * 7, dtype=np.int32)
    ends = np.full((len(windows), width), -10 * MINUTES_PER_DAY * 7, dtype=np.int32)
    for row, merged in enumerate(windows):
        for column, window in enumerate(merged):
            starts[row, column] = window.day * MINUTES_PER_DAY + window.start
            ends[row, column] = window.day * MINUTES_PER_DAY + window.end
    return starts, ends


class Compatibility:
    """The needs and offers as arrays, ready to produce every compatible pair."""

    def __init__(
        self, needs: Sequence[NeedInput], offers: Sequence[OfferInput], *, min_overlap: int = MIN_OVERLAP_MINUTES
    ) -> None:
        from legami.needs.timewindows import normalize

        self.needs, self.offers = needs, offers
        # a window never crosses midnight, so "same day and >= min_overlap" is an overlap of minutes of the week
        self.min_overlap = max(int(min_overlap), 1)
        self.need_lat = np.array([float(n.lat) for n in needs], dtype=np.float64)
        self.need_lon = np.array([float(n.lon) for n in needs], dtype=np.float64)
        self.offer_lat = np.array([float(o.lat) for o in offers], dtype=np.float64)
        self.offer_lon = np.array([float(o.lon) for o in offers], dtype=np.float64)
        self.radius = np.array([float(o.radius_km) for o in offers], dtype=np.float64)
        languages = sorted({x for n in needs for x in n.languages} | {x for o in offers for x in o.languages})
        codes = {language: code for code, language in enumerate(languages)}
        self.need_languages = _bitmasks([frozenset(n.languages) for n in needs], codes)
        self.offer_languages = _bitmasks([frozenset(o.languages) for o in offers], codes)
        self.need_any_language = np.logical_not(self.need_languages.any(axis=1))
        self.offer_any_language = np.logical_not(self.offer_languages.any(axis=1))
        self.need_step_free = np.array([bool(n.step_free) for n in needs], dtype=bool)
        self.offer_step_free = np.array([bool(o.step_free) for o in offers], dtype=bool)
        need_windows = [tuple(normalize(n.windows)) for n in needs]
        offer_windows = [tuple(normalize(o.windows)) for o in offers]
        self.need_has_windows = np.array([bool(w) for w in need_windows], dtype=bool)
        self.offer_has_windows = np.array([bool(w) for w in offer_windows], dtype=bool)
        self.need_days = np.array([_day_mask(w) for w in need_windows], dtype=np.uint8)
        self.offer_days = np.array([_day_mask(w) for w in offer_windows], dtype=np.uint8)
        self.need_starts, self.need_ends = _windows_array(need_windows, max(map(len, need_windows), default=0) or 1)
        self.offer_starts, self.offer_ends = _windows_array(offer_windows, max(map(len, offer_windows), default=0) or 1)

    def _by_area(self) -> dict[Hashable, tuple[list[int], list[int]]]:
        """Area -> (indexes of the needs of that area, indexes of the offers that serve it)."""
        groups: dict[Hashable, tuple[list[int], list[int]]] = {}
        for index, offer in enumerate(self.offers):
            for area in offer.areas:
                groups.setdefault(area, ([], []))[1].append(index)
        for index, need in enumerate(self.needs):
            if need.area in groups:
                groups[need.area][0].append(index)
        return groups

    def pairs(self) -> Pairs:
        """Every compatible pair, sorted by need then offer."""
        found_needs, found_offers, found_distances = [], [], []
        need_xyz = _unit_vectors(self.need_lat, self.need_lon)
        offer_xyz = _unit_vectors(self.offer_lat, self.offer_lon)
        # the chord of each radius, a hair wider: the exact haversine decides on the boundary
        angle = np.minimum((self.radius + BOUNDARY_KM) / EARTH_RADIUS_KM, math.pi)
        chord = 2.0 * np.sin(angle / 2.0) * (1 + 1e-9) + 1e-12
        for need_indexes, offer_indexes in self._by_area().values():
            if not need_indexes:
                continue
            area_needs = np.array(need_indexes, dtype=np.int64)
            tree = cKDTree(need_xyz[area_needs])
            area_offers = np.array(offer_indexes, dtype=np.int64)
            for band in _bands(area_offers, chord):
                # all pairs within the band's widest chord, as arrays (no Python list per offer)
                hits = tree.sparse_distance_matrix(
                    cKDTree(offer_xyz[band]), float(chord[band].max()), output_type="ndarray"
                )
                offer = band[hits["j"]]
                keep = hits["v"] <= chord[offer]
                need = area_needs[hits["i"][keep]]
                offer = offer[keep]
                del hits, keep
                need, offer, distance = self._filter(need, offer)
                found_needs.append(need.astype(np.int32))
                found_offers.append(offer.astype(np.int32))
                found_distances.append(distance)
        if not found_needs:
            empty = np.zeros(0, dtype=np.int32)
            return Pairs(empty, empty.copy(), np.zeros(0, dtype=np.float64))
        need = np.concatenate(found_needs)
        offer = np.concatenate(found_offers)
        distance = np.concatenate(found_distances)
        # one sort on a single integer key (need, offer): unique, so the order is the same on every run
        order = np.argsort(need.astype(np.int64) * len(self.offers) + offer)
        return Pairs(need[order], offer[order], distance[order])

    def _filter(self, need: np.ndarray, offer: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Keep the candidate pairs that pass step-free, languages, exact distance and time windows."""
        keep = ~self.need_step_free[need] | self.offer_step_free[offer]
        keep &= (
            self.need_any_language[need]
            | self.offer_any_language[offer]
            | (self.need_languages[need] & self.offer_languages[offer]).any(axis=1)
        )
        need, offer = need[keep], offer[keep]
        distance = haversine_km(self.need_lat[need], self.need_lon[need], self.offer_lat[offer], self.offer_lon[offer])
        keep = distance <= self.radius[offer] + BOUNDARY_KM
        need, offer, distance = need[keep], offer[keep], distance[keep]
        both = self.need_has_windows[need] & self.offer_has_windows[offer]
        if both.any():
            # no day in common: refused at once; a day in common: the minutes decide
            keep = ~both | ((self.need_days[need] & self.offer_days[offer]) != 0)
            both &= keep
            checked = np.flatnonzero(both)
            for first in range(0, len(checked), WINDOW_CHUNK):
                rows = checked[first : first + WINDOW_CHUNK]
                n, o = need[rows], offer[rows]
                overlap = np.minimum(self.need_ends[n][:, :, None], self.offer_ends[o][:, None, :]) - np.maximum(
                    self.need_starts[n][:, :, None], self.offer_starts[o][:, None, :]
                )
                keep[rows] = (overlap >= self.min_overlap).any(axis=(1, 2))
            need, offer, distance = need[keep], offer[keep], distance[keep]
        return need, offer, distance

    def proposal(self, need: int, offer: int, distance_km: float) -> Proposal:
        """The proposal of one pair known to be compatible (its shared windows and languages)."""
        a, b = self.needs[need], self.offers[offer]
        shared = window_overlaps(a.windows, b.windows, self.min_overlap) if a.windows and b.windows else ()
        languages = frozenset(a.languages) & frozenset(b.languages) if a.languages and b.languages else frozenset()
        return Proposal(
            need_id=a.id,
            offer_id=b.id,
            area=a.area,
            distance_km=float(distance_km),
            shared_windows=shared,
            languages=languages,
        )
