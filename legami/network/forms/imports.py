"""The people import form and the description of the file's columns shown beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from legami.core.importing import IMPORT_EXTENSIONS
from legami.network.services.imports import PERSON_IMPORT_COLUMNS, PERSON_IMPORT_REQUIRED

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class ColumnHelp:
    name: str
    required: bool
    description: StrOrPromise
    example: str


_DESCRIPTIONS = {
    "first_name": (_("First name."), "Maria"),
    "last_name": (_("Last name."), "Rossi"),
    "tax_code": (_("Codice fiscale: 16 characters, unique in the network."), "RSSMRA80A41D150N"),
    "birth_date": (_("Date of birth, as YYYY-MM-DD or DD/MM/YYYY; it must match the codice fiscale."), "01/01/1980"),
    "gender": (_("F, M or X (other or not stated); it must match the codice fiscale."), "F"),
    "email": (_("E-mail address."), "maria.rossi@example.org"),
    "phone": (_("Italian phone number: digits and spaces, optionally starting with +39."), "0372 123456"),
    "address": (_("Street address."), "Via Roma 1"),
    "municipality_istat": (
        _("ISTAT code of the Comune (6 digits); the Comune must be in the network's territory."),
        "019036",
    ),
    "neighbourhood": (_("Name of a neighbourhood of that Comune, as registered in the territory."), "Centro"),
    "household": (
        _("Name of the household: people with the same name go in the same household, created if it does not exist."),
        "Famiglia Rossi",
    ),
    "household_role": (
        _("Role in the household: head, partner, child, parent, relative or other."),
        "head",
    ),
}

PERSON_COLUMN_HELP = tuple(
    ColumnHelp(name, name in PERSON_IMPORT_REQUIRED, *_DESCRIPTIONS[name]) for name in PERSON_IMPORT_COLUMNS
)


def _file_help() -> str:
    return _("A CSV file (comma, semicolon or tab separated) or an Excel workbook (.xlsx), up to %(size)s.") % {
        "size": filesizeformat(settings.LEGAMI_IMPORT_MAX_BYTES)
    }


class PeopleImportForm(forms.Form):
    file = forms.FileField(
        label=_("File to import"),
        help_text=lazy(_file_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS)}),
        error_messages={"required": _("Choose a file to import."), "empty": _("The file is empty.")},
    )
