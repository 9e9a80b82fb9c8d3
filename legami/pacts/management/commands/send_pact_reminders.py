"""`manage.py send_pact_reminders [--now]`: queue the daily reminders to the case teams (reviews within a week,
overdue commitments; legami.pacts.services.reminders.send_reminders) for the worker, or send them at once with
`--now`. Schedule it once a day (docs/operations.md). A second run the same day sends nothing more."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from legami.pacts.services.reminders import send_reminders
from legami.pacts.tasks import send_pact_reminders_task


class Command(BaseCommand):
    help = "Queue the reminders to the case teams (reviews within a week, overdue commitments); --now sends them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Send them now instead of queueing them for a worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["now"]:
            result = send_pact_reminders_task.enqueue()
            self.stdout.write(f"Queued: task {result.id}.")
            return
        counts = send_reminders()
        self.stdout.write(
            self.style.SUCCESS(
                f"Reminders: {counts['reviews']} reviews, {counts['commitments']} commitments, "
                f"{counts['emails']} e-mails."
            )
        )
