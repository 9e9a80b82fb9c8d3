"""The people import (the person registry as CSV/XLSX, one person per row) and the export that round-trips into it.

`PeopleImport` is the declaration; the pipeline in legami.core.imports does the rest (upload, job,
progress, all-or-nothing, audit, pages, command). Each row is checked by the person's own input rules
(PERSON_INPUTS, the same as the form and the API); the checks across rows and the households are below.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from legami.core import inputs
from legami.core.audit import record_event
from legami.core.exports import EXPORT_FORMATS, export_response
from legami.core.imports import Column, ImportContext, ImportDeclaration, RowCheck, rule
from legami.core.imports.pipeline import ImportOutcome, Progress, import_file, run_import_job
from legami.core.imports.services import start_import
from legami.core.models import AuditEvent, DataClass, Job
from legami.core.permissions import require
from legami.network.capabilities import EXPORT_PEOPLE, IMPORT_PEOPLE
from legami.network.models import Household, Network, Person
from legami.network.selectors.people import people_for
from legami.network.services.households import HOUSEHOLD_INPUTS
from legami.network.services.people import (
    OUT_OF_DISTRICT,
    PERSON_INPUTS,
    PERSON_PLACE,
    TAX_CODE_TAKEN,
    UNIQUE_TAX_CODE,
    household_role_check,
    neighbourhood_in_municipality,
)
from legami.network.validators import normalize_tax_code
from legami.territory.istat import restore_istat_code
from legami.territory.selectors.districts import district_municipality_ids

EARLIEST_BIRTH_DATE = datetime.date(1900, 1, 1)
# The IN lists of the duplicate checks stay under SQLite's limit on query parameters.
_LOOKUP_CHUNK = 900
BATCH_SIZE = 1000


def _born_since_1900(ctx: inputs.Context) -> None:
    if ctx.ok("birth_date") and ctx.value("birth_date") and ctx.value("birth_date") < EARLIEST_BIRTH_DATE:
        ctx.add_error("birth_date", _("The date of birth cannot be before 1900."), "too_early")


# The person's rules reading a file: the Comune by ISTAT code, the neighbourhood by its name in that Comune,
# gender and role by code or label. The household is named in the file (created when new); the codice fiscale
# is checked against the registry and the district against the importer's, once per file.
IMPORT_RULES = PERSON_INPUTS.extend(
    {
        "gender": PERSON_INPUTS["gender"].but(labels=True),
        "municipality": PERSON_INPUTS["municipality"].but(by=("istat_code",)),
        "neighbourhood": PERSON_INPUTS["neighbourhood"].but(by=("name",), within="municipality"),
        "household_role": inputs.Choice(
            Person.HouseholdRole, labels=True, messages={"invalid_choice": _("Choose a valid role.")}
        ),
    },
    drop=("household", "notes"),
    drop_checks=(UNIQUE_TAX_CODE, PERSON_PLACE, household_role_check),
    checks=(neighbourhood_in_municipality, _born_since_1900),
)


# --- the checks across rows and the database ------------------------------------------------------


@dataclass
class _PersonRow:
    number: int
    values: dict[str, Any]
    household_key: str = ""


class _PeopleChecks:
    """The rules of each row, with the file's lookups loaded once; codici fiscali and households across rows."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        # A district-limited importer may only register people living in the Comuni of their districts.
        self.reachable: set[int] | None = (
            None if context.districts is None else set(district_municipality_ids(context.network, context.districts))
        )
        self.tax_codes: dict[str, int] = {}
        self.household_rows: dict[str, list[int]] = {}
        self.existing_households: dict[str, Household] = {}

    def check_row(self, row: RowCheck) -> _PersonRow | None:
        values = row.clean(IMPORT_RULES)
        # A valid codice fiscale counts across rows even when the row has other problems.
        if "codice_fiscale" not in row.bad and (code := normalize_tax_code(str(row.values["codice_fiscale"] or ""))):
            first = self.tax_codes.setdefault(code, row.number)
            if first != row.number:
                message = gettext("The same codice fiscale is already on row %(row)d.") % {"row": first}
                row.error("codice_fiscale", message)
        if values is None:
            return None
        household = " ".join((row.values["nucleo"] or "").split())
        if values["household_role"] and not household:
            row.error("ruolo_nucleo", gettext("A role in the household needs a household."))
        municipality = values["municipality"]
        if self.reachable is not None and (municipality is None or municipality.pk not in self.reachable):
            row.error("comune_istat", OUT_OF_DISTRICT)
        person = _PersonRow(row.number, values)
        if household:
            person.household_key = household.casefold()
            values["household_name"] = household
            self.household_rows.setdefault(person.household_key, []).append(row.number)
        return person if row.ok else None

    def check_file(self) -> None:
        """Checks against the database, once for the whole file; remembers the existing households the file names."""
        self._check_existing_tax_codes()
        self.existing_households = self._existing_households()

    def _check_existing_tax_codes(self) -> None:
        codes = list(self.tax_codes)
        for start in range(0, len(codes), _LOOKUP_CHUNK):
            chunk = codes[start : start + _LOOKUP_CHUNK]
            for code in Person.objects.filter(network=self.context.network, tax_code__in=chunk).values_list(
                "tax_code", flat=True
            ):
                self.context.error(self.tax_codes[code], "codice_fiscale", TAX_CODE_TAKEN)

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
                        "nucleo",
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
        Column("nome", _("First name."), "Maria", True, aliases=("first_name",), field="first_name"),
        Column("cognome", _("Last name."), "Rossi", True, aliases=("last_name",), field="last_name"),
        Column("codice_fiscale", _("Codice fiscale: 16 characters, unique in the network."), "RSSMRA80A41D150N",
               aliases=("tax_code",), field="tax_code"),
        Column("data_nascita", _("Date of birth, as YYYY-MM-DD or DD/MM/YYYY; it must match the codice fiscale."),
               "01/01/1980", aliases=("birth_date",), field="birth_date"),
        Column("genere", _("F, M or X (other or not stated); it must match the codice fiscale."), "F",
               aliases=("gender",), field="gender"),
        Column("email", _("E-mail address."), "maria.rossi@example.org", field="email"),
        Column("telefono", _("Italian phone number: digits and spaces, optionally starting with +39."),
               "0372 123456", aliases=("phone",), field="phone"),
        Column("indirizzo", _("Street address."), "Via Roma 1", aliases=("address",), field="address"),
        Column("comune_istat", _("ISTAT code of the Comune (6 digits); the Comune must be in the network's "
                                 "territory."), "019036", aliases=("municipality_istat",), field="municipality",
               parse=restore_istat_code),
        Column("quartiere", _("Name of a neighbourhood of that Comune, as registered in the territory."), "Centro",
               aliases=("neighbourhood",), field="neighbourhood"),
        Column("nucleo", _("Name of the household: people with the same name go in the same household, created "
                           "if it does not exist."), "Famiglia Rossi", aliases=("household",),
               parse=rule(HOUSEHOLD_INPUTS["name"])),
        Column("ruolo_nucleo", _("Role in the household: head, partner, child, parent, relative or other."), "head",
               aliases=("household_role",), field="household_role"),
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
    # Anonymised people stay in the registry for the figures, but there is nobody left to export or re-import.
    people = people_for(actor, network, capability=EXPORT_PEOPLE).filter(anonymised_at__isnull=True)
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
