"""Import page, job page (full and HTMX fragment) and export download, for every persona."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from legami.core.models import AuditEvent, Job
from legami.core.tests import factories as f
from legami.network.models import Person
from legami.network.services.imports import PERSON_IMPORT_COLUMNS
from legami.network.tests.test_imports_services import people_csv


def url(name, cast, *args):
    return reverse(f"network:{name}", args=[cast.network.slug, *args])


def make_job(cast, network=None, **fields):
    values = {"kind": "people_import", "actor": cast.coordinator, "original_name": "persone.csv"} | fields
    return Job.objects.create(network=network or cast.network, **values)


# --- import page ----------------------------------------------------------------------------------


def test_import_page_shows_the_form_and_the_columns(cast, english_login):
    response = english_login(cast.coordinator).get(url("people_import", cast))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
    for column in PERSON_IMPORT_COLUMNS:
        assert f"<code>{column}</code>" in html
    assert url("people_import_template", cast) + "?format=csv" in html
    assert response.context["nav"] == "people"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("privacy_officer", 403),
        ("case_manager", 403),
        ("district_case_manager", 403),
        ("community_worker", 403),
        ("partner_staff", 403),
        ("evaluator", 403),
        ("funder", 403),
        ("citizen", 403),
        ("outsider", 404),
        ("platform_admin", 404),
    ],
)
def test_import_page_access(cast, english_login, persona, status):
    client = english_login(getattr(cast, persona))
    assert client.get(url("people_import", cast)).status_code == status
    upload = SimpleUploadedFile("people.csv", people_csv([{"nome": "A", "cognome": "B"}]))
    assert client.post(url("people_import", cast), {"file": upload}).status_code in (status, 302)
    if status != 200:
        assert not Job.objects.exists() and not Person.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(cast, english_login):
    response = english_login(None).get(url("people_import", cast))
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_template_file_has_only_the_header(cast, english_login):
    client = english_login(cast.coordinator)
    response = client.get(url("people_import_template", cast) + "?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert b"".join(response.streaming_content).decode("utf-8-sig") == ",".join(PERSON_IMPORT_COLUMNS) + "\r\n"
    xlsx = client.get(url("people_import_template", cast) + "?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows())] == list(PERSON_IMPORT_COLUMNS)
    assert sheet.max_row == 1
    assert client.get(url("people_import_template", cast) + "?format=pdf").status_code == 400
    # The template was once served by the import page itself: old links still lead to it.
    old = client.get(url("people_import", cast) + "?template=xlsx")
    assert old.status_code == 302 and old["Location"] == url("people_import_template", cast) + "?format=xlsx"


def test_upload_starts_the_job_and_redirects_to_its_page(cast, english_login, django_capture_on_commit_callbacks):
    client = english_login(cast.coordinator)
    content = people_csv([{"nome": "Maria", "cognome": "Rossi"}, {"nome": "Luca", "cognome": "Bo"}])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("people_import", cast), {"file": SimpleUploadedFile("persone.csv", content)})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("people_import_job", cast, job.pk)
    assert (job.kind, job.actor, job.original_name, job.status) == (
        "people_import",
        cast.coordinator,
        "persone.csv",
        Job.Status.SUCCEEDED,
    )
    assert Person.objects.filter(network=cast.network).count() == 2

    page = client.get(response["Location"])
    html = page.content.decode()
    assert "2 people imported." in html
    assert url("people", cast) in html
    assert "hx-trigger" not in html  # finished: nothing to poll


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Choose a file to import."),
        ({"file": SimpleUploadedFile("people.pdf", b"%PDF-1.4")}, "Upload a CSV file or an Excel workbook"),
    ],
)
def test_bad_uploads_redisplay_the_form_with_the_error(cast, english_login, files, message):
    response = english_login(cast.coordinator).post(url("people_import", cast), files)
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html and message in html
    assert not Job.objects.exists()


def test_import_page_lists_recent_imports(cast, english_login):
    job = make_job(cast, status=Job.Status.FAILED)
    make_job(cast, network=cast.other_network, original_name="altrui.csv")
    html = english_login(cast.coordinator).get(url("people_import", cast)).content.decode()
    assert url("people_import_job", cast, job.pk) in html
    assert "altrui.csv" not in html


# --- job page -------------------------------------------------------------------------------------


def test_running_job_full_page_polls_and_works_without_javascript(cast, english_login):
    job = make_job(cast, status=Job.Status.RUNNING, total=2000, processed=500)
    response = english_login(cast.coordinator).get(url("people_import_job", cast, job.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html and html.count("<h1") == 1
    assert f'hx-get="{url("people_import_job", cast, job.pk)}"' in html and 'hx-trigger="every 1s"' in html
    assert '<progress id="job-progress" class="w-100" max="2000" value="500">25%</progress>' in html
    assert "500 of 2000 rows checked (25%)" in html
    assert "Running" in html
    assert f'<a href="{url("people_import_job", cast, job.pk)}">' in html  # a plain refresh link
    assert 'id="job-announce"' in html


def test_htmx_request_gets_only_the_status_fragment(cast, english_login):
    job = make_job(cast, status=Job.Status.RUNNING, total=10, processed=3)
    client = english_login(cast.coordinator)
    response = client.get(url("people_import_job", cast, job.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<h1" not in html
    assert html.lstrip().startswith('<div id="job-status"')
    assert 'hx-trigger="every 1s"' in html and "3 of 10 rows checked (30%)" in html
    assert "hx-swap-oob" not in html

    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, processed=10, result={"created": 10})
    html = client.get(url("people_import_job", cast, job.pk), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html, "a finished job stops the polling"
    assert "10 people imported." in html
    assert 'id="job-announce" role="status" class="visually-hidden" hx-swap-oob="true">Import completed<' in html


def test_failed_job_lists_every_problem_and_links_back(cast, english_login):
    errors = [
        {"row": 2, "column": "codice_fiscale", "message": "This codice fiscale is not valid."},
        {"row": 5, "column": "email", "message": "“x” is not a valid e-mail address."},
    ]
    job = make_job(
        cast,
        status=Job.Status.FAILED,
        total=9,
        processed=9,
        errors=errors,
        result={"error_count": 502, "bad_rows": 400},
    )
    html = english_login(cast.coordinator).get(url("people_import_job", cast, job.pk)).content.decode()
    assert "Import failed: nothing was imported" in html
    assert "There are 502 problems in the file." in html and "400 rows must be corrected." in html
    assert (
        "<td>2</td>" in html and "<code>codice_fiscale</code>" in html and "This codice fiscale is not valid." in html
    )
    assert "<td>5</td>" in html and "<code>email</code>" in html
    assert "500 more are not listed." in html
    assert url("people_import", cast) in html


def test_failed_job_shows_a_file_problem(cast, english_login):
    job = make_job(cast, status=Job.Status.FAILED, result={"file_error": "Missing columns: first_name."})
    html = english_login(cast.coordinator).get(url("people_import_job", cast, job.pk)).content.decode()
    assert "Missing columns: first_name." in html and "<table" not in html


def test_queued_job_without_total_shows_an_indeterminate_bar(cast, english_login):
    job = make_job(cast)
    html = english_login(cast.coordinator).get(url("people_import_job", cast, job.pk)).content.decode()
    assert '<progress id="job-progress" class="w-100"></progress>' in html
    assert "Queued" in html


def test_another_networks_job_is_not_found(cast, english_login):
    foreign = make_job(cast, network=cast.other_network, actor=cast.outsider)
    client = english_login(cast.coordinator)
    assert client.get(url("people_import_job", cast, foreign.pk)).status_code == 404
    assert client.get(url("people_import_job", cast, 999999)).status_code == 404
    # Nor through the other network's address: the coordinator is not a member there.
    other_url = reverse("network:people_import_job", args=[cast.other_network.slug, foreign.pk])
    assert client.get(other_url).status_code == 404


@pytest.mark.parametrize(
    ("persona", "status"),
    [("coordinator", 200), ("privacy_officer", 403), ("case_manager", 403), ("citizen", 403), ("outsider", 404)],
)
def test_job_page_access(cast, english_login, persona, status):
    job = make_job(cast)
    assert english_login(getattr(cast, persona)).get(url("people_import_job", cast, job.pk)).status_code == status


# --- export ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 200),
        ("privacy_officer", 200),
        ("case_manager", 403),
        ("community_worker", 403),
        ("evaluator", 403),
        ("citizen", 403),
        ("outsider", 404),
    ],
)
def test_export_access(cast, english_login, persona, status):
    f.PersonFactory(network=cast.network, first_name="Maria", last_name="Rossi")
    response = english_login(getattr(cast, persona)).get(url("people_export", cast))
    assert response.status_code == status
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == (1 if status == 200 else 0)


def test_export_defaults_to_csv_and_offers_xlsx(cast, english_login):
    f.PersonFactory(network=cast.network, first_name="Maria", last_name="Rossi")
    client = english_login(cast.privacy_officer)
    csv_response = client.get(url("people_export", cast))
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(PERSON_IMPORT_COLUMNS)
    assert text.splitlines()[1].startswith("Maria,Rossi,")
    xlsx_response = client.get(url("people_export", cast) + "?format=xlsx")
    assert xlsx_response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active
    assert sheet["A2"].value == "Maria"
    assert [e.after["format"] for e in AuditEvent.objects.order_by("id")] == ["csv", "xlsx"]


def test_export_unknown_format_is_a_400_with_a_message(cast, english_login):
    response = english_login(cast.coordinator).get(url("people_export", cast) + "?format=pdf")
    assert response.status_code == 400
    html = response.content.decode()
    assert "“pdf” is not a format we can produce." in html
    assert "?format=xlsx" in html
    assert not AuditEvent.objects.exists()


def test_the_old_job_address_redirects_to_the_job_page(cast, english_login):
    job = make_job(cast)
    response = english_login(cast.coordinator).get(url("job_detail", cast, job.pk))
    assert response.status_code == 302 and response["Location"] == url("people_import_job", cast, job.pk)
    needs_job = make_job(cast, kind="needs_import")
    assert english_login(cast.coordinator).get(url("job_detail", cast, needs_job.pk)).status_code == 404
