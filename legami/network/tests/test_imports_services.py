"""People import (all-or-nothing, as a job) and export services."""

import csv
import datetime
import io

import openpyxl
import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from legami.core.importing import ImportFileError
from legami.core.models import AuditEvent, Job
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.network.models import Household, Person
from legami.network.services import imports
from legami.network.services.imports import (
    PERSON_IMPORT_COLUMNS,
    export_people,
    import_people_file,
    run_people_import,
    start_people_import,
)
from legami.network.services.personal_data import anonymise_person


def cf(last: str, first: str, gender: str, birth: str, place: str = "Cremona") -> str:
    """A valid codice fiscale for these details."""
    return codicefiscale.encode(lastname=last, firstname=first, gender=gender, birthdate=birth, birthplace=place)


def people_csv(rows, columns=PERSON_IMPORT_COLUMNS, delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return buffer.getvalue().encode()


def upload(content: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def _english():
    # Messages are asserted in English, whatever the Italian catalogue says.
    with translation.override("en"):
        yield


def speak(user, language: str = "en"):
    """Jobs speak the importer's language: make it `language`."""
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


@pytest.fixture
def do_import(cast, django_capture_on_commit_callbacks):
    """Start an import as the web page does and let the (immediate) task run it."""

    def _do(content: bytes, name: str = "people.csv", actor=None) -> Job:
        actor = speak(actor or cast.coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            job = start_people_import(actor=actor, network=cast.network, uploaded_file=upload(content, name))
        job.refresh_from_db()
        return job

    return _do


@pytest.fixture
def centro(cast):
    return f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[0], name="Centro")


MARIA_CF = cf("Rossi", "Maria", "F", "1980-01-01")


def good_rows():
    return [
        {
            "nome": "Maria",
            "cognome": "Rossi",
            "codice_fiscale": MARIA_CF.lower(),
            "data_nascita": "1980-01-01",
            "genere": "f",
            "email": "maria.rossi@example.org",
            "telefono": "+39 0372  123456",
            "indirizzo": "Via Roma 1",
            "comune_istat": "019036",
            "quartiere": "centro",
            "nucleo": "Famiglia Rossi",
            "ruolo_nucleo": "head",
        },
        {
            "nome": "Luca",
            "cognome": "Rossi",
            "data_nascita": "15/06/2010",
            "comune_istat": "019036",
            "nucleo": "famiglia  rossi",
            "ruolo_nucleo": "CHILD",
        },
        {
            "nome": "Anna",
            "cognome": "Bianchi",
            "comune_istat": "19035",
            "nucleo": "famiglia bianchi",
            "ruolo_nucleo": "partner",
        },
        {"nome": "Giorgio", "cognome": "Verdi"},
    ]


def test_good_file_creates_people_households_and_one_audit_event(cast, centro, do_import):
    bianchi = f.HouseholdFactory(network=cast.network, name="Famiglia Bianchi")
    f.HouseholdFactory(network=cast.other_network, name="Famiglia Rossi")
    job = do_import(people_csv(good_rows()))

    assert job.status == Job.Status.SUCCEEDED
    assert (job.total, job.processed, job.percent) == (4, 4, 100)
    assert job.result == {"created": 4, "households_created": 1}
    assert job.errors == []
    assert job.started_at and job.finished_at and job.task_result_id
    assert not job.file, "the upload holds personal data and is not kept"

    people = {p.first_name: p for p in Person.objects.filter(network=cast.network)}
    assert set(people) == {"Maria", "Luca", "Anna", "Giorgio"}
    maria = people["Maria"]
    assert (maria.tax_code, maria.birth_date, maria.gender) == (MARIA_CF, datetime.date(1980, 1, 1), "F")
    assert (maria.email, maria.phone, maria.address) == ("maria.rossi@example.org", "+39 0372 123456", "Via Roma 1")
    assert (maria.municipality, maria.neighbourhood, maria.household_role) == (cast.municipalities[0], centro, "head")
    rossi = maria.household
    assert rossi.network == cast.network and rossi.name == "Famiglia Rossi"
    assert (rossi.address, rossi.municipality, rossi.neighbourhood) == ("Via Roma 1", cast.municipalities[0], centro)
    assert people["Luca"].household == rossi and people["Luca"].household_role == "child"
    assert people["Luca"].birth_date == datetime.date(2010, 6, 15)
    assert people["Anna"].household == bianchi and people["Anna"].municipality == cast.municipalities[1]
    assert people["Giorgio"].household is None and people["Giorgio"].tax_code == ""
    assert Household.objects.filter(network=cast.network).count() == 2

    # The start of the job, then the import itself (every import audits both).
    start, event = AuditEvent.objects.filter(network=cast.network).order_by("id")
    assert (start.action, start.object_type, start.object_id) == (AuditEvent.Action.CREATE, "core.job", str(job.pk))
    assert (event.action, event.actor, event.object_type) == (
        AuditEvent.Action.IMPORT,
        cast.coordinator,
        "network.person",
    )
    assert event.after == {"created": 4, "file": "people.csv", "households_created": 1}
    assert event.data_class == "personal"


def test_semicolon_csv_and_xlsx_import_the_same(cast, centro, do_import):
    job = do_import(people_csv(good_rows(), delimiter=";"), "persone.csv")
    assert job.status == Job.Status.SUCCEEDED, job.result
    Person.objects.all().delete()
    Household.objects.all().delete()

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([c.upper() for c in PERSON_IMPORT_COLUMNS])
    for row in good_rows():
        values = [row.get(c, "") for c in PERSON_IMPORT_COLUMNS]
        if row["nome"] == "Maria":
            values[3] = datetime.datetime(1980, 1, 1)  # a real date cell
            values[8] = 19036  # a number cell: the leading zero is lost
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = do_import(buffer.getvalue(), "persone.xlsx")
    assert job.status == Job.Status.SUCCEEDED, (job.result, job.errors)
    maria = Person.objects.get(first_name="Maria")
    assert maria.birth_date == datetime.date(1980, 1, 1) and maria.municipality == cast.municipalities[0]
    assert Person.objects.count() == 4


def test_a_file_with_the_old_english_headers_still_imports(cast, centro, do_import):
    english = {column: alias for alias, column in imports.PeopleImport.aliases().items()} | {"email": "email"}
    rows = [{english[name]: value for name, value in row.items()} for row in good_rows()]
    header = [english[name] for name in PERSON_IMPORT_COLUMNS]
    assert header[:3] == ["first_name", "last_name", "tax_code"]
    job = do_import(people_csv(rows, columns=header))
    assert job.status == Job.Status.SUCCEEDED, (job.result, job.errors)
    assert Person.objects.filter(network=cast.network).count() == 4


def test_bad_rows_write_nothing_and_every_problem_is_reported(cast, centro, do_import):
    f.MunicipalityFactory(istat_code="015146", name="Milano")
    existing_cf = cf("Neri", "Paolo", "M", "1970-03-03")
    f.PersonFactory(network=cast.network, first_name="Paolo", last_name="Neri", tax_code=existing_cf)
    twin_cf = cf("Gialli", "Sara", "F", "1991-02-02")
    rows = [
        {"nome": "", "cognome": "Senza nome"},  # row 2
        {"nome": "Ugo", "cognome": "Falso", "codice_fiscale": "RSSMRA80A01D150X"},  # 3
        {"nome": "Eva", "cognome": "Futura", "data_nascita": "2999-01-01", "genere": "Q"},  # 4
        {"nome": "Ada", "cognome": "Posta", "email": "not-an-email", "telefono": "call me"},  # 5
        {"nome": "Ivo", "cognome": "Milanese", "comune_istat": "015146"},  # 6
        {"nome": "Ola", "cognome": "Altrove", "comune_istat": "999999"},  # 7
        {"nome": "Rita", "cognome": "Quartiere", "comune_istat": "019036", "quartiere": "Nowhere"},
        {"nome": "Tea", "cognome": "Ruolo", "nucleo": "Famiglia Ruolo", "ruolo_nucleo": "boss"},  # 9
        {"nome": "Sara", "cognome": "Gialli", "codice_fiscale": twin_cf},  # 10
        {"nome": "Sara", "cognome": "Gialla", "codice_fiscale": twin_cf},  # 11
        {"nome": "Paolo", "cognome": "Neri", "codice_fiscale": existing_cf},  # 12
        {"nome": "Maria", "cognome": "Rossi", "codice_fiscale": MARIA_CF, "data_nascita": "1980-01-02", "genere": "M"},
        {"nome": "Febo", "cognome": "Data", "data_nascita": "31/02/1980"},  # 14
        {"nome": "Zeno", "cognome": "Ruolo", "ruolo_nucleo": "child"},  # 15
        {"nome": "Buono", "cognome": "Buonissimo"},  # 16: a good row, not written either
    ]
    people_before, households_before = Person.objects.count(), Household.objects.count()

    job = do_import(people_csv(rows))

    assert job.status == Job.Status.FAILED
    assert Person.objects.count() == people_before
    assert Household.objects.count() == households_before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()
    found = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert list(found) == [
        (2, "nome"),
        (3, "codice_fiscale"),
        (4, "data_nascita"),
        (4, "genere"),
        (5, "email"),
        (5, "telefono"),
        (6, "comune_istat"),
        (7, "comune_istat"),
        (8, "quartiere"),
        (9, "ruolo_nucleo"),
        (11, "codice_fiscale"),
        (12, "codice_fiscale"),
        (13, "data_nascita"),
        (13, "genere"),
        (14, "data_nascita"),
        (15, "ruolo_nucleo"),
    ]
    assert found[(2, "nome")] == "This field is required."
    assert "not valid" in found[(3, "codice_fiscale")]
    assert "future" in found[(4, "data_nascita")]
    assert found[(4, "genere")] == "Choose a valid gender."
    assert found[(5, "email")] == "Enter a valid e-mail address."
    assert "Enter an Italian phone number" in found[(5, "telefono")]
    assert found[(6, "comune_istat")] == "This Comune is not part of the network's territory."
    assert found[(7, "comune_istat")] == "Choose a Comune of the network."
    assert found[(8, "quartiere")] == "Choose a neighbourhood of the network."
    assert found[(9, "ruolo_nucleo")] == "Choose a valid role."
    assert found[(11, "codice_fiscale")] == "The same codice fiscale is already on row 10."
    assert found[(12, "codice_fiscale")] == "Another person in this network already has this codice fiscale."
    assert "does not match" in found[(13, "data_nascita")] and "does not match" in found[(13, "genere")]
    assert found[(14, "data_nascita")] == "Enter a valid date."
    assert "needs a household" in found[(15, "ruolo_nucleo")]
    assert job.result == {"error_count": 16, "bad_rows": 13}
    assert not job.file


def test_only_the_first_500_problems_are_kept_with_the_count_of_the_rest(cast, do_import):
    rows = [{"nome": "", "cognome": f"Cognome {n}"} for n in range(520)]
    job = do_import(people_csv(rows))
    assert job.status == Job.Status.FAILED
    assert len(job.errors) == 500
    assert job.errors[0] == {"row": 2, "column": "nome", "message": "This field is required."}
    assert job.result == {"error_count": 520, "bad_rows": 520}
    assert (job.processed, job.total) == (520, 520)
    assert Person.objects.count() == 0


def test_job_messages_are_in_the_importers_language(cast, django_capture_on_commit_callbacks):
    speak(cast.coordinator, "it")
    content = people_csv([{"nome": "", "cognome": "Rossi"}])
    with django_capture_on_commit_callbacks(execute=True):
        job = start_people_import(actor=cast.coordinator, network=cast.network, uploaded_file=upload(content))
    job.refresh_from_db()
    # Django's own Italian catalogue already has this message.
    assert job.errors == [{"row": 2, "column": "nome", "message": "Questo campo è obbligatorio."}]


def test_a_file_that_cannot_be_read_fails_the_job_with_the_reason(cast, do_import):
    job = do_import(b"name,surname\nMaria,Rossi\n")
    assert job.status == Job.Status.FAILED
    assert "Missing columns: nome, cognome." in job.result["file_error"]
    assert "Unknown columns: name, surname." in job.result["file_error"]
    assert Person.objects.count() == 0


def test_progress_is_saved_every_500_rows_outside_the_write(cast):
    rows = [{"nome": f"Nome {n}", "cognome": "Cognome"} for n in range(1200)]
    job = start_people_import(
        actor=speak(cast.coordinator), network=cast.network, uploaded_file=upload(people_csv(rows))
    )
    assert job.status == Job.Status.QUEUED  # the task is queued only when the transaction commits
    seen = []

    def spy(processed, total, *, phase):
        stored = Job.objects.get(pk=job.pk)
        seen.append((processed, total, phase, stored.processed, stored.total, stored.result.get("phase")))

    run_people_import(job=job, progress=spy)

    assert [s[:3] for s in seen] == [
        (0, 1200, "validating"),
        (500, 1200, "validating"),
        (1000, 1200, "validating"),
        (1200, 1200, "validating"),
        (1200, 1200, "writing"),
    ]
    # The page reads the same figures from the database while the job runs.
    assert all(s[0] == s[3] and s[1] == s[4] and s[2] == s[5] for s in seen)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and Person.objects.count() == 1200


def test_a_finished_job_is_never_run_twice(cast, do_import):
    job = do_import(people_csv([{"nome": "Maria", "cognome": "Rossi"}]))
    assert job.status == Job.Status.SUCCEEDED
    run_people_import(job=job)
    assert Person.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1


def test_an_importer_who_lost_the_role_before_the_job_ran_imports_nothing(cast):
    job = start_people_import(
        actor=cast.coordinator, network=cast.network, uploaded_file=upload(people_csv(good_rows()[3:]))
    )
    cast.coordinator.memberships.update(is_active=False)
    cast.coordinator.__dict__.pop("_legami_grants", None)
    run_people_import(job=Job.objects.get(pk=job.pk))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    # The job speaks the importer's language (Italian by default).
    assert job.result["file_error"] == "Non si ha più il permesso di importare persone in questa rete."
    assert Person.objects.count() == 0


def test_a_codice_fiscale_registered_meanwhile_rolls_the_whole_file_back(cast, monkeypatch):
    taken = cf("Neri", "Paolo", "M", "1970-03-03")
    f.PersonFactory(network=cast.network, tax_code=taken)
    # As if the person had been added between the checks and the write.
    monkeypatch.setattr(imports._PeopleChecks, "_check_existing_tax_codes", lambda self: None)
    content = people_csv(
        [
            {"nome": "Nuovo", "cognome": "Nucleo", "nucleo": "Nuova"},
            {"nome": "P", "cognome": "N", "codice_fiscale": taken},
        ]
    )
    with pytest.raises(ImportFileError, match="added while the import was running"):
        import_people_file(actor=cast.coordinator, network=cast.network, file=io.BytesIO(content))
    assert Person.objects.count() == 1
    assert not Household.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_district_limited_importer_only_imports_people_of_the_district(cast):
    user = f.UserFactory(email="district_coordinator@example.org")
    f.MembershipFactory(network=cast.network, user=user, role=Role.COORDINATOR, district=cast.district)
    rows = [
        {"nome": "In", "cognome": "Cremona", "comune_istat": "019036"},
        {"nome": "Out", "cognome": "Crema", "comune_istat": "019035"},
        {"nome": "No", "cognome": "Comune"},
    ]
    outcome = import_people_file(actor=user, network=cast.network, file=io.BytesIO(people_csv(rows)))
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "comune_istat"), (4, "comune_istat")]
    assert "Choose a Comune of your district" in outcome.errors[0].message
    assert Person.objects.count() == 0


