"""The import pipeline itself, through a tiny test-only declaration (legami/core/tests/imports_example.py)."""

import io
import re

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from legami.core.importing import ImportFileError
from legami.core.imports import registry
from legami.core.imports.pipeline import import_file, run_import_job
from legami.core.imports.services import start_import
from legami.core.imports.tasks import run_import_task
from legami.core.management.file_import import FileImportCommand
from legami.core.models import AuditEvent, Job, LegalBasis, Processing
from legami.core.tests.imports_example import DEFAULT_PURPOSE, PROCESSINGS_IMPORT, ProcessingsImport

pytestmark = pytest.mark.urls("legami.core.tests.imports_example")

HEADER = ["codice", "nome", "finalita", "base_giuridica"]
GOOD = [
    ["newsletter", "Newsletter", "Informare i soci", "consent"],
    ["registro", "Registro delle persone", "", "public_task"],
]


@pytest.fixture(autouse=True)
def registered():
    registry.register(PROCESSINGS_IMPORT)
    yield PROCESSINGS_IMPORT
    registry.unregister(PROCESSINGS_IMPORT.kind)


def csv_file(rows, header=HEADER, sep=",", name="registro.csv") -> SimpleUploadedFile:
    lines = [sep.join(header), *(sep.join(row) for row in rows)]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode())


def xlsx_file(rows, header=HEADER) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("registro.xlsx", buffer.getvalue())


def run(cast, file, actor="coordinator", **kwargs):
    user = getattr(cast, actor) if actor else None
    return import_file(PROCESSINGS_IMPORT, actor=user, network=cast.network, file=file, file_name=file.name, **kwargs)


def url(name, cast, *args):
    return reverse(f"testimports:{name}", args=[cast.network.slug, *args])


# --- the run -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file",
    [
        csv_file(GOOD),
        csv_file(GOOD, sep=";"),
        csv_file(GOOD, header=["CODE", "Name", "purpose", "legal-basis"]),  # the English aliases, any case
        xlsx_file(GOOD),
    ],
    ids=["csv-comma", "csv-semicolon", "english-headers", "xlsx"],
)
def test_a_good_file_writes_every_row_through_the_service_and_one_import_event(cast, file):
    outcome = run(cast, file)
    assert outcome.ok and (outcome.total, outcome.created) == (2, 2)
    assert outcome.counts == {"purposes_defaulted": 1}
    stored = dict(Processing.objects.filter(network=cast.network).values_list("code", "purpose"))
    assert stored == {"newsletter": "Informare i soci", "registro": DEFAULT_PURPOSE}
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert (event.actor, event.object_type, event.object_repr) == (cast.coordinator, "core.processing", file.name)
    assert event.after == {"created": 2, "file": file.name, "purposes_defaulted": 1}
    # The service's own audit of each write is kept.
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="core.processing").count() == 2


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["codice", "finalita"], "Missing column: nome."),
        ([*HEADER, "colore"], "Unknown column: colore."),
        ([*HEADER, "code"], "Repeated column: codice."),
    ],
)
def test_a_bad_header_refuses_the_whole_file(cast, header, message):
    with pytest.raises(ImportFileError, match=message) as excinfo:
        run(cast, csv_file([[*GOOD[0], "x"][: len(header)]], header=header))
    assert "The expected columns are: codice, nome, finalita, base_giuridica." in str(excinfo.value)
    assert not Processing.objects.exists() and not AuditEvent.objects.exists()


def test_any_bad_cell_writes_nothing_and_every_problem_is_listed_by_row_and_column(cast):
    rows = [
        GOOD[0],
        ["", "Senza codice", "", "consent"],  # row 3
        ["newsletter", "Doppione", "", "maybe"],  # row 4: two problems
        GOOD[1],
    ]
    outcome = run(cast, csv_file(rows))
    assert not outcome.ok and outcome.total == 4
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (3, "codice", "This field is required."),
        (4, "codice", "The same code is already on row 2."),
        (
            4,
            "base_giuridica",
            f"Write one of {', '.join(LegalBasis.values)} (found “maybe”).",
        ),
    ]
    assert not Processing.objects.exists() and not AuditEvent.objects.exists()


def test_a_row_clashing_with_the_database_stops_the_file(cast):
    Processing.objects.create(network=cast.network, code="registro", name="R", purpose="P", legal_basis="consent")
    outcome = run(cast, csv_file(GOOD))
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "codice")]
    assert Processing.objects.count() == 1


def test_too_many_rows(cast, settings):
    settings.LEGAMI_IMPORT_MAX_ROWS = 1
    with pytest.raises(ImportFileError, match="more than 1 rows"):
        run(cast, csv_file(GOOD))
    assert not Processing.objects.exists()


