"""Background tasks of the participation app, run by `manage.py db_worker` (django-tasks, database backend)."""

from __future__ import annotations

from django_tasks import task

from legami.participation.services.meetings import send_reminders


@task()
def send_meeting_reminders_task() -> dict:
    """E-mail the people registered for the meetings starting in 24 to 48 hours (once per meeting); the counts."""
    return send_reminders()
