"""The base of the `import_<things>` commands: the same checks and all-or-nothing write as the web import,
without the queue: a progress bar on stderr, every bad cell printed as "row N, column C: reason", and a
non-zero exit (nothing written) when any row is bad.

A command is `class Command(FileImportCommand): kind = "<the declaration's kind>"`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from legami.core.importing import ImportFileError
from legami.core.imports.declaration import ImportDeclaration
from legami.core.imports.pipeline import import_file
from legami.core.imports.registry import declaration_for


class FileImportCommand(BaseCommand):
    """Subclasses name the kind of the import they run; the declaration says the rest."""

    kind = ""
    things = "rows"  # for the --actor help

    @property
    def declaration(self) -> ImportDeclaration:
        return declaration_for(self.kind)

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
        declaration = self.declaration
        file = Path(file)  # call_command() passes keyword options unconverted
        # The network model by name: core imports no domain app.
        network_model = apps.get_model("network", "Network")
        target = network_model.objects.filter(slug=network).first()
        if target is None:
            raise CommandError(_("No network with slug %(slug)s.") % {"slug": network})
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
                outcome = import_file(
                    declaration, actor=user, network=target, file=handle, file_name=file.name, progress=progress
                )
        except ImportFileError as exc:
            raise CommandError(f"{file.name}: {exc}") from exc
        except PermissionDenied as exc:
            raise CommandError(str(declaration.command_refused) % {"email": actor, "network": target.slug}) from exc
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
        summary = declaration.command_summary(outcome, network=target.slug, file_name=file.name)
        self.stdout.write(self.style.SUCCESS(summary))
