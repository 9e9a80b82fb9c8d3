"""`manage.py import_activities --network <slug> --file <path> --actor <email>`: import a file of activities now
(all rows or none). See legami/core/management/file_import.py."""

from legami.core.management.file_import import FileImportCommand


class Command(FileImportCommand):
    help = "Import activities of a network from a CSV or XLSX file (all rows or none)."
    kind = "activities_import"
    things = "activities"
