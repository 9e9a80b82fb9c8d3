"""What the network app holds about a person: the registry record, their household, ties and consents.

Registered in legami.core.personal_data from NetworkConfig.ready(): the data export reads `collect`, the
anonymisation runs `anonymise`, the end of retention reads `last_activity`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max, Q

from legami.core.models import Consent
from legami.core.personal_data import AuditObjects, Rows, Section, register, row_of
from legami.network.models import Household, Person, Tie


def _person_rows(person: Person) -> Rows:
    return [row_of(person)]


def _person_last_activity(person_ids: list[int]) -> dict[int, datetime.datetime]:
    return dict(Person.objects.filter(pk__in=person_ids).values_list("pk", "updated_at"))


def anonymised_birth_date(birth_date: datetime.date | None) -> datetime.date | None:
    """What an anonymised person keeps of their birth date: the year, as the 1st of July (age bands stay right
    within half a year), or nothing."""
    return None if birth_date is None else datetime.date(birth_date.year, 7, 1)


def _anonymise_person_record(person: Person) -> None:
    # The Comune, the neighbourhood, the gender, the household and the role in it stay: figures count them.
    person.first_name = ""
    person.last_name = f"#{person.pk}"
    person.tax_code = ""
    person.birth_date = anonymised_birth_date(person.birth_date)
    person.email = ""
    person.phone = ""
    person.address = ""
    person.notes = ""
    person.user = None
    person.save()


def _household_rows(person: Person) -> Rows:
    if person.household_id is None:
        return []
    household = Household.objects.get(pk=person.household_id)
    return [{**row_of(household), "role_of_the_person": person.household_role}]


def _anonymise_household(person: Person) -> None:
    # A household's name and address are its members' too: they go once nobody in it can be named any more.
    if person.household_id is None:
        return
    others = Person.objects.filter(household_id=person.household_id, anonymised_at__isnull=True).exclude(pk=person.pk)
    if not others.exists():
        Household.objects.filter(pk=person.household_id).update(name=f"#{person.household_id}", address="")


def _ties(person: Person) -> Any:
    return Tie.objects.filter(Q(source_person=person) | Q(target_person=person)).order_by("pk")


def _tie_rows(person: Person) -> Rows:
    rows = []
    for tie in _ties(person).select_related(
        "source_person", "source_organization", "target_person", "target_organization"
    ):
        rows.append({**row_of(tie), "source": str(tie.source), "target": str(tie.target)})
    return rows


def _anonymise_ties(person: Person) -> None:
    # The tie itself stays (relational figures count it); what was written about it goes.
    _ties(person).update(note="")


def _tie_last_activity(person_ids: list[int]) -> dict[int, datetime.datetime]:
    latest: dict[int, datetime.datetime] = {}
    for field in ("source_person", "target_person"):
        for person_id, moment in (
            Tie.objects.filter(**{f"{field}__in": person_ids})
            .values(field)
            .annotate(m=Max("updated_at"))
            .values_list(field, "m")
        ):
            if person_id not in latest or moment > latest[person_id]:
                latest[person_id] = moment
    return latest


def _consent_rows(person: Person) -> Rows:
    return [
        {**row_of(consent), "processing_code": consent.processing.code, "processing_name": consent.processing.name}
        for consent in Consent.objects.filter(person=person).select_related("processing").order_by("pk")
    ]


def _anonymise_consents(person: Person) -> None:
    # Whether and when consent was given stays (the register counts it); how it was collected may name people.
    Consent.objects.filter(person=person).update(source="")


def _consent_last_activity(person_ids: list[int]) -> dict[int, datetime.datetime]:
    return dict(
        Consent.objects.filter(person_id__in=person_ids)
        .values("person_id")
        .annotate(m=Max("updated_at"))
        .values_list("person_id", "m")
    )


def _tie_audit(person: Person) -> AuditObjects:
    return [(Tie._meta.label_lower, _ties(person).values_list("pk", flat=True))]


def _consent_audit(person: Person) -> AuditObjects:
    return [(Consent._meta.label_lower, Consent.objects.filter(person=person).values_list("pk", flat=True))]


SECTIONS = (
    Section("person", _person_rows, anonymise=_anonymise_person_record, last_activity=_person_last_activity, order=10),
    Section("household", _household_rows, anonymise=_anonymise_household, order=20),
    Section(
        "ties",
        _tie_rows,
        audit_objects=_tie_audit,
        anonymise=_anonymise_ties,
        last_activity=_tie_last_activity,
        order=30,
    ),
    Section(
        "consents",
        _consent_rows,
        audit_objects=_consent_audit,
        anonymise=_anonymise_consents,
        last_activity=_consent_last_activity,
        order=40,
    ),
)


def register_personal_data() -> None:
    """Declare the network app's sections (called from NetworkConfig.ready())."""
    register(*SECTIONS)
