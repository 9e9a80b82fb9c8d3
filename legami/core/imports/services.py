"""Starting an import: the upload is checked, saved to a Job, audited and queued once the transaction commits."""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from legami.core.audit import record_event
from legami.core.importing import check_upload
from legami.core.imports.declaration import ImportDeclaration
from legami.core.imports.tasks import run_import_task
from legami.core.jobs import enqueue_job
from legami.core.models import AuditEvent, DataClass, Job
from legami.core.permissions import require


def start_import(*, declaration: ImportDeclaration, actor: Any, network: Any, uploaded_file: Any) -> Job:
    """Save an uploaded file to a new Job of the declaration's kind, audit it, and queue its run after commit.

    PermissionDenied without the declaration's capability; ValidationError on the "file" field for a
    file that is missing, not a spreadsheet, empty or too large.
    """
    require(actor, declaration.capability, network)
    name, extension = check_upload(uploaded_file)
    with transaction.atomic():
        job = Job(network=network, kind=declaration.kind, actor=actor, original_name=name[:255])
        # The stored name says nothing about what is in the file; the user's name is kept for display.
        job.file.save(f"{declaration.slug}-{uuid.uuid4().hex}{extension}", uploaded_file, save=False)
        job.save()
        record_event(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=job,
            object_repr=f"{declaration.kind} {name}"[:300],
            data_class=DataClass.PERSONAL,
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    enqueue_job(
        job_id=job_id,
        task=run_import_task,
        error_key="file_error",
        error_message=_("The import could not be queued. Try again later."),
    )
