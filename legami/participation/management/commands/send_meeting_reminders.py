"""`manage.py send_meeting_reminders [--enqueue]`: e-mail the people registered for the meetings that start in 24
to 48 hours, once per meeting (legami.participation.services.meetings.send_reminders); schedule it every hour
(docs/operations.md). A second run sends nothing more."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from legami.participation.services.meetings import send_reminders
from legami.participation.tasks import send_meeting_reminders_task


class Command(BaseCommand):
    help = "E-mail a reminder to the people registered for the meetings starting in 24 to 48 hours (once each)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enqueue", action="store_true", help="Queue the run for a worker (db_worker) instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = send_meeting_reminders_task.enqueue()
            self.stdout.write(f"Queued: task {result.id}.")
            return
        counts = send_reminders()
        self.stdout.write(
            self.style.SUCCESS(f"Reminders sent for {counts['meetings']} meetings to {counts['people']} people.")
        )
