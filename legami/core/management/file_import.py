"""The base of the `import_<things>` commands: the same checks and all-or-nothing write as the web import,
without the queue: a progress bar on stderr, every bad cell printed as "row N, column C: reason", and a
non-zero exit (nothing written) when any row is bad."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from legami.core.importing import ImportFileError
from legami.network.models import Network


class FileImportCommand(BaseCommand):
    """Subclasses name what they import (`things`, for the --actor help) and implement the three hooks below."""

    things = "rows"

    def import_file(self, **kwargs: Any) -> Any:
        """The app's all-or-nothing import service (`actor=, network=, file=, file_name=, progress=`)."""
        raise NotImplementedError

    def refused_message(self, *, email: str, network: str) -> str:
        """Why an actor without the import capability is refused."""
        raise NotImplementedError

    def success_message(self, outcome: Any, *, network: str, file_name: str) -> str:
        """What the import did, in one line."""
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", required=True, help="The slug of the network.")
        parser.add_argument("--file", required=True, type=Path, help="The CSV or XLSX file to import.")
        parser.add_argument(
            "--actor",
            default="",
            help=f"E-mail of the user the import is recorded under; they must be allowed to import {self.things}. "
            "Without it the audit log records 'system'.",
        )

    def handle(self, *args: Any, network: str, file: Path | str, actor: str, **options: Any) -> None:
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
                outcome = self.import_file(
                    actor=user, network=target, file=handle, file_name=file.name, progress=progress
                )
        except ImportFileError as exc:
            raise CommandError(f"{file.name}: {exc}") from exc
        except PermissionDenied as exc:
            raise CommandError(self.refused_message(email=actor, network=target.slug)) from exc
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
        self.stdout.write(self.style.SUCCESS(self.success_message(outcome, network=target.slug, file_name=file.name)))
