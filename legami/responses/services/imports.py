"""The co-production import (CSV/XLSX, one entry of the ledger per row) and the export that round-trips into it.

`CoProductionImport` is the declaration; the pipeline in legami.core.imports does the rest (upload, job,
progress, all-or-nothing, audit, pages, command). The pipeline's pages and jobs belong to a network, not to
one response: each row names its response in the `risposta` column (the response's number, as in its
address), and the export of a response's ledger writes it on every row.

Each row is checked by the entry's own rules (ENTRY_INPUTS, the same as the ledger's form): the organisation
is a partner of the response, partner staff record their own organisation's entries only, citizens' entries
are recorded by those who run responses. Each row is then written by `record_entry`, with its audit event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from legami.core.audit import record_event
from legami.core.imports import Column, ImportContext, ImportDeclaration, RowCheck
from legami.core.imports.pipeline import ImportOutcome, Progress, import_file
from legami.core.models import AuditEvent, DataClass
from legami.core.parsing import parse_id
from legami.core.permissions import require
from legami.network.models import Network
from legami.responses.capabilities import RECORD_COPRODUCTION
from legami.responses.models import (
    ContributorKind,
    CoProduction,
    CoProductionKind,
    Response,
    ResponsePartner,
    ResponseStatus,
)
from legami.responses.selectors.coproduction import exportable_entries
from legami.responses.services.coproduction import ENTRY_INPUTS, record_entry

_CONTRIBUTOR = ENTRY_INPUTS["contributor"]
_KIND = ENTRY_INPUTS["kind"]

# The entry's rules reading a file: who and what by code, Italian word or label; the partner by its name or its
# codice fiscale / partita IVA.
IMPORT_RULES = ENTRY_INPUTS.extend(
    {
        "contributor": _CONTRIBUTOR.but(
            labels=True,
            extra_words={"ente": ContributorKind.PARTNER, "cittadini": ContributorKind.CITIZENS},
            _words=None,
            messages={**_CONTRIBUTOR.messages, "invalid_choice": _("Write partner or cittadini.")},
        ),
        "kind": _KIND.but(
            labels=True,
            extra_words={
                "ore": CoProductionKind.HOURS,
                "spazio": CoProductionKind.SPACE,
                "spazi": CoProductionKind.SPACE,
                "denaro": CoProductionKind.MONEY,
                "beni": CoProductionKind.GOODS,
            },
            _words=None,
            messages={**_KIND.messages, "invalid_choice": _("Write ore, spazio, denaro or beni.")},
        ),
        "organization": ENTRY_INPUTS["organization"].but(
            by=("name", "tax_code"),
            messages={
                **ENTRY_INPUTS["organization"].messages,
                "invalid_choice": _("No organisation of the network has this name or codice fiscale."),
            },
        ),
    }
)

# The Italian word the export writes for each contributor and kind (the import reads them back).
CONTRIBUTOR_WORDS: dict[str, str] = {ContributorKind.PARTNER: "partner", ContributorKind.CITIZENS: "cittadini"}
KIND_WORDS: dict[str, str] = {
    CoProductionKind.HOURS: "ore",
    CoProductionKind.SPACE: "spazio",
    CoProductionKind.MONEY: "denaro",
    CoProductionKind.GOODS: "beni",
}


class _EntryChecks:
    """The responses of the network loaded once; each row checked by the entry's rules for its response."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context
        self.responses = {r.pk: r for r in Response.objects.filter(network=context.network)}
        if context.actor is None:
            # The entries are recorded, and the rules applied, for a person: the command needs --actor.
            context.error(
                None, "", gettext("Name the user the entries are recorded under (--actor): nothing was imported.")
            )

    def response_of(self, row: RowCheck) -> Response | None:
        cell = row.values["risposta"]
        if isinstance(cell, float) and cell.is_integer():
            cell = int(cell)  # a number in a workbook
        if cell is None or not str(cell).strip():
            row.error("risposta", gettext("Give the number of the response."))
            return None
        pk = parse_id(cell)
        response = self.responses.get(pk) if pk is not None else None
        if response is None:
            row.error("risposta", gettext("No response of the network has this number."))
        elif response.status == ResponseStatus.CANCELLED:
            row.error("risposta", gettext("A cancelled response takes no more contributions."))
        return response

    def check_row(self, row: RowCheck) -> dict[str, Any] | None:
        response = self.response_of(row)
        values = row.clean(
            IMPORT_RULES,
            actor=self.context.actor,
            extra={"response": response if "risposta" not in row.bad else None},
        )
        if values is None or not row.ok or response is None:
            return None
        return {"response": response, "data": values}

    def check_file(self) -> None:
        return None


