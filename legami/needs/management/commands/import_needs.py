"""`manage.py import_needs --network <slug> --file <path> [--actor <email>]`: import a needs file now.

Same checks and all-or-nothing write as the web import, without the queue: a progress bar on
stderr, every bad cell printed as "row N, column C: reason", and a non-zero exit (nothing written)
when any row is bad.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from legami.core.importing import ImportFileError
from legami.needs.services.imports import import_needs_file
from legami.network.models import Network


class Command(BaseCommand):
    help = "Import needs into a network from a CSV or XLSX file (all rows or none)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", required=True, help="The slug of the network.")
        parser.add_argument("--file", required=True, type=Path, help="The CSV or XLSX file to import.")
        parser.add_argument(
            "--actor",
            default="",
            help="E-mail of the user the import is recorded under; they must be allowed to import needs. "
            "Without it the audit log records 'system'.",
        )

    def handle(self, *args, network: str, file: Path | str, actor: str, **options) -> None:
        file = Path(file)  # call_command() passes keyword options unconverted
        try:
            target = Network.objects.get(slug=network)
        except Network.DoesNotExist as exc:
            raise CommandError(_("No network with slug %(slug)s.") % {"slug": network}) from exc
        user = None
        if actor:
            user = get_user_model().objects.filter(email__iexact=actor).first()
            if user is None:
                raise CommandError(_("No user with e-mail %(email)s.") % {"email": actor})
        if not file.is_file():
            raise CommandError(_("No file at %(path)s.") % {"path": file})

        bar: tqdm | None = None

        def progress(processed: int, total: int, *, phase: str = "validating") -> None:
            nonlocal bar
            if bar is None:
                # The raw stream: OutputWrapper would add a newline to each of tqdm's redraws.
                bar = tqdm(total=total, unit="rows", file=self.stderr._out, desc=_("checking"), leave=True)
            bar.set_description(_("checking") if phase == "validating" else _("saving"))
            bar.update(processed - bar.n)

        try:
            with file.open("rb") as handle:
                outcome = import_needs_file(
                    actor=user, network=target, file=handle, file_name=file.name, progress=progress
                )
        except ImportFileError as exc:
            raise CommandError(f"{file.name}: {exc}") from exc
        except PermissionDenied as exc:
            raise CommandError(
                _("%(email)s may not import needs into %(network)s.") % {"email": actor, "network": target.slug}
            ) from exc
        finally:
            if bar is not None:
                bar.close()

        if not outcome.ok:
            for error in outcome.errors:
                self.stderr.write(str(error))
            rows = len({e.row for e in outcome.errors})
            raise CommandError(
                _("%(problems)d problems in %(rows)d of %(total)d rows: nothing was imported.")
                % {"problems": len(outcome.errors), "rows": rows, "total": outcome.total}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Imported %(created)d needs into %(network)s from %(file)s.")
                % {"created": outcome.created, "network": target.slug, "file": file.name}
            )
        )
