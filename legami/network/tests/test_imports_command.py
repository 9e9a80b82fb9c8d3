"""`manage.py import_people`: the same all-or-nothing import, synchronously, with a progress bar."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from legami.core.models import AuditEvent, Job
from legami.core.tests import factories as f
from legami.network.models import Household, Person
from legami.network.tests.test_imports_services import cf, people_csv


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_people", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, rows, name="people.csv"):
    path = tmp_path / name
    path.write_bytes(people_csv(rows))
    return path


def test_imports_a_good_file_with_a_progress_bar(cast, tmp_path):
    rows = [{"nome": f"Nome {n}", "cognome": "Rossi", "nucleo": "Famiglia Rossi"} for n in range(600)]
    path = write(tmp_path, rows)
    out, err = run("--network", cast.network.slug, "--file", str(path), "--actor", cast.coordinator.email.upper())
    assert "Imported 600 people (1 new households) into rete-prova from people.csv." in out
    assert "600/600" in err  # tqdm's bar on stderr
    assert Person.objects.filter(network=cast.network).count() == 600
    assert Household.objects.filter(network=cast.network).count() == 1
    event = AuditEvent.objects.get()
    assert (event.action, event.actor, event.after["created"]) == ("import", cast.coordinator, 600)
    assert not Job.objects.exists()


def test_without_an_actor_the_import_is_recorded_as_system(cast, tmp_path):
    path = write(tmp_path, [{"nome": "Maria", "cognome": "Rossi"}])
    run("--network", cast.network.slug, "--file", str(path))
    event = AuditEvent.objects.get()
    assert event.actor is None and event.actor_label == "system"


def test_bad_rows_are_all_printed_and_nothing_is_written(cast, tmp_path):
    taken = cf("Neri", "Paolo", "M", "1970-03-03")
    f.PersonFactory(network=cast.network, first_name="Paolo", last_name="Neri", tax_code=taken)
    rows = [
        {"nome": "Maria", "cognome": "Rossi"},
        {"nome": "", "cognome": "Bianchi", "email": "nope"},
        {"nome": "Paolo", "cognome": "Neri", "codice_fiscale": taken, "comune_istat": "123"},
        {"nome": "Paolo", "cognome": "Neri", "codice_fiscale": taken},
    ]
    path = write(tmp_path, rows)
    err = io.StringIO()
    with pytest.raises(CommandError, match="5 problems in 3 of 4 rows: nothing was imported."):
        call_command("import_people", "--network", cast.network.slug, "--file", str(path), stderr=err)
    lines = [line for line in err.getvalue().splitlines() if line.startswith("row ")]
    assert lines == [
        "row 3, column nome: This field is required.",
        "row 3, column email: Enter a valid e-mail address.",
        "row 4, column codice_fiscale: Another person in this network already has this codice fiscale.",
        "row 4, column comune_istat: Choose a Comune of the network.",
        "row 5, column codice_fiscale: The same codice fiscale is already on row 4.",
    ]
    assert Person.objects.count() == 1 and not AuditEvent.objects.exists()


def test_a_file_that_cannot_be_read_is_a_command_error(cast, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="empty.csv: The file is empty."):
        run("--network", cast.network.slug, "--file", str(path))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--network", "nessuna"], "No network with slug nessuna."),
        (["--actor", "nobody@example.org"], "No user with e-mail nobody@example.org."),
        (["--actor", "case_manager@example.org"], "case_manager@example.org may not import people into rete-prova."),
        (["--file", "/nonexistent/people.csv"], "No file at /nonexistent/people.csv."),
    ],
)
def test_wrong_arguments(cast, tmp_path, args, message):
    path = write(tmp_path, [{"nome": "Maria", "cognome": "Rossi"}])
    options = {"--network": cast.network.slug, "--file": str(path)}
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    with pytest.raises(CommandError, match=message):
        run(*[item for pair in options.items() for item in pair])
    assert Person.objects.count() == 0
