"""The upload form of every import."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from legami.core.importing import IMPORT_EXTENSIONS


def _file_help() -> str:
    return _("A CSV file (comma, semicolon or tab separated) or an Excel workbook (.xlsx), up to %(size)s.") % {
        "size": filesizeformat(settings.LEGAMI_IMPORT_MAX_BYTES)
    }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File to import"),
        help_text=lazy(_file_help, str)(),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORT_EXTENSIONS)}),
        error_messages={"required": _("Choose a file to import."), "empty": _("The file is empty.")},
    )
