"""Import and export of the person registry (CSV/XLSX), all-or-nothing per file, run as background jobs."""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core.audit import record_event
from legami.core.exports import EXPORT_FORMATS, export_response
from legami.core.importing import ImportFileError, RowError, TableRow, check_upload, read_table
from legami.core.jobs import enqueue_job, run_file_import
from legami.core.models import AuditEvent, DataClass, Job
from legami.core.permissions import district_scope, require
from legami.network.models import Household, Network, Person
from legami.network.selectors.people import people_for
from legami.network.services.people import normalize_phone
from legami.network.validators import validate_tax_code
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality

IMPORT_PEOPLE = "network.import_people"
EXPORT_PEOPLE = "network.export_people"
PEOPLE_IMPORT_KIND = "people_import"

# The columns of the people file, in the order the export writes them: an export re-imports as is.
PERSON_IMPORT_COLUMNS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "tax_code",
    "birth_date",
    "gender",
    "email",
    "phone",
    "address",
    "municipality_istat",
    "neighbourhood",
    "household",
    "household_role",
)
PERSON_IMPORT_REQUIRED: tuple[str, ...] = ("first_name", "last_name")
# How many bad cells a job keeps to show; the command prints them all.
MAX_SHOWN_ERRORS = 500
PROGRESS_EVERY = 500
BATCH_SIZE = 1000
# The IN lists of the duplicate checks stay under SQLite's limit on query parameters.
_LOOKUP_CHUNK = 900
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)

