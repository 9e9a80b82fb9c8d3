"""`manage.py restore FILE` restores an encrypted backup into the configured, empty database;
`manage.py restore --check FILE` only verifies the file, writing nothing (see legami.core.backup)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from legami.core.backup import BackupError, migrations_not_in_code, restore
from legami.core.backup import check as check_backup


class Command(BaseCommand):
    help = "Restore an encrypted backup into an empty database, or verify it with --check."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file.")
        parser.add_argument(
            "--check", action="store_true", help="Only verify that the whole file decrypts and is complete."
        )

    def handle(self, *args, file: str, check: bool, **options) -> None:
        started = time.monotonic()
        try:
            info = check_backup(Path(file)) if check else restore(Path(file))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        values = {
            "path": file,
            "engine": info.engine_label,
            "created": info.created_at,
            "size": info.size,
            "seconds": time.monotonic() - started,
        }
        if check:
            self.stdout.write(
                _("%(path)s is complete and intact: a %(engine)s backup made at %(created)s, %(size)s bytes of data.")
                % values
            )
        else:
            self.stdout.write(
                _(
                    "Restored %(path)s (a %(engine)s backup made at %(created)s, %(size)s bytes of data) "
                    "in %(seconds).1f s."
                )
                % values
            )
        unknown = migrations_not_in_code(info)
        if unknown:
            self.stdout.write(
                _(
                    "The backup's database has migrations this version of legami does not know (%(names)s): "
                    "run it with the version that made the backup, or a newer one."
                )
                % {"names": ", ".join(unknown[:5])}
            )
        elif not check:
            self.stdout.write(
                _("Next: run `manage.py migrate` (it applies any newer migrations) and check the audit log.")
            )
