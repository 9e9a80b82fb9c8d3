"""Background tasks of the aggregation app, run by `manage.py db_worker` (django-tasks, database backend).

The aggregation run's task is declared in `legami.aggregation.services.runs`, beside the service that queues
it (a tasks module calling that service back would make the two modules import each other). Its name
here stays importable for the runs queued under it before. The refresh of the stored attach suggestions is
declared in `legami.aggregation.services.suggestions`, likewise.
"""

from legami.aggregation.services.runs import run_aggregation_task
from legami.aggregation.services.suggestions import refresh_suggestions_task

__all__ = ["refresh_suggestions_task", "run_aggregation_task"]
