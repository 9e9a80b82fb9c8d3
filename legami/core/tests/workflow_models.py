"""A test-only model with a workflow, to test core.workflow without any domain app.

The models are declared by `declare()` and taken away by `withdraw()`, with their tables: registered for good,
they would take part in every other test's cascades (a network or a user deleted) without having a table there.
"""

from types import SimpleNamespace

from django.apps import apps
from django.db import connection, models

from legami.core.models import HistoryEvent, NetworkScopedModel


class TicketStatus(models.TextChoices):
    OPEN = "open", "Open"
    DOING = "doing", "Doing"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


def declare() -> SimpleNamespace:
    """Define the ticket and its history models and create their tables."""

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

    with connection.schema_editor() as editor:
        editor.create_model(WorkflowTicket)
        editor.create_model(WorkflowTicketEvent)
    return SimpleNamespace(Ticket=WorkflowTicket, Event=WorkflowTicketEvent)


def withdraw(declared: SimpleNamespace) -> None:
    """Drop the tables and forget the models, so that the rest of the suite never meets them."""
    with connection.schema_editor() as editor:
        editor.delete_model(declared.Event)
        editor.delete_model(declared.Ticket)
    for model in (declared.Event, declared.Ticket):
        apps.all_models["core"].pop(model._meta.model_name, None)
    apps.clear_cache()
