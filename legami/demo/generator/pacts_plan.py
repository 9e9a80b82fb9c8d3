"""The plan of the demo's pacts: which stories (a person, a theme, a stage, when the case opened) are told, and the
clock that makes the services write on each story's own days (see legami.demo.generator.pacts)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

from django.utils import timezone

import legami.demo.generator.pacts_content as content
from legami.activities.models import VolunteerShift
from legami.network.models import Person

PROCESSING = "dati-patti"
# The stages of the pacts, in the full demo (the small one keeps one story in five).
STAGES = (
    ("draft", 8),
    ("proposed", 6),
    ("signed", 5),
    ("active", 20),
    ("renewed", 12),  # active, on its version 2 signed at a review
    ("review_late", 6),  # active, its review due and not held yet
    ("under_review", 6),
    ("rewriting", 4),  # under review, its version 2 being written
    ("completed", 13),
    ("completed_v2", 5),
    ("interrupted", 15),
)
# The referrals that did not become a case, by the state the triage left them in.
LOOSE_REFERRALS = (
    ("new", 7),
    ("assigned", 5),
    ("asked", 3),
    ("answered", 3),
    ("redirected", 4),
    ("closed", 5),
)
# Every other case comes from a referral (and every draft or proposed pact's), the others were opened directly.
DIRECT_EVERY = 2
FOUR_WEEKS = datetime.timedelta(days=28)


@dataclass
class Story:
    number: int
    stage: str
    theme: content.Theme
    person: Person
    manager: Any
    with_partner: bool
    opened_on: datetime.date
    from_referral: bool
    weeks: int
    behind: bool  # the give-back is behind (below 75% of the hours due)
    improving: bool
    spend: str  # low, normal, high, over
    linked: bool = False  # the person's volunteer shifts and time-bank exchanges may count toward the pact
    starts_on: datetime.date | None = None


class Clock:
    """django.utils.timezone.now for the services: the story's moment when one is set, else the real time."""

    def __init__(self) -> None:
        self.real = timezone.now
        self.moment: datetime.datetime | None = None

    def now(self) -> datetime.datetime:
        return self.moment if self.moment is not None else self.real()

    def at(self, day: datetime.date, hour: int = 10, minute: int = 0) -> None:
        """Set the clock to `day` at `hour` (never later than now: a story does not write the future)."""
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        self.moment = min(moment, self.real())

    def today(self) -> None:
        self.moment = None


@contextmanager
def story_clock() -> Iterator[Clock]:
    clock = Clock()
    with mock.patch.object(timezone, "now", clock.now):
        yield clock


# --------------------------------------------------------------------------------------------------- the plan


def _age(person: Person, today: datetime.date) -> int:
    born = person.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def plan_stories(
    network, rng: random.Random, today: datetime.date, case_manager, coordinator, *, small: bool
) -> list[Story]:
    stages = [stage for stage, count in STAGES for _ in range(count)]
    if small:
        stages = stages[::5]
    adults = [
        p
        for p in Person.objects.filter(network=network, anonymised_at__isnull=True, user__isnull=True)
        .exclude(birth_date__isnull=True)
        .exclude(municipality__isnull=True)
        .select_related("municipality")
        .order_by("pk")
        if 18 <= _age(p, today) <= 92
    ]
    if not adults:
        return []
    # The activities' volunteer and the time bank's first members come first: their hours can count toward a pact.
    volunteers = set(VolunteerShift.objects.filter(network=network).values_list("person_id", flat=True))
    first = [p for p in adults if p.pk in volunteers][:1]
    first += [p for p in adults[:3] if p not in first][: 3 - len(first)]
    rest = [p for p in adults if p not in first]
    rng.shuffle(rest)
    older = [p for p in rest if _age(p, today) >= 68]
    young = [p for p in rest if _age(p, today) <= 26]
    taken: set[int] = set()

    def pick(theme: content.Theme, stage: str) -> Person | None:
        wanted = older if theme.code == "solitudine" else young if theme.code == "giovani" else []
        if stage == "active":
            # The volunteer and the time bank's members go on pacts in force: their hours can count toward them.
            wanted = [*first, *wanted]
        for candidate in [*wanted, *rest]:
            if candidate.pk not in taken and (theme.code == "solitudine" or _age(candidate, today) < 75):
                taken.add(candidate.pk)
                return candidate
        return None

    stories = []
    for number, stage in enumerate(stages):
        theme = content.THEMES[(number * 3 + rng.randint(0, 1)) % len(content.THEMES)]
        person = pick(theme, stage)
        if person is None:
            break
        weeks = rng.choice((8, 12, 12, 12, 16))
        stories.append(
            Story(
                number=number,
                stage=stage,
                theme=theme,
                person=person,
                manager=coordinator if number % 5 == 4 else case_manager,
                with_partner=number % 3 == 0 or theme.organization[0] == "trama",
                opened_on=today - datetime.timedelta(days=_opened_ago(stage, weeks, rng)),
                from_referral=number % DIRECT_EVERY == 0 or stage in ("draft", "proposed"),
                weeks=weeks,
                behind=rng.random() < 0.25,
                improving=rng.random() < 0.8,
                spend=rng.choice(("low", "normal", "normal", "high", "high", "over")),
                linked=person in first,
            )
        )
    return stories


def _opened_ago(stage: str, weeks: int, rng: random.Random) -> int:
    """How many days ago a story of `stage` opened its case (at most 18 months)."""
    cycle = weeks * 7
    if stage == "draft":
        return rng.randint(4, 25)
    if stage == "proposed":
        return rng.randint(15, 40)
    if stage == "signed":
        return rng.randint(20, 40)
    if stage in ("active", "review_late", "under_review", "interrupted"):
        return rng.randint(cycle + 45, 330)
    if stage == "rewriting":
        # Its second review fell in the last few weeks: the version 2 is being written since.
        return rng.randint(2 * cycle + 20, 2 * cycle + 40)
    if stage == "renewed":
        return rng.randint(2 * cycle + 50, 470)
    # completed: two or three reviews, the last one well before today.
    return rng.randint(min(3 * cycle + 60, 530), 540)
