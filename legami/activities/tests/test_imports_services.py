"""The imports of activities and enrolments: a good file, each bad cell named by row and column, all or nothing,
who may, the waiting list in the file's order, and the exports that import back."""

import datetime
import io

import pytest
from django.core.management import call_command

from legami.activities.models import Activity, Enrollment, EnrollmentStatus
from legami.activities.services.imports import (
    ACTIVITIES_IMPORT,
    ENROLLMENTS_IMPORT,
    activity_export_rows,
    enrollment_export_rows,
)
from legami.activities.tests.factories import make_activity, today
from legami.core.imports.pipeline import import_file
from legami.core.tests import factories as f

E = EnrollmentStatus


def csv_file(header, rows, sep=";"):
    lines = [sep.join(header)]
    for row in rows:
        cells = row if isinstance(row, list) else [row.get(name, "") for name in header]
        lines.append(sep.join(str(cell) for cell in cells))
    return io.BytesIO(("\n".join(lines) + "\n").encode("utf-8-sig"))


def run(declaration, cast, actor, rows):
    return import_file(
        declaration, actor=actor, network=cast.network, file=csv_file(declaration.header(), rows), file_name="f.csv"
    )


def problems(outcome):
    return [(e.row, e.column, str(e.message)) for e in outcome.errors]


@pytest.fixture
def place(cast):
    return f.PlaceFactory(network=cast.network, municipality=cast.municipalities[0], name="Casa di quartiere Po")


def activity_row(**changes):
    start = today() + datetime.timedelta(days=3)
    row = {
        "titolo": "Scacchi",
        "tipo": "culturale",
        "ente": "Cooperativa Il Ponte",
        "luogo": "casa di quartiere po",
        "giorni": "martedì, giovedì",
        "dalle": "17:00",
        "alle": "18.30",
        "dal": start.strftime("%d/%m/%Y"),
        "al": (start + datetime.timedelta(days=60)).isoformat(),
        "posti": "12",
        "eta_min": "8",
        "eta_max": "",
        "pubblica": "sì",
        "descrizione": "Per principianti",
    }
    return row | changes


def test_a_good_activities_file_records_drafts_with_their_sessions(cast, place):
    outcome = run(
        ACTIVITIES_IMPORT, cast, cast.coordinator, [activity_row(), activity_row(titolo="Judo", tipo="sport")]
    )
    assert not outcome.errors and outcome.created == 2
    chess = Activity.objects.get(title="Scacchi")
    assert (chess.kind, chess.weekdays, chess.min_age, chess.max_age, chess.status) == (
        "cultural",
        [1, 3],
        8,
        None,
        "draft",
    )
    assert chess.place == place and chess.organizer == cast.organization and chess.sessions.count() > 10


def test_bad_cells_are_named_and_nothing_is_recorded(cast, place):
    rows = [
        activity_row(),
        activity_row(tipo="circo", giorni="festivi", alle="16:00", posti="0", luogo="Altrove", ente="Sconosciuta"),
    ]
    outcome = run(ACTIVITIES_IMPORT, cast, cast.coordinator, rows)
    found = {(row, column) for row, column, _message in problems(outcome)}
    assert {(3, "tipo"), (3, "giorni"), (3, "posti"), (3, "luogo"), (3, "ente")} <= found
    assert not Activity.objects.exists()


def test_partner_staff_import_their_own_organisations_activities_only(cast, place):
    f.OrganizationFactory(network=cast.network, name="Altra associazione")
    outcome = run(ACTIVITIES_IMPORT, cast, cast.partner_staff, [activity_row(ente="Altra associazione")])
    assert [(row, column) for row, column, _m in problems(outcome)] == [(2, "ente")]
    assert not Activity.objects.exists()


def test_the_activities_export_imports_back(cast, place):
    run(ACTIVITIES_IMPORT, cast, cast.coordinator, [activity_row()])
    exported = list(activity_export_rows(Activity.objects.select_related("organizer", "place")))
    Activity.objects.all().delete()
    outcome = run(ACTIVITIES_IMPORT, cast, cast.coordinator, exported)
    assert not outcome.errors
    again = Activity.objects.get()
    assert (again.title, again.weekdays, again.capacity, again.min_age) == ("Scacchi", [1, 3], 12, 8)


# --- the space of an activity ------------------------------------------------------------------------------


@pytest.fixture
def space(cast, place):
    from legami.exchange.tests.factories_spaces import SpaceFactory

    return SpaceFactory(network=cast.network, place=place, name="Sala grande", capacity=30)


def test_the_space_is_read_by_name_or_number_and_the_sessions_book_it(cast, place, space):
    outcome = run(
        ACTIVITIES_IMPORT,
        cast,
        cast.coordinator,
        [
            activity_row(spazio="sala grande"),
            activity_row(titolo="Judo", spazio=str(space.pk), dalle="19:00", alle="20:00"),
        ],
    )
    assert not outcome.errors and outcome.created == 2 and outcome.counts == {"sessions_unbooked": 0}
    for activity in Activity.objects.all():
        assert activity.space == space
        assert not activity.sessions.filter(booking__isnull=True).exists()


