"""The needs import (CSV/XLSX, one need per row) and its template file; the export is in exports.py.

`NeedsImport` is the declaration; the pipeline in legami.core.imports does the rest (upload, job,
progress, all-or-nothing, audit, pages, command). The file's columns have Italian names (English
aliases accepted); each cell is translated into the value a Need field takes and then checked by
`validate_need_data`, the same rules as the forms.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from legami.core.audit import snapshot
from legami.core.imports import CellError, Column, ImportContext, ImportDeclaration, RowCheck, bounded
from legami.core.imports import text as cell_text
from legami.core.imports.pipeline import ImportOutcome, Progress, import_file, run_import_job
from legami.core.imports.services import start_import
from legami.core.models import AuditEvent, Job
from legami.needs.models import Channel, Need, NeedArea, NeedEvent, NeedStatus, PrivacyLevel, TargetGroup, Urgency
from legami.needs.services.needs import data_class_of, validate_need_data
from legami.needs.timewindows import TimeWindow, TimeWindowError, parse_time_windows
from legami.network.models import Network
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality

IMPORT_NEEDS = "needs.import_needs"
# The fields whose checks query the database: checked once per distinct combination in a file.
_REFERENCE_FIELDS = frozenset({"area", "municipality", "neighbourhood"})
# The IN lists of the duplicate checks stay under SQLite's limit on query parameters.
_LOOKUP_CHUNK = 900

# Words of the file (Italian first, English accepted), compared case-insensitively without accents.
URGENCY_WORDS: dict[str, int] = {
    "bassa": Urgency.LOW,
    "low": Urgency.LOW,
    "media": Urgency.MEDIUM,
    "medium": Urgency.MEDIUM,
    "alta": Urgency.HIGH,
    "high": Urgency.HIGH,
    "urgente": Urgency.URGENT,
    "urgent": Urgency.URGENT,
}
_YES = frozenset({"si", "s", "yes", "y", "true", "vero", "1", "x", "espresso", "expressed"})
_NO = frozenset({"no", "n", "false", "falso", "0", "rilevato", "detected"})
PRIVACY_WORDS: dict[str, str] = {
    "rete": PrivacyLevel.NETWORK,
    "network": PrivacyLevel.NETWORK,
    "equipe": PrivacyLevel.CASE_TEAM,
    "case_team": PrivacyLevel.CASE_TEAM,
    "case team": PrivacyLevel.CASE_TEAM,
    "team": PrivacyLevel.CASE_TEAM,
}


# --- the cells ---------------------------------------------------------------------------------


def _fold(value: str) -> str:
    """Lower case, single spaces, no accents on vowels: 'Sì' and 'si', 'Équipe' and 'equipe' match."""
    text = " ".join(str(value).split()).casefold()
    return text.translate(str.maketrans("àáèéìíòóùú", "aaeeiioouu"))


def _choice_lookup(choices: type[Any]) -> dict[str, str]:
    """Code, Italian label and English label of each choice -> code."""
    table: dict[str, str] = {}
    for language in ("en", "it"):
        with translation.override(language):
            for value, label in choices.choices:
                table.setdefault(_fold(str(label)), value)
    for value in choices.values:
        table[_fold(value)] = value
        table[_fold(value.replace("_", " "))] = value
    return table


# --- parsing of single cells -------------------------------------------------------------------


def _parse_urgency(value: Any) -> int:
    if value in (None, ""):
        return Urgency.MEDIUM
    if isinstance(value, int) and not isinstance(value, bool) and value in Urgency.values:
        return value
    text = _fold(cell_text(value))
    if text.isdigit() and int(text) in Urgency.values:
        return int(text)
    if text in URGENCY_WORDS:
        return URGENCY_WORDS[text]
    raise CellError(
        gettext("Write 1, 2, 3 or 4, or bassa, media, alta or urgente (found “%(value)s”).")
        % {"value": cell_text(value)}
    )


def _parse_expressed(value: Any) -> bool:
    if value in (None, ""):
        return True
    if isinstance(value, bool):
        return value
    text = _fold(cell_text(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise CellError(
        gettext("Write sì (asked for by the people concerned) or no (detected by others) (found “%(value)s”).")
        % {"value": cell_text(value)}
    )


def _parse_privacy(value: Any) -> str:
    text = _fold(cell_text(value))
    if not text:
        return PrivacyLevel.NETWORK
    if text in PRIVACY_WORDS:
        return PRIVACY_WORDS[text]
    raise CellError(
        gettext("Write rete (the network's operators) or equipe (the case team only) (found “%(value)s”).")
        % {"value": cell_text(value)}
    )


def _parse_people(value: Any) -> int:
    if value in (None, ""):
        return 1
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = cell_text(value)
    if not text.isdigit():
        raise CellError(gettext("Write a whole number of people, such as 3 (found “%(value)s”).") % {"value": text})
    return int(text)


def _parse_coordinate(value: Any) -> decimal.Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise CellError(gettext("“%(value)s” is not a number.") % {"value": value})
    text = cell_text(value).replace(",", ".")
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation as exc:
        raise CellError(gettext("“%(value)s” is not a number.") % {"value": cell_text(value)}) from exc
    if not number.is_finite():
        raise CellError(gettext("“%(value)s” is not a number.") % {"value": cell_text(value)})
    return number.quantize(decimal.Decimal("0.000001"), rounding=decimal.ROUND_HALF_UP)


def _parse_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = cell_text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(
        gettext("Write the date as DD/MM/YYYY or YYYY-MM-DD, and a real date (found “%(value)s”).") % {"value": text}
    )


def _parse_windows(value: Any) -> list[TimeWindow]:
    try:
        return parse_time_windows(cell_text(value))
    except TimeWindowError as exc:
        raise CellError(
            gettext("%(reason)s Write the days and hours like “mar e gio 16-18”.") % {"reason": exc}
        ) from exc


def _parse_description(value: Any) -> str:
    # Line breaks inside a description are kept; only the ends are trimmed.
    return "" if value is None else str(value).strip()


# --- the checks across cells, rows and the database ---------------------------------------------


class _NeedChecks:
    """Translates each row of a needs file into Need values and checks them, with the file's lookups loaded once."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        network = self.network = context.network
        # A district-limited importer may only bring in needs of the Comuni of their districts.
        districts = context.districts
        links = list(NetworkMunicipality.objects.filter(network=network).select_related("municipality"))
        self.reachable: set[int] | None = (
            None if districts is None else {link.municipality_id for link in links if link.district_id in districts}
        )
        self.by_istat = {link.municipality.istat_code: link.municipality for link in links}
        self.by_name: dict[str, list[Municipality]] = {}
        for link in links:
            self.by_name.setdefault(_fold(link.municipality.name), []).append(link.municipality)
        self.areas: dict[str, NeedArea] = {}
        for area in NeedArea.objects.filter(network=network).order_by("-is_active", "position", "id"):
            self.areas.setdefault(_fold(area.code), area)
            self.areas.setdefault(_fold(area.name), area)
        self.neighbourhoods: dict[tuple[int, str], Neighbourhood] = {}
        self.neighbourhood_places: dict[str, list[str]] = {}
        for neighbourhood in (
            Neighbourhood.objects.filter(network=network).select_related("municipality").order_by("id")
        ):
            key = _fold(neighbourhood.name)
            self.neighbourhoods.setdefault((neighbourhood.municipality_id, key), neighbourhood)
            self.neighbourhood_places.setdefault(key, []).append(neighbourhood.municipality.name)
        self.target_groups = _choice_lookup(TargetGroup)
        self.channels = _choice_lookup(Channel)
        self.external_ids: dict[str, int] = {}
        self._outside: dict[str, str | None] = {}
        self._checked_references: dict[tuple, dict[str, Any] | ValidationError] = {}

    def check_row(self, row: RowCheck) -> dict[str, Any] | None:
        """The cleaned Need values of `row`, or None when it has a problem (recorded on the row)."""
        data = {field: row.values[column] for field, column in FIELD_COLUMNS.items()}
        data["external_id"] = data["external_id"] or ""
        # The cells that are looked up in the network's own lists.
        data["area"] = row.cell("area", self.area)
        data["target_group"] = row.cell("gruppo", self.target_group)
        data["channel"] = row.cell("canale", self.channel)
        data["municipality"] = row.cell("comune", self.municipality)
        data["neighbourhood"] = self.neighbourhood(row, data["municipality"]) if "comune" not in row.bad else None
        external_id = data.pop("external_id")
        if external_id:
            first = self.external_ids.setdefault(external_id, row.number)
            if first != row.number:
                row.error("id_esterno", gettext("The same id_esterno is already on row %(row)d.") % {"row": first})
        else:
            # An empty id is checked by validate_need_data; a given one is checked against the database once
            # for the whole file, in check_file().
            data["external_id"] = ""
        bad = set(row.bad)
        given = {k: v for k, v in data.items() if FIELD_COLUMNS[k] not in bad}
        cleaned: dict[str, Any] = {}
        # validate_need_data's rules, in two calls: the cell values (no query) for each row, and the Comune, area and
        # neighbourhood (which cost queries) once per distinct combination, remembered for the file.
        # Every field reaches validate_need_data; a cell that failed above was left out, so "required"
        # would only repeat our message.
        own = {k: v for k, v in given.items() if k not in _REFERENCE_FIELDS}
        references = {k: v for k, v in given.items() if k in _REFERENCE_FIELDS}
        for part in (self._validate(own), self._validate_references(references)):
            if isinstance(part, ValidationError):
                self._report_invalid(row, part, bad)
            else:
                cleaned.update(part)
        if not row.ok:
            return None
        cleaned["external_id"] = external_id
        return cleaned

    def _validate(self, data: dict[str, Any]) -> dict[str, Any] | ValidationError:
        try:
            return validate_need_data(network=self.network, data=data, partial=True)
        except ValidationError as exc:
            return exc

    def _validate_references(self, data: dict[str, Any]) -> dict[str, Any] | ValidationError:
        key = tuple(sorted((name, getattr(value, "pk", value)) for name, value in data.items()))
        if key not in self._checked_references:
            self._checked_references[key] = self._validate(data)
        return self._checked_references[key]

    def _report_invalid(self, row: RowCheck, exc: ValidationError, bad: set[str]) -> None:
        for name, messages in exc.message_dict.items():
            column = "" if name == NON_FIELD_ERRORS else FIELD_COLUMNS.get(name, name)
            if column in bad:
                continue
            for message in messages:
                row.error(column, message)

    def area(self, value: Any) -> NeedArea | None:
        text = cell_text(value)
        if not text:
            raise CellError(gettext("This field is required."))
        area = self.areas.get(_fold(text))
        if area is None:
            raise CellError(
                gettext("Unknown area “%(value)s”: write the code or the name of one of the network's areas.")
                % {"value": text}
            )
        if not area.is_active:
            raise CellError(gettext("The area “%(value)s” is no longer in use.") % {"value": area.name})
        return area

    def target_group(self, value: Any) -> str | None:
        text = cell_text(value)
        if not text:
            raise CellError(gettext("This field is required."))
        code = self.target_groups.get(_fold(text))
        if code is None:
            raise CellError(
                gettext("Unknown target group “%(value)s”: write one of %(choices)s.")
                % {"value": text, "choices": ", ".join(TargetGroup.values)}
            )
        return code

    def channel(self, value: Any) -> str | None:
        text = cell_text(value)
        if not text:
            raise CellError(gettext("This field is required."))
        code = self.channels.get(_fold(text))
        if code is None:
            raise CellError(
                gettext("Unknown channel “%(value)s”: write one of %(choices)s.")
                % {"value": text, "choices": ", ".join(Channel.values)}
            )
        return code

    def municipality(self, value: Any) -> Municipality | None:
        text = cell_text(value)
        if not text:
            raise CellError(gettext("This field is required."))
        if text.isdigit():
            # Spreadsheets drop the leading zeros of numbers: 19036 is 019036.
            code = text.zfill(6)
            municipality = self.by_istat.get(code) if len(code) == 6 else None
        else:
            found = self.by_name.get(_fold(text), [])
            if len(found) > 1:
                raise CellError(
                    gettext("More than one Comune of the territory is called “%(value)s”: write its ISTAT code.")
                    % {"value": text}
                )
            municipality = found[0] if found else None
        if municipality is None:
            raise CellError(self._outside_message(text))
        if self.reachable is not None and municipality.pk not in self.reachable:
            raise CellError(
                gettext("%(name)s is not in your district: you can only import needs of your district.")
                % {"name": municipality.name}
            )
        return municipality

    def _outside_message(self, text: str) -> str:
        """Why `text` names no Comune of the territory: outside it, or no Comune at all (one query per value)."""
        if text not in self._outside:
            query = (
                Municipality.objects.filter(istat_code=text.zfill(6))
                if text.isdigit()
                else Municipality.objects.filter(name__iexact=text)
            )
            self._outside[text] = next(iter(query.values_list("name", flat=True)[:1]), None)
        name = self._outside[text]
        if name is not None:
            return gettext("%(name)s is not part of the network's territory.") % {"name": name}
        if text.isdigit():
            return gettext("No Comune has the ISTAT code %(code)s.") % {"code": text.zfill(6)}
        return gettext("There is no Comune called “%(value)s”: write its exact name or its ISTAT code.") % {
            "value": text
        }

    def neighbourhood(self, row: RowCheck, municipality: Municipality | None) -> Neighbourhood | None:
        name = cell_text(row.raw["quartiere"])
        if not name or municipality is None:
            return None
        neighbourhood = self.neighbourhoods.get((municipality.pk, _fold(name)))
        if neighbourhood is not None:
            return neighbourhood
        elsewhere = self.neighbourhood_places.get(_fold(name))
        if elsewhere:
            message = gettext("“%(name)s” is a neighbourhood of %(other)s, not of %(municipality)s.") % {
                "name": name,
                "other": ", ".join(sorted(set(elsewhere))),
                "municipality": municipality.name,
            }
        else:
            message = gettext("There is no neighbourhood “%(name)s” in %(municipality)s.") % {
                "name": name,
                "municipality": municipality.name,
            }
        row.error("quartiere", message)
        return None

    def check_file(self) -> None:
        """Checks against the database that are cheaper once for the whole file."""
        ids = list(self.external_ids)
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            chunk = ids[start : start + _LOOKUP_CHUNK]
            for external_id in Need.objects.filter(network=self.network, external_id__in=chunk).values_list(
                "external_id", flat=True
            ):
                self.context.error(
                    self.external_ids[external_id],
                    "id_esterno",
                    gettext("A need of this network already has this id_esterno."),
                )


