"""`manage.py rotate_field_keys [--batch-size N] [--dry-run]`: re-encrypt every encrypted field with the first
key of LEGAMI_FIELD_KEYS, in batches, while the site runs (see legami.core.keyrotation)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from legami.core.keyrotation import ModelRotation, UnreadableValue, rotate_field_keys


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the first (new) key of LEGAMI_FIELD_KEYS, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (500).")
        parser.add_argument("--dry-run", action="store_true", help="Count what would be re-encrypted; write nothing.")

    def handle(self, *args, batch_size: int, dry_run: bool, **options) -> None:
        if batch_size < 1:
            raise CommandError(_("--batch-size must be 1 or more."))

        def report(result: ModelRotation) -> None:
            message = (
                _(
                    "%(model)s: %(rows)d rows with encrypted values, %(rewritten)d to re-encrypt, "
                    "%(current)d already under the new key."
                )
                if dry_run
                else _(
                    "%(model)s: %(rows)d rows with encrypted values, %(rewritten)d re-encrypted, "
                    "%(current)d already under the new key."
                )
            )
            values = {
                "model": result.label,
                "rows": result.rows,
                "rewritten": result.rewritten,
                "current": result.current,
            }
            self.stdout.write(message % values)

        try:
            results = rotate_field_keys(batch_size=batch_size, dry_run=dry_run, progress=report)
        except UnreadableValue as exc:
            raise CommandError(
                _(
                    "%(where)s holds a value that no key in LEGAMI_FIELD_KEYS decrypts: put back the key it was "
                    "encrypted with (after the new one) and run the command again; the batches done so far are kept."
                )
                % {"where": exc}
            ) from exc
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
        elif not any(r.skipped for r in results):
            self.stdout.write(
                _(
                    "Done: every encrypted value is under the new key; the old keys can now be removed from "
                    "LEGAMI_FIELD_KEYS."
                )
            )
        else:
            self.stdout.write(
                _("Some rows changed while they were being rotated: run the command again to check them.")
            )
