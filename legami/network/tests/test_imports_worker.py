"""The real worker path: the import queued in the database backend and run by `manage.py db_worker`."""

import io
import signal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from legami.core.models import AuditEvent, Job
from legami.network.models import Person
from legami.network.services.imports import start_people_import
from legami.network.tests.test_imports_services import people_csv


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def restore_signals():
    # The worker installs its own SIGINT/SIGTERM handlers: give the test run its own back.
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_db_worker_runs_a_queued_people_import(cast, database_tasks, restore_signals):
    content = people_csv([{"nome": "Maria", "cognome": "Rossi"}, {"nome": "Luca", "cognome": "Bo"}])
    job = start_people_import(
        actor=cast.coordinator, network=cast.network, uploaded_file=SimpleUploadedFile("people.csv", content)
    )

    # Committed: the task waits in the database, the job is queued.
    job.refresh_from_db()
    task_result = DBTaskResult.objects.get()
    assert job.status == Job.Status.QUEUED and job.task_result_id == str(task_result.id)
    assert task_result.task_path == "legami.core.imports.tasks.run_import_task"
    assert task_result.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert Person.objects.count() == 0

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", stdout=io.StringIO())

    job.refresh_from_db()
    task_result.refresh_from_db()
    assert task_result.status == "SUCCESSFUL"
    assert task_result.return_value == {"job": job.pk, "status": "succeeded"}
    assert job.status == Job.Status.SUCCEEDED and job.result["created"] == 2
    assert Person.objects.filter(network=cast.network).count() == 2
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1
