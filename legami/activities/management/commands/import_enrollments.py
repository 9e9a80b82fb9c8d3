"""`manage.py import_enrollments --network <slug> --file <path> --actor <email>`: import a file of enrollments now
(all rows or none). See legami/core/management/file_import.py."""

from legami.core.management.file_import import FileImportCommand


class Command(FileImportCommand):
    help = "Import enrollments of a network from a CSV or XLSX file (all rows or none)."
    kind = "enrollments_import"
    things = "enrollments"
