"""`manage.py match_offers --needs needs.csv --offers offers.csv --output matches.csv`: the engine on files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext

from legami.exchange.matching import match
from legami.exchange.matching.csvio import (
    NEED_COLUMNS,
    OFFER_COLUMNS,
    InputError,
    needs_from_rows,
    offers_from_rows,
    read_table,
    write_matches,
)

MAX_PROBLEMS = 50


class Command(BaseCommand):
    help = (
        "Match the needs of needs.csv ("
        + ",".join(NEED_COLUMNS)
        + ") with the offers of offers.csv ("
        + ",".join(OFFER_COLUMNS)
        + "): the most needs matched, then the least total distance. Writes "
        "need_id,offer_id,distance_km in the needs' order; on bad input writes nothing. Uses no database."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--needs", required=True, help="needs.csv (UTF-8, comma-separated)")
        parser.add_argument("--offers", required=True, help="offers.csv (UTF-8, comma-separated)")
        parser.add_argument("--output", required=True, help="matches.csv to write (replaced only on success)")

    def _read(self, path: Path, columns: tuple[str, ...], build):  # type: ignore[no-untyped-def]
        if not path.is_file():
            raise CommandError(gettext("%(file)s: no such file") % {"file": path})
        try:
            table = read_table(path, columns)
            items = build(table.rows)
        except InputError as error:
            lines = [str(problem) for problem in error.problems[:MAX_PROBLEMS]]
            if len(error.problems) > MAX_PROBLEMS:
                lines.append(gettext("… and %(count)s more") % {"count": len(error.problems) - MAX_PROBLEMS})
            head = gettext("%(file)s: %(error)s; nothing written") % {"file": path, "error": error}
            raise CommandError("\n".join([head, *lines])) from error
        if table.ignored:
            self.stderr.write(
                gettext("%(file)s: columns ignored: %(columns)s") % {"file": path, "columns": ", ".join(table.ignored)}
            )
        return items

    def handle(self, *args, **options) -> None:
        target = Path(options["output"])
        needs = self._read(Path(options["needs"]), NEED_COLUMNS, needs_from_rows)
        offers = self._read(Path(options["offers"]), OFFER_COLUMNS, offers_from_rows)
        result = match(needs, offers)
        # Write beside the target and rename: a failure leaves no half-written file.
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".match_offers-", suffix=".csv", dir=target.parent)
        os.close(handle)
        try:
            write_matches(Path(temporary), result.proposals)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(
            gettext(
                "%(needs)s needs, %(offers)s offers, %(pairs)s compatible pairs, %(matched)s matched, "
                "%(km)s km in total, %(seconds)s s → %(output)s"
            )
            % {
                "needs": result.needs,
                "offers": result.offers,
                "pairs": result.compatible_pairs,
                "matched": result.matched,
                "km": f"{result.total_distance_km:.3f}",
                "seconds": f"{result.seconds:.1f}",
                "output": target,
            }
        )