@pytest.mark.parametrize("persona", ["case_manager", "privacy_officer", "community_worker", "evaluator", "outsider"])
def test_only_coordinators_may_import(cast, persona):
    with pytest.raises(PermissionDenied):
        start_people_import(
            actor=getattr(cast, persona), network=cast.network, uploaded_file=upload(people_csv(good_rows()))
        )
    with pytest.raises(PermissionDenied):
        import_people_file(actor=getattr(cast, persona), network=cast.network, file=io.BytesIO(b"x"))
    assert not Job.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"first_name,last_name\nA,B\n", "people.pdf", "Upload a CSV file or an Excel workbook"),
        (b"", "people.csv", "The file is empty."),
        (b"first_name,last_name\n" + b"Anna,Rossi\n" * 10, "people.csv", "too large"),
    ],
)
def test_uploads_refused_before_any_job(cast, settings, content, name, message):
    settings.LEGAMI_IMPORT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as excinfo:
        start_people_import(actor=cast.coordinator, network=cast.network, uploaded_file=upload(content, name))
    assert message in " ".join(excinfo.value.message_dict["file"])
    assert not Job.objects.exists()


# --- export ---------------------------------------------------------------------------------------


def export_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_export_writes_the_import_columns_and_one_audit_event(cast, centro):
    household = f.HouseholdFactory(network=cast.network, name="=Famiglia")
    f.PersonFactory(
        network=cast.network,
        first_name="Maria",
        last_name="Rossi",
        tax_code=MARIA_CF,
        birth_date=datetime.date(1980, 1, 1),
        gender="F",
        phone="+39 0372 123456",
        municipality=cast.municipalities[0],
        neighbourhood=centro,
        household=household,
        household_role="head",
    )
    f.PersonFactory(network=cast.network, first_name="Bruno", last_name="Verdi", email="")
    f.PersonFactory(network=cast.other_network, first_name="Altro", last_name="Rete")

    response = export_people(actor=cast.coordinator, network=cast.network, fmt="csv")

    rows = export_rows(response)
    assert rows[0] == list(PERSON_IMPORT_COLUMNS)
    assert rows[1][:9] == ["Maria", "Rossi", MARIA_CF, "1980-01-01", "F", rows[1][5], "'+39 0372 123456", "", "019036"]
    assert rows[1][9:] == ["Centro", "'=Famiglia", "head"]
    assert [r[0] for r in rows[1:]] == ["Maria", "Bruno"]
    assert response["Content-Disposition"].startswith('attachment; filename="rete-prova-people-')
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.after) == (
        AuditEvent.Action.EXPORT,
        cast.coordinator,
        {"count": 2, "format": "csv"},
    )


