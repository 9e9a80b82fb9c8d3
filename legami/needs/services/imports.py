"""Import of needs (CSV/XLSX), all-or-nothing per file, run as a background job (export: exports.py).

The file's columns have Italian names (English aliases accepted); each cell is translated into the
value a Need field takes and then checked by `validate_need_data`, the same rules as the forms.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from legami.core.audit import record_event, snapshot
from legami.core.importing import ImportFileError, RowError, TableRow, check_upload, read_table
from legami.core.jobs import enqueue_job, run_file_import
from legami.core.models import AuditEvent, DataClass, Job
from legami.core.permissions import district_scope, require
from legami.needs.models import Channel, Need, NeedArea, NeedEvent, NeedStatus, PrivacyLevel, TargetGroup, Urgency
from legami.needs.services.needs import data_class_of, validate_need_data
from legami.needs.timewindows import TimeWindow, TimeWindowError, parse_time_windows
from legami.network.models import Network
from legami.territory.models import Municipality, Neighbourhood, NetworkMunicipality

IMPORT_NEEDS = "needs.import_needs"
NEEDS_IMPORT_KIND = "needs_import"

# The columns of the needs file, in the order the export writes them: an export re-imports as is.
NEED_IMPORT_COLUMNS: tuple[str, ...] = (
    "id_esterno",
    "area",
    "gruppo",
    "comune",
    "quartiere",
    "descrizione",
    "urgenza",
    "espresso",
    "canale",
    "fasce_orarie",
    "lat",
    "lon",
    "data",
    "persone",
    "riservatezza",
)
NEED_IMPORT_REQUIRED: tuple[str, ...] = ("area", "gruppo", "comune", "descrizione", "canale")
# Other header names accepted for each column (compared like the column names: case, spaces and dashes ignored).
NEED_COLUMN_ALIASES: dict[str, str] = {
    "external_id": "id_esterno",
    "id": "id_esterno",
    "area_code": "area",
    "target_group": "gruppo",
    "gruppo_target": "gruppo",
    "destinatari": "gruppo",
    "municipality": "comune",
    "municipality_istat": "comune",
    "istat": "comune",
    "neighbourhood": "quartiere",
    "neighborhood": "quartiere",
    "description": "descrizione",
    "urgency": "urgenza",
    "expressed": "espresso",
    "channel": "canale",
    "time_windows": "fasce_orarie",
    "orari": "fasce_orarie",
    "latitude": "lat",
    "latitudine": "lat",
    "longitude": "lon",
    "longitudine": "lon",
    "date": "data",
    "observed_on": "data",
    "people": "persone",
    "people_count": "persone",
    "privacy": "riservatezza",
    "privacy_level": "riservatezza",
}
# The fields whose checks query the database: checked once per distinct combination in a file.
_REFERENCE_FIELDS = frozenset({"area", "municipality", "neighbourhood"})
# Need field -> the column its value comes from (to point `validate_need_data`'s errors at a column).
FIELD_COLUMNS: dict[str, str] = {
    "external_id": "id_esterno",
    "area": "area",
    "target_group": "gruppo",
    "municipality": "comune",
    "neighbourhood": "quartiere",
    "description": "descrizione",
    "urgency": "urgenza",
    "expressed": "espresso",
    "channel": "canale",
    "time_windows": "fasce_orarie",
    "latitude": "lat",
    "longitude": "lon",
    "observed_on": "data",
    "people_count": "persone",
    "privacy_level": "riservatezza",
}
# How many bad cells a job keeps to show; the command prints them all.
MAX_SHOWN_ERRORS = 500
PROGRESS_EVERY = 250
BATCH_SIZE = 500
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

Progress = Callable[..., None]


@dataclass
class ImportOutcome:
    """What an import did: `errors` non-empty means nothing was written."""

    total: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _CellError(Exception):
    pass


def _fold(value: str) -> str:
    """Lower case, single spaces, no accents on vowels: 'Sì' and 'si', 'Équipe' and 'equipe' match."""
    text = " ".join(str(value).split()).casefold()
    return text.translate(str.maketrans("àáèéìíòóùú", "aaeeiioouu"))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return " ".join(str(value).split())


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
    text = _fold(_text(value))
    if text.isdigit() and int(text) in Urgency.values:
        return int(text)
    if text in URGENCY_WORDS:
        return URGENCY_WORDS[text]
    raise _CellError(
        gettext("Write 1, 2, 3 or 4, or bassa, media, alta or urgente (found “%(value)s”).") % {"value": _text(value)}
    )


def _parse_expressed(value: Any) -> bool:
    if value in (None, ""):
        return True
    if isinstance(value, bool):
        return value
    text = _fold(_text(value))
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise _CellError(
        gettext("Write sì (asked for by the people concerned) or no (detected by others) (found “%(value)s”).")
        % {"value": _text(value)}
    )


def _parse_privacy(value: Any) -> str:
    text = _fold(_text(value))
    if not text:
        return PrivacyLevel.NETWORK
    if text in PRIVACY_WORDS:
        return PRIVACY_WORDS[text]
    raise _CellError(
        gettext("Write rete (the network's operators) or equipe (the case team only) (found “%(value)s”).")
        % {"value": _text(value)}
    )


def _parse_people(value: Any) -> int:
    if value in (None, ""):
        return 1
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = _text(value)
    if not text.isdigit():
        raise _CellError(gettext("Write a whole number of people, such as 3 (found “%(value)s”).") % {"value": text})
    return int(text)


def _parse_coordinate(value: Any) -> decimal.Decimal | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise _CellError(gettext("“%(value)s” is not a number.") % {"value": value})
    text = _text(value).replace(",", ".")
    try:
        number = decimal.Decimal(text)
    except decimal.InvalidOperation as exc:
        raise _CellError(gettext("“%(value)s” is not a number.") % {"value": _text(value)}) from exc
    if not number.is_finite():
        raise _CellError(gettext("“%(value)s” is not a number.") % {"value": _text(value)})
    return number.quantize(decimal.Decimal("0.000001"), rounding=decimal.ROUND_HALF_UP)


def _parse_date(value: Any) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _CellError(
        gettext("Write the date as DD/MM/YYYY or YYYY-MM-DD, and a real date (found “%(value)s”).") % {"value": text}
    )


def _parse_windows(value: Any) -> list[TimeWindow]:
    try:
        return parse_time_windows(_text(value))
    except TimeWindowError as exc:
        raise _CellError(
            gettext("%(reason)s Write the days and hours like “mar e gio 16-18”.") % {"reason": exc}
        ) from exc


def _parse_external_id(value: Any) -> str:
    text = _text(value)
    limit = Need._meta.get_field("external_id").max_length or 64
    if len(text) > limit:
        raise _CellError(
            gettext("At most %(limit)d characters (this one has %(n)d).") % {"limit": limit, "n": len(text)}
        )
    return text


def _parse_description(value: Any) -> str:
    # Line breaks inside a description are kept; only the ends are trimmed.
    return "" if value is None else str(value).strip()


# --- validation of the whole file ---------------------------------------------------------------


class _Validator:
    """Translates each row of a needs file into Need values and checks them, collecting every problem."""

    def __init__(self, network: Network, actor: Any = None) -> None:
        self.network = network
        # A district-limited importer may only bring in needs of the Comuni of their districts.
        districts = district_scope(actor, IMPORT_NEEDS, network) if actor is not None else None
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
        self.errors: list[RowError] = []
        self.external_ids: dict[str, int] = {}
        self._outside: dict[str, str | None] = {}
        self._checked_references: dict[tuple, dict[str, Any] | ValidationError] = {}

    def error(self, row: int, column: str, message: Any) -> None:
        self.errors.append(RowError(row, column, str(message)))

    def cell(self, row: TableRow, column: str, parse: Callable[[Any], Any], bad: set[str]) -> Any:
        try:
            return parse(row[column])
        except _CellError as exc:
            self.error(row.number, column, str(exc))
            bad.add(column)
        return None

    def check_row(self, row: TableRow) -> dict[str, Any] | None:
        """The cleaned Need values of `row`, or None when it has a problem (recorded in `errors`)."""
        before = len(self.errors)
        bad: set[str] = set()
        data: dict[str, Any] = {
            "external_id": self.cell(row, "id_esterno", _parse_external_id, bad) or "",
            "area": self.cell(row, "area", self._area, bad),
            "target_group": self.cell(row, "gruppo", self._target_group, bad),
            "description": _parse_description(row["descrizione"]),
            "urgency": self.cell(row, "urgenza", _parse_urgency, bad),
            "expressed": self.cell(row, "espresso", _parse_expressed, bad),
            "channel": self.cell(row, "canale", self._channel, bad),
            "time_windows": self.cell(row, "fasce_orarie", _parse_windows, bad),
            "latitude": self.cell(row, "lat", _parse_coordinate, bad),
            "longitude": self.cell(row, "lon", _parse_coordinate, bad),
            "observed_on": self.cell(row, "data", _parse_date, bad),
            "people_count": self.cell(row, "persone", _parse_people, bad),
            "privacy_level": self.cell(row, "riservatezza", _parse_privacy, bad),
        }
        municipality = self.cell(row, "comune", self._municipality, bad)
        data["municipality"] = municipality
        data["neighbourhood"] = self._neighbourhood(row, municipality, bad) if "comune" not in bad else None
        if data["external_id"]:
            first = self.external_ids.setdefault(data["external_id"], row.number)
            if first != row.number:
                self.error(
                    row.number, "id_esterno", gettext("The same id_esterno is already on row %(row)d.") % {"row": first}
                )
                bad.add("id_esterno")
            # The database is asked once for the whole file, in finish().
            data["external_id_checked"] = data.pop("external_id")
        given = {k: v for k, v in data.items() if k in FIELD_COLUMNS and FIELD_COLUMNS[k] not in bad}
        cleaned: dict[str, Any] = {}
        # validate_need_data's rules, in two calls: the cell values (no query) for each row, and the Comune, area and
        # neighbourhood (which cost queries) once per distinct combination, remembered for the file.
        # Every field reaches validate_need_data; a cell that failed above was left out, so "required"
        # would only repeat our message.
        own = {k: v for k, v in given.items() if k not in _REFERENCE_FIELDS}
        references = {k: v for k, v in given.items() if k in _REFERENCE_FIELDS}
        for part in (self._validate(own), self._validate_references(references)):
            if isinstance(part, ValidationError):
                self._report_invalid(row.number, part, bad)
            else:
                cleaned.update(part)
        if len(self.errors) > before:
            return None
        cleaned["external_id"] = data.get("external_id_checked", "")
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

    def _report_invalid(self, number: int, exc: ValidationError, bad: set[str]) -> None:
        for name, messages in exc.message_dict.items():
            column = "" if name == NON_FIELD_ERRORS else FIELD_COLUMNS.get(name, name)
            if column in bad:
                continue
            for message in messages:
                self.error(number, column, message)

    def _area(self, value: Any) -> NeedArea | None:
        text = _text(value)
        if not text:
            raise _CellError(gettext("This field is required."))
        area = self.areas.get(_fold(text))
        if area is None:
            raise _CellError(
                gettext("Unknown area “%(value)s”: write the code or the name of one of the network's areas.")
                % {"value": text}
            )
        if not area.is_active:
            raise _CellError(gettext("The area “%(value)s” is no longer in use.") % {"value": area.name})
        return area

    def _target_group(self, value: Any) -> str | None:
        text = _text(value)
        if not text:
            raise _CellError(gettext("This field is required."))
        code = self.target_groups.get(_fold(text))
        if code is None:
            raise _CellError(
                gettext("Unknown target group “%(value)s”: write one of %(choices)s.")
                % {"value": text, "choices": ", ".join(TargetGroup.values)}
            )
        return code

    def _channel(self, value: Any) -> str | None:
        text = _text(value)
        if not text:
            raise _CellError(gettext("This field is required."))
        code = self.channels.get(_fold(text))
        if code is None:
            raise _CellError(
                gettext("Unknown channel “%(value)s”: write one of %(choices)s.")
                % {"value": text, "choices": ", ".join(Channel.values)}
            )
        return code

    def _municipality(self, value: Any) -> Municipality | None:
        text = _text(value)
        if not text:
            raise _CellError(gettext("This field is required."))
        if text.isdigit():
            # Spreadsheets drop the leading zeros of numbers: 19036 is 019036.
            code = text.zfill(6)
            municipality = self.by_istat.get(code) if len(code) == 6 else None
        else:
            found = self.by_name.get(_fold(text), [])
            if len(found) > 1:
                raise _CellError(
                    gettext("More than one Comune of the territory is called “%(value)s”: write its ISTAT code.")
                    % {"value": text}
                )
            municipality = found[0] if found else None
        if municipality is None:
            raise _CellError(self._outside_message(text))
        if self.reachable is not None and municipality.pk not in self.reachable:
            raise _CellError(
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

    def _neighbourhood(self, row: TableRow, municipality: Municipality | None, bad: set[str]) -> Neighbourhood | None:
        name = _text(row["quartiere"])
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
        self.error(row.number, "quartiere", message)
        bad.add("quartiere")
        return None

    def finish(self) -> None:
        """Checks against the database that are cheaper once for the whole file."""
        ids = list(self.external_ids)
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            chunk = ids[start : start + _LOOKUP_CHUNK]
            for external_id in Need.objects.filter(network=self.network, external_id__in=chunk).values_list(
                "external_id", flat=True
            ):
                self.error(
                    self.external_ids[external_id],
                    "id_esterno",
                    gettext("A need of this network already has this id_esterno."),
                )


def _sorted_errors(errors: Iterable[RowError]) -> list[RowError]:
    order = {name: i for i, name in enumerate(NEED_IMPORT_COLUMNS)}
    return sorted(errors, key=lambda e: (e.row or 0, order.get(e.column, len(order)), e.message))


def _report(progress: Progress | None, processed: int, total: int, phase: str) -> None:
    if progress is not None:
        progress(processed, total, phase=phase)


def read_needs_file(file: Any) -> list[TableRow]:
    """The rows of a needs file (Italian or English headers); ImportFileError when the file is unusable."""
    return read_table(
        file,
        columns=NEED_IMPORT_COLUMNS,
        required=NEED_IMPORT_REQUIRED,
        max_rows=getattr(settings, "LEGAMI_IMPORT_MAX_ROWS", 100_000),
        aliases=NEED_COLUMN_ALIASES,
    )


def import_needs_file(
    *,
    actor: Any,
    network: Network,
    file: Any,
    file_name: str = "",
    progress: Progress | None = None,
) -> ImportOutcome:
    """Validate every row of a needs file and, only if all are good, record them all in one transaction.

    `actor` None is a trusted system call (the management command run by the operator); otherwise
    the actor needs needs.import_needs. Raises ImportFileError when the file cannot be read;
    returns the row errors (and writes nothing) when any row is bad. `progress(processed, total,
    phase=...)` is called every PROGRESS_EVERY rows, phase "validating" then "writing".
    """
    if actor is not None:
        require(actor, IMPORT_NEEDS, network)
    rows = read_needs_file(file)
    total = len(rows)
    outcome = ImportOutcome(total=total)
    _report(progress, 0, total, "validating")
    validator = _Validator(network, actor)
    cleaned: list[dict[str, Any]] = []
    for index, row in enumerate(rows, start=1):
        values = validator.check_row(row)
        if values is not None:
            cleaned.append(values)
        if index % PROGRESS_EVERY == 0 and index < total:
            _report(progress, index, total, "validating")
    validator.finish()
    _report(progress, total, total, "validating")
    if validator.errors:
        outcome.errors = _sorted_errors(validator.errors)
        return outcome
    try:
        outcome.created = _write_needs(
            actor=actor, network=network, values=cleaned, file_name=file_name, progress=progress
        )
    except IntegrityError as exc:
        # Someone recorded a need with one of these ids between the checks and the write.
        raise ImportFileError(
            _(
                "Another need with one of these id_esterno was recorded while the import was running. "
                "Nothing was imported: start the import again to see which rows."
            )
        ) from exc
    return outcome


def _write_needs(
    *, actor: Any, network: Network, values: list[dict[str, Any]], file_name: str, progress: Progress | None
) -> int:
    """Create the needs in bulk, each with its first history step and its audit event, plus one import event.

    The rows were checked by `validate_need_data` already: this writes what `record_need` would, in
    batches (one INSERT per batch instead of three per need).
    """
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = (getattr(user, "email", "") if user else "system")[:200]
    note = gettext("Imported from %(file)s") % {"file": file_name or "-"}
    total = len(values)
    with transaction.atomic():
        for start in range(0, total, BATCH_SIZE):
            batch = [
                Need(network=network, status=NeedStatus.NEW, reported_by=user, **row)
                for row in values[start : start + BATCH_SIZE]
            ]
            Need.objects.bulk_create(batch)
            NeedEvent.objects.bulk_create(
                NeedEvent(need=need, from_status="", to_status=NeedStatus.NEW, actor=user, note=note[:500])
                for need in batch
            )
            AuditEvent.objects.bulk_create(
                AuditEvent(
                    network_id=network.pk,
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
            _report(progress, min(start + BATCH_SIZE, total), total, "writing")
        record_event(
            actor=actor,
            action=AuditEvent.Action.IMPORT,
            network=network,
            object_type=Need._meta.label_lower,
            object_repr=file_name[:300],
            after={"created": total, "file": file_name},
            data_class=DataClass.PERSONAL,
        )
    return total


# --- the background job ------------------------------------------------------------------------


def start_needs_import(*, actor: Any, network: Network, uploaded_file: Any) -> Job:
    """Save an uploaded needs file to a new Job and queue its import once the transaction commits."""
    require(actor, IMPORT_NEEDS, network)
    name, extension = check_upload(uploaded_file)
    with transaction.atomic():
        job = Job(network=network, kind=NEEDS_IMPORT_KIND, actor=actor, original_name=name[:255])
        # The stored name says nothing about what is in it; the user's name is kept for display.
        job.file.save(f"needs-{uuid.uuid4().hex}{extension}", uploaded_file, save=False)
        job.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=job,
            object_repr=f"{NEEDS_IMPORT_KIND} {name}"[:300],
            data_class=DataClass.PERSONAL,
        )
        transaction.on_commit(lambda: _enqueue_import(job.pk))
    return job


def _enqueue_import(job_id: int) -> None:
    from legami.needs.tasks import import_needs_task

    enqueue_job(
        job_id=job_id,
        task=import_needs_task,
        error_key="file_error",
        error_message=_("The import could not be queued. Try again later."),
    )


def run_needs_import(*, job: Job, progress: Progress | None = None) -> Job:
    """Run a queued needs import job: validate, write if all rows are good, record the outcome on the job."""
    return run_file_import(
        job=job,
        kind=NEEDS_IMPORT_KIND,
        import_file=import_needs_file,
        refused_message=_("You are no longer allowed to import needs here."),
        success_result=lambda outcome: {"created": outcome.created},
        progress=progress,
        max_errors=MAX_SHOWN_ERRORS,
    )