# --- the declaration ---------------------------------------------------------------------------


class NeedsImport(ImportDeclaration):
    """One need per row, recorded as new with its first history step; areas and Comuni by code or name."""

    kind, slug, namespace, nav = "needs_import", "needs", "needs", "needs"
    capability, model, template_filename = IMPORT_NEEDS, Need, "bisogni-modello"
    list_url_name, export_url_name, export_capability = "needs:needs", "needs:needs_export", "needs.export_needs"
    progress_every, batch_size = 250, 500
    checks = _NeedChecks  # (above) the file's lookups and the checks across rows
    # fmt: off
    columns = (
        Column("id_esterno", _("Your own identifier of the need (at most 64 characters), unique in the network: "
                               "it prevents importing the same need twice."), "SP-2025-014",
               aliases=("external_id", "id"), field="external_id",
               parse=bounded(Need._meta.get_field("external_id").max_length or 64)),
        Column("area", _("Code or exact name of one of the network's need areas."), "conciliazione", True,
               aliases=("area_code",), field="area"),
        Column("gruppo", _("Target group, as a code (minors, young_people, families, adults, elderly, disability, "
                           "migrants, caregivers, community) or its name."), "families", True,
               aliases=("target_group", "gruppo_target", "destinatari"), field="target_group"),
        Column("comune", _("ISTAT code (6 digits) or exact name of a Comune of the network's territory."), "019036",
               True, aliases=("municipality", "municipality_istat", "istat"), field="municipality"),
        Column("quartiere", _("Name of a neighbourhood of that Comune, as registered in the territory."), "Po",
               aliases=("neighbourhood", "neighborhood"), field="neighbourhood"),
        Column("descrizione", _("What is needed, in plain words (at most 4000 characters)."),
               "Doposcuola per due bambini", True, aliases=("description",), field="description",
               parse=_parse_description),
        Column("urgenza", _("1 to 4, or bassa, media, alta, urgente; empty means media."), "media",
               aliases=("urgency",), field="urgency", parse=_parse_urgency),
        Column("espresso", _("sì when the people concerned asked for it, no (or rilevato) when others detected it; "
                             "empty means sì."), "sì", aliases=("expressed",), field="expressed",
               parse=_parse_expressed),
        Column("canale", _("How the need reached the network, as a code (online, interview, community_lab, survey, "
                           "sentinel, front_office) or its name."), "interview", True, aliases=("channel",),
               field="channel"),
        Column("fasce_orarie", _("Days and hours when it applies; empty means any time."), "mar e gio 16-18",
               aliases=("time_windows", "orari"), field="time_windows", parse=_parse_windows),
        Column("lat", _("Latitude of the place, with a dot or a comma for decimals; give it together with lon."),
               "45.1335", aliases=("latitude", "latitudine"), field="latitude", parse=_parse_coordinate),
        Column("lon", _("Longitude of the place; give it together with lat."), "10.0227",
               aliases=("longitude", "longitudine"), field="longitude", parse=_parse_coordinate),
        Column("data", _("When it was expressed or detected, as DD/MM/YYYY or YYYY-MM-DD, not in the future; empty "
                         "means today."), "14/03/2025", aliases=("date", "observed_on"), field="observed_on",
               parse=_parse_date),
        Column("persone", _("How many people it concerns (a whole number from 1); empty means 1."), "3",
               aliases=("people", "people_count"), field="people_count", parse=_parse_people),
        Column("riservatezza", _("rete: the network's operators may read it; equipe: only the case team (health "
                                 "and other special data). Empty means rete."), "rete",
               aliases=("privacy", "privacy_level"), field="privacy_level", parse=_parse_privacy),
    )
    title, list_label = _("Import needs"), _("Needs")
    intro = _("Upload a CSV file or an Excel workbook with one need per row. The first row holds the column names "
              "described below: the Italian names, or the English ones shown beside them.")
    all_or_nothing = _("The import is all or nothing: if any row has a problem, no need is imported and you get the "
                       "list of every problem, by row and column, to fix in the file.")
    template_csv_label = _("Download a CSV file with the columns and two example rows")
    template_xlsx_label = _("Download an Excel file with the columns and two example rows")
    export_label = _("Download the needs already recorded, in the same format")
    columns_note = _("Column names may be in upper or lower case; columns that are not required may be left out. "
                     "Codes and names are matched without regard to case.")
    columns_caption = _("The columns a needs file can have")
    recent_caption = _("The latest needs imports of this network, newest first")
    job_title, saving_label, done_label = _("Needs import no. %(n)s"), _("saving the needs"), _("Go to the needs")
    refused_message = _("You are no longer allowed to import needs here.")
    conflict_message = _("Another need with one of these id_esterno was recorded while the import was running. "
                         "Nothing was imported: start the import again to see which rows.")
    command_refused = _("%(email)s may not import needs into %(network)s.")
    created_message = ngettext_lazy("%(n)s need imported.", "%(n)s needs imported.", "n")
    # fmt: on

    def write(self, rows: list[Any], context: ImportContext) -> dict[str, int]:
        _write_needs(rows, context)
        return {}

    def template_rows(self, network: Any) -> list[list[Any]]:
        return needs_template_rows(network)

    def command_summary(self, outcome: Any, *, network: str, file_name: str) -> str:
        return gettext("Imported %(created)d needs into %(network)s from %(file)s.") % {
            "created": outcome.created,
            "network": network,
            "file": file_name,
        }


