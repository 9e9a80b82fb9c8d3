"""The needs import (CSV/XLSX, one need per row) and its template file; the export is in exports.py.

`NeedsImport` is the declaration; the pipeline in legami.core.imports does the rest (upload, job,
progress, all-or-nothing, audit, pages, command). The file's columns have Italian names (English
aliases accepted); each row is checked by the need's own input rules (NEED_RULES, the same as the
forms and the API), reading the file's words: codes, names and labels instead of ids.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from legami.core.audit import append, audit_event, snapshot
from legami.core.imports import Column, ImportContext, ImportDeclaration, RowCheck
from legami.core.imports.pipeline import ImportOutcome, Progress, import_file, run_import_job
from legami.core.imports.services import start_import
from legami.core.models import AuditEvent, Job
from legami.needs.capabilities import EXPORT_NEEDS, IMPORT_NEEDS
from legami.needs.models import Channel, Need, NeedArea, NeedEvent, NeedStatus, TargetGroup
from legami.needs.services.needs import (
    NEED_RULES,
    OUT_OF_DISTRICT,
    UNIQUE_EXTERNAL_ID,
    UNIQUE_EXTERNAL_ID_CHECK,
    data_class_of,
)
from legami.network.models import Network
from legami.territory.istat import restore_istat_code
from legami.territory.models import NetworkMunicipality
from legami.territory.selectors.districts import district_municipality_ids

# The IN lists of the duplicate checks stay under SQLite's limit on query parameters.
_LOOKUP_CHUNK = 900

# The need's rules reading a file: areas and Comuni by code or name, a neighbourhood by its name in the row's
# Comune, choices by code or label. The identifier's uniqueness is checked once per file (check_file).
IMPORT_RULES = NEED_RULES.extend(
    {
        "area": NEED_RULES["area"].but(by=("code", "name")),
        "municipality": NEED_RULES["municipality"].but(by=("istat_code", "name")),
        "neighbourhood": NEED_RULES["neighbourhood"].but(by=("name",), within="municipality"),
        **{name: NEED_RULES[name].but(labels=True) for name in ("target_group", "urgency", "channel", "privacy_level")},
    },
    drop_checks=(UNIQUE_EXTERNAL_ID_CHECK,),
)


class _NeedChecks:
    """The rules of each row, with the file's lookups loaded once, and the identifiers gathered across rows."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        # A district-limited importer may only bring in needs of the Comuni of their districts.
        self.reachable: set[int] | None = (
            None if context.districts is None else set(district_municipality_ids(context.network, context.districts))
        )
        self.external_ids: dict[str, int] = {}

    def check_row(self, row: RowCheck) -> dict[str, Any] | None:
        """The cleaned Need values of `row`, or None when it has a problem (recorded on the row)."""
        values = row.clean(IMPORT_RULES)
        external_id = str(row.values["id_esterno"] or "").strip()
        if external_id and "id_esterno" not in row.bad:
            first = self.external_ids.setdefault(external_id, row.number)
            if first != row.number:
                row.error("id_esterno", gettext("The same id_esterno is already on row %(row)d.") % {"row": first})
        if values and self.reachable is not None and values["municipality"].pk not in self.reachable:
            row.error("comune", OUT_OF_DISTRICT)
        return values if row.ok else None

    def check_file(self) -> None:
        """The identifiers already in the network, once for the whole file."""
        ids = list(self.external_ids)
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            chunk = ids[start : start + _LOOKUP_CHUNK]
            for external_id in Need.objects.filter(network=self.context.network, external_id__in=chunk).values_list(
                "external_id", flat=True
            ):
                self.context.error(self.external_ids[external_id], "id_esterno", UNIQUE_EXTERNAL_ID)


# --- the declaration ---------------------------------------------------------------------------