def test_sessions_taken_are_counted_in_the_summary(cast, place, space):
    # Two activities of the file at the same hours: the second finds every session taken by the first.
    outcome = run(
        ACTIVITIES_IMPORT,
        cast,
        cast.coordinator,
        [activity_row(spazio="Sala grande"), activity_row(titolo="Judo", spazio="Sala grande")],
    )
    judo = Activity.objects.get(title="Judo")
    assert not outcome.errors and outcome.counts == {"sessions_unbooked": judo.sessions.count()}
    summary = ACTIVITIES_IMPORT.summary({"created": outcome.created, **outcome.counts})
    assert summary[1].startswith(f"{judo.sessions.count()} sessions could not book their space")


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Sala fantasma", "Choose a shared space of the network."),
        ("999999", "Choose a shared space of the network."),
        ("OTHER_NETWORK", "Choose a shared space of the network."),
        ("ELSEWHERE", "choose a space of the activity's place, or change the place."),
    ],
)
def test_a_bad_space_is_named_by_row_and_column(cast, place, space, cell, message):
    from legami.exchange.tests.factories_spaces import SpaceFactory

    if cell == "OTHER_NETWORK":
        cell = str(SpaceFactory(network=cast.other_network).pk)
    elif cell == "ELSEWHERE":
        cell = SpaceFactory(network=cast.network, name="Cortile").name
    outcome = run(ACTIVITIES_IMPORT, cast, cast.coordinator, [activity_row(spazio=cell)])
    found = problems(outcome)
    assert [(row, column) for row, column, _m in found] == [(2, "spazio")]
    assert message in found[0][2]
    assert not Activity.objects.exists()


def test_the_export_with_a_space_imports_back(cast, place, space):
    run(ACTIVITIES_IMPORT, cast, cast.coordinator, [activity_row(spazio="Sala grande"), activity_row(titolo="Judo")])
    exported = list(activity_export_rows(Activity.objects.select_related("organizer", "place", "space")))
    assert sorted(row[ACTIVITIES_IMPORT.header().index("spazio")] for row in exported) == ["", "Sala grande"]
    Activity.objects.all().delete()
    outcome = run(ACTIVITIES_IMPORT, cast, cast.coordinator, exported)
    assert not outcome.errors
    assert {(a.title, a.space_id) for a in Activity.objects.all()} == {("Scacchi", space.pk), ("Judo", None)}


# --- enrolments -------------------------------------------------------------------------------------------


@pytest.fixture
def activity(cast):
    return make_activity(network=cast.network, organizer=cast.organization, capacity=1, title="Doposcuola")


def test_enrolments_take_the_places_in_the_files_order(cast, activity):
    first = f.PersonFactory(network=cast.network, tax_code="AAAAAA80A01D150A")
    second = f.PersonFactory(network=cast.network)
    rows = [
        {"attivita": activity.pk, "persona": "aaaaaa80a01d150a", "consenso": "sì"},
        {"attivita": "doposcuola", "persona": second.pk, "consenso": "si"},
    ]
    outcome = run(ENROLLMENTS_IMPORT, cast, cast.case_manager, rows)
    assert not outcome.errors and outcome.created == 2 and outcome.counts == {"waitlisted": 1}
    assert Enrollment.objects.get(person=first).status == E.ENROLLED
    assert Enrollment.objects.get(person=second).status == E.WAITLISTED


def test_bad_enrolment_rows_are_named_and_nobody_is_enrolled(cast, activity):
    person = f.PersonFactory(network=cast.network)
    draft = make_activity(network=cast.network, organizer=cast.organization, status="draft", title="Bozza")
    kids = make_activity(network=cast.network, organizer=cast.organization, title="Piccoli", max_age=10)
    adult = f.PersonFactory(network=cast.network, birth_date=datetime.date(1970, 1, 1))
    rows = [
        {"attivita": activity.pk, "persona": person.pk, "consenso": "sì"},
        {"attivita": activity.pk, "persona": person.pk, "consenso": "sì"},
        {"attivita": "Inesistente", "persona": person.pk, "consenso": "sì"},
        {"attivita": draft.pk, "persona": person.pk, "consenso": "sì"},
        {"attivita": activity.pk, "persona": "XXXXXX", "consenso": "sì"},
        {"attivita": kids.pk, "persona": adult.pk, "consenso": "sì"},
        {"attivita": kids.pk, "persona": person.pk, "consenso": "no"},
    ]
    outcome = run(ENROLLMENTS_IMPORT, cast, cast.coordinator, rows)
    found = [(row, column) for row, column, _m in problems(outcome)]
    assert found == [(3, "persona"), (4, "attivita"), (5, "attivita"), (6, "persona"), (7, "persona"), (8, "consenso")]
    assert not Enrollment.objects.exists()


def test_the_enrolments_export_imports_back_and_the_command_runs(cast, activity, tmp_path):
    person = f.PersonFactory(network=cast.network, tax_code="BBBBBB80A01D150B")
    run(ENROLLMENTS_IMPORT, cast, cast.coordinator, [{"attivita": activity.pk, "persona": person.pk, "consenso": "sì"}])
    exported = list(enrollment_export_rows(Enrollment.objects.select_related("person")))
    assert exported == [[activity.pk, "BBBBBB80A01D150B", "", "", "", "sì"]]
    Enrollment.objects.all().delete()
    path = tmp_path / "iscrizioni.csv"
    path.write_bytes(csv_file(ENROLLMENTS_IMPORT.header(), exported).getvalue())
    call_command(
        "import_enrollments",
        network=cast.network.slug,
        file=str(path),
        actor=cast.coordinator.email,
        stdout=io.StringIO(),
    )
    assert Enrollment.objects.get().person == person
