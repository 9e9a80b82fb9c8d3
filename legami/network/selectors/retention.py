"""Reads for the end of retention: which people are due for anonymisation, and who consents to a processing now.

A person is **due** when all of these hold:

- they are not anonymised yet;
- the processings they are recorded under all have a retention in months: every processing of the network
  whose legal basis is not consent (they cover everyone in the registry), and every consent-based processing
  the person consents to now (a withdrawn consent no longer keeps their data);
- they are recorded under at least one processing (a network whose register is empty anonymises nobody);
- their last activity (the latest write of their record, their needs, ties or consents, as each app
  declares in legami.core.personal_data) is older than the longest of those retentions.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import QuerySet

from legami.core.models import Consent, Processing
from legami.core.personal_data import last_activity
from legami.network.capabilities import EXPORT_PEOPLE
from legami.network.models import Network, Person
from legami.network.selectors.people import scoped_municipality_ids

BATCH_SIZE = 1000


@dataclass(frozen=True)
class DuePerson:
    """A person whose retention has ended: since when they were last active, and the retention that applied."""

    person_id: int
    last_activity: datetime.datetime
    retention_months: int


def _given_consent_months(network: Network, person_ids: list[int]) -> dict[int, list[int | None]]:
    months: dict[int, list[int | None]] = defaultdict(list)
    for person_id, value in Consent.objects.filter(
        person_id__in=person_ids, given=True, processing__network=network, processing__legal_basis="consent"
    ).values_list("person_id", "processing__retention_months"):
        months[person_id].append(value)
    return months


def _batches(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def people_due_for_anonymisation(network: Network, *, now: datetime.datetime) -> list[DuePerson]:
    """The network's people whose retention has ended at `now` (see the module's docstring), by id."""
    base = [p.retention_months for p in Processing.objects.filter(network=network) if not p.needs_consent]
    if None in base:
        return []  # a processing that covers everyone keeps everyone
    ids = list(
        Person.objects.filter(network=network, anonymised_at__isnull=True).order_by("pk").values_list("pk", flat=True)
    )
    due = []
    for batch in _batches(ids):
        consents = _given_consent_months(network, batch)
        latest = last_activity(batch)
        for person_id in batch:
            months = [*base, *consents.get(person_id, [])]
            if not months or None in months:
                continue
            longest = max(m for m in months if m is not None)
            moment = latest.get(person_id)
            if moment is not None and moment + relativedelta(months=longest) <= now:
                due.append(DuePerson(person_id, moment, longest))
    return due


def consenting_people(
    processing: Processing, *, viewer: Any = None, capability: str = EXPORT_PEOPLE
) -> QuerySet[Person]:
    """The people who consent to `processing` now (given and not withdrawn; never an anonymised person), by name;
    within the viewer's reach when a viewer is given. Whatever relies on consent (contact lists, exports) reads this."""
    qs = Person.objects.filter(
        network_id=processing.network_id,
        anonymised_at__isnull=True,
        consents__processing=processing,
        consents__given=True,
    )
    if viewer is not None:
        scope = scoped_municipality_ids(viewer, processing.network, capability)
        if scope is not None:
            qs = qs.filter(municipality_id__in=scope)
    return qs.order_by("last_name", "first_name", "pk")
