"""`manage.py aggregate_needs --input needs.csv --output groups.csv`: run the engine on files, no database."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legami.aggregation.engine import EngineSettings, aggregate
from legami.aggregation.engine.io import COLUMNS, InputError, read_rows, records_from_rows, write_groups

MAX_PROBLEMS = 50


class Command(BaseCommand):
    help = (
        "Group the needs of a CSV file (columns " + ",".join(COLUMNS) + ") and write need_id,group_id, "
        "one row per need in input order. Uses no database."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="needs.csv (UTF-8, comma-separated)")
        parser.add_argument("--output", required=True, help="groups.csv to write (replaced only on success)")
        parser.add_argument("--distance-km", type=float, default=EngineSettings.distance_km)
        parser.add_argument("--min-group-size", type=int, default=EngineSettings.min_group_size)
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options) -> None:
        source, target = Path(options["input"]), Path(options["output"])
        if options["distance_km"] < 0:
            raise CommandError("--distance-km must not be negative")
        if options["min_group_size"] < 1:
            raise CommandError("--min-group-size must be at least 1")
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        started = time.perf_counter()
        try:
            records = records_from_rows(read_rows(source))
        except InputError as error:
            lines = [str(problem) for problem in error.problems[:MAX_PROBLEMS]]
            if len(error.problems) > MAX_PROBLEMS:
                lines.append(f"… and {len(error.problems) - MAX_PROBLEMS} more")
            raise CommandError("\n".join([f"{source}: {error}; nothing written", *lines])) from error
        settings = EngineSettings(distance_km=options["distance_km"], min_group_size=options["min_group_size"])
        bar = None
        if not options["no_progress"]:
            from tqdm import tqdm

            bar = tqdm(total=max(len(records), 1), desc="aggregating", unit="need", file=sys.stderr)

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.n = done
                bar.refresh()

        try:
            groups = aggregate(records, settings, progress)
        finally:
            if bar is not None:
                bar.close()
        # Write beside the target and rename: a failure leaves no half-written file.
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".aggregate_needs-", suffix=".csv", dir=target.parent)
        os.close(handle)
        try:
            write_groups(Path(temporary), records, groups)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        grouped = sum(len(g.members) for g in groups if len(g.members) > 1)
        self.stderr.write(
            f"{len(records)} needs, {len(groups)} groups, {grouped} needs in groups of two or more, "
            f"{time.perf_counter() - started:.1f} s → {target}"
        )
