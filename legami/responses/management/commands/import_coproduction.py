"""`manage.py import_coproduction --network <slug> --file <path> --actor <email>`: import a co-production file now.

Each row names its response (`risposta`); the entries are recorded under the actor, with the ledger's rules for
them (partner staff: their own organisation's entries only). See legami/core/management/file_import.py.
"""

from legami.core.management.file_import import FileImportCommand


class Command(FileImportCommand):
    help = "Record co-production entries of a network's responses from a CSV or XLSX file (all rows or none)."
    kind = "coproduction_import"
    things = "co-production entries"
