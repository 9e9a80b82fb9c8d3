"""Writes of demand aggregation, one module per feature."""

# Runs queued before the split name their task "legami.aggregation.services.run_aggregation_task" (django-tasks
# stores the path and resolves it when it runs them): that path must keep resolving. Import from `.runs`.
from legami.aggregation.services.runs import run_aggregation_task

__all__ = ["run_aggregation_task"]
