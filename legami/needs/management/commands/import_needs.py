"""`manage.py import_needs --network <slug> --file <path> [--actor <email>]`: import a needs file now.

See legami/core/management/file_import.py for what every import command does.
"""

from legami.core.management.file_import import FileImportCommand


class Command(FileImportCommand):
    help = "Import needs into a network from a CSV or XLSX file (all rows or none)."
    kind = "needs_import"
    things = "needs"