def test_a_unique_value_taken_between_the_checks_and_the_write_rolls_everything_back(cast, monkeypatch):
    def taken_meanwhile(self, rows, context):
        Processing.objects.create(network=context.network, code="a", name="A", purpose="P", legal_basis="consent")
        Processing.objects.create(network=context.network, code="a", name="A", purpose="P", legal_basis="consent")

    monkeypatch.setattr(ProcessingsImport, "write", taken_meanwhile)
    with pytest.raises(ImportFileError, match="A code was taken meanwhile."):
        run(cast, csv_file(GOOD))
    assert not Processing.objects.exists() and not AuditEvent.objects.exists()


def test_progress_is_reported_while_checking_and_writing(cast, monkeypatch):
    monkeypatch.setattr(ProcessingsImport, "batch_size", 2)
    rows = [[f"code-{n}", f"Name {n}", "", "consent"] for n in range(5)]
    calls = []
    run(cast, csv_file(rows), progress=lambda done, total, phase: calls.append((phase, done, total)))
    assert calls == [
        ("validating", 0, 5),
        ("validating", 2, 5),
        ("validating", 4, 5),
        ("validating", 5, 5),
        ("writing", 2, 5),
        ("writing", 4, 5),
        ("writing", 5, 5),
    ]


@pytest.mark.parametrize("persona", ["case_manager", "citizen", "outsider"])
def test_the_run_asks_for_the_declarations_capability(cast, persona):
    with pytest.raises(PermissionDenied):
        run(cast, csv_file(GOOD), actor=persona)
    assert not Processing.objects.exists()


# --- the job -------------------------------------------------------------------------------------


def test_starting_audits_the_job_and_the_task_runs_it_once(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(
            declaration=PROCESSINGS_IMPORT,
            actor=cast.privacy_officer,
            network=cast.network,
            uploaded_file=csv_file(GOOD),
        )
    job.refresh_from_db()
    assert (job.kind, job.status, job.result) == (
        ProcessingsImport.kind,
        Job.Status.SUCCEEDED,
        {"created": 2, "purposes_defaulted": 1},
    )
    assert (job.processed, job.total, job.errors) == (2, 2, []) and not job.file
    start, *_writes, finish = AuditEvent.objects.order_by("id")
    assert (start.action, start.object_type, start.object_id) == (AuditEvent.Action.CREATE, "core.job", str(job.pk))
    assert start.object_repr == f"{ProcessingsImport.kind} registro.csv"
    assert (finish.action, finish.after["created"]) == (AuditEvent.Action.IMPORT, 2)
    # A retried task finds the job done and imports nothing more.
    assert run_import_task.call(job.pk) == {"job": job.pk, "status": "succeeded"}
    assert Processing.objects.count() == 2 and AuditEvent.objects.filter(action="import").count() == 1


def test_a_failed_job_keeps_the_problems_and_writes_nothing(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_import(
            declaration=PROCESSINGS_IMPORT,
            actor=cast.coordinator,
            network=cast.network,
            uploaded_file=csv_file([GOOD[0], ["", "x", "", "nope"]]),
        )
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.result == {"error_count": 2, "bad_rows": 1}
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "codice"), (3, "base_giuridica")]
    assert not Processing.objects.exists()
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [AuditEvent.Action.CREATE]


def test_a_job_whose_actor_lost_the_capability_imports_nothing(cast):
    job = start_import(
        declaration=PROCESSINGS_IMPORT, actor=cast.coordinator, network=cast.network, uploaded_file=csv_file(GOOD)
    )
    Job.objects.filter(pk=job.pk).update(actor=cast.case_manager)
    run_import_job(job=Job.objects.get(pk=job.pk), declaration=PROCESSINGS_IMPORT)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.result == {"file_error": "No longer allowed."}
    assert not Processing.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("registro.pdf", b"%PDF", "Upload a CSV file or an Excel workbook (.xlsx)."),
        ("registro.csv", b"", "The file is empty."),
    ],
)
def test_the_upload_checks_refuse_a_file_before_any_job(cast, name, content, message):
    with pytest.raises(ValidationError, match=re.escape(message)):
        start_import(
            declaration=PROCESSINGS_IMPORT,
            actor=cast.coordinator,
            network=cast.network,
            uploaded_file=SimpleUploadedFile(name, content),
        )
    assert not Job.objects.exists() and not AuditEvent.objects.exists()


def test_starting_asks_for_the_capability(cast):
    with pytest.raises(PermissionDenied):
        start_import(
            declaration=PROCESSINGS_IMPORT, actor=cast.case_manager, network=cast.network, uploaded_file=csv_file(GOOD)
        )
    assert not Job.objects.exists()