NEEDS_IMPORT = NeedsImport()
NEEDS_IMPORT_KIND = NeedsImport.kind
# The columns of the needs file, in the order the export writes them: an export re-imports as is.
NEED_IMPORT_COLUMNS: tuple[str, ...] = NeedsImport.header()
NEED_IMPORT_REQUIRED: tuple[str, ...] = NeedsImport.required()
# Need field -> the column its value comes from (to point `validate_need_data`'s errors at a column).
FIELD_COLUMNS: dict[str, str] = NeedsImport.field_columns()


def _write_needs(rows: list[dict[str, Any]], context: ImportContext) -> None:
    """Create a batch of needs in bulk, each with its first history step and its audit event.

    The rows were checked by `validate_need_data` already: this writes what `record_need` would, in
    batches (one INSERT per batch instead of three per need); the pipeline adds the import's own event.
    """
    actor = context.actor
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = (getattr(user, "email", "") if user else "system")[:200]
    note = gettext("Imported from %(file)s") % {"file": context.file_name or "-"}
    batch = [Need(network=context.network, status=NeedStatus.NEW, reported_by=user, **row) for row in rows]
    Need.objects.bulk_create(batch)
    NeedEvent.objects.bulk_create(
        NeedEvent(need=need, from_status="", to_status=NeedStatus.NEW, actor=user, note=note[:500]) for need in batch
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(
            network_id=context.network.pk,
            actor=user,
            actor_label=label,
            action=AuditEvent.Action.CREATE,
            object_type=Need._meta.label_lower,
            object_id=str(need.pk),
            object_repr=str(need)[:300],
            data_class=data_class_of(need),
            after=snapshot(need),
            note=note[:300],
        )
        for need in batch
    )


