"""Writes about the audit log itself: downloading it and verifying its chain are audited acts.

The page verifies in the background (a Job run by a worker); `manage.py verify_audit` verifies at once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_tasks import task

from legami.core.audit import record_event, record_verification
from legami.core.audit_chain import ChainResult, verify_chain
from legami.core.capabilities import VIEW_AUDIT
from legami.core.jobs import claim_job, enqueue_job, finish_job, run_queued_job
from legami.core.models import AuditEvent, DataClass, Job
from legami.core.permissions import require
from legami.network.models import Network
from legami.network.selectors.audit import VERIFY_JOB_KIND, VerifyError, pending_verification_jobs


@transaction.atomic
def record_audit_export(*, actor: Any, network: Network, filters: dict[str, Any]) -> AuditEvent:
    """Record that `actor` downloaded the network's audit log with these filters (it names people)."""
    require(actor, VIEW_AUDIT, network)
    return record_event(
        actor=actor,
        action=AuditEvent.Action.EXPORT,
        object_type="core.auditevent",
        object_repr="audit log",
        network=network,
        after={"filters": {k: str(v) for k, v in filters.items() if v not in (None, "")}},
        data_class=DataClass.PERSONAL,
    )


@transaction.atomic
def verify_audit_chain(*, actor: Any, network: Network) -> ChainResult:
    """Verify the network's audit chain here and record the outcome (who verified, when, the first broken link)."""
    require(actor, VIEW_AUDIT, network)
    result = verify_chain(network)
    record_verification(actor=actor, result=result)
    return result


def _pending_job(network: Network) -> Job | None:
    return pending_verification_jobs(network).first()


def start_audit_verification(*, actor: Any, network: Network) -> tuple[Job, bool]:
    """Queue a verification of the network's audit chain for `actor`, once the transaction commits.

    Returns the job and True; or the job already queued or running for this network and False (no second one).
    PermissionDenied without the audit capability.
    """
    require(actor, VIEW_AUDIT, network)
    with transaction.atomic():
        # The network's row, locked, puts two simultaneous requests one after the other: only one job is queued.
        Network.objects.select_for_update().filter(pk=network.pk).first()
        pending = _pending_job(network)
        if pending is not None:
            return pending, False
        job = Job.objects.create(network=network, kind=VERIFY_JOB_KIND, actor=actor)
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job, True


def _enqueue(job_id: int) -> None:
    enqueue_job(
        job_id=job_id,
        task=verify_audit_task,
        error_key="error",
        error_message=VerifyError.NOT_QUEUED,
    )


def run_audit_verification(job: Job) -> Job:
    """Run a queued verification job once: verify the chain, record it as its actor's, finish the job.

    A broken chain is a verification that succeeded (its outcome says where the chain breaks); the job fails
    when its actor may no longer read the log, or on an unexpected error.
    """
    if not claim_job(job, kind=VERIFY_JOB_KIND):
        return job
    try:
        if job.actor is None:
            raise PermissionDenied
        result = verify_audit_chain(actor=job.actor, network=job.network)
    except PermissionDenied:
        finish_job(job, failed=True, result={"error": VerifyError.REFUSED})
    except Exception:
        finish_job(job, failed=True, result={"error": VerifyError.STOPPED})
        raise
    else:
        broken = result.broken.as_dict() if result.broken else None
        outcome = {"ok": result.ok, "checked": result.checked, "broken": broken}
        finish_job(job, failed=False, result=outcome, processed=result.checked, total=result.checked)
    return job


@task()
def verify_audit_task(job_id: int) -> dict:
    """Verify a network's audit chain for the verification Job `job_id`; return the job's final status."""
    return run_queued_job(job_id, run_audit_verification, what="Audit verification")