# --- the registry ----------------------------------------------------------------------------------


def test_the_registry_finds_a_declaration_by_kind_and_refuses_a_second_one_with_the_same_kind():
    assert registry.declaration_for(ProcessingsImport.kind) is PROCESSINGS_IMPORT
    assert {d.kind for d in registry.declarations()} >= {"people_import", "needs_import", ProcessingsImport.kind}

    class Impostor(ProcessingsImport):
        pass

    with pytest.raises(ValueError, match="Two imports declare the kind"):
        registry.register(Impostor())
    with pytest.raises(LookupError):
        registry.declaration_for("nothing_import")


# --- the pages -------------------------------------------------------------------------------------

ACCESS = [
    ("coordinator", 200),
    ("privacy_officer", 200),
    ("case_manager", 403),
    ("citizen", 403),
    ("outsider", 404),
    ("platform_admin", 404),
]


@pytest.mark.parametrize(("persona", "status"), ACCESS)
def test_every_page_asks_for_the_declarations_capability(cast, english_login, persona, status):
    job = Job.objects.create(network=cast.network, kind=ProcessingsImport.kind, actor=cast.coordinator)
    client = english_login(getattr(cast, persona))
    assert client.get(url("processings_import", cast)).status_code == status
    assert client.get(url("processings_import_template", cast)).status_code == status
    assert client.get(url("processings_import_job", cast, job.pk)).status_code == status
    response = client.post(url("processings_import", cast), {"file": csv_file(GOOD)})
    assert response.status_code == (302 if status == 200 else status)
    assert Job.objects.count() == (2 if status == 200 else 1)


def test_anonymous_visitors_are_sent_to_log_in(cast, english_login):
    response = english_login(None).get(url("processings_import", cast))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_the_upload_page_shows_the_columns_the_template_and_recent_jobs(cast, english_login):
    job = Job.objects.create(network=cast.network, kind=ProcessingsImport.kind, actor=cast.coordinator)
    Job.objects.create(network=cast.network, kind="people_import", actor=cast.coordinator, original_name="persone.csv")
    html = english_login(cast.coordinator).get(url("processings_import", cast)).content.decode()
    assert html.count("<h1") == 1 and "<title>Import processings" in html
    for column in HEADER:
        assert f"<code>{column}</code>" in html
    assert "<code>legal_basis</code>" in html  # the aliases
    assert url("processings_import_template", cast) + "?format=xlsx" in html
    assert url("processings_import_job", cast, job.pk) in html and "persone.csv" not in html


def test_uploading_redirects_to_the_job_page_which_shows_the_outcome(
    cast, english_login, django_capture_on_commit_callbacks
):
    client = english_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("processings_import", cast), {"file": csv_file(GOOD)})
    job = Job.objects.get()
    assert response["Location"] == url("processings_import_job", cast, job.pk)
    html = client.get(response["Location"]).content.decode()
    assert "Processings import no." in html and "2 processings imported." in html
    assert reverse("network:processings", args=[cast.network.slug]) in html and "hx-trigger" not in html


def test_a_bad_upload_redisplays_the_form(cast, english_login):
    response = english_login(cast.coordinator).post(url("processings_import", cast), {})
    assert response.status_code == 200 and "Choose a file to import." in response.content.decode()
    assert not Job.objects.exists()


def test_the_template_download_and_an_unknown_format(cast, english_login):
    client = english_login(cast.coordinator)
    response = client.get(url("processings_import_template", cast))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.splitlines() == [",".join(HEADER), "newsletter,Newsletter,Informare i soci,consent"]
    bad = client.get(url("processings_import_template", cast) + "?format=pdf")
    assert bad.status_code == 400 and "?format=xlsx" in bad.content.decode()


def test_the_job_page_shows_only_this_imports_jobs_of_this_network(cast, english_login):
    people = Job.objects.create(network=cast.network, kind="people_import", actor=cast.coordinator)
    elsewhere = Job.objects.create(network=cast.other_network, kind=ProcessingsImport.kind, actor=cast.outsider)
    client = english_login(cast.coordinator)
    assert client.get(url("processings_import_job", cast, people.pk)).status_code == 404
    assert client.get(url("processings_import_job", cast, elsewhere.pk)).status_code == 404


