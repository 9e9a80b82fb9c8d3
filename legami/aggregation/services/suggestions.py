"""Writes of demand aggregation: the stored attach suggestions, refreshed by a background job.

The "new needs to attach" page reads stored rows only (selectors.suggestions.stored_suggestions). They are
computed by `suggest_attachments` in a background task, queued:
- at the end of an aggregation run (the run stores the suggestions it computed anyway, `store_suggestions`);
- after a demand is accepted, discarded, merged, split, answered or reopened, or gains or loses a need
  (`suggestions_changed`, in `transaction.on_commit`); closing or renaming one changes nothing they read;
- when the page finds the stored set stale (the needs revision or the demands stamp moved).
One refresh at most is queued or running per network: a request while one is under way adds nothing (the page
queues another, if still stale, once it has finished).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from legami.aggregation.capabilities import REVIEW_DEMANDS as REVIEW
from legami.aggregation.models import SUGGESTIONS_JOB_KIND, AttachSuggestion, SuggestionState
from legami.aggregation.selectors.suggestions import refresh_under_way
from legami.core.jobs import claim_job, enqueue_job, finish_job, job_language, run_queued_job
from legami.core.models import Job
from legami.core.permissions import require
from legami.network.models import Network

logger = logging.getLogger(__name__)


def refresh_suggestions(*, actor: Any, network: Network) -> Job | None:
    """Queue a refresh of the network's attach suggestions (reviewers of demands only); None when one is already
    queued or running (that one will do)."""
    require(actor, REVIEW, network)
    return _queue(network, actor=actor)


def suggestions_changed(network: Network, *, actor: Any = None) -> None:
    """A write changed what the suggestions depend on (a demand's status or needs): queue a refresh once the
    transaction commits. Called by the aggregation services, which have checked the actor's permission."""
    network_id = network.pk
    transaction.on_commit(lambda: _queue_by_id(network_id, actor=actor))


def _queue_by_id(network_id: int, *, actor: Any) -> None:
    network = Network.objects.filter(pk=network_id).first()
    if network is not None:
        _queue(network, actor=actor)


def _queue(network: Network, *, actor: Any) -> Job | None:
    with transaction.atomic():
        # The network row serialises concurrent requests (a no-op on SQLite, whose writes are serial anyway).
        Network.objects.select_for_update().filter(pk=network.pk).first()
        if refresh_under_way(network):
            return None
        job = Job.objects.create(
            network=network,
            kind=SUGGESTIONS_JOB_KIND,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    enqueue_job(
        job_id=job_id,
        task=refresh_suggestions_task,
        error_key="error",
        error_message=gettext("The suggestions could not be queued for computing. Try again later."),
    )


def run_refresh(*, job: Job, engine: Any = None) -> Job:
    """Run a queued refresh: compute the network's suggestions and store them in place of the previous ones."""
    if not claim_job(job, kind=SUGGESTIONS_JOB_KIND):
        return job
    with translation.override(job_language(job)):
        try:
            if job.actor is not None:
                require(job.actor, REVIEW, job.network)
            count = store_suggestions(job.network, engine=engine)
        except PermissionDenied:
            finish_job(job, failed=True, result={"error": gettext("You are no longer allowed to review the demands.")})
        except Exception as exc:
            logger.exception("Suggestions job %s failed", job.pk)
            finish_job(
                job,
                failed=True,
                result={
                    "error": gettext("The suggestions could not be computed (%(error)s).")
                    % {"error": type(exc).__name__}
                },
            )
        else:
            finish_job(job, failed=False, result={"suggestions": count}, total=count, processed=count)
    return job


@task()
def refresh_suggestions_task(job_id: int) -> dict:
    """Refresh the attach suggestions of Job `job_id` (run by `manage.py db_worker`)."""
    return run_queued_job(job_id, lambda job: run_refresh(job=job), what="Suggestions")


def store_suggestions(network: Network, *, engine: Any = None, vocabulary: Any = None, evidence: Any = None) -> int:
    """Compute the network's suggestions and replace the stored ones, with the stamps of the data as they were
    before computing (a write meanwhile leaves them stale); how many there are."""
    from legami.aggregation.selectors.suggestions import current_stamps, suggest_attachments

    stamps = current_stamps(network)
    found = suggest_attachments(network, engine=engine, vocabulary=vocabulary, evidence=evidence)
    now = timezone.now()
    with transaction.atomic():
        AttachSuggestion.objects.filter(network=network).delete()
        AttachSuggestion.objects.bulk_create(
            [
                AttachSuggestion(
                    network=network,
                    need_id=s.need.pk,
                    demand_id=s.demand.pk,
                    similarity=s.similarity,
                    current_demand_id=s.current.pk if s.current is not None else None,
                    computed_at=now,
                )
                for s in found
            ],
            batch_size=1000,
        )
        SuggestionState.objects.update_or_create(
            network=network,
            defaults={
                "needs_revision": stamps.needs_revision,
                "demands_stamp": stamps.demands_stamp,
                "computed_at": now,
                "count": len(found),
            },
        )
    return len(found)
