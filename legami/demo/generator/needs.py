"""Demo needs and aggregated demand: drawing the needs (the plan) and recording them through the services.

`plan_needs()` draws every need from its own seeded generator (the people's draws stay as they were),
from the themes of `needs_themes` and the hotspots and one-off needs of `needs_content`. `ensure_needs()`
records the ones that are missing (matched on `external_id` = `demo-<n>`) with part B's `record_need` and
walks each new need to its planned status in bulk with `move_needs`. `ensure_demands()` then runs the aggregation once
(part F's services, synchronously) and accepts and answers a few of the best candidates.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

import legami.demo.generator.needs_content as content
import legami.demo.generator.needs_themes as theme_data
from legami.core.models import Job
from legami.demo import data
from legami.demo.generator.plan import REFERENCE_DATE, HouseholdKey, PersonKey, PersonPlan, Plan
from legami.needs.models import Channel, Need, NeedArea, NeedStatus, PrivacyLevel, TargetGroup
from legami.network.models import Household, Person
from legami.territory.models import Municipality

FULL_NEEDS = 4000
SMALL_NEEDS = 120
# The small demo keeps only the first hotspots, so that its few needs still form groups.
SMALL_HOTSPOTS = 6
EXTERNAL_ID_PREFIX = "demo-"
# Needs are observed over the 18 months before the reference date.
PERIOD_DAYS = 548
HOTSPOT_SHARE = 0.42
SINGULAR_SHARE = 0.03

CASE_MANAGER_EMAIL = "assistente.sociale@legami.demo"
COMMUNITY_WORKER_EMAIL = "operatore.comunita@legami.demo"
# An online self-report has no operator behind it.
NO_ACTOR = ""


def needs_for(people: int) -> int:
    """How many needs the demo plans for a number of people (4,000 for the full demo's 3,000 people)."""
    return max(SMALL_NEEDS, people * FULL_NEEDS // 3000)


@dataclass(frozen=True)
class NeedPlan:
    external_id: str
    area: str
    target_group: str
    description: str
    urgency: int
    expressed: bool
    channel: str
    privacy_level: str
    municipality: str
    neighbourhood: str
    latitude: Decimal | None
    longitude: Decimal | None
    windows: tuple[tuple[int, int, int], ...]
    observed_on: datetime.date
    people_count: int
    person: PersonKey | None
    household: HouseholdKey | None
    status: str
    reporter: str  # the e-mail of the account that records it, NO_ACTOR for an online self-report


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _weighted(rng: random.Random, pairs: tuple[tuple[Any, int], ...] | list[tuple[Any, int]]) -> Any:
    return rng.choices([value for value, _weight in pairs], [weight for _value, weight in pairs])[0]


_SLOT = re.compile(r"\{(\w+)\}")


def _fill(rng: random.Random, template: str, slots: dict[str, tuple[str, ...]]) -> str:
    """The template with each {slot} drawn from `slots`, one draw per occurrence, in order."""
    return _SLOT.sub(lambda match: rng.choice(slots[match.group(1)]), template)


def _jitter(rng: random.Random, centre: tuple[float, float], metres: float) -> tuple[Decimal, Decimal]:
    """A point up to `metres` from `centre`, uniform over the disc, rounded to the field's 6 decimals."""
    distance = metres * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    latitude = centre[0] + distance * math.cos(angle) / 111_320
    longitude = centre[1] + distance * math.sin(angle) / (111_320 * math.cos(math.radians(centre[0])))
    return Decimal(f"{latitude:.6f}"), Decimal(f"{longitude:.6f}")


class NeedPlanner:
    """Draws the demo's needs from one seeded generator, people of the plan as the ones who express them."""

    def __init__(self, *, plan: Plan, municipalities: list[str], count: int, seed: int, small: bool) -> None:
        self.rng = random.Random(seed * 7919 + 3)
        self.count = count
        self.municipalities = sorted(municipalities)
        self.weights = [self._weight(name) for name in self.municipalities]
        self.neighbourhoods: dict[str, list[str]] = {}
        for comune, name, _description in data.NEIGHBOURHOODS:
            self.neighbourhoods.setdefault(comune, []).append(name)
        self.hotspots = [h for h in content.HOTSPOTS if h.municipality in self.municipalities]
        if small:
            self.hotspots = self.hotspots[:SMALL_HOTSPOTS]
        self.households = {h.key: h for h in plan.households}
        with_children = {
            h.key for h in plan.households if any(m.household_role == Person.HouseholdRole.CHILD for m in h.members)
        }
        self.pools: dict[tuple[str, str, str], list[PersonPlan]] = {}
        for person in plan.people:
            for profile in self._profiles(person, with_children):
                self.pools.setdefault((profile, person.municipality, ""), []).append(person)
                if person.neighbourhood:
                    self.pools.setdefault((profile, person.municipality, person.neighbourhood), []).append(person)

    @staticmethod
    def _weight(name: str) -> int:
        # The three towns with services and a casa di quartiere gather more needs than their share of residents.
        boost = 1.4 if name in ("Cremona", "Crema", "Casalmaggiore") else 1.0
        return int(data.POPULATION.get(name, data.DEFAULT_POPULATION) * boost)

    @staticmethod
    def _profiles(person: PersonPlan, with_children: set[HouseholdKey]) -> list[str]:
        age, profiles = person.age, []
        if age >= 68:
            profiles.append("elder")
        if 18 <= age <= 29:
            profiles.append("young")
        if 25 <= age <= 67:
            profiles.append("adult")
        if (
            25 <= age <= 58
            and person.household in with_children
            and person.household_role != Person.HouseholdRole.CHILD
        ):
            profiles.append("parent")
        if person.gender == "F" and 20 <= age <= 50:
            profiles.append("woman")
        return profiles

    # --- the draw

    def plan(self) -> list[NeedPlan]:
        needs = []
        themes = [(theme, theme.weight) for theme in theme_data.THEMES]
        hotspots = [(hotspot, hotspot.weight) for hotspot in self.hotspots]
        for n in range(1, self.count + 1):
            external_id = f"{EXTERNAL_ID_PREFIX}{n:05d}"
            roll = self.rng.random()
            if roll < SINGULAR_SHARE:
                needs.append(self._singular(external_id))
            elif roll < SINGULAR_SHARE + HOTSPOT_SHARE and hotspots:
                hotspot = _weighted(self.rng, hotspots)
                needs.append(self._theme_need(external_id, theme_data.THEME_BY_CODE[hotspot.theme], hotspot))
            else:
                needs.append(self._theme_need(external_id, _weighted(self.rng, themes), None))
        return needs

    def _observed_on(self, theme_code: str = "") -> datetime.date:
        if theme_code == "centro-estivo" and self.rng.random() < 0.8:
            # Families look for a summer camp in spring.
            start = datetime.date(2025, 3, 1)
            return start + datetime.timedelta(days=self.rng.randint(0, 121))
        # More recent needs are more frequent: the network has grown known.
        days_ago = int(PERIOD_DAYS * self.rng.random() ** 1.3)
        return REFERENCE_DATE - datetime.timedelta(days=days_ago)

    def _status(self, observed_on: datetime.date) -> str:
        age = (REFERENCE_DATE - observed_on).days
        if age > 270:
            weights = (30, 45, 25)
        elif age > 90:
            weights = (45, 45, 10)
        else:
            weights = (72, 25, 3)
        return self.rng.choices([NeedStatus.NEW, NeedStatus.READING, NeedStatus.CLOSED], weights)[0]

    def _urgency(self, weights: tuple[int, int, int, int]) -> int:
        return self.rng.choices([1, 2, 3, 4], weights)[0]

    def _channel(self, expressed: bool) -> str:
        return _weighted(self.rng, content.EXPRESSED_CHANNELS if expressed else content.DETECTED_CHANNELS)

    def _reporter(self, *, channel: str, case: bool) -> str:
        if channel == Channel.ONLINE:
            return NO_ACTOR
        if case:
            return CASE_MANAGER_EMAIL
        if channel in (Channel.COMMUNITY_LAB, Channel.SENTINEL):
            return COMMUNITY_WORKER_EMAIL
        return self.rng.choice((data.COORDINATOR_EMAIL, CASE_MANAGER_EMAIL, COMMUNITY_WORKER_EMAIL))

    def _comune(self) -> str:
        return self.rng.choices(self.municipalities, self.weights)[0]

    def _person(self, profile: str, comune: str, neighbourhood: str) -> PersonPlan | None:
        pool = self.pools.get((profile, comune, neighbourhood))
        return self.rng.choice(pool) if pool else None

    def _point(self, comune: str, neighbourhood: str, *, hotspot: bool) -> tuple[Decimal | None, Decimal | None]:
        centre = content.NEIGHBOURHOOD_CENTRES.get((comune, neighbourhood)) if neighbourhood else None
        if centre is not None:
            if self.rng.random() < (0.85 if hotspot else 0.8):
                return _jitter(self.rng, centre, 350 if hotspot else 450)
            return None, None
        centre = content.COMUNE_CENTRES.get(comune)
        if centre is not None and self.rng.random() < (0.85 if hotspot else 0.75):
            return _jitter(self.rng, centre, 400 if hotspot else (1500 if comune == "Cremona" else 800))
        return None, None

    def _windows(self, theme: theme_data.Theme, hotspot: content.Hotspot | None) -> theme_data.Hours | None:
        if hotspot is not None and hotspot.hours is not None and self.rng.random() < 0.8:
            return theme.hours[hotspot.hours]
        options: list[tuple[theme_data.Hours | None, int]] = [(hours, hours.weight) for hours in theme.hours]
        if theme.no_hours_weight or not options:
            options.append((None, theme.no_hours_weight or 1))
        return _weighted(self.rng, options)

    def _theme_need(self, external_id: str, theme: theme_data.Theme, hotspot: content.Hotspot | None) -> NeedPlan:
        rng = self.rng
        expressed = rng.random() < theme.expressed_share
        case = rng.random() < theme.case_share
        observed_on = self._observed_on(theme.code)
        channel = self._channel(expressed)
        hours = self._windows(theme, hotspot)
        slots = {
            **theme_data.COMMON_SLOTS,
            **theme.slots,
            "when": hours.when if hours and hours.when else theme.any_time,
        }
        template = rng.choice(theme.citizen if expressed else theme.operator)
        description = _fill(rng, template, slots)
        target = _weighted(rng, theme.targets)

        person: PersonPlan | None = None
        if hotspot is not None:
            comune, neighbourhood = hotspot.municipality, hotspot.neighbourhood
        else:
            comune = self._comune()
            known = self.neighbourhoods.get(comune, [])
            neighbourhood = rng.choice(known) if known and rng.random() < 0.75 else ""
        # Who: for expressed needs, often a person (or household) of the registry who lives there.
        if theme.profile != "none" and rng.random() < (0.7 if expressed else 0.25):
            person = self._person(theme.profile, comune, neighbourhood)
            if person is None and hotspot is None:
                person = self._person(theme.profile, comune, "")
                if person is not None:
                    neighbourhood = person.neighbourhood
        household = person.household if person is not None and theme.link_household else None
        if household is not None and household in self.households:
            people = len(self.households[household].members)
        else:
            people = rng.randint(*theme.people)
        latitude, longitude = self._point(comune, neighbourhood, hotspot=hotspot is not None)
        windows = tuple((day, _minutes(hours.start), _minutes(hours.end)) for day in hours.days) if hours else ()
        return NeedPlan(
            external_id=external_id,
            area=theme.area,
            target_group=target,
            description=description,
            urgency=self._urgency(theme.urgency),
            expressed=expressed,
            channel=channel,
            privacy_level=PrivacyLevel.CASE_TEAM if case else PrivacyLevel.NETWORK,
            municipality=comune,
            neighbourhood=neighbourhood,
            latitude=latitude,
            longitude=longitude,
            windows=windows,
            observed_on=observed_on,
            people_count=people,
            person=person.key if person is not None else None,
            household=household,
            status=self._status(observed_on),
            reporter=self._reporter(channel=channel, case=case),
        )

    def _singular(self, external_id: str) -> NeedPlan:
        rng = self.rng
        area, target, expressed, description = rng.choice(content.SINGULAR_NEEDS)
        comune = self._comune()
        known = self.neighbourhoods.get(comune, [])
        neighbourhood = rng.choice(known) if known and rng.random() < 0.6 else ""
        latitude, longitude = self._point(comune, neighbourhood, hotspot=False)
        observed_on = self._observed_on()
        channel = self._channel(expressed)
        return NeedPlan(
            external_id=external_id,
            area=area,
            target_group=target,
            description=description,
            urgency=self._urgency((25, 55, 17, 3)),
            expressed=expressed,
            channel=channel,
            privacy_level=PrivacyLevel.NETWORK,
            municipality=comune,
            neighbourhood=neighbourhood,
            latitude=latitude,
            longitude=longitude,
            windows=(),
            observed_on=observed_on,
            people_count=rng.randint(5, 40) if target == TargetGroup.COMMUNITY else 1,
            person=None,
            household=None,
            status=self._status(observed_on),
            reporter=self._reporter(channel=channel, case=False),
        )


def plan_needs(*, plan: Plan, municipalities: list[str], count: int, seed: int, small: bool = False) -> list[NeedPlan]:
    """Draw `count` needs (deterministic for a seed, a plan and a list of Comuni)."""
    return NeedPlanner(plan=plan, municipalities=municipalities, count=count, seed=seed, small=small).plan()


# --- applying the plan --------------------------------------------------------------------------

# How a need reaches its planned status from "new", one service call per step.
STATUS_PATHS: dict[str, tuple[str, ...]] = {
    NeedStatus.NEW: (),
    NeedStatus.READING: (NeedStatus.READING,),
    NeedStatus.CLOSED: (NeedStatus.CLOSED,),
}
STATUS_NOTES: dict[str, str] = {
    NeedStatus.READING: "Presa in lettura dall'équipe di rete.",
    NeedStatus.CLOSED: "Chiuso: la persona ha trovato una risposta da sé o non è più raggiungibile.",
}


def ensure_areas(network, *, created: Counter) -> dict[str, NeedArea]:
    """The network's need areas by code, the standard ones added if missing."""
    from legami.needs.services.areas import ensure_default_areas

    added = ensure_default_areas(network=network)
    if added:
        created["need areas"] += added
    return {area.code: area for area in NeedArea.objects.filter(network=network)}


REGISTER_FILE = "registro-sportelli-2024-2025.csv"


def from_register(plan: NeedPlan) -> bool:
    """True for a need of the desks' register: an operator wrote it down, with no person or household of the registry.

    The demo imports these in one file through the needs import (as a network brings in the spreadsheet its
    desks kept before the platform); the others, linked to people or reported online, are recorded one by one.
    """
    return plan.person is None and plan.household is None and plan.reporter != NO_ACTOR


def _register_file(plans: list[NeedPlan]) -> io.BytesIO:
    """The register as the needs import reads it (the export's columns and formats)."""
    from legami.needs.services.exports import PRIVACY_EXPORT, URGENCY_EXPORT, format_windows_for_file
    from legami.needs.services.imports import NEED_IMPORT_COLUMNS
    from legami.needs.timewindows import TimeWindow, windows_to_json

    istat = {m.name: m.istat_code for m in Municipality.objects.filter(name__in={p.municipality for p in plans})}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(NEED_IMPORT_COLUMNS)
    for plan in plans:
        windows = windows_to_json([TimeWindow(day, start, end) for day, start, end in plan.windows])
        writer.writerow(
            [
                plan.external_id,
                plan.area,
                plan.target_group,
                istat[plan.municipality],
                plan.neighbourhood,
                plan.description,
                URGENCY_EXPORT[plan.urgency],
                "sì" if plan.expressed else "no",
                plan.channel,
                format_windows_for_file(windows),
                plan.latitude if plan.latitude is not None else "",
                plan.longitude if plan.longitude is not None else "",
                plan.observed_on.isoformat(),
                plan.people_count,
                PRIVACY_EXPORT[plan.privacy_level],
            ]
        )
    file = io.BytesIO(buffer.getvalue().encode("utf-8"))
    file.name = REGISTER_FILE
    return file


def _import_register(network, plans: list[NeedPlan], *, actor, created: Counter) -> None:
    from legami.needs.services.imports import import_needs_file

    if not plans:
        return
    outcome = import_needs_file(actor=actor, network=network, file=_register_file(plans), file_name=REGISTER_FILE)
    if outcome.errors:
        raise ValidationError([f"{REGISTER_FILE}:{e.row}:{e.column}: {e.message}" for e in outcome.errors[:10]])
    created["needs"] += outcome.created
    created["needs imported"] += outcome.created


def _need_data(plan: NeedPlan, areas, people, households, comuni, neighbourhoods) -> dict[str, Any]:
    """The values record_need is given for one planned need."""
    from legami.needs.timewindows import TimeWindow

    return {
        "area": areas[plan.area],
        "target_group": plan.target_group,
        "description": plan.description,
        "urgency": plan.urgency,
        "expressed": plan.expressed,
        "channel": plan.channel,
        "privacy_level": plan.privacy_level,
        "person": people.get(plan.person) if plan.person else None,
        "household": households.get(plan.household) if plan.household else None,
        "people_count": plan.people_count,
        "municipality": comuni[plan.municipality],
        "neighbourhood": neighbourhoods.get((plan.municipality, plan.neighbourhood)) if plan.neighbourhood else None,
        "latitude": plan.latitude,
        "longitude": plan.longitude,
        "time_windows": [TimeWindow(day, start, end) for day, start, end in plan.windows],
        "observed_on": plan.observed_on,
        "external_id": plan.external_id,
    }


def ensure_needs(
    network,
    needs: list[NeedPlan],
    *,
    users: dict[str, Any],
    comuni,
    neighbourhoods,
    people: dict[PersonKey, Person],
    created: Counter,
    log: Callable[[str], None] | None = None,
) -> None:
    """Every planned need not yet recorded (matched on external_id), walked to its planned status."""
    from legami.needs.services.needs import move_needs, record_need

    areas = ensure_areas(network, created=created)
    existing = set(
        Need.objects.filter(network=network, external_id__startswith=EXTERNAL_ID_PREFIX).values_list(
            "external_id", flat=True
        )
    )
    missing = [plan for plan in needs if plan.external_id not in existing]
    register = [plan for plan in missing if from_register(plan)]
    _import_register(network, register, actor=users[data.COORDINATOR_EMAIL], created=created)
    recorded = {
        need.external_id: need
        for need in Need.objects.filter(network=network, external_id__in=[plan.external_id for plan in register])
    }
    if log is not None:
        log(f"  {len(register)} needs imported from the desks' register")
    households = {
        (h.name, h.address, h.municipality.name if h.municipality else ""): h
        for h in Household.objects.filter(network=network).select_related("municipality")
    }
    to_move: dict[tuple[str, tuple[str, ...]], list[Need]] = {}
    for index, plan in enumerate(missing):
        need = recorded.get(plan.external_id)
        if need is None:
            actor = users.get(plan.reporter) if plan.reporter else None
            need = record_need(
                actor=actor,
                network=network,
                check_permission=actor is not None,
                data=_need_data(plan, areas, people, households, comuni, neighbourhoods),
            )
            created["needs"] += 1
        # The statuses are moved by whoever reads the needs: the case manager for case data, else the coordinator.
        mover = CASE_MANAGER_EMAIL if plan.privacy_level == PrivacyLevel.CASE_TEAM else data.COORDINATOR_EMAIL
        if STATUS_PATHS[plan.status]:
            to_move.setdefault((mover, tuple(STATUS_PATHS[plan.status])), []).append(need)
        if log is not None and (index + 1) % 1000 == 0:
            log(f"  {index + 1} needs")
    # Each group of needs walks its path in bulk, one history step per hop, as the workflow service writes it.
    for (mover, path), group in sorted(to_move.items()):
        for start, target in zip((NeedStatus.NEW, *path), path, strict=False):
            created["need status changes"] += move_needs(
                actor=users[mover], needs=group, steps={start: [target]}, note=STATUS_NOTES[target]
            )


# --- aggregated demand --------------------------------------------------------------------------

# How the demo's accepted demands were answered: the first answer whose words appear in the demand's title,
# keywords or summary (network data, in Italian).
ANSWERS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("doposcuola", "compiti"),
        "Da settembre la casa di quartiere ospita un doposcuola il martedì e il giovedì dalle 16 alle 18, "
        "con un'educatrice della cooperativa e sei volontari; la quota è calmierata in base all'ISEE.",
    ),
    (
        ("visite", "trasporto", "passaggio", "accompagnamento"),
        "È partito il servizio di accompagnamento alle visite con l'auto dell'associazione e dodici autisti "
        "volontari: si prenota allo sportello sociale entro il venerdì precedente.",
    ),
    (
        ("solo", "sola", "compagnia", "incontro", "solitudine"),
        "Il gruppo di incontro del pomeriggio si ritrova due volte alla settimana in casa di quartiere, con "
        "tombola, caffè e telefonate di compagnia per chi non può uscire.",
    ),
    (
        ("spesa",),
        "I volontari del vicinato consegnano la spesa a domicilio il martedì e il venerdì mattina; i farmaci "
        "li ritira la farmacia convenzionata.",
    ),
    (
        ("spid", "online", "digitale"),
        "Lo sportello digitale è aperto il mercoledì mattina in biblioteca: SPID, fascicolo sanitario e "
        "domande online con i facilitatori digitali.",
    ),
    (
        ("italiano", "lingua", "corso"),
        "Il corso di italiano per donne si tiene il martedì e il giovedì mattina, con uno spazio bimbi gestito "
        "da due volontarie.",
    ),
    (
        ("estivo",),
        "Il centro estivo di quartiere ha aggiunto quaranta posti con orario fino alle 16 e rette ridotte "
        "per le famiglie con ISEE basso.",
    ),
)
DEFAULT_ANSWER = (
    "La rete ha organizzato una risposta comune con i partner del territorio: le persone sono state "
    "ricontattate dallo sportello sociale."
)