def test_export_respects_the_district_of_a_limited_exporter(cast):
    officer = f.UserFactory(email="district_privacy@example.org")
    f.MembershipFactory(network=cast.network, user=officer, role=Role.PRIVACY_OFFICER, district=cast.district)
    f.PersonFactory(network=cast.network, first_name="Cremonese", municipality=cast.municipalities[0])
    f.PersonFactory(network=cast.network, first_name="Cremasco", municipality=cast.municipalities[1])
    rows = export_rows(export_people(actor=officer, network=cast.network, fmt="csv"))
    assert [r[0] for r in rows[1:]] == ["Cremonese"]
    assert AuditEvent.objects.get().after["count"] == 1


def test_export_leaves_out_anonymised_people(cast):
    f.PersonFactory(network=cast.network, first_name="Restante")
    gone = f.PersonFactory(network=cast.network, first_name="Anonimizzata")
    anonymise_person(actor=cast.privacy_officer, person=gone)
    rows = export_rows(export_people(actor=cast.coordinator, network=cast.network, fmt="csv"))
    assert [r[0] for r in rows[1:]] == ["Restante"]
    assert AuditEvent.objects.filter(action="export").get().after["count"] == 1


@pytest.mark.parametrize("persona", ["case_manager", "community_worker", "citizen", "outsider"])
def test_export_refused_without_the_capability(cast, persona):
    with pytest.raises(PermissionDenied):
        export_people(actor=getattr(cast, persona), network=cast.network, fmt="csv")
    assert not AuditEvent.objects.exists()


