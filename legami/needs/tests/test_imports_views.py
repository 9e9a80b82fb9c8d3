"""Part C: the import page, the job (task and progress page), the command, the template and the export."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from legami.core.models import AuditEvent, DataClass, Job
from legami.core.roles import CAPABILITIES, Role
from legami.core.tests import factories as f
from legami.needs.models import Need, PrivacyLevel
from legami.needs.services.imports import NEED_IMPORT_COLUMNS, NeedsImport, import_needs_file, run_needs_import
from legami.needs.tests.factories import NeedFactory
from legami.needs.tests.test_imports_services import GOOD, make_territory, needs_csv

ALL = [
    "coordinator",
    "case_manager",
    "community_worker",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "privacy_officer",
    "district_case_manager",
    "outsider",
    "platform_admin",
]
EXPECTED = {p: (200 if p == "coordinator" else 404 if p in ("outsider", "platform_admin") else 403) for p in ALL}


@pytest.fixture
def territory(cast):
    return make_territory(cast)


def url(name, cast, *args):
    return reverse(f"needs:{name}", args=[cast.network.slug, *args])


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# --- import page and job ------------------------------------------------------------------------


def test_import_page_shows_the_form_the_columns_and_the_template(cast, english_login):
    response = english_login(cast.coordinator).get(url("needs_import", cast))
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<h1") == 1
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    for column in NEED_IMPORT_COLUMNS:
        assert f"<code>{column}</code>" in html
    assert url("needs_import_template", cast) + "?format=csv" in html
    assert "<title>Import needs" in html


@pytest.mark.parametrize(("persona", "status"), EXPECTED.items())
def test_import_access(cast, english_login, territory, persona, status):
    client = english_login(getattr(cast, persona))
    assert client.get(url("needs_import", cast)).status_code == status
    assert client.get(url("needs_import_template", cast)).status_code == status
    response = client.post(url("needs_import", cast), {"file": SimpleUploadedFile("b.csv", needs_csv([GOOD]))})
    assert response.status_code == (302 if status == 200 else status)
    if status != 200:
        assert not Job.objects.exists() and not Need.objects.exists()


def test_anonymous_is_sent_to_log_in(cast, english_login):
    client = english_login(None)
    for name in ("needs_import", "needs_import_template", "needs_export"):
        response = client.get(url(name, cast))
        assert response.status_code == 302 and "login" in response["Location"]


def test_upload_runs_the_job_and_its_page_shows_the_outcome(
    cast,
    english_login,
    territory,
    django_capture_on_commit_callbacks,
):
    client = english_login(cast.coordinator)
    rows = [GOOD, GOOD | {"id_esterno": "SP-2"}]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("needs_import", cast), {"file": SimpleUploadedFile("bisogni.csv", needs_csv(rows))})
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == url("needs_import_job", cast, job.pk)
    assert (job.kind, job.status, job.processed, job.total, job.result) == (
        "needs_import",
        Job.Status.SUCCEEDED,
        2,
        2,
        {"created": 2},
    )
    assert not job.file and Need.objects.count() == 2
    html = client.get(response["Location"]).content.decode()
    assert "2 needs imported." in html and "hx-get" not in html
    assert client.get(url("needs_import", cast)).content.decode().count(url("needs_import_job", cast, job.pk)) == 1


def test_a_bad_file_fails_the_job_with_every_problem_listed(
    cast,
    english_login,
    territory,
    django_capture_on_commit_callbacks,
):
    client = english_login(cast.coordinator)
    rows = [GOOD | {"area": "??"}, GOOD | {"id_esterno": "SP-2", "urgenza": "x"}]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("needs_import", cast), {"file": SimpleUploadedFile("bisogni.csv", needs_csv(rows))})
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and job.result == {"error_count": 2, "bad_rows": 2}
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "area"), (3, "urgenza")]
    html = client.get(url("needs_import_job", cast, job.pk)).content.decode()
    assert "Import failed: nothing was imported" in html and "<code>urgenza</code>" in html
    assert not Need.objects.exists()


def test_an_unreadable_file_fails_the_job_with_its_reason(cast, english_login, django_capture_on_commit_callbacks):
    client = english_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("needs_import", cast), {"file": SimpleUploadedFile("bisogni.csv", b"nome\nAnna\n")})
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED and "Missing columns" in job.result["file_error"]
    assert "Missing columns" in client.get(url("needs_import_job", cast, job.pk)).content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("bisogni.pdf", b"%PDF-1.4", "Upload a CSV file"), ("bisogni.csv", b"", "The file is empty")],
)
def test_bad_uploads_redisplay_the_form(cast, english_login, name, content, message):
    response = english_login(cast.coordinator).post(
        url("needs_import", cast), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Job.objects.exists()


def test_the_task_reports_progress_on_the_job(cast, territory, monkeypatch):
    monkeypatch.setattr(NeedsImport, "progress_every", 1)
    seen = []
    rows = [GOOD | {"id_esterno": f"R{i}"} for i in range(3)]
    job = Job.objects.create(network=cast.network, kind="needs_import", actor=cast.coordinator, original_name="b.csv")
    job.file.save("needs-test.csv", SimpleUploadedFile("b.csv", needs_csv(rows)))

    def progress(done, total, phase):
        stored = Job.objects.get(pk=job.pk)
        seen.append((phase, stored.processed, stored.total, stored.status))

    run_needs_import(job=job, progress=progress)
    assert seen[:4] == [
        ("validating", 0, 3, "running"),
        ("validating", 1, 3, "running"),
        ("validating", 2, 3, "running"),
        ("validating", 3, 3, "running"),
    ]
    assert seen[-1][0] == "writing"
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and Need.objects.count() == 3
    # A second run of the same job (a retried task) imports nothing more.
    run_needs_import(job=job)
    assert Need.objects.count() == 3


def test_a_job_whose_actor_lost_the_role_imports_nothing(cast, territory):
    job = Job.objects.create(network=cast.network, kind="needs_import", actor=cast.case_manager, original_name="b.csv")
    job.file.save("needs-test.csv", SimpleUploadedFile("b.csv", needs_csv([GOOD])))
    run_needs_import(job=job)
    job.refresh_from_db()
    # The job speaks its actor's language (Italian by default), whoever reads the page.
    with translation.override("it"):
        expected = gettext("You are no longer allowed to import needs here.")
    assert job.status == Job.Status.FAILED and job.result["file_error"] == expected
    assert not Need.objects.exists()


def test_running_job_page_polls_and_works_without_javascript(cast, english_login):
    job = Job.objects.create(
        network=cast.network,
        kind="needs_import",
        actor=cast.coordinator,
        status=Job.Status.RUNNING,
        total=10,
        processed=4,
        result={"phase": "validating"},
    )
    client = english_login(cast.coordinator)
    html = client.get(url("needs_import_job", cast, job.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in html and "4 of 10 rows checked (40%)" in html
    assert f'href="{url("needs_import_job", cast, job.pk)}"' in html and html.count("<h1") == 1
    fragment = client.get(url("needs_import_job", cast, job.pk), HTTP_HX_REQUEST="true").content.decode()
    assert "<h1" not in fragment and 'id="job-status"' in fragment


def test_other_jobs_are_not_found_on_the_needs_job_page(cast, english_login):
    people = Job.objects.create(network=cast.network, kind="people_import", actor=cast.coordinator)
    elsewhere = Job.objects.create(network=cast.other_network, kind="needs_import", actor=cast.outsider)
    client = english_login(cast.coordinator)
    assert client.get(url("needs_import_job", cast, people.pk)).status_code == 404
    assert client.get(url("needs_import_job", cast, elsewhere.pk)).status_code == 404


# --- template download --------------------------------------------------------------------------


def test_template_has_the_header_and_two_example_rows_that_import(cast, english_login, territory):
    response = english_login(cast.coordinator).get(url("needs_import_template", cast))
    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0] == list(NEED_IMPORT_COLUMNS) and len(rows) == 3
    content = "\n".join(",".join(f'"{c}"' for c in row) for row in rows).encode()
    outcome = import_needs_file(actor=cast.coordinator, network=cast.network, file=SimpleUploadedFile("t.csv", content))
    assert outcome.ok, outcome.errors
    xlsx = english_login(cast.coordinator).get(url("needs_import_template", cast) + "?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_unknown_format_is_a_400(cast, english_login):
    client = english_login(cast.coordinator)
    for name in ("needs_import_template", "needs_export"):
        response = client.get(url(name, cast) + "?format=pdf")
        assert response.status_code == 400 and "“pdf” is not a format" in response.content.decode()


# --- export -------------------------------------------------------------------------------------


@pytest.fixture
def recorded(cast, territory):
    cremona, crema = cast.municipalities
    area = territory["areas"]["conciliazione"]
    return {
        "plain": NeedFactory(
            network=cast.network,
            area=area,
            municipality=cremona,
            neighbourhood=territory["po"],
            external_id="E-1",
            description="=1+1 doposcuola",
            time_windows=[{"day": 1, "start": "16:00", "end": "18:30"}],
            latitude="45.133500",
            longitude="10.022700",
            people_count=2,
            urgency=4,
            expressed=False,
        ),
        "case": NeedFactory(
            network=cast.network,
            area=area,
            municipality=cremona,
            privacy_level=PrivacyLevel.CASE_TEAM,
            description="Diagnosi riservata",
            external_id="E-2",
        ),
        "crema": NeedFactory(network=cast.network, area=area, municipality=crema, description="A Crema"),
        "other": NeedFactory(network=cast.other_network, municipality=cremona, description="Altra rete"),
    }


@pytest.mark.parametrize(("persona", "status"), EXPECTED.items())
def test_export_access(cast, english_login, persona, status):
    assert english_login(getattr(cast, persona)).get(url("needs_export", cast)).status_code == status


def test_export_has_the_import_columns_escapes_formulas_and_is_audited(cast, english_login, recorded):
    response = english_login(cast.coordinator).get(url("needs_export", cast))
    rows = read_csv(response)
    assert rows[0] == list(NEED_IMPORT_COLUMNS) and len(rows) == 4
    by_id = {row[0]: dict(zip(NEED_IMPORT_COLUMNS, row, strict=True)) for row in rows[1:]}
    plain = by_id["E-1"]
    assert plain["descrizione"] == "'=1+1 doposcuola"
    assert (plain["area"], plain["comune"], plain["quartiere"], plain["urgenza"], plain["espresso"]) == (
        "conciliazione",
        "019036",
        "Po",
        "urgente",
        "no",
    )
    assert (plain["fasce_orarie"], plain["lat"], plain["persone"], plain["riservatezza"]) == (
        "mar 16:00-18:30",
        "45.133500",
        "2",
        "rete",
    )
    # The coordinator is on the case team: the case-team need is exported whole, and the export says so.
    assert by_id["E-2"]["descrizione"] == "Diagnosi riservata" and by_id["E-2"]["riservatezza"] == "equipe"
    assert "Altra rete" not in str(rows)
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.after["count"] == 3 and event.after["case_needs"] == 1 and event.data_class == DataClass.CASE
    assert event.actor == cast.coordinator and event.network == cast.network


def test_export_honours_the_list_filters(cast, english_login, recorded):
    client = english_login(cast.coordinator)
    crema = cast.municipalities[1]
    rows = read_csv(client.get(url("needs_export", cast) + f"?municipality={crema.pk}&format=csv"))
    assert len(rows) == 2 and rows[1][3] == "019035"
    rows = read_csv(client.get(url("needs_export", cast) + "?urgency=4"))
    assert [row[0] for row in rows[1:]] == ["E-1"]
    rows = read_csv(client.get(url("needs_export", cast) + "?expressed=no&format=csv"))
    assert [row[0] for row in rows[1:]] == ["E-1"]
    # Like the list, the export ignores a value it cannot read rather than failing.
    rows = read_csv(client.get(url("needs_export", cast) + "?urgency=9"))
    assert len(rows) == 4
    assert AuditEvent.objects.get(action="export", after__filters__urgency="4").actor == cast.coordinator


def test_a_district_limited_exporter_gets_only_its_district(cast, english_login, recorded):
    user = f.UserFactory(email="district-coordinator@example.org")
    f.MembershipFactory(network=cast.network, user=user, role=Role.COORDINATOR, district=cast.district)
    rows = read_csv(english_login(user).get(url("needs_export", cast)))
    assert sorted(row[3] for row in rows[1:]) == ["019036", "019036"]


def test_case_team_needs_do_not_leave_without_the_case_team_capability(cast, english_login, recorded, monkeypatch):
    # No role exports without being on the case team today; should one ever, its file holds no case data.
    monkeypatch.setitem(CAPABILITIES, "needs.export_needs", frozenset({Role.COORDINATOR, Role.COMMUNITY_WORKER}))
    rows = read_csv(english_login(cast.community_worker).get(url("needs_export", cast)))
    assert "E-2" not in [row[0] for row in rows] and "Diagnosi riservata" not in str(rows)
    assert AuditEvent.objects.get(action="export").data_class == DataClass.PERSONAL


def test_case_team_descriptions_are_blanked_when_the_rows_are_not_for_the_case_team(recorded):
    from legami.needs.services.exports import need_export_rows

    rows = list(need_export_rows([recorded["case"], recorded["plain"]], show_case_data=False))
    assert rows[0][5] == "" and rows[1][5] == "=1+1 doposcuola"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(cast, english_login, recorded, fmt):
    response = english_login(cast.coordinator).get(url("needs_export", cast) + f"?format={fmt}")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    fields = (
        "external_id",
        "area_id",
        "target_group",
        "municipality_id",
        "neighbourhood_id",
        "description",
        "urgency",
        "expressed",
        "channel",
        "time_windows",
        "latitude",
        "longitude",
        "observed_on",
        "people_count",
        "privacy_level",
    )
    before = sorted((n.external_id, [getattr(n, x) for x in fields]) for n in Need.objects.filter(network=cast.network))
    Need.objects.filter(network=cast.network).delete()
    outcome = import_needs_file(
        actor=cast.coordinator, network=cast.network, file=SimpleUploadedFile(f"export.{fmt}", content)
    )
    assert outcome.ok, outcome.errors
    after = sorted((n.external_id, [getattr(n, x) for x in fields]) for n in Need.objects.filter(network=cast.network))
    assert after == before
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert [c.value for c in sheet[1]] == list(NEED_IMPORT_COLUMNS)


# --- the command --------------------------------------------------------------------------------


def test_command_imports_a_good_file(cast, territory, tmp_path):
    path = tmp_path / "bisogni.csv"
    path.write_bytes(needs_csv([GOOD]))
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_needs", network=cast.network.slug, file=str(path), actor=cast.coordinator.email, stdout=out, stderr=err
    )
    assert "Imported 1 needs into rete-prova" in out.getvalue()
    assert Need.objects.get().reported_by == cast.coordinator


def test_command_prints_every_problem_and_fails(cast, territory, tmp_path):
    path = tmp_path / "bisogni.csv"
    path.write_bytes(needs_csv([GOOD | {"area": "??"}, GOOD | {"id_esterno": "SP-2", "data": "ieri"}]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problems in 2 of 2 rows: nothing was imported"):
        call_command("import_needs", network=cast.network.slug, file=str(path), stderr=err)
    assert "row 2, column area:" in err.getvalue() and "row 3, column data:" in err.getvalue()
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"network": "nessuna"}, "No network with slug nessuna"),
        ({"actor": "nobody@example.org"}, "No user with e-mail"),
        ({"actor": "case_manager@example.org"}, "may not import needs"),
        ({"file": "/nonexistent.csv"}, "No file at"),
    ],
)
def test_command_refuses_bad_arguments(cast, territory, tmp_path, options, message):
    path = tmp_path / "bisogni.csv"
    path.write_bytes(needs_csv([GOOD]))
    arguments = {"network": cast.network.slug, "file": str(path)} | options
    with pytest.raises(CommandError, match=message):
        call_command("import_needs", stderr=io.StringIO(), **arguments)
    assert not Need.objects.exists()


def test_command_reports_an_unreadable_file(cast, tmp_path):
    path = tmp_path / "bisogni.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="bisogni.csv: The file is empty"):
        call_command("import_needs", network=cast.network.slug, file=str(path), stderr=io.StringIO())
