"""The needs import form and the description of the file's columns shown beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from legami.core.importing import IMPORT_EXTENSIONS
from legami.needs.services.imports import (
    NEED_COLUMN_ALIASES,
    NEED_IMPORT_COLUMNS,
    NEED_IMPORT_REQUIRED,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class ColumnHelp:
    name: str
    aliases: tuple[str, ...]
    required: bool
    description: StrOrPromise
    example: str


_DESCRIPTIONS = {
    "id_esterno": (
        _(
            "Your own identifier of the need (at most 64 characters), unique in the network: "
            "it prevents importing the same need twice."
        ),
        "SP-2025-014",
    ),
    "area": (_("Code or exact name of one of the network's need areas."), "conciliazione"),
    "gruppo": (
        _(
            "Target group, as a code (minors, young_people, families, adults, elderly, "
            "disability, migrants, caregivers, community) or its name."
        ),
        "families",
    ),
    "comune": (_("ISTAT code (6 digits) or exact name of a Comune of the network's territory."), "019036"),
    "quartiere": (_("Name of a neighbourhood of that Comune, as registered in the territory."), "Po"),
    "descrizione": (_("What is needed, in plain words (at most 4000 characters)."), "Doposcuola per due bambini"),
    "urgenza": (_("1 to 4, or bassa, media, alta, urgente; empty means media."), "media"),
    "espresso": (
        _("sì when the people concerned asked for it, no (or rilevato) when others detected it; empty means sì."),
        "sì",
    ),
    "canale": (
        _(
            "How the need reached the network, as a code (online, interview, community_lab, "
            "survey, sentinel, front_office) or its name."
        ),
        "interview",
    ),
    "fasce_orarie": (_("Days and hours when it applies; empty means any time."), "mar e gio 16-18"),
    "lat": (_("Latitude of the place, with a dot or a comma for decimals; give it together with lon."), "45.1335"),
    "lon": (_("Longitude of the place; give it together with lat."), "10.0227"),
    "data": (
        _("When it was expressed or detected, as DD/MM/YYYY or YYYY-MM-DD, not in the future; empty means today."),
        "14/03/2025",
    ),
    "persone": (_("How many people it concerns (a whole number from 1); empty means 1."), "3"),
    "riservatezza": (
        _(
            "rete: the network's operators may read it; equipe: only the case team (health "
            "and other special data). Empty means rete."
        ),
        "rete",
    ),
}


def _aliases(column: str) -> tuple[str, ...]:
    return tuple(alias for alias, name in NEED_COLUMN_ALIASES.items() if name == column)


NEED_COLUMN_HELP = tuple(
    ColumnHelp(name, _aliases(name), name in NEED_IMPORT_REQUIRED, *_DESCRIPTIONS[name]) for name in NEED_IMPORT_COLUMNS
)


def _file_help() -> str:
    return _("A CSV file (comma, semicolon or tab separated) or an Excel workbook (.xlsx), up to %(size)s.") % {
        "size": filesizeformat(settings.LEGAMI_IMPORT_MAX_BYTES)
    }


class NeedsImportForm(forms.Form):
    file = forms.FileField(
        label=_("File to import"),
        help_text=lazy(_file_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS)}),
        error_messages={"required": _("Choose a file to import."), "empty": _("The file is empty.")},
    )
