"""The offers import (CSV/XLSX, one offer per row) and the export that round-trips into it.

Each row goes through the offer's own rules (OFFER_RULES, the same as the operators' form and the API): areas
by name separated by ";", the Comune by ISTAT code or name, the organisation by name or codice fiscale, the
person by codice fiscale. Rows are written by `record_offer`, with their audit events, all or none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from legami.core.audit import record_event
from legami.core.imports import Column, ImportContext, ImportDeclaration, RowCheck
from legami.core.imports.pipeline import ImportOutcome, Progress, import_file
from legami.core.models import AuditEvent, DataClass
from legami.core.permissions import require
from legami.exchange.capabilities import MANAGE_OFFERS
from legami.exchange.models import Offer, OfferKind
from legami.exchange.selectors.offers import exportable_offers
from legami.exchange.services.offers import OFFER_RULES, record_offer
from legami.needs.timewindows import format_time_windows, windows_from_json
from legami.network.models import Network

KIND_WORDS: dict[str, str] = {
    OfferKind.TIME: "tempo",
    OfferKind.SKILL: "competenza",
    OfferKind.GOOD: "beni",
    OfferKind.SPACE: "spazio",
    OfferKind.TRANSPORT: "trasporto",
}

_KIND = OFFER_RULES["kind"]
IMPORT_RULES = OFFER_RULES.extend(
    {
        "kind": _KIND.but(
            labels=True,
            extra_words={word: code for code, word in KIND_WORDS.items()},
            _words=None,
            messages={**_KIND.messages, "invalid_choice": _("Write tempo, competenza, beni, spazio or trasporto.")},
        ),
        "areas": OFFER_RULES["areas"].but(
            by=("pk", "name"),
            messages={
                **OFFER_RULES["areas"].messages,
                "invalid_choice": _("No area of the network has this name: see the list of need areas."),
            },
        ),
        "municipality": OFFER_RULES["municipality"].but(by=("istat_code", "name")),
        "organization": OFFER_RULES["organization"].but(
            by=("name", "tax_code"),
            messages={
                **OFFER_RULES["organization"].messages,
                "invalid_choice": _("No organisation of the network has this name or codice fiscale."),
            },
        ),
        "person": OFFER_RULES["person"].but(
            by=("tax_code",),
            messages={
                **OFFER_RULES["person"].messages,
                "invalid_choice": _("No person of the network has this codice fiscale."),
            },
        ),
    }
)


def _areas(value: Any) -> list[str]:
    """A cell of areas separated by ";" as a list of names."""
    return [part.strip() for part in str(value).split(";") if part.strip()]


class _OfferChecks:
    """Each row checked by the offer's rules, as a new offer of the network."""

    def __init__(self, context: ImportContext) -> None:
        self.context = context

    def check_row(self, row: RowCheck) -> dict[str, Any] | None:
        values = row.clean(IMPORT_RULES, actor=self.context.actor)
        if values is None or not row.ok:
            return None
        return values

    def check_file(self) -> None:
        return None


