"""How needs become the engine's records, and what a group of needs says as a demand (no writes here).

The engine (legami.aggregation.engine) knows nothing of Django: `need_record` gives it a need's fields,
`describe` turns a group back into a demand's title, summary, reasons and figures, `similarities` tells
how close each member is to the rest of its group.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from django.conf import settings

from legami.aggregation import engine as default_engine
from legami.aggregation import summaries
from legami.aggregation.engine.text import TextModel
from legami.needs import timewindows as tw
from legami.needs.models import Need, PrivacyLevel


def need_record(need: Need | Any, engine: Any = None, *, area: str | None = None) -> Any:
    """The engine's NeedRecord of a need (its description decrypted here, in memory only).

    The area is its code (unique in a network): the vocabulary's concepts name the area they belong to by code,
    so the engine can say which area a misfiled need's text points to. Give `area` when the need's area is not
    loaded with it (else one query)."""
    engine = engine or default_engine
    if area is None:
        area = getattr(need, "area_code", None) or need.area.code
    windows = _windows(need.time_windows)
    return engine.NeedRecord(
        id=str(need.pk),
        area=str(area),
        target_group=need.target_group,
        municipality=str(need.municipality_id),
        neighbourhood=str(need.neighbourhood_id) if need.neighbourhood_id else "",
        lat=float(need.latitude) if need.latitude is not None else None,
        lon=float(need.longitude) if need.longitude is not None else None,
        windows=windows,
        description=need.description or "",
        people=need.people_count or 1,
    )


def _windows(data: Any) -> tuple:
    """A need's time windows (none when unreadable); the few patterns needs use are parsed once each."""
    try:
        key = json.dumps(data or [], sort_keys=True)
    except (TypeError, ValueError):
        return ()
    return _parsed_windows(key)


@lru_cache(maxsize=4096)
def _parsed_windows(key: str) -> tuple:
    try:
        return tuple(tw.windows_from_json(json.loads(key)))
    except ValueError:
        return ()


def common_windows(needs: Sequence[Need]) -> list:
    """The time slots every need with windows shares (needs without windows fit any)."""
    common: list | None = None
    for need in needs:
        try:
            windows = tw.windows_from_json(need.time_windows or [])
        except ValueError:
            continue
        if not windows:
            continue
        common = list(windows) if common is None else tw.intersect(common, windows)
    return common or []


def any_windows(needs: Sequence[Need]) -> list:
    """Every slot some need asks for (the union), for groups whose members share no common slot."""
    found: set = set()
    for need in needs:
        try:
            found.update(tw.windows_from_json(need.time_windows or []))
        except ValueError:
            continue
    return tw.normalize(found) if found else []


def engine_settings(
    engine: Any,
    *,
    distance_km: float | None = None,
    min_group_size: int | None = None,
    min_cohesion: float | None = None,
) -> Any:
    """The engine's settings for a run: the given distance (or the configured one), smallest group and
    minimum cohesion (a fraction, 0–1; passed only to an engine whose settings know it)."""
    kwargs: dict[str, Any] = {
        "distance_km": float(distance_km if distance_km is not None else settings.LEGAMI_AGGREGATION_DISTANCE_KM)
    }
    if min_group_size is not None:
        kwargs["min_group_size"] = int(min_group_size)
    if min_cohesion is not None and "min_cohesion" in _settings_fields(engine.EngineSettings):
        kwargs["min_cohesion"] = float(min_cohesion)
    return engine.EngineSettings(**kwargs)


def _settings_fields(cls: Any) -> set[str]:
    if dataclasses.is_dataclass(cls):
        return {f.name for f in dataclasses.fields(cls)}
    return set(inspect.signature(cls).parameters)


@dataclass
class Description:
    """What a demand says about its needs, computed from them (no personal data)."""

    title: str
    summary: str
    reasons: list[str]
    keywords: list[str]
    time_windows: list[dict]
    municipality_id: int | None
    neighbourhood_id: int | None
    target_group: str
    need_count: int
    people_count: int
    # what may tell its title apart from another candidate's (see summaries.distinct_titles)
    title_parts: summaries.TitleParts | None = None


def keyword_sources(needs: Sequence[Need]) -> tuple[list[str], list[Hashable]]:
    """The descriptions a demand's words (keywords, concept) may come from, and whose each is.

    Case-team needs give none: their words are for the case team, and a demand is read by partners, evaluators
    and funders. A person or a household counts once however many needs they have, so that no word of one
    person's story becomes a keyword because they told it three times.
    """
    descriptions: list[str] = []
    subjects: list[Hashable] = []
    for need in needs:
        if need.privacy_level == PrivacyLevel.CASE_TEAM:
            continue
        descriptions.append(need.description or "")
        if need.person_id:
            subjects.append(("person", need.person_id))
        elif need.household_id:
            subjects.append(("household", need.household_id))
        else:
            subjects.append(("need", need.pk))
    return descriptions, subjects