def test_export_refuses_unknown_formats(cast):
    with pytest.raises(ValidationError) as excinfo:
        export_people(actor=cast.privacy_officer, network=cast.network, fmt="pdf")
    assert "format" in excinfo.value.message_dict
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_gives_back_the_same_registry(cast, centro, do_import, fmt):
    rossi = f.HouseholdFactory(network=cast.network, name="Famiglia Rossi")
    f.PersonFactory(
        network=cast.network,
        first_name="Maria",
        last_name="Rossi",
        tax_code=MARIA_CF,
        birth_date=datetime.date(1980, 1, 1),
        gender="F",
        email="maria@example.org",
        phone="+39 0372 123456",
        address="Via Roma 1",
        municipality=cast.municipalities[0],
        neighbourhood=centro,
        household=rossi,
        household_role="head",
    )
    f.PersonFactory(
        network=cast.network,
        first_name="Nicolò",
        last_name="D'Amico-Forlì",
        birth_date=datetime.date(2001, 12, 31),
        gender="M",
        email="",
        municipality=cast.municipalities[1],
        household=rossi,
        household_role="child",
    )
    f.PersonFactory(network=cast.network, first_name="Solo", last_name="Nome", email="")
    fields = [
        "first_name",
        "last_name",
        "tax_code",
        "birth_date",
        "gender",
        "email",
        "phone",
        "address",
        "municipality_id",
        "neighbourhood_id",
        "household_id",
        "household_role",
    ]
    before = sorted(Person.objects.values_list(*fields))
    response = export_people(actor=cast.coordinator, network=cast.network, fmt=fmt)
    content = b"".join(response.streaming_content) if fmt == "csv" else response.content
    Person.objects.all().delete()

    job = do_import(content, f"export.{fmt}")

    assert job.status == Job.Status.SUCCEEDED, (job.result, job.errors)
    assert sorted(Person.objects.values_list(*fields)) == before
    assert job.result["households_created"] == 0