def needs_template_rows(network: Network) -> list[list[Any]]:
    """Two example rows for the template file, using the network's own areas and Comuni where it has them."""
    areas = list(NeedArea.objects.filter(network=network, is_active=True).order_by("position", "id")[:2])
    codes = [a.code for a in areas] + ["conciliazione", "relazioni"]
    link = NetworkMunicipality.objects.filter(network=network).select_related("municipality").order_by("id").first()
    comune = link.municipality.istat_code if link else "019036"
    today = timezone.localdate()
    return [
        [
            "SP-0001",
            codes[0],
            TargetGroup.FAMILIES,
            comune,
            "",
            "Doposcuola per due bambini di 8 e 10 anni: la mamma lavora fino alle 18.",
            "media",
            "sì",
            Channel.INTERVIEW,
            "mar e gio 16-18",
            "",
            "",
            today.strftime("%d/%m/%Y"),
            3,
            "rete",
        ],
        [
            "SP-0002",
            codes[1],
            TargetGroup.ELDERLY,
            comune,
            "",
            "Signora anziana sola, non esce di casa da mesi: servirebbe compagnia e qualcuno per la spesa.",
            "alta",
            "no",
            Channel.SENTINEL,
            "lun-ven 9-12",
            "",
            "",
            today.isoformat(),
            1,
            "rete",
        ],
    ]


# --- the app's services for the import (the pipeline with this declaration) ----------------------


def import_needs_file(
    *, actor: Any, network: Network, file: Any, file_name: str = "", progress: Progress | None = None
) -> ImportOutcome:
    """Check every row of a needs file and, only if all are good, record them all (see core.imports.pipeline)."""
    return import_file(NEEDS_IMPORT, actor=actor, network=network, file=file, file_name=file_name, progress=progress)


def start_needs_import(*, actor: Any, network: Network, uploaded_file: Any) -> Job:
    """Save an uploaded needs file to a new Job and queue its import once the transaction commits."""
    return start_import(declaration=NEEDS_IMPORT, actor=actor, network=network, uploaded_file=uploaded_file)


def run_needs_import(*, job: Job, progress: Progress | None = None) -> Job:
    """Run a queued needs import job: validate, write if all rows are good, record the outcome on the job."""
    return run_import_job(job=job, declaration=NEEDS_IMPORT, progress=progress)