class NeedsImport(ImportDeclaration):
    """One need per row, recorded as new with its first history step; areas and Comuni by code or name."""

    kind, slug, namespace, nav = "needs_import", "needs", "needs", "needs"
    capability, model, template_filename = IMPORT_NEEDS, Need, "bisogni-modello"
    list_url_name, export_url_name, export_capability = "needs:needs", "needs:needs_export", EXPORT_NEEDS
    progress_every, batch_size = 250, 500
    checks = _NeedChecks  # (above) the file's lookups and the checks across rows
    # fmt: off
    columns = (
        Column("id_esterno", _("Your own identifier of the need (at most 64 characters), unique in the network: "
                               "it prevents importing the same need twice."), "SP-2025-014",
               aliases=("external_id", "id"), field="external_id"),
        Column("area", _("Code or exact name of one of the network's need areas."), "conciliazione", True,
               aliases=("area_code",), field="area"),
        Column("gruppo", _("Target group, as a code (minors, young_people, families, adults, elderly, disability, "
                           "migrants, caregivers, community) or its name."), "families", True,
               aliases=("target_group", "gruppo_target", "destinatari"), field="target_group"),
        Column("comune", _("ISTAT code (6 digits) or exact name of a Comune of the network's territory."), "019036",
               True, aliases=("municipality", "municipality_istat", "istat"), field="municipality",
               parse=restore_istat_code),
        Column("quartiere", _("Name of a neighbourhood of that Comune, as registered in the territory."), "Po",
               aliases=("neighbourhood", "neighborhood"), field="neighbourhood"),
        Column("descrizione", _("What is needed, in plain words (at most 4000 characters)."),
               "Doposcuola per due bambini", True, aliases=("description",), field="description"),
        Column("urgenza", _("1 to 4, or bassa, media, alta, urgente; empty means media."), "media",
               aliases=("urgency",), field="urgency"),
        Column("espresso", _("sì when the people concerned asked for it, no (or rilevato) when others detected it; "
                             "empty means sì."), "sì", aliases=("expressed",), field="expressed"),
        Column("canale", _("How the need reached the network, as a code (online, interview, community_lab, survey, "
                           "sentinel, front_office) or its name."), "interview", True, aliases=("channel",),
               field="channel"),
        Column("fasce_orarie", _("Days and hours when it applies; empty means any time."), "mar e gio 16-18",
               aliases=("time_windows", "orari"), field="time_windows"),
        Column("lat", _("Latitude of the place, with a dot or a comma for decimals; give it together with lon."),
               "45.1335", aliases=("latitude", "latitudine"), field="latitude"),
        Column("lon", _("Longitude of the place; give it together with lat."), "10.0227",
               aliases=("longitude", "longitudine"), field="longitude"),
        Column("data", _("When it was expressed or detected, as DD/MM/YYYY or YYYY-MM-DD, not in the future; empty "
                         "means today."), "14/03/2025", aliases=("date", "observed_on"), field="observed_on"),
        Column("persone", _("How many people it concerns (a whole number from 1); empty means 1."), "3",
               aliases=("people", "people_count"), field="people_count"),
        Column("riservatezza", _("rete: the network's operators may read it; equipe: only the case team (health "
                                 "and other special data). Empty means rete."), "rete",
               aliases=("privacy", "privacy_level"), field="privacy_level"),
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
# Need field -> the column its value comes from.
FIELD_COLUMNS: dict[str, str] = NeedsImport.field_columns()


def _write_needs(rows: list[dict[str, Any]], context: ImportContext) -> None:
    """Create a batch of needs in bulk, each with its first history step and its audit event.

    The rows were checked by the need's input rules already: this writes what `record_need` would, in
    batches (one INSERT per batch instead of three per need); the pipeline adds the import's own event.
    """
    actor = context.actor
    user = actor if getattr(actor, "is_authenticated", False) else None
    note = gettext("Imported from %(file)s") % {"file": context.file_name or "-"}
    batch = [Need(network=context.network, status=NeedStatus.NEW, reported_by=user, **row) for row in rows]
    Need.objects.bulk_create(batch)
    NeedEvent.objects.bulk_create(
        NeedEvent(need=need, from_status="", to_status=NeedStatus.NEW, actor=user, note=note[:500]) for need in batch
    )
    append(
        audit_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=need,
            network=context.network,
            data_class=data_class_of(need),
            after=snapshot(need),
            note=note,
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