def test_a_running_job_polls_and_the_htmx_fragment_is_the_status_only(cast, english_login):
    job = Job.objects.create(
        network=cast.network,
        kind=ProcessingsImport.kind,
        actor=cast.coordinator,
        status=Job.Status.RUNNING,
        total=10,
        processed=4,
        result={"phase": "writing"},
    )
    client = english_login(cast.coordinator)
    html = client.get(url("processings_import_job", cast, job.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in html and "4 of 10 rows checked (40%)" in html and "saving the processings" in html
    fragment = client.get(url("processings_import_job", cast, job.pk), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="job-status"') and "<h1" not in fragment


def test_an_old_job_address_redirects_for_this_imports_jobs_only(cast, english_login):
    job = Job.objects.create(network=cast.network, kind=ProcessingsImport.kind, actor=cast.coordinator)
    people = Job.objects.create(network=cast.network, kind="people_import", actor=cast.coordinator)
    client = english_login(cast.coordinator)
    response = client.get(url("old_job", cast, job.pk))
    assert response.status_code == 302 and response["Location"] == url("processings_import_job", cast, job.pk)
    assert client.get(url("old_job", cast, people.pk)).status_code == 404
    assert english_login(cast.case_manager).get(url("old_job", cast, job.pk)).status_code == 403


# --- the command -----------------------------------------------------------------------------------


class ProcessingsCommand(FileImportCommand):
    kind = ProcessingsImport.kind


def command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(ProcessingsCommand(), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, rows):
    path = tmp_path / "registro.csv"
    path.write_bytes(csv_file(rows).read())
    return path


def test_the_command_imports_with_a_progress_bar(cast, tmp_path):
    path = write(tmp_path, GOOD)
    out, err = command("--network", cast.network.slug, "--file", str(path), "--actor", cast.coordinator.email)
    assert "2 processings imported." in out and "2/2" in err
    assert Processing.objects.count() == 2 and not Job.objects.exists()


def test_the_command_prints_every_problem_and_writes_nothing(cast, tmp_path):
    path = write(tmp_path, [GOOD[0], ["", "x", "", "nope"]])
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problems in 1 of 2 rows: nothing was imported."):
        options = ["--network", cast.network.slug, "--file", str(path), "--actor", cast.coordinator.email]
        call_command(ProcessingsCommand(), *options, stderr=err)
    assert [line for line in err.getvalue().splitlines() if line.startswith("row ")] == [
        "row 3, column codice: This field is required.",
        f"row 3, column base_giuridica: {run(cast, csv_file([['', 'x', '', 'nope']])).errors[1].message}",
    ]
    assert not Processing.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--network", "nessuna"], "No network with slug nessuna."),
        (
            ["--actor", "case_manager@example.org"],
            "case_manager@example.org may not import processings into rete-prova.",
        ),
        (["--file", "/nonexistent/registro.csv"], "No file at /nonexistent/registro.csv."),
    ],
)
def test_the_command_refuses_wrong_arguments(cast, tmp_path, args, message):
    options = {"--network": cast.network.slug, "--file": str(write(tmp_path, GOOD)), "--actor": cast.coordinator.email}
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError, match=message):
        command(*[item for pair in options.items() for item in pair])
    assert not Processing.objects.exists()


# --- a row checked by a write's input rules ---------------------------------------------------------------------


def test_a_row_is_checked_by_the_writes_rules_and_each_error_lands_on_its_column():
    from legami.core import inputs
    from legami.core.importing import TableRow
    from legami.core.imports import CellError, Column, ImportContext, RowCheck, rule

    def shout(value):
        if value == "boom":
            raise CellError("Boom.")
        return value

    rules = inputs.Rules(
        {
            "name": inputs.Text(required=True, max_length=5),
            "seats": inputs.Integer(min_value=1, default=20),
            "tag": inputs.Text(required=True),
        }
    )
    columns = (
        Column("nome", field="name"),
        Column("posti", field="seats"),
        Column("etichetta", field="tag", parse=shout),
        Column("nota", parse=rule(inputs.Text(max_length=3))),
    )
    context = ImportContext(network=None, actor=None, file_name="f.csv", districts=None)

    def check(**cells):
        row = RowCheck(TableRow(2, cells), columns, context)
        return row, row.clean(rules)

    row, values = check(nome="Anna", posti=" ", etichetta="x", nota="")
    assert row.ok and values == {"name": "Anna", "seats": 20, "tag": "x"}  # an empty cell takes the default
    context.problems.clear()
    row, values = check(nome="Annabella", posti="0", etichetta="boom", nota="lunga")
    assert values is None
    # The failed parse is reported once (not again as "required"); the rules' errors go on their columns.
    assert [(e.column, e.message) for e in context.problems] == [
        ("etichetta", "Boom."),
        ("nota", "At most 3 characters."),
        ("nome", "At most 5 characters."),
        ("posti", "Enter a number of at least 1."),
    ]
