"""What each app holds about a person, declared by the app: for the data export (GDPR Art. 15 and 20), for
anonymisation at the end of retention, and for telling when a person was last active.

core imports no app: each app registers its sections from its AppConfig.ready() (see
legami/network/personal_data.py and legami/needs/personal_data.py). A section says, for one person:

- `collect(person)`: the rows it holds, as JSON-ready dicts with every field in clear (encrypted fields
  decrypted), one dict per row;
- `audit_objects(person)`: the (object type, ids) of those rows, so that the audit events about them are
  exported and, on anonymisation, erased;
- `anonymise(person)`: remove what identifies the person from those rows, keeping what figures count;
- `last_activity(person_ids)`: the latest moment each person's rows were written, {person id: datetime}.
"""

from __future__ import annotations

import datetime
import decimal
import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet

from legami.core.exports import csv_text
from legami.core.models import AuditEvent

Rows = list[dict[str, Any]]
AuditObjects = list[tuple[str, Iterable[Any]]]


@dataclass(frozen=True)
class Section:
    """One kind of data an app holds about a person (see the module's docstring)."""

    name: str  # a file name: "person", "needs"… (the CSV is <name>.csv)
    collect: Callable[[Any], Rows]
    audit_objects: Callable[[Any], AuditObjects] | None = None
    anonymise: Callable[[Any], None] | None = None
    last_activity: Callable[[list[int]], dict[int, datetime.datetime]] | None = None
    order: int = 100


class PersonalDataRegistry:
    """The sections every app declared, in order."""

    def __init__(self) -> None:
        self._sections: dict[str, Section] = {}

    def register(self, *sections: Section) -> None:
        """Declare sections; declaring one name twice with another section is a mistake."""
        for section in sections:
            known = self._sections.get(section.name)
            if known is not None and known != section:
                raise ImproperlyConfigured(f"The personal-data section {section.name!r} is declared twice.")
            if section.name == AUDIT_SECTION:
                raise ImproperlyConfigured(f"The personal-data section name {AUDIT_SECTION!r} is core's own.")
            self._sections[section.name] = section

    def sections(self) -> list[Section]:
        """The declared sections, by order then name."""
        return sorted(self._sections.values(), key=lambda s: (s.order, s.name))


registry = PersonalDataRegistry()
register = registry.register
AUDIT_SECTION = "audit_events"


def jsonable(value: Any) -> Any:
    """A value as JSON can hold it: dates in ISO 8601, decimals and UUIDs as text, rows by primary key."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if hasattr(value, "_meta") and hasattr(value, "pk"):
        return value.pk
    if isinstance(value, list | tuple | set):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return value


def row_of(obj: Any, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """Every concrete field of a row, in clear (foreign keys by id), for an export."""
    skipped = set(exclude)
    return {
        field.attname: jsonable(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if field.name not in skipped and field.attname not in skipped
    }


def audit_events_about(person: Any) -> QuerySet[AuditEvent]:
    """The audit events about the person or about any row a section holds on them (one query when evaluated)."""
    condition = Q(object_type=person._meta.label_lower, object_id=str(person.pk))
    for section in registry.sections():
        if section.audit_objects is None:
            continue
        for object_type, ids in section.audit_objects(person):
            id_list = [str(i) for i in ids]
            if id_list:
                condition |= Q(object_type=object_type, object_id__in=id_list)
    return AuditEvent.objects.filter(condition, network_id=person.network_id).order_by("created_at", "id")


_AUDIT_FIELDS = ("id", "created_at", "actor_label", "action", "object_type", "object_id", "object_repr")


def _audit_rows(person: Any) -> Rows:
    rows = []
    for event in audit_events_about(person):
        row = {name: jsonable(getattr(event, name)) for name in _AUDIT_FIELDS}
        row.update(data_class=event.data_class, note=event.note, before=event.before, after=event.after)
        rows.append(row)
    return rows


def collect_person_data(person: Any) -> dict[str, Rows]:
    """Everything the network holds about `person`, section by section, with the audit events about them last."""
    data = {section.name: section.collect(person) for section in registry.sections()}
    data[AUDIT_SECTION] = _audit_rows(person)
    return data


def _cell(value: Any) -> Any:
    # A nested value (an audit snapshot, a list of time windows) goes into one cell as JSON text.
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def section_csv(rows: Rows) -> str:
    """One section as CSV text (UTF-8 BOM, formula-escaped cells); the header is every key met, in order."""
    header: list[str] = []
    for row in rows:
        header.extend(key for key in row if key not in header)
    return csv_text(header, ([_cell(row.get(key)) for key in header] for row in rows))


def person_data_zip(person: Any, *, exported_at: datetime.datetime) -> bytes:
    """The ZIP of a person's data: data.json (every section) and one CSV per section."""
    data = collect_person_data(person)
    document = {
        "person_id": person.pk,
        "network": getattr(person.network, "slug", person.network_id),
        "exported_at": exported_at.isoformat(),
        "sections": data,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False))
        for name, rows in data.items():
            archive.writestr(f"{name}.csv", section_csv(rows).encode("utf-8"))
    return buffer.getvalue()


def anonymise_sections(person: Any) -> None:
    """Run every section's anonymisation for `person` (inside the caller's transaction), last section first: the
    person's own record, which the others read (their account, their household), goes last."""
    for section in reversed(registry.sections()):
        if section.anonymise is not None:
            section.anonymise(person)


def last_activity(person_ids: list[int]) -> dict[int, datetime.datetime]:
    """The latest write about each person over every section, {person id: datetime} (one query per section)."""
    latest: dict[int, datetime.datetime] = {}
    for section in registry.sections():
        if section.last_activity is None:
            continue
        for person_id, moment in section.last_activity(person_ids).items():
            if moment is not None and (person_id not in latest or moment > latest[person_id]):
                latest[person_id] = moment
    return latest
