"""`manage.py anonymise_expired [--network SLUG] [--dry-run] [--enqueue]`: anonymise the people whose retention
has ended (see legami.network.selectors.retention); schedule it daily (docs/operations.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from legami.network.models import Network
from legami.network.services.personal_data import anonymise_expired_people
from legami.network.tasks import anonymise_expired_task


class Command(BaseCommand):
    help = "Anonymise the people whose retention period has ended, in one network or in all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--network", default="", help="The network's slug (default: every network).")
        parser.add_argument("--dry-run", action="store_true", help="Count the people due, change nothing.")
        parser.add_argument("--enqueue", action="store_true", help="Queue the run for a worker (db_worker) instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        slug, dry_run, enqueue = options["network"], options["dry_run"], options["enqueue"]
        network = None
        if slug:
            network = Network.objects.filter(slug=slug).first()
            if network is None:
                raise CommandError(f"No network has the slug {slug!r}.")
        if enqueue:
            if dry_run:
                raise CommandError("--dry-run and --enqueue go separately: a dry run prints its counts here.")
            result = anonymise_expired_task.enqueue(slug)
            self.stdout.write(f"Queued: task {result.id}.")
            return
        runs = anonymise_expired_people(network=network, dry_run=dry_run)
        for run in runs:
            if dry_run:
                self.stdout.write(f"{run.network.slug}: {run.due} people due (dry run: nothing changed)")
            else:
                self.stdout.write(f"{run.network.slug}: {run.due} people due, {run.anonymised} anonymised")
        total_due = sum(run.due for run in runs)
        total_done = sum(run.anonymised for run in runs)
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(self.style.SUCCESS(f"Total: {total_due if dry_run else total_done} people {verb}."))