def describe(
    needs: Sequence[Need],
    *,
    area_name: str,
    keywords: Sequence[str],
    windows: Sequence[Any] | None = None,
    distance_km: float | None = None,
    keywords_checked: bool = False,
    windows_any: Sequence[Any] | None = None,
    vocabulary: Any = None,
) -> Description:
    """What a group of needs says as a demand; the summary speaks only for what every member asks. Concepts are
    read with `vocabulary` (the network's; the standard one when None) and named by its labels where the
    network has its own."""
    if windows is None:
        windows = common_windows(needs)
    if windows_any is None:
        windows_any = any_windows(needs)
    descriptions, subjects = keyword_sources(needs)
    if not keywords_checked:
        keywords = summaries.shared_keywords(keywords, descriptions, subjects=subjects)
    comuni_by_id = {n.municipality_id: n.municipality.name for n in needs}
    comuni = sorted(comuni_by_id.values())
    neighbourhoods = {n.neighbourhood_id for n in needs}
    neighbourhood = needs[0].neighbourhood if len(neighbourhoods) == 1 and needs and needs[0].neighbourhood_id else None
    groups = Counter(n.target_group for n in needs)
    target_group = groups.most_common(1)[0][0] if groups else ""
    people = sum(n.people_count or 1 for n in needs)
    expressed = sum(1 for n in needs if n.expressed) * 2 >= len(needs)
    nb_name = neighbourhood.name if neighbourhood else ""
    # "cremona" says where, not what: the place is in the summary already.
    keywords = summaries.without_place_names(
        keywords, [*comuni, *(n.neighbourhood.name for n in needs if n.neighbourhood)]
    )
    # The title may name what most ask; the summary only what every member (whose words may be read) asks.
    concept = summaries.dominant_concept(descriptions, vocabulary)
    everyone = len(set(subjects))
    common_concept = summaries.shared_concept(descriptions, vocabulary) if descriptions else ""
    labels = summaries.concept_labels(vocabulary)
    common_keywords = (
        summaries.shared_keywords(keywords, descriptions, subjects=subjects, min_needs=max(everyone, 2))
        if everyone
        else []
    )
    people_by_group: Counter[str] = Counter()
    for n in needs:
        people_by_group[n.target_group] += n.people_count or 1
    target_counts = sorted(people_by_group.items(), key=lambda item: (-item[1], item[0]))
    title = summaries.default_title(
        keywords=keywords, area_name=area_name, comuni=comuni, neighbourhood=nb_name, concept=concept, labels=labels
    )
    neighbourhood_names = sorted({n.neighbourhood.name for n in needs if n.neighbourhood is not None})
    title_parts = summaries.TitleParts(
        title=title,
        days=tw.format_time_windows(list(windows)) if windows else summaries.short_alternative_windows(windows_any),
        neighbourhood="" if nb_name else ", ".join(neighbourhood_names),
        target=", ".join(summaries.target_group_label(group) for group, _count in target_counts),
        comune=", ".join(comuni) if len(comuni) > 1 else "",
    )
    return Description(
        title=title,
        summary=summaries.demand_summary(
            people=people,
            target_group=target_group,
            comuni=comuni,
            neighbourhood=nb_name,
            expressed=expressed,
            keywords=common_keywords,
            area_name=area_name,
            windows=windows,
            concept=common_concept,
            target_counts=target_counts,
            windows_any=windows_any,
            labels=labels,
        ),
        reasons=summaries.demand_reasons(
            area_name=area_name,
            target_groups=sorted(groups, key=lambda g: (-groups[g], g)),
            comuni=comuni,
            neighbourhood=nb_name,
            all_points=all(n.latitude is not None for n in needs),
            distance_km=distance_km if distance_km is not None else settings.LEGAMI_AGGREGATION_DISTANCE_KM,
            windows=windows,
            keywords=keywords,
        ),
        keywords=list(keywords),
        time_windows=tw.windows_to_json(list(windows)),
        municipality_id=next(iter(comuni_by_id)) if len(comuni_by_id) == 1 else None,
        neighbourhood_id=neighbourhood.pk if neighbourhood else None,
        target_group=target_group,
        need_count=len(needs),
        people_count=people,
        title_parts=title_parts,
    )


def similarities(engine: Any, records: list, engine_settings: Any, group: Any) -> list[float]:
    """How close each need's description is to the rest of its group (cosine to the others' centroid)."""
    if len(records) < 2:
        return [round(float(group.cohesion), 4)] * len(records)
    model = TextModel(
        [record.description for record in records],
        char_weight=getattr(engine_settings, "char_weight", 0.5),
        concept_weight=getattr(engine_settings, "concept_weight", 0.0),
    )
    vectors = model.vectors.tocsr()
    total = np.asarray(vectors.sum(axis=0)).ravel()
    self_norms = np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel()
    with_total = vectors @ total
    # |others|² = |total|² − 2·v·total + |v|², and v·others = v·total − |v|²: one sparse product for the group.
    others_norm = np.sqrt(np.maximum(float(total @ total) - 2 * with_total + self_norms, 0.0))
    dots = with_total - self_norms
    values = np.divide(dots, others_norm, out=np.zeros_like(dots), where=others_norm > 0)
    return [round(float(min(max(value, 0.0), 1.0)), 4) for value in values]
