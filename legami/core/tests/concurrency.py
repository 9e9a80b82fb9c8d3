"""Running a test's jobs at the same moment, for the concurrency tests (row locks, constraints, ledgers)."""

import threading
import time
from contextlib import nullcontext

from django.db import connections
from django.utils import translation


def run_together(*jobs, stagger: float = 0.0, timeout: float = 60.0, language: str | None = None) -> list:
    """Run each job in its own thread (so on its own database connection), all released at once (each one
    `stagger` seconds after the previous, when given); return each job's result or the exception it raised.
    A thread starts in the default language: give `language` to have the jobs speak another one."""
    results: list = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def run(index, job):
        try:
            barrier.wait()
            time.sleep(stagger * index)
            with translation.override(language) if language else nullcontext():
                results[index] = job()
        except Exception as exc:  # noqa: BLE001 — the test looks at what each thread got
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
