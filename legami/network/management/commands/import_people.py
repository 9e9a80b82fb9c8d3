"""`manage.py import_people --network <slug> --file <path> [--actor <email>]`: import a people file now.

See legami/core/management/file_import.py for what every import command does.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from legami.core.management.file_import import FileImportCommand
from legami.network.services.imports import import_people_file


class Command(FileImportCommand):
    help = "Import people into a network's registry from a CSV or XLSX file (all rows or none)."
    things = "people"

    def import_file(self, **kwargs: Any) -> Any:
        return import_people_file(**kwargs)

    def refused_message(self, *, email: str, network: str) -> str:
        return _("%(email)s may not import people into %(network)s.") % {"email": email, "network": network}

    def success_message(self, outcome: Any, *, network: str, file_name: str) -> str:
        return _("Imported %(created)d people (%(households)d new households) into %(network)s from %(file)s.") % {
            "created": outcome.created,
            "households": outcome.households_created,
            "network": network,
            "file": file_name,
        }