class OffersImport(ImportDeclaration):
    """One offer per row, recorded open by the importer (an operator)."""

    kind, slug, namespace, nav = "offers_import", "offers", "exchange", "offers"
    capability, model, template_filename = MANAGE_OFFERS, Offer, "offerte-modello"
    list_url_name = "exchange:offers"
    export_url_name, export_capability = "exchange:offers_export", MANAGE_OFFERS
    checks = _OfferChecks
    # fmt: off
    columns = (
        Column("titolo", _("What is offered, in a few words."), "Accompagnamento alle visite", True,
               aliases=("title",), field="title"),
        Column("tipo", _("tempo, competenza, beni, spazio or trasporto."), "trasporto", True,
               aliases=("kind",), field="kind"),
        Column("aree", _("The need areas it can help with, by name, separated by a semicolon."), "Salute; Anziani",
               True, aliases=("areas",), parse=_areas, field="areas"),
        Column("comune", _("ISTAT code or name of the Comune."), "019036", True,
               aliases=("municipality", "municipality_istat"), field="municipality"),
        Column("latitudine", _("Latitude of the starting point (optional, with the longitude)."), "45,1333",
               aliases=("lat", "latitude"), field="latitude"),
        Column("longitudine", _("Longitude of the starting point (optional, with the latitude)."), "10,0227",
               aliases=("lon", "longitude"), field="longitude"),
        Column("raggio_km", _("How far it reaches, in kilometres (0 to 200; empty: 5)."), "10",
               aliases=("radius_km",), field="radius_km"),
        Column("disponibilita", _("Days and hours, for example: mar e gio 16-18; empty: any time."), "mar 9-12",
               aliases=("disponibilità", "time_windows"), field="time_windows"),
        Column("capacita", _("How many needs at once (1 to 500; empty: 1)."), "2",
               aliases=("capacità", "capacity"), field="capacity"),
        Column("lingue", _("Languages spoken, by name or code, separated by commas."), "italiano, inglese",
               aliases=("languages",), field="languages"),
        Column("senza_barriere", _("sì when it is reachable without steps."), "no",
               aliases=("step_free",), field="step_free"),
        Column("note_accessibilita", _("Accessibility notes (at most 300 characters)."), "",
               aliases=("accessibility_notes",), field="accessibility_notes"),
        Column("descrizione", _("A longer description (at most 4000 characters)."), "Auto con sei posti",
               aliases=("description",), field="description"),
        Column("ente", _("Name or codice fiscale of the organisation that offers it (empty for a person)."),
               "", aliases=("organisation", "organization"), field="organization"),
        Column("codice_fiscale", _("Codice fiscale of the person of the registry who offers it (empty for an "
                                   "organisation)."), "", aliases=("tax_code", "person"), field="person"),
        Column("nome_contatto", _("Contact name."), "Lucia Ferri", aliases=("contact_name",), field="contact_name"),
        Column("email", _("Contact e-mail."), "", aliases=("contact_email",), field="contact_email"),
        Column("telefono", _("Contact phone."), "", aliases=("phone", "contact_phone"), field="contact_phone"),
        Column("id_esterno", _("Your own identifier of the offer, unique in the network (optional)."), "OF-001",
               aliases=("external_id",), field="external_id"),
    )
    title, list_label = _("Import offers"), _("Offers")
    intro = _("Upload a CSV file or an Excel workbook with one offer per row, for example the volunteers of an "
              "association or a time bank's list. The first row holds the column names described below: the Italian "
              "names, or the English ones shown beside them.")
    all_or_nothing = _("The import is all or nothing: if any row has a problem, no offer is recorded and you get "
                       "the list of every problem, by row and column, to fix in the file.")
    template_csv_label = _("Download a CSV file with the columns and an example row")
    template_xlsx_label = _("Download an Excel file with the columns and an example row")
    export_label = _("Download the offers already recorded, in the same format")
    columns_note = _("Column names may be in upper or lower case; columns that are not required may be left out. "
                     "Imported offers are open at once.")
    columns_caption = _("The columns an offers file can have")
    recent_caption = _("The latest offers imports of this network, newest first")
    job_title, saving_label = _("Offers import no. %(n)s"), _("saving the offers")
    done_label = _("Go to the offers")
    refused_message = _("You are no longer allowed to record offers here.")
    conflict_message = _("Another offer took one of these identifiers while the import was running. Nothing was "
                         "imported: start the import again.")
    command_refused = _("%(email)s may not record offers in %(network)s.")
    created_message = ngettext_lazy("%(n)s offer imported.", "%(n)s offers imported.", "n")
    # fmt: on

    def write(self, rows: list[Any], context: ImportContext) -> dict[str, int]:
        for values in rows:
            record_offer(actor=context.actor, network=context.network, data=values)
        return {}

    def template_rows(self, network: Any) -> list[list[Any]]:
        return [[column.example for column in self.columns]]

    def command_summary(self, outcome: Any, *, network: str, file_name: str) -> str:
        return gettext("Recorded %(created)d offers in %(network)s from %(file)s.") % {
            "created": outcome.created,
            "network": network,
            "file": file_name,
        }


OFFERS_IMPORT = OffersImport()
OFFERS_IMPORT_COLUMNS: tuple[str, ...] = OffersImport.header()


def import_offers_file(
    *, actor: Any, network: Network, file: Any, file_name: str = "", progress: Progress | None = None
) -> ImportOutcome:
    """Check every row of an offers file and, only if all are good, record them all."""
    return import_file(OFFERS_IMPORT, actor=actor, network=network, file=file, file_name=file_name, progress=progress)


def _number(value: Any) -> str:
    return "" if value is None else str(value).replace(".", ",")


def offer_export_rows(offers: Iterable[Offer]) -> Iterator[list[Any]]:
    """The OFFERS_IMPORT_COLUMNS cells of each offer (areas, organisation, person and Comune loaded)."""
    for offer in offers:
        yield [
            offer.title,
            KIND_WORDS.get(offer.kind, offer.kind),
            "; ".join(area.name for area in offer.areas.all()),
            offer.municipality.istat_code,
            _number(offer.latitude),
            _number(offer.longitude),
            _number(offer.radius_km),
            format_time_windows(windows_from_json(offer.time_windows)),
            offer.capacity,
            ", ".join(offer.languages or ()),
            "sì" if offer.step_free else "no",
            offer.accessibility_notes,
            offer.description,
            offer.organization.name if offer.organization else "",
            offer.person.tax_code if offer.person else "",
            offer.contact_name,
            offer.contact_email,
            offer.contact_phone,
            offer.external_id,
        ]


def record_offers_export(*, actor: Any, network: Network, fmt: str) -> QuerySet[Offer]:
    """Audit a download of the network's offers in the import format, and return them (selectors.offers)."""
    require(actor, MANAGE_OFFERS, network)
    offers = exportable_offers(actor, network)
    with transaction.atomic():
        record_event(
            actor=actor,
            action=AuditEvent.Action.EXPORT,
            network=network,
            object_type=Offer._meta.label_lower,
            object_repr=f"offers of {network.slug} ({fmt})",
            after={"count": offers.count(), "format": fmt},
            data_class=DataClass.PERSONAL,
        )
    return offers