def answer_for(demand) -> str:
    """The demo's answer text for an accepted demand."""
    text = " ".join([demand.title, demand.summary, *demand.keywords]).lower()
    words = set(re.findall(r"\w+", text))
    for triggers, answer in ANSWERS:
        if words & set(triggers):
            return answer
    return DEFAULT_ANSWER


# How many of the best candidates the demo accepts: a few, of different areas.
ACCEPTED_DEMANDS = 4
SMALL_ACCEPTED_DEMANDS = 2


def ensure_demands(network, *, reviewer, small: bool, created: Counter, notes: list[str]) -> None:
    """Run the aggregation once, then accept a few of the best candidates and answer one of them."""
    from legami.aggregation.models import AggregatedDemand, DemandStatus
    from legami.aggregation.services.demands import accept_demand, answer_demand
    from legami.aggregation.services.runs import AGGREGATION_JOB_KIND, run_aggregation, start_aggregation

    ran = Job.objects.filter(network=network, kind=AGGREGATION_JOB_KIND, status=Job.Status.SUCCEEDED).exists()
    if not ran:
        job = start_aggregation(actor=reviewer, network=network)
        # Synchronously: the queued task finds the job already run and does nothing.
        job = run_aggregation(job=job)
        created["aggregation runs"] += 1
        if job.status != Job.Status.SUCCEEDED:
            notes.append(
                gettext("The demo's aggregation run failed: %(error)s") % {"error": (job.result or {}).get("error", "")}
            )
            return
    demands = AggregatedDemand.objects.filter(network=network)
    if not demands.filter(status__in=[DemandStatus.ACCEPTED, DemandStatus.ANSWERED, DemandStatus.CLOSED]).exists():
        wanted = SMALL_ACCEPTED_DEMANDS if small else ACCEPTED_DEMANDS
        candidates = list(
            demands.filter(status=DemandStatus.CANDIDATE)
            .select_related("area")
            .order_by("-need_count", "-cohesion", "id")
        )
        chosen: list = []
        # The best candidate of each area first, then the next best, until enough.
        for candidate in candidates:
            if len(chosen) < wanted and all(candidate.area_id != other.area_id for other in chosen):
                chosen.append(candidate)
        for candidate in candidates:
            if len(chosen) < wanted and candidate not in chosen:
                chosen.append(candidate)
        for demand in chosen:
            accept_demand(actor=reviewer, demand=demand, note="Domanda riconosciuta al tavolo di rete.")
            created["accepted demands"] += 1
    if not demands.filter(status__in=[DemandStatus.ANSWERED, DemandStatus.CLOSED]).exists():
        first = (
            demands.filter(status=DemandStatus.ACCEPTED).select_related("area").order_by("-need_count", "id").first()
        )
        if first is not None:
            answer_demand(actor=reviewer, demand=first, answer=answer_for(first))
            created["answered demands"] += 1
