"""A test-only model with a workflow, to test core.workflow without any domain app.

Its tables are created by test_workflow.py (there is no migration: nothing outside the tests knows them).
"""

from django.db import models

from legami.core.models import HistoryEvent, NetworkScopedModel


class TicketStatus(models.TextChoices):
    OPEN = "open", "Open"
    DOING = "doing", "Doing"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class WorkflowTicket(NetworkScopedModel):
    title = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=TicketStatus.choices, default=TicketStatus.OPEN)

    class Meta:
        app_label = "core"

    def __str__(self) -> str:
        return f"ticket {self.title}"


class WorkflowTicketEvent(HistoryEvent):
    subject_field = "ticket"

    ticket = models.ForeignKey(WorkflowTicket, on_delete=models.CASCADE, related_name="events")
    from_status = models.CharField(max_length=20, choices=TicketStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=TicketStatus.choices)

    class Meta(HistoryEvent.Meta):
        app_label = "core"
