"""`manage.py import_needs --network <slug> --file <path> [--actor <email>]`: import a needs file now.

See legami/core/management/file_import.py for what every import command does.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from legami.core.management.file_import import FileImportCommand
from legami.needs.services.imports import import_needs_file


class Command(FileImportCommand):
    help = "Import needs into a network from a CSV or XLSX file (all rows or none)."
    things = "needs"

    def import_file(self, **kwargs: Any) -> Any:
        return import_needs_file(**kwargs)

    def refused_message(self, *, email: str, network: str) -> str:
        return _("%(email)s may not import needs into %(network)s.") % {"email": email, "network": network}

    def success_message(self, outcome: Any, *, network: str, file_name: str) -> str:
        return _("Imported %(created)d needs into %(network)s from %(file)s.") % {
            "created": outcome.created,
            "network": network,
            "file": file_name,
        }