class CoProductionImport(ImportDeclaration):
    """One entry of a response's co-production ledger per row, recorded by the importer."""

    kind, slug, namespace, nav = "coproduction_import", "coproduction", "responses", "responses"
    capability, model, template_filename = RECORD_COPRODUCTION, CoProduction, "coproduzione-modello"
    list_url_name = "responses:responses"
    export_url_name, export_capability = "responses:coproduction_export", RECORD_COPRODUCTION
    checks = _EntryChecks  # (above) the network's responses, loaded once
    # fmt: off
    columns = (
        Column("risposta", _("The number of the response, as in the address of its page (…/responses/12/)."), "12",
               True, aliases=("response", "response_id")),
        Column("ente", _("Name or codice fiscale / partita IVA of the partner organisation, which must be a partner "
                         "of the response; empty for citizens."), "Cooperativa Il Ponte",
               aliases=("organisation", "organization", "partner_name"), field="organization"),
        Column("chi", _("Who contributed: partner or cittadini."), "partner", True,
               aliases=("contributor", "who"), field="contributor"),
        Column("cosa", _("What was contributed: ore (hours of work), spazio (use of a space, in hours), denaro "
                         "(money, in euro) or beni (goods, their value in euro); the codes hours, space, money and "
                         "goods and the names are accepted too."), "ore", True, aliases=("kind", "what"),
               field="kind"),
        Column("quantita", _("How much, more than zero, with a comma or a dot for decimals: hours, or euro for money "
                             "and goods."), "12,5", True, aliases=("quantità", "quantity", "amount"),
               field="quantity"),
        Column("persone", _("For citizens: how many people contributed (a whole number, never who); ignored on a "
                            "partner's row."), "", aliases=("people",), field="people"),
        Column("data", _("The day of the contribution, as DD/MM/YYYY or YYYY-MM-DD, not in the future."),
               "14/03/2025", True, aliases=("date", "on_date"), field="on_date"),
        Column("descrizione", _("What was done, in a few words (at most 300 characters)."),
               "Apertura del doposcuola", aliases=("description",), field="description"),
    )
    title, list_label = _("Import co-production"), _("Responses")
    intro = _("Upload a CSV file or an Excel workbook with one contribution to a response per row (hours, spaces, "
              "money or goods), for example from your timesheets. The first row holds the column names described "
              "below: the Italian names, or the English ones shown beside them.")
    all_or_nothing = _("The import is all or nothing: if any row has a problem, no contribution is recorded and you "
                       "get the list of every problem, by row and column, to fix in the file.")
    template_csv_label = _("Download a CSV file with the columns and two example rows")
    template_xlsx_label = _("Download an Excel file with the columns and two example rows")
    export_label = _("Download the contributions already recorded, in the same format")
    columns_note = _("Column names may be in upper or lower case; columns that are not required may be left out. "
                     "Partner staff record their own organisation's contributions only; citizens' contributions "
                     "are recorded by those who run the response.")
    columns_caption = _("The columns a co-production file can have")
    recent_caption = _("The latest co-production imports of this network, newest first")
    job_title, saving_label = _("Co-production import no. %(n)s"), _("saving the contributions")
    done_label = _("Go to the responses")
    refused_message = _("You are no longer allowed to record co-production here.")
    conflict_message = _("The ledger changed while the import was running. Nothing was imported: start the import "
                         "again.")
    command_refused = _("%(email)s may not record co-production in %(network)s.")
    created_message = ngettext_lazy("%(n)s contribution recorded.", "%(n)s contributions recorded.", "n")
    # fmt: on

    def write(self, rows: list[Any], context: ImportContext) -> dict[str, int]:
        for row in rows:
            record_entry(actor=context.actor, response=row["response"], data=row["data"])
        return {}

    def template_rows(self, network: Any) -> list[list[Any]]:
        return coproduction_template_rows(network)

    def command_summary(self, outcome: Any, *, network: str, file_name: str) -> str:
        return gettext("Recorded %(created)d contributions in %(network)s from %(file)s.") % {
            "created": outcome.created,
            "network": network,
            "file": file_name,
        }


