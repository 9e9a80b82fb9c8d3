"""`manage.py backup --output FILE`: an encrypted backup of the whole database (see legami.core.backup)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from legami.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Write an encrypted backup of the database (PostgreSQL or SQLite) with LEGAMI_BACKUP_KEY."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", required=True, help="The backup file to write.")

    def handle(self, *args, output: str, **options) -> None:
        started = time.monotonic()
        try:
            info = backup(Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Backup of the %(engine)s database written to %(path)s: %(size)s bytes (%(dump)s bytes of data, "
                "%(migrations)d migrations applied) in %(seconds).1f s."
            )
            % {
                "engine": info.engine_label,
                "path": output,
                "size": info.file_size,
                "dump": info.size,
                "migrations": len(info.migrations),
                "seconds": time.monotonic() - started,
            }
        )
