"""`manage.py import_people --network <slug> --file <path> [--actor <email>]`: import a people file now.

See legami/core/management/file_import.py for what every import command does.
"""

from legami.core.management.file_import import FileImportCommand


class Command(FileImportCommand):
    help = "Import people into a network's registry from a CSV or XLSX file (all rows or none)."
    kind = "people_import"
    things = "people"
