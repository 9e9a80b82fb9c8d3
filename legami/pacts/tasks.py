"""Background tasks of the pacts app, run by `manage.py db_worker` (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from legami.pacts.services.reminders import send_reminders


@task()
def send_pact_reminders_task() -> dict:
    """E-mail the case teams of every network about the reviews within a week and the overdue commitments (once
    each); the counts."""
    return send_reminders()