COPRODUCTION_IMPORT = CoProductionImport()
COPRODUCTION_IMPORT_KIND = CoProductionImport.kind
# The columns of the co-production file, in the order the export writes them: an export re-imports as is.
COPRODUCTION_IMPORT_COLUMNS: tuple[str, ...] = CoProductionImport.header()


def coproduction_template_rows(network: Network) -> list[list[Any]]:
    """Two example rows: a partner's hours and citizens' hours, on a response of the network with a partner."""
    partner = (
        ResponsePartner.objects.filter(response__network=network)
        .exclude(response__status=ResponseStatus.CANCELLED)
        .select_related("organization")
        .order_by("-response_id", "id")
        .first()
    )
    response_id = partner.response_id if partner else 12
    name = partner.organization.name if partner else "Cooperativa Il Ponte"
    today = timezone.localdate()
    return [
        [response_id, name, "partner", "ore", "12,5", "", today.strftime("%d/%m/%Y"), "Apertura del doposcuola"],
        [response_id, "", "cittadini", "ore", "6", 3, today.isoformat(), "Volontari alla festa di quartiere"],
    ]


def import_coproduction_file(
    *, actor: Any, network: Network, file: Any, file_name: str = "", progress: Progress | None = None
) -> ImportOutcome:
    """Check every row of a co-production file and, only if all are good, record them all."""
    return import_file(
        COPRODUCTION_IMPORT, actor=actor, network=network, file=file, file_name=file_name, progress=progress
    )


# --- export -------------------------------------------------------------------------------------


def coproduction_export_rows(entries: Iterable[CoProduction]) -> Iterator[list[Any]]:
    """The COPRODUCTION_IMPORT_COLUMNS cells of each entry (entries with the organisation loaded)."""
    for entry in entries:
        citizens = entry.contributor == ContributorKind.CITIZENS
        yield [
            entry.response_id,
            entry.organization.name if entry.organization else "",
            CONTRIBUTOR_WORDS.get(entry.contributor, entry.contributor),
            KIND_WORDS.get(entry.kind, entry.kind),
            entry.quantity,
            entry.people if citizens else "",
            entry.on_date,
            entry.description,
        ]


def record_coproduction_export(
    *, actor: Any, network: Network, fmt: str, response: Response | None = None
) -> QuerySet[CoProduction]:
    """Audit a download of the ledger (one response's, or the network's) in the import format, and return the
    entries it holds: those `actor` may re-import (selectors.coproduction.exportable_entries)."""
    require(actor, RECORD_COPRODUCTION, network)
    entries = exportable_entries(actor, network)
    if response is not None:
        entries = entries.filter(response=response)
    scope = f"response {response.pk}" if response is not None else network.slug
    with transaction.atomic():
        record_event(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            network=network,
            object_type=CoProduction._meta.label_lower,
            object_repr=f"co-production of {scope} ({fmt})",
            after={"count": entries.count(), "format": fmt, "response": response.pk if response is not None else None},
            data_class=DataClass.PERSONAL,
        )
    return entries
