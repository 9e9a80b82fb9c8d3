"""The people import (the person registry as CSV/XLSX, one person per row) and the export that round-trips into it.

`PeopleImport` is the declaration; the pipeline in legami.core.imports does the rest (upload, job,
progress, all-or-nothing, audit, pages, command). Below it: the cell rules and the checks across rows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from legami.core.audit import record_event
from legami.core.exports import EXPORT_FORMATS, export_response
from legami.core.imports import CellError, Column, ImportContext, ImportDeclaration, RowCheck, bounded, text
from legami.core.imports.pipeline import ImportOutcome, Progress, import_file, run_import_job
from legami.core.imports.services import start_import
from legami.core.models import AuditEvent, DataClass, Job
from legami.core.permissions import require
from legami.network.models import Household, Network, Person
from legami.network.selectors.people import people_for
from legami.network.services.people import normalize_phone
from legami.network.validators import validate_tax_code
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality

IMPORT_PEOPLE = "network.import_people"
EXPORT_PEOPLE = "network.export_people"


# Same rule as the person form (legami.network.services.people): Italian numbers, optional +39.
_PHONE = re.compile(r"^(?:\+39)?[0-9]{6,11}$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_ITALIAN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_CF_DIGITS = str.maketrans("LMNPQRSTUV", "0123456789")  # omocodia: letters standing for digits
_CF_MONTHS = "ABCDEHLMPRST"
_GENDERS = frozenset(Person.Gender.values)
_HOUSEHOLD_ROLES = tuple(Person.HouseholdRole.values)
EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
# The IN lists of the duplicate checks stay under SQLite's limit on query parameters.
_LOOKUP_CHUNK = 900
BATCH_SIZE = 1000


def _limit(model: Any, name: str) -> int:
    return getattr(model._meta.get_field(name), "max_length", None) or 0


# --- the cells ---------------------------------------------------------------------------------


def _birth_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        cell = text(value)
        iso, italian = _ISO_DATE.match(cell), _ITALIAN_DATE.match(cell)
        try:
            if iso:
                value = datetime.date(int(iso[1]), int(iso[2]), int(iso[3]))
            elif italian:
                value = datetime.date(int(italian[3]), int(italian[2]), int(italian[1]))
            else:
                raise CellError(
                    gettext("Write the date as YYYY-MM-DD or DD/MM/YYYY (found “%(value)s”).") % {"value": cell}
                )
        except ValueError as exc:
            raise CellError(gettext("“%(value)s” is not a real date.") % {"value": cell}) from exc
    if value > timezone.localdate():
        raise CellError(gettext("The date of birth cannot be in the future."))
    if value < EARLIEST_BIRTH_DATE:
        raise CellError(gettext("The date of birth cannot be before 1900."))
    return value


def _gender(value: Any) -> str:
    cell = text(value).upper()
    if cell and cell not in _GENDERS:
        raise CellError(gettext("Write F, M or X (found “%(value)s”).") % {"value": text(value)})
    return cell


def _email(value: Any) -> str:
    cell = bounded(_limit(Person, "email"))(value)
    if cell:
        try:
            validate_email(cell)
        except ValidationError as exc:
            raise CellError(gettext("“%(value)s” is not a valid e-mail address.") % {"value": cell}) from exc
    return cell


def _phone(value: Any) -> str:
    cell = text(value)
    if cell and not _PHONE.match(cell.replace(" ", "")):
        raise CellError(
            gettext("Write an Italian phone number: digits and spaces, optionally with +39 (found “%(value)s”).")
            % {"value": cell}
        )
    return normalize_phone(cell)


def _household_role(value: Any) -> str:
    cell = text(value).lower()
    if cell and cell not in _HOUSEHOLD_ROLES:
        raise CellError(
            gettext("Unknown role “%(value)s”: write one of %(choices)s.")
            % {"value": text(value), "choices": ", ".join(_HOUSEHOLD_ROLES)}
        )
    return cell


def _istat(value: Any) -> str:
    cell = text(value)
    if not cell:
        return ""
    if not cell.isdigit() or len(cell) > 6:
        raise CellError(gettext("An ISTAT code has 6 digits (found “%(value)s”).") % {"value": cell})
    # Spreadsheets drop the leading zeros of numbers: 19036 is 019036.
    return cell.zfill(6)


def _tax_code(value: Any) -> str:
    return validate_tax_code(text(value))


# --- the checks across cells, rows and the database ---------------------------------------------


@dataclass
class _PersonRow:
    number: int
    values: dict[str, Any]
    household_key: str = ""


def _tax_code_birth(code: str) -> tuple[int, int, int, str] | None:
    """(day, month, two-digit year, gender) written in a valid codice fiscale."""
    digits = code.translate(_CF_DIGITS)
    try:
        year, month, day = int(digits[6:8]), _CF_MONTHS.index(code[8]) + 1, int(digits[9:11])
    except ValueError:
        return None
    return (day - 40, month, year, "F") if day > 40 else (day, month, year, "M")


class _PeopleChecks:
    """What the checks of one people file look up once (territory, neighbourhoods) and gather across rows."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        network = context.network
        # A district-limited importer may only register people living in the Comuni of their districts.
        self.reachable: set[int] | None = (
            None
            if context.districts is None
            else set(
                NetworkMunicipality.objects.filter(network=network, district_id__in=context.districts).values_list(
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
        self.outside_codes: dict[str, list[int]] = {}
        self.tax_codes: dict[str, int] = {}
        self.household_rows: dict[str, list[int]] = {}
        self.existing_households: dict[str, Household] = {}

    def check_row(self, row: RowCheck) -> _PersonRow:
        cells = row.values
        values: dict[str, Any] = {
            name: cells[name] or ""
            for name in ("first_name", "last_name", "tax_code", "gender", "email", "phone", "address", "household_role")
        }
        values["birth_date"] = cells["birth_date"]
        values["municipality"] = self._municipality(row)
        values["neighbourhood"] = self._neighbourhood(row, values["municipality"])
        household = cells["household"]
        if values["household_role"] and not household:
            row.error("household_role", gettext("A role in the household needs a household."))
        self._check_tax_code(row, values)
        person = _PersonRow(row.number, values)
        if household:
            person.household_key = household.casefold()
            values["household_name"] = household
            self.household_rows.setdefault(person.household_key, []).append(row.number)
        return person

    def _municipality(self, row: RowCheck) -> Municipality | None:
        code = row.values["municipality_istat"]
        if not code:
            if self.reachable is not None and not text(row.raw["municipality_istat"]):
                row.error(
                    "municipality_istat", gettext("Give the Comune: you can only import people of your district.")
                )
            return None
        municipality = self.territory.get(code)
        if municipality is None:
            self.outside_codes.setdefault(code, []).append(row.number)
        elif self.reachable is not None and municipality.pk not in self.reachable:
            row.error(
                "municipality_istat",
                gettext("%(name)s is not in your district: you can only import people of your district.")
                % {"name": municipality.name},
            )
        return municipality

    def _neighbourhood(self, row: RowCheck, municipality: Municipality | None) -> Neighbourhood | None:
        name = text(row.raw["neighbourhood"])
        if not name:
            return None
        if municipality is None:
            if not text(row.raw["municipality_istat"]):
                row.error("neighbourhood", gettext("A neighbourhood needs the ISTAT code of its Comune."))
            return None
        neighbourhood = self.neighbourhoods.get((municipality.pk, name.casefold()))
        if neighbourhood is None:
            row.error(
                "neighbourhood",
                gettext("There is no neighbourhood “%(name)s” in %(municipality)s.")
                % {"name": name, "municipality": municipality.name},
            )
        return neighbourhood

    def _check_tax_code(self, row: RowCheck, values: dict[str, Any]) -> None:
        code = values["tax_code"]
        if not code:
            return
        first = self.tax_codes.setdefault(code, row.number)
        if first != row.number:
            row.error("tax_code", gettext("The same codice fiscale is already on row %(row)d.") % {"row": first})
        written = _tax_code_birth(code)
        if written is None:
            return
        day, month, year, gender = written
        birth_date = values["birth_date"]
        if birth_date and (birth_date.day, birth_date.month, birth_date.year % 100) != (day, month, year):
            row.error("birth_date", gettext("The date of birth does not match the one in the codice fiscale."))
        if values["gender"] in ("F", "M") and values["gender"] != gender:
            row.error("gender", gettext("The gender does not match the one in the codice fiscale."))

    def check_file(self) -> None:
        """Checks against the database, once for the whole file; remembers the existing households the file names."""
        self._check_outside_codes()
        self._check_existing_tax_codes()
        self.existing_households = self._existing_households()

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
                self.context.error(n, "municipality_istat", message)

    def _check_existing_tax_codes(self) -> None:
        codes = list(self.tax_codes)
        for start in range(0, len(codes), _LOOKUP_CHUNK):
            chunk = codes[start : start + _LOOKUP_CHUNK]
            for code in Person.objects.filter(network=self.context.network, tax_code__in=chunk).values_list(
                "tax_code", flat=True
            ):
                self.context.error(
                    self.tax_codes[code],
                    "tax_code",
                    gettext("A person with this codice fiscale is already in the registry."),
                )

    def _existing_households(self) -> dict[str, Household]:
        if not self.household_rows:
            return {}
        found: dict[str, list[Household]] = {}
        # Names are compared case-insensitively in Python: database collations disagree on that.
        households = Household.objects.filter(network=self.context.network).only("id", "name")
        for household in households.iterator(chunk_size=2000):
            key = " ".join(household.name.split()).casefold()
            if key in self.household_rows:
                found.setdefault(key, []).append(household)
        existing = {}
        for key, named in found.items():
            if len(named) > 1:
                for n in self.household_rows[key]:
                    self.context.error(
                        n,
                        "household",
                        gettext("%(count)d households of the network are called “%(name)s”: rename them first.")
                        % {"count": len(named), "name": named[0].name},
                    )
            else:
                existing[key] = named[0]
        return existing


# --- the declaration ---------------------------------------------------------------------------


class PeopleImport(ImportDeclaration):
    """One person per row; people with the same household name share a household, created when new."""

    kind, slug, namespace, nav = "people_import", "people", "network", "people"
    capability, model, template_filename = IMPORT_PEOPLE, Person, "people-template"
    list_url_name, export_url_name, export_capability = "network:people", "network:people_export", EXPORT_PEOPLE
    checks = _PeopleChecks  # (above) the file's lookups and the checks across rows
    # fmt: off
    columns = (
        Column("first_name", _("First name."), "Maria", True,
               parse=bounded(_limit(Person, "first_name"), required=True)),
        Column("last_name", _("Last name."), "Rossi", True, parse=bounded(_limit(Person, "last_name"), required=True)),
        Column("tax_code", _("Codice fiscale: 16 characters, unique in the network."), "RSSMRA80A41D150N",
               parse=_tax_code),
        Column("birth_date", _("Date of birth, as YYYY-MM-DD or DD/MM/YYYY; it must match the codice fiscale."),
               "01/01/1980", parse=_birth_date),
        Column("gender", _("F, M or X (other or not stated); it must match the codice fiscale."), "F", parse=_gender),
        Column("email", _("E-mail address."), "maria.rossi@example.org", parse=_email),
        Column("phone", _("Italian phone number: digits and spaces, optionally starting with +39."), "0372 123456",
               parse=_phone),
        Column("address", _("Street address."), "Via Roma 1", parse=bounded(_limit(Person, "address"))),
        Column("municipality_istat", _("ISTAT code of the Comune (6 digits); the Comune must be in the network's "
                                       "territory."), "019036", parse=_istat),
        Column("neighbourhood", _("Name of a neighbourhood of that Comune, as registered in the territory."), "Centro"),
        Column("household", _("Name of the household: people with the same name go in the same household, created "
                              "if it does not exist."), "Famiglia Rossi", parse=bounded(_limit(Household, "name"))),
        Column("household_role", _("Role in the household: head, partner, child, parent, relative or other."), "head",
               parse=_household_role),
    )
    title, list_label = _("Import people"), _("People")
    intro = _("Upload a CSV file or an Excel workbook with one person per row. The first row holds the column "
              "names described below.")
    all_or_nothing = _("The import is all or nothing: if any row has a problem, nobody is imported and you get the "
                       "list of every problem, by row and column, to fix in the file.")
    template_csv_label = _("Download an empty CSV file with the columns")
    template_xlsx_label = _("Download an empty Excel file with the columns")
    export_label = _("Download the people already registered, in the same format")
    columns_note = _("Column names may be in upper or lower case; columns that are not required may be left out.")
    columns_caption = _("The columns a people file can have")
    recent_caption = _("The latest people imports of this network, newest first")
    job_title, saving_label, done_label = _("Import no. %(n)s"), _("saving the people"), _("Go to the people")
    refused_message = _("You are no longer allowed to import people here.")
    conflict_message = _("Another person with one of these codici fiscali was added while the import was running. "
                         "Nothing was imported: start the import again to see which rows.")
    command_refused = _("%(email)s may not import people into %(network)s.")
    created_message = ngettext_lazy("%(n)s person imported.", "%(n)s people imported.", "n")
    # fmt: on

    def write(self, rows: list[Any], context: ImportContext) -> dict[str, int]:
        return {"households_created": _write_people(rows, context)}

    def summary(self, result: dict[str, Any]) -> list[str]:
        new = int(result.get("households_created") or 0)
        households = ngettext("%(n)s new household created.", "%(n)s new households created.", new) % {"n": new}
        return [*super().summary(result), *([households] if new else [])]

    def command_summary(self, outcome: Any, *, network: str, file_name: str) -> str:
        new = outcome.counts.get("households_created", 0)
        return gettext(
            "Imported %(created)d people (%(households)d new households) into %(network)s from %(file)s."
        ) % {"created": outcome.created, "households": new, "network": network, "file": file_name}


PEOPLE_IMPORT = PeopleImport()
PEOPLE_IMPORT_KIND = PeopleImport.kind
# The columns of the people file, in the order the export writes them: an export re-imports as is.
PERSON_IMPORT_COLUMNS: tuple[str, ...] = PeopleImport.header()
PERSON_IMPORT_REQUIRED: tuple[str, ...] = PeopleImport.required()


def _write_people(rows: list[_PersonRow], context: ImportContext) -> int:
    """Create the new households, then the people (the import's transaction is open); how many households are new."""
    network = context.network
    households = dict(context.state.existing_households)
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
    Household.objects.bulk_create(new_households.values(), batch_size=BATCH_SIZE)
    households.update(new_households)
    people = []
    for row in rows:
        values = {k: v for k, v in row.values.items() if k != "household_name"}
        people.append(Person(network=network, household=households.get(row.household_key), **values))
    Person.objects.bulk_create(people, batch_size=BATCH_SIZE)
    return len(new_households)


# --- the app's services for the import (the pipeline with this declaration) ----------------------


def import_people_file(
    *, actor: Any, network: Network, file: Any, file_name: str = "", progress: Progress | None = None
) -> ImportOutcome:
    """Check every row of a people file and, only if all are good, create them all (see core.imports.pipeline)."""
    return import_file(PEOPLE_IMPORT, actor=actor, network=network, file=file, file_name=file_name, progress=progress)


def start_people_import(*, actor: Any, network: Network, uploaded_file: Any) -> Job:
    """Save an uploaded people file to a new Job and queue its import once the transaction commits."""
    return start_import(declaration=PEOPLE_IMPORT, actor=actor, network=network, uploaded_file=uploaded_file)


def run_people_import(*, job: Job, progress: Progress | None = None) -> Job:
    """Run a queued people import job: validate, write if all rows are good, record the outcome on the job."""
    return run_import_job(job=job, declaration=PEOPLE_IMPORT, progress=progress)


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