# Same rule as the person form (legami.network.services.people): Italian numbers, optional +39.
_PHONE = re.compile(r"^(?:\+39)?[0-9]{6,11}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ITALIAN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_CF_DIGITS = str.maketrans("LMNPQRSTUV", "0123456789")  # omocodia: letters standing for digits
_CF_MONTHS = "ABCDEHLMPRST"
_GENDERS = frozenset(Person.Gender.values)
_HOUSEHOLD_ROLES = tuple(Person.HouseholdRole.values)

Progress = Callable[..., None]


@dataclass
class ImportOutcome:
    """What an import did: `errors` non-empty means nothing was written."""

    total: int = 0
    created: int = 0
    households_created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _PersonRow:
    number: int
    values: dict[str, Any]
    household_key: str = ""


class _CellError(Exception):
    pass


def _max_length(model: Any, name: str) -> int:
    return getattr(model._meta.get_field(name), "max_length", None) or 0


def _limit(name: str) -> int:
    return _max_length(Person, name)


# --- parsing of single cells -------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _bounded(value: Any, limit: int) -> str:
    text = _text(value)
    if len(text) > limit:
        raise _CellError(
            gettext("At most %(limit)d characters (this one has %(n)d).") % {"limit": limit, "n": len(text)}
        )
    return text


def _parse_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        text = _text(value)
        iso, italian = _ISO_DATE.match(text), _ITALIAN_DATE.match(text)
        try:
            if iso:
                value = datetime.date(int(iso[1]), int(iso[2]), int(iso[3]))
            elif italian:
                value = datetime.date(int(italian[3]), int(italian[2]), int(italian[1]))
            else:
                raise _CellError(
                    gettext("Write the date as YYYY-MM-DD or DD/MM/YYYY (found “%(value)s”).") % {"value": text}
                )
        except ValueError as exc:
            raise _CellError(gettext("“%(value)s” is not a real date.") % {"value": text}) from exc
    if value > timezone.localdate():
        raise _CellError(gettext("The date of birth cannot be in the future."))
    if value < EARLIEST_BIRTH_DATE:
        raise _CellError(gettext("The date of birth cannot be before 1900."))
    return value


def _tax_code_birth(code: str) -> tuple[int, int, int, str] | None:
    """(day, month, two-digit year, gender) written in a valid codice fiscale."""
    digits = code.translate(_CF_DIGITS)
    try:
        year, month, day = int(digits[6:8]), _CF_MONTHS.index(code[8]) + 1, int(digits[9:11])
    except ValueError:
        return None
    return (day - 40, month, year, "F") if day > 40 else (day, month, year, "M")


def _parse_istat(value: Any) -> str:
    text = _text(value)
    if not text:
        return ""
    if not text.isdigit() or len(text) > 6:
        raise _CellError(gettext("An ISTAT code has 6 digits (found “%(value)s”).") % {"value": text})
    # Spreadsheets drop the leading zeros of numbers: 19036 is 019036.
    return text.zfill(6)


# --- validation of the whole file ---------------------------------------------------------------


class _Validator:
    """Checks every row of a people file against the network, collecting every problem."""

    def __init__(self, network: Network, actor: Any = None) -> None:
        self.network = network
        # A district-limited importer may only register people living in the Comuni of their districts.
        districts = district_scope(actor, IMPORT_PEOPLE, network) if actor is not None else None
        self.reachable: set[int] | None = (
            None
            if districts is None
            else set(
                NetworkMunicipality.objects.filter(network=network, district_id__in=districts).values_list(
                    "municipality_id", flat=True
                )
            )
        )
        self.territory = {
            link.municipality.istat_code: link.municipality
            for link in NetworkMunicipality.objects.filter(network=network).select_related("municipality")
        }
        self.neighbourhoods: dict[tuple[int, str], Neighbourhood] = {}
        for neighbourhood in Neighbourhood.objects.filter(network=network).order_by("id"):
            self.neighbourhoods.setdefault(
                (neighbourhood.municipality_id, neighbourhood.name.casefold()), neighbourhood
            )
        self.errors: list[RowError] = []
        self.outside_codes: dict[str, list[int]] = {}
        self.tax_codes: dict[str, int] = {}
        self.household_rows: dict[str, list[int]] = {}

    def error(self, row: int, column: str, message: str) -> None:
        self.errors.append(RowError(row, column, str(message)))

    def cell(self, row: TableRow, column: str, parse: Callable[[Any], Any]) -> Any:
        try:
            return parse(row[column])
        except _CellError as exc:
            self.error(row.number, column, str(exc))
        except ValidationError as exc:
            self.error(row.number, column, " ".join(str(m) for m in exc.messages))
        return None

    def check_row(self, row: TableRow) -> _PersonRow:
        n = row.number
        values: dict[str, Any] = {}
        for column in ("first_name", "last_name"):
            values[column] = self.cell(row, column, partial(_bounded, limit=_limit(column))) or ""
            if not values[column] and _text(row[column]) == "":
                self.error(n, column, gettext("This field is required."))
        values["tax_code"] = self.cell(row, "tax_code", lambda v: validate_tax_code(_text(v))) or ""
        values["birth_date"] = self.cell(row, "birth_date", _parse_date)
        values["gender"] = self.cell(row, "gender", self._gender) or ""
        values["email"] = self.cell(row, "email", self._email) or ""
        values["phone"] = self.cell(row, "phone", self._phone) or ""
        values["address"] = self.cell(row, "address", partial(_bounded, limit=_limit("address"))) or ""
        values["municipality"] = self._municipality(row)
        values["neighbourhood"] = self._neighbourhood(row, values["municipality"])
        household = self.cell(row, "household", partial(_bounded, limit=_max_length(Household, "name")))
        values["household_role"] = self.cell(row, "household_role", self._household_role) or ""
        if values["household_role"] and not household:
            self.error(n, "household_role", gettext("A role in the household needs a household."))
        self._check_tax_code(n, values)
        person = _PersonRow(n, values)
        if household:
            person.household_key = household.casefold()
            values["household_name"] = household
            self.household_rows.setdefault(person.household_key, []).append(n)
        return person

    def _gender(self, value: Any) -> str:
        text = _text(value).upper()
        if text and text not in _GENDERS:
            raise _CellError(gettext("Write F, M or X (found “%(value)s”).") % {"value": _text(value)})
        return text

    def _email(self, value: Any) -> str:
        text = _bounded(value, _limit("email"))
        if text:
            try:
                validate_email(text)
            except ValidationError as exc:
                raise _CellError(gettext("“%(value)s” is not a valid e-mail address.") % {"value": text}) from exc
        return text

    def _phone(self, value: Any) -> str:
        text = _text(value)
        if text and not _PHONE.match(text.replace(" ", "")):
            raise _CellError(
                gettext("Write an Italian phone number: digits and spaces, optionally with +39 (found “%(value)s”).")
                % {"value": text}
            )
        return normalize_phone(text)

    def _household_role(self, value: Any) -> str:
        text = _text(value).lower()
        if text and text not in _HOUSEHOLD_ROLES:
            raise _CellError(
                gettext("Unknown role “%(value)s”: write one of %(choices)s.")
                % {"value": _text(value), "choices": ", ".join(_HOUSEHOLD_ROLES)}
            )
        return text

    def _municipality(self, row: TableRow) -> Municipality | None:
        code = self.cell(row, "municipality_istat", _parse_istat)
        if not code:
            if self.reachable is not None and not _text(row["municipality_istat"]):
                self.error(
                    row.number,
                    "municipality_istat",
                    gettext("Give the Comune: you can only import people of your district."),
                )
            return None
        municipality = self.territory.get(code)
        if municipality is None:
            self.outside_codes.setdefault(code, []).append(row.number)
        elif self.reachable is not None and municipality.pk not in self.reachable:
            self.error(
                row.number,
                "municipality_istat",
                gettext("%(name)s is not in your district: you can only import people of your district.")
                % {"name": municipality.name},
            )
        return municipality

    def _neighbourhood(self, row: TableRow, municipality: Municipality | None) -> Neighbourhood | None:
        name = _text(row["neighbourhood"])
        if not name:
            return None
        if municipality is None:
            if not _text(row["municipality_istat"]):
                self.error(row.number, "neighbourhood", gettext("A neighbourhood needs the ISTAT code of its Comune."))
            return None
        neighbourhood = self.neighbourhoods.get((municipality.pk, name.casefold()))
        if neighbourhood is None:
            self.error(
                row.number,
                "neighbourhood",
                gettext("There is no neighbourhood “%(name)s” in %(municipality)s.")
                % {"name": name, "municipality": municipality.name},
            )
        return neighbourhood

    def _check_tax_code(self, n: int, values: dict[str, Any]) -> None:
        code = values["tax_code"]
        if not code:
            return
        first = self.tax_codes.setdefault(code, n)
        if first != n:
            self.error(n, "tax_code", gettext("The same codice fiscale is already on row %(row)d.") % {"row": first})
        written = _tax_code_birth(code)
        if written is None:
            return
        day, month, year, gender = written
        birth_date = values["birth_date"]
        if birth_date and (birth_date.day, birth_date.month, birth_date.year % 100) != (day, month, year):
            self.error(n, "birth_date", gettext("The date of birth does not match the one in the codice fiscale."))
        if values["gender"] in ("F", "M") and values["gender"] != gender:
            self.error(n, "gender", gettext("The gender does not match the one in the codice fiscale."))

    def finish(self) -> dict[str, Household]:
        """Checks across rows and against the database; returns the existing households the file names."""
        self._check_outside_codes()
        self._check_existing_tax_codes()
        return self._existing_households()

    def _check_outside_codes(self) -> None:
        if not self.outside_codes:
            return
        codes = list(self.outside_codes)
        known: dict[str, str] = {}
        for start in range(0, len(codes), _LOOKUP_CHUNK):
            known.update(
                Municipality.objects.filter(istat_code__in=codes[start : start + _LOOKUP_CHUNK]).values_list(
                    "istat_code", "name"
                )
            )
        for code, numbers in self.outside_codes.items():
            if code in known:
                message = gettext("%(name)s (%(code)s) is not part of the network's territory.") % {
                    "name": known[code],
                    "code": code,
                }
            else:
                message = gettext("No Comune has the ISTAT code %(code)s.") % {"code": code}
            for n in numbers:
                self.error(n, "municipality_istat", message)

    def _check_existing_tax_codes(self) -> None:
        codes = list(self.tax_codes)
        for start in range(0, len(codes), _LOOKUP_CHUNK):
            chunk = codes[start : start + _LOOKUP_CHUNK]
            for code in Person.objects.filter(network=self.network, tax_code__in=chunk).values_list(
                "tax_code", flat=True
            ):
                self.error(
                    self.tax_codes[code],
                    "tax_code",
                    gettext("A person with this codice fiscale is already in the registry."),
                )

    def _existing_households(self) -> dict[str, Household]:
        if not self.household_rows:
            return {}
        found: dict[str, list[Household]] = {}
        # Names are compared case-insensitively in Python: database collations disagree on that.
        for household in Household.objects.filter(network=self.network).only("id", "name").iterator(chunk_size=2000):
            key = " ".join(household.name.split()).casefold()
            if key in self.household_rows:
                found.setdefault(key, []).append(household)
        existing = {}
        for key, households in found.items():
            if len(households) > 1:
                for n in self.household_rows[key]:
                    self.error(
                        n,
                        "household",
                        gettext("%(count)d households of the network are called “%(name)s”: rename them first.")
                        % {"count": len(households), "name": households[0].name},
                    )
            else:
                existing[key] = households[0]
        return existing


def _sorted_errors(errors: Iterable[RowError]) -> list[RowError]:
    order = {name: i for i, name in enumerate(PERSON_IMPORT_COLUMNS)}
    return sorted(errors, key=lambda e: (e.row or 0, order.get(e.column, len(order)), e.message))


def _report(progress: Progress | None, processed: int, total: int, phase: str) -> None:
    if progress is not None:
        progress(processed, total, phase=phase)


def import_people_file(
    *,
    actor: Any,
    network: Network,
    file: Any,
    file_name: str = "",
    progress: Progress | None = None,
) -> ImportOutcome:
    """Validate every row of a people file and, only if all are good, create them all in one transaction.

    `actor` None is a trusted system call (the management command run by the operator); otherwise
    the actor needs network.import_people. Raises ImportFileError when the file cannot be read;
    returns the row errors (and writes nothing) when any row is bad. `progress(processed, total,
    phase=...)` is called every PROGRESS_EVERY rows.
    """
    if actor is not None:
        require(actor, IMPORT_PEOPLE, network)
    rows = read_table(
        file,
        columns=PERSON_IMPORT_COLUMNS,
        required=PERSON_IMPORT_REQUIRED,
        max_rows=getattr(settings, "LEGAMI_IMPORT_MAX_ROWS", 100_000),
    )
    total = len(rows)
    outcome = ImportOutcome(total=total)
    _report(progress, 0, total, "validating")
    validator = _Validator(network, actor)
    checked = []
    for index, row in enumerate(rows, start=1):
        checked.append(validator.check_row(row))
        if index % PROGRESS_EVERY == 0 and index < total:
            _report(progress, index, total, "validating")
    existing_households = validator.finish()
    _report(progress, total, total, "validating")
    if validator.errors:
        outcome.errors = _sorted_errors(validator.errors)
        return outcome
    _report(progress, total, total, "writing")
    try:
        outcome.created, outcome.households_created = _write_people(
            actor=actor, network=network, rows=checked, existing_households=existing_households, file_name=file_name
        )
    except IntegrityError as exc:
        # Someone registered one of these codici fiscali between the checks and the write.
        raise ImportFileError(
            _(
                "Another person with one of these codici fiscali was added while the import was running. "
                "Nothing was imported: start the import again to see which rows."
            )
        ) from exc
    return outcome


def _write_people(
    *,
    actor: Any,
    network: Network,
    rows: list[_PersonRow],
    existing_households: dict[str, Household],
    file_name: str,
) -> tuple[int, int]:
    """Create the new households, then the people, then one audit event, in one transaction."""
    households = dict(existing_households)
    new_households: dict[str, Household] = {}
    for row in rows:
        key = row.household_key
        if key and key not in households and key not in new_households:
            # A new household takes the address of the first of its members in the file.
            new_households[key] = Household(
                network=network,
                name=row.values["household_name"],
                address=row.values["address"],
                municipality=row.values["municipality"],
                neighbourhood=row.values["neighbourhood"],
            )
    with transaction.atomic():
        Household.objects.bulk_create(new_households.values(), batch_size=BATCH_SIZE)
        households.update(new_households)
        people = []
        for row in rows:
            values = {k: v for k, v in row.values.items() if k != "household_name"}
            people.append(Person(network=network, household=households.get(row.household_key), **values))
        Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
        record_event(
            actor=actor,
            action=AuditEvent.Action.IMPORT,
            network=network,
            object_type=Person._meta.label_lower,
            object_repr=file_name[:300],
            after={"created": len(people), "file": file_name, "households_created": len(new_households)},
            data_class=DataClass.PERSONAL,
        )
    return len(people), len(new_households)


# --- the background job ------------------------------------------------------------------------


def start_people_import(*, actor: Any, network: Network, uploaded_file: Any) -> Job:
    """Save an uploaded people file to a new Job and queue its import once the transaction commits."""
    require(actor, IMPORT_PEOPLE, network)
    name, extension = check_upload(uploaded_file)
    with transaction.atomic():
        job = Job(network=network, kind=PEOPLE_IMPORT_KIND, actor=actor, original_name=name[:255])
        # The stored name says nothing about the people in it; the user's name is kept for display.
        job.file.save(f"people-{uuid.uuid4().hex}{extension}", uploaded_file, save=False)
        job.save()
        transaction.on_commit(lambda: _enqueue_import(job.pk))
    return job


def _enqueue_import(job_id: int) -> None:
    from legami.network.tasks import import_people_task

    enqueue_job(
        job_id=job_id,
        task=import_people_task,
        error_key="file_error",
        error_message=_("The import could not be queued. Try again later."),
    )


def run_people_import(*, job: Job, progress: Progress | None = None) -> Job:
    """Run a queued people import job: validate, write if all rows are good, record the outcome on the job."""
    return run_file_import(
        job=job,
        import_file=import_people_file,
        refused_message=_("You are no longer allowed to import people here."),
        success_result=lambda outcome: {"created": outcome.created, "households_created": outcome.households_created},
        progress=progress,
        max_errors=MAX_SHOWN_ERRORS,
    )


# --- export -------------------------------------------------------------------------------------


def person_export_rows(people: Iterable[Person]) -> Iterator[list[Any]]:
    """The PERSON_IMPORT_COLUMNS cells of each person (people with municipality, neighbourhood, household loaded)."""
    for person in people:
        yield [
            person.first_name,
            person.last_name,
            person.tax_code,
            person.birth_date,
            person.gender,
            person.email,
            person.phone,
            person.address,
            person.municipality.istat_code if person.municipality else "",
            person.neighbourhood.name if person.neighbourhood else "",
            person.household.name if person.household else "",
            person.household_role,
        ]


def export_people(*, actor: Any, network: Network, fmt: str) -> HttpResponseBase:
    """A CSV or XLSX download of the people the actor may see, in the import format; audited."""
    require(actor, EXPORT_PEOPLE, network)
    if fmt not in EXPORT_FORMATS:
        raise ValidationError(
            {"format": _("Unknown format “%(fmt)s”: choose csv or xlsx.") % {"fmt": fmt}}, code="invalid_format"
        )
    people = people_for(actor, network, capability=EXPORT_PEOPLE)
    count = people.count()
    with transaction.atomic():
        record_event(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            network=network,
            object_type=Person._meta.label_lower,
            object_repr=f"{network.slug} people ({fmt})",
            after={"count": count, "format": fmt},
            data_class=DataClass.PERSONAL,
        )
    filename = f"{network.slug}-people-{timezone.localdate():%Y-%m-%d}.{fmt}"
    return export_response(
        rows=person_export_rows(people.iterator(chunk_size=2000)),
        header=PERSON_IMPORT_COLUMNS,
        filename=filename,
        fmt=fmt,
    )


def people_template_response(fmt: str = "csv") -> HttpResponseBase:
    """An empty people file (just the header) to fill in."""
    return export_response(rows=[], header=PERSON_IMPORT_COLUMNS, filename="people-template", fmt=fmt)
