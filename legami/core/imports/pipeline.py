"""The run of an import, the same for every declaration: read the file, check every row, and write all or nothing.

`import_file` is the whole run (the command calls it directly); `run_import_job` runs it for a queued Job
(the background task calls it) and records the outcome on the job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext

from legami.core.audit import record_event
from legami.core.importing import ImportFileError, RowError, read_table
from legami.core.imports.declaration import ImportContext, ImportDeclaration, RowCheck
from legami.core.jobs import claim_job, finish_job, job_language
from legami.core.models import AuditEvent, Job
from legami.core.permissions import district_scope, require

# How many bad cells a job keeps to show; the command prints them all.
MAX_SHOWN_ERRORS = 500

Progress = Callable[..., None]


@dataclass
class ImportOutcome:
    """What an import did: `errors` non-empty means nothing was written; `counts` are the declaration's extras."""

    total: int = 0
    created: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _silent(processed: int, total: int, *, phase: str) -> None:
    return None


def import_file(
    declaration: ImportDeclaration,
    *,
    actor: Any,
    network: Any,
    file: Any,
    file_name: str = "",
    progress: Progress | None = None,
) -> ImportOutcome:
    """Check every row of `file` and, only if all are good, write them all in one transaction, audited.

    `actor` None is a trusted system call (the command run by the operator); otherwise the actor needs
    the declaration's capability. Raises ImportFileError when the file cannot be read; returns the row
    errors (and writes nothing) when any row is bad. `progress(processed, total, phase=...)` is called
    every `declaration.progress_every` rows, phase "validating", then per batch written, phase "writing".
    """
    if actor is not None:
        require(actor, declaration.capability, network)
    rows = read_table(
        file,
        columns=declaration.header(),
        required=declaration.required(),
        max_rows=getattr(settings, "LEGAMI_IMPORT_MAX_ROWS", 100_000),
        aliases=declaration.aliases(),
    )
    report = progress or _silent
    total = len(rows)
    outcome = ImportOutcome(total=total)
    report(0, total, phase="validating")
    districts = district_scope(actor, declaration.capability, network) if actor is not None else None
    context = ImportContext(network=network, actor=actor, file_name=file_name, districts=districts)
    context.state = declaration.begin(context)
    checked = []
    for index, row in enumerate(rows, start=1):
        values = declaration.check_row(RowCheck(row, declaration.columns, context), context)
        if values is not None:
            checked.append(values)
        if index % declaration.progress_every == 0 and index < total:
            report(index, total, phase="validating")
    declaration.check_file(checked, context)
    report(total, total, phase="validating")
    if context.problems:
        outcome.errors = _sorted(context.problems, declaration.header())
        return outcome
    try:
        outcome.counts = _write(declaration, checked, context, report)
    except IntegrityError as exc:
        # Someone took one of the file's unique values between the checks and the write.
        raise ImportFileError(declaration.conflict_message) from exc
    outcome.created = len(checked)
    return outcome


def _sorted(errors: Iterable[RowError], header: tuple[str, ...]) -> list[RowError]:
    order = {name: i for i, name in enumerate(header)}
    return sorted(errors, key=lambda e: (e.row or 0, order.get(e.column, len(order)), e.message))


def _write(declaration: ImportDeclaration, rows: list[Any], context: ImportContext, report: Progress) -> dict[str, int]:
    """Write the rows in batches in one transaction, then the import's audit event; the declaration's counts."""
    size = declaration.batch_size or max(len(rows), 1)
    batches = [rows[start : start + size] for start in range(0, len(rows), size)] or [[]]
    counts: dict[str, int] = {}
    done = 0
    # Each batch is announced before it is written, so the first report (outside the transaction) lets the
    # job page show "saving" while a long write runs.
    report(min(size, len(rows)), len(rows), phase="writing")
    with transaction.atomic():
        for index, batch in enumerate(batches):
            if index:
                report(min(done + len(batch), len(rows)), len(rows), phase="writing")
            for name, value in (declaration.write(batch, context) or {}).items():
                counts[name] = counts.get(name, 0) + value
            done += len(batch)
        record_event(
            actor=context.actor,
            action=AuditEvent.Action.IMPORT,
            network=context.network,
            object_type=declaration.model._meta.label_lower,
            object_repr=context.file_name[:300],
            after={"created": len(rows), "file": context.file_name, **counts},
            data_class=declaration.data_class,
        )
    return counts


def run_import_job(*, job: Job, declaration: ImportDeclaration, progress: Progress | None = None) -> Job:
    """Run a queued import job once: check, write if every row is good, record the outcome on the job.

    The outcome is written in the actor's language; a retried task or a second worker never runs it again.
    """
    if not claim_job(job, kind=declaration.kind):
        return job
    actor = job.actor

    def report(processed: int, total: int, *, phase: str = "validating") -> None:
        # Short writes outside the import's transaction, so the job page sees them at once.
        Job.objects.filter(pk=job.pk).update(processed=processed, total=total, result={"phase": phase})
        if progress is not None:
            progress(processed, total, phase=phase)

    with translation.override(job_language(job)):
        try:
            if actor is None:
                raise PermissionDenied
            with job.file.open("rb") as handle:
                outcome = import_file(
                    declaration,
                    actor=actor,
                    network=job.network,
                    file=handle,
                    file_name=job.original_name,
                    progress=report,
                )
        except PermissionDenied:
            finish_job(job, failed=True, result={"file_error": str(declaration.refused_message)})
        except ImportFileError as exc:
            finish_job(job, failed=True, result={"file_error": str(exc)})
        except Exception:
            unexpected = gettext("The import stopped because of an unexpected error. Nothing was imported.")
            finish_job(job, failed=True, result={"file_error": unexpected})
            raise
        else:
            total = outcome.total
            if outcome.ok:
                result = {"created": outcome.created, **outcome.counts}
                finish_job(job, failed=False, result=result, processed=total, total=total)
            else:
                finish_job(
                    job,
                    failed=True,
                    errors=[e.as_dict() for e in outcome.errors[:MAX_SHOWN_ERRORS]],
                    result={"error_count": len(outcome.errors), "bad_rows": len({e.row for e in outcome.errors})},
                    processed=total,
                    total=total,
                )
    return job
