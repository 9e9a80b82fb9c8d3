"""`manage.py import_offers --network <slug> --file <path> --actor <email>`: import an offers file now.

See legami/core/management/file_import.py; the offers are recorded open, under the actor.
"""

from legami.core.management.file_import import FileImportCommand


class Command(FileImportCommand):
    help = "Record a network's offers from a CSV or XLSX file (all rows or none)."
    kind = "offers_import"
    things = "offers"
