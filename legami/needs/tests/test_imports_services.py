"""Part C: reading a needs file (CSV/XLSX) into needs, all or nothing, with every bad cell reported."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from legami.core.importing import ImportFileError
from legami.core.models import AuditEvent, DataClass
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.needs.models import Need, NeedEvent, NeedStatus, PrivacyLevel
from legami.needs.services.imports import NEED_IMPORT_COLUMNS, NeedsImport, import_needs_file
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

HEADER = NEED_IMPORT_COLUMNS
GOOD = {
    "id_esterno": "SP-1",
    "area": "conciliazione",
    "gruppo": "families",
    "comune": "019036",
    "quartiere": "Po",
    "descrizione": "Doposcuola per due bambini, la mamma lavora fino alle 18.",
    "urgenza": "alta",
    "espresso": "sì",
    "canale": "interview",
    "fasce_orarie": "mar e gio 16-18",
    "lat": "45,1335",
    "lon": "10.0227",
    "data": "14/03/2025",
    "persone": "3",
    "riservatezza": "rete",
}


def needs_csv(rows, header=HEADER, sep=",", encoding="utf-8-sig"):
    lines = [sep.join(header)]
    for row in rows:
        cells = []
        for name in header:
            value = str(row.get(name, ""))
            if sep in value or '"' in value or "\n" in value:
                value = '"' + value.replace('"', '""') + '"'
            cells.append(value)
        lines.append(sep.join(cells))
    return ("\n".join(lines) + "\n").encode(encoding)


def upload(content, name="bisogni.csv"):
    return SimpleUploadedFile(name, content)


@pytest.fixture
def territory(cast):
    return make_territory(cast)


def make_territory(cast):
    """Areas (one no longer in use), a neighbourhood in Cremona and one in Crema, a Comune outside the territory."""
    cremona, crema = cast.municipalities
    areas = {
        "conciliazione": NeedAreaFactory(
            network=cast.network, code="conciliazione", name="Conciliazione famiglia-lavoro"
        ),
        "relazioni": NeedAreaFactory(network=cast.network, code="relazioni", name="Relazioni e solitudine"),
        "vecchia": NeedAreaFactory(network=cast.network, code="vecchia", name="Area dismessa", is_active=False),
    }
    po = f.NeighbourhoodFactory(network=cast.network, municipality=cremona, name="Po")
    centro = f.NeighbourhoodFactory(network=cast.network, municipality=crema, name="Centro")
    soncino = f.MunicipalityFactory(istat_code="019096", cadastral_code="I827", name="Soncino")
    return {"areas": areas, "po": po, "centro": centro, "soncino": soncino}


def run(cast, content, actor="coordinator", name="bisogni.csv"):
    user = getattr(cast, actor) if actor else None
    return import_needs_file(actor=user, network=cast.network, file=upload(content, name), file_name=name)


def test_a_good_csv_creates_every_need_with_its_history_and_audit(cast, territory):
    second = GOOD | {
        "id_esterno": "SP-2",
        "area": "Relazioni e solitudine",
        "gruppo": "Older people",
        "comune": "Crema",
        "quartiere": "centro",
        "urgenza": "1",
        "espresso": "rilevato",
        "canale": "Community sentinel",
        "fasce_orarie": "",
        "lat": "",
        "lon": "",
        "data": "2025-01-02",
        "persone": "",
        "riservatezza": "equipe",
    }
    outcome = run(cast, needs_csv([GOOD, second], sep=";"))
    assert outcome.ok, outcome.errors
    assert (outcome.total, outcome.created) == (2, 2)
    first, other = Need.objects.order_by("external_id")
    assert first.network == cast.network and first.status == NeedStatus.NEW
    assert first.area == territory["areas"]["conciliazione"]
    assert (first.target_group, first.channel, first.urgency, first.expressed) == ("families", "interview", 3, True)
    assert first.municipality == cast.municipalities[0] and first.neighbourhood == territory["po"]
    assert (first.latitude, first.longitude) == (Decimal("45.133500"), Decimal("10.022700"))
    assert first.time_windows == [
        {"day": 1, "start": "16:00", "end": "18:00"},
        {"day": 3, "start": "16:00", "end": "18:00"},
    ]
    assert first.observed_on == datetime.date(2025, 3, 14) and first.people_count == 3
    assert first.description == GOOD["descrizione"] and first.reported_by == cast.coordinator
    assert other.area == territory["areas"]["relazioni"] and other.target_group == "elderly"
    assert other.municipality == cast.municipalities[1] and other.neighbourhood == territory["centro"]
    assert (other.urgency, other.expressed, other.channel, other.people_count) == (1, False, "sentinel", 1)
    assert other.privacy_level == PrivacyLevel.CASE_TEAM and other.time_windows == [] and other.latitude is None
    for need in (first, other):
        event = NeedEvent.objects.get(need=need)
        assert (event.from_status, event.to_status, event.actor) == ("", NeedStatus.NEW, cast.coordinator)
    creates = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="needs.need")
    assert {(e.object_id, e.data_class) for e in creates} == {
        (str(first.pk), DataClass.PERSONAL),
        (str(other.pk), DataClass.CASE),
    }
    # The description is encrypted at rest and never copied into the trail.
    assert all(e.after["description"] == "[redacted]" for e in creates)
    summary = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert summary.after == {"created": 2, "file": "bisogni.csv"} and summary.network == cast.network


def test_english_headers_and_defaults(cast, territory):
    header = ("external_id", "area", "target_group", "municipality", "description", "channel")
    row = {
        "external_id": "X",
        "area": "CONCILIAZIONE",
        "target_group": "famiglie" if False else "families",
        "municipality": "19036",
        "description": "Serve un doposcuola",
        "channel": "front_office",
    }
    outcome = run(cast, needs_csv([row], header=header))
    assert outcome.ok, outcome.errors
    need = Need.objects.get()
    assert need.municipality == cast.municipalities[0]
    assert (need.urgency, need.expressed, need.people_count, need.privacy_level) == (2, True, 1, "network")
    assert need.observed_on == timezone.localdate() and need.time_windows == []


def test_a_good_xlsx_creates_the_needs(cast, territory):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(HEADER))
    values = GOOD | {
        "data": datetime.datetime(2025, 3, 14),
        "lat": 45.1335,
        "lon": 10.0227,
        "persone": 3.0,
        "urgenza": 4,
        "comune": 19036,
        "espresso": False,
    }
    sheet.append([values[name] for name in HEADER])
    buffer = io.BytesIO()
    workbook.save(buffer)
    outcome = run(cast, buffer.getvalue(), name="bisogni.xlsx")
    assert outcome.ok, outcome.errors
    need = Need.objects.get()
    assert (need.observed_on, need.people_count, need.urgency, need.expressed) == (
        datetime.date(2025, 3, 14),
        3,
        4,
        False,
    )
    assert need.latitude == Decimal("45.133500") and need.municipality == cast.municipalities[0]


def test_a_windows_1252_file_keeps_its_accents(cast, territory):
    row = GOOD | {"descrizione": "Città: serve un aiuto più vicino"}
    outcome = run(cast, needs_csv([row], encoding="cp1252"))
    assert outcome.ok, outcome.errors
    assert Need.objects.get().description == "Città: serve un aiuto più vicino"


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ({"area": "giardinaggio"}, "area", "Choose an area of this network"),
        ({"area": "vecchia"}, "area", "no longer in use"),
        ({"area": ""}, "area", "required"),
        ({"gruppo": "alieni"}, "gruppo", "Choose a valid target group"),
        ({"comune": "999999"}, "comune", "Choose a Comune of the network"),
        ({"comune": "Milano"}, "comune", "Choose a Comune of the network"),
        ({"comune": "019096"}, "comune", "This Comune is not part of the network's territory"),
        ({"comune": "soncino"}, "comune", "This Comune is not part of the network's territory"),
        ({"comune": ""}, "comune", "required"),
        ({"quartiere": "Centro"}, "quartiere", "This neighbourhood is not in the chosen Comune"),
        ({"quartiere": "Nowhere"}, "quartiere", "Choose a neighbourhood of the network"),
        ({"descrizione": ""}, "descrizione", "required"),
        ({"descrizione": "x" * 4001}, "descrizione", "At most 4000 characters"),
        ({"urgenza": "molto"}, "urgenza", "Choose a valid urgency"),
        ({"urgenza": "7"}, "urgenza", "Choose a valid urgency"),
        ({"espresso": "forse"}, "espresso", "Say whether the need was expressed"),
        ({"canale": "piccione"}, "canale", "Choose a valid channel"),
        ({"canale": ""}, "canale", "required"),
        ({"fasce_orarie": "mar 16-18 pomeriggio"}, "fasce_orarie", "pomeriggio"),
        ({"fasce_orarie": "gio 18-16"}, "fasce_orarie", "18"),
        ({"lat": "45.1", "lon": ""}, "lon", "Give both latitude and longitude"),
        ({"lat": "", "lon": "10.0"}, "lat", "Give both latitude and longitude"),
        ({"lat": "95", "lon": "10"}, "lat", "not in Italy"),
        ({"lat": "nord", "lon": "10"}, "lat", "Enter a number, such as 45.133"),
        ({"data": "31/02/2025"}, "data", "Enter a valid date"),
        ({"data": "ieri"}, "data", "Enter a valid date"),
        ({"data": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}, "data", "future"),
        ({"persone": "tre"}, "persone", "whole number"),
        ({"persone": "0"}, "persone", "between 1 and"),
        ({"riservatezza": "segreto"}, "riservatezza", "Choose a valid privacy level"),
        ({"id_esterno": "x" * 65}, "id_esterno", "At most 64 characters"),
    ],
)
def test_each_bad_cell_is_reported_with_row_column_and_reason_and_nothing_is_written(
    cast, territory, cells, column, message
):
    good_row = GOOD | {"id_esterno": "OK-1"}
    outcome = run(cast, needs_csv([good_row, GOOD | cells]))
    assert not outcome.ok
    assert [(e.row, e.column) for e in outcome.errors] == [(3, column)], outcome.errors
    assert message in outcome.errors[0].message
    assert not Need.objects.exists() and not NeedEvent.objects.exists()
    assert not AuditEvent.objects.filter(object_type="needs.need").exists()


def test_every_bad_row_is_reported_not_only_the_first(cast, territory):
    rows = [
        GOOD | {"id_esterno": "A", "area": "??"},
        GOOD | {"id_esterno": "B"},
        GOOD | {"id_esterno": "C", "urgenza": "x", "canale": "?"},
    ]
    outcome = run(cast, needs_csv(rows))
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "area"), (4, "urgenza"), (4, "canale")]
    assert outcome.total == 3 and not Need.objects.exists()


def test_a_duplicate_id_in_the_file_is_an_error(cast, territory):
    outcome = run(cast, needs_csv([GOOD, GOOD | {"descrizione": "Altro"}]))
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "id_esterno")]
    assert "already on row 2" in outcome.errors[0].message
    assert not Need.objects.exists()


def test_an_id_already_in_the_network_is_an_error_but_another_networks_is_not(cast, territory):
    NeedFactory(network=cast.other_network, external_id="SP-2")
    NeedFactory(
        network=cast.network,
        area=territory["areas"]["relazioni"],
        municipality=cast.municipalities[0],
        external_id="SP-1",
    )
    outcome = run(cast, needs_csv([GOOD, GOOD | {"id_esterno": "SP-2"}]))
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "id_esterno")]
    assert "already has this identifier" in outcome.errors[0].message
    assert Need.objects.filter(network=cast.network).count() == 1


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "bisogni.csv", "The file is empty"),
        ("\ufeff\n\n".encode(), "bisogni.csv", "The file is empty"),
        (",".join(HEADER).encode(), "bisogni.csv", "no data rows"),
        (b"nome,cognome\nAnna,Rossi\n", "bisogni.csv", "Missing columns: area, gruppo, comune, descrizione, canale"),
        (needs_csv([GOOD], header=(*HEADER, "colore")), "bisogni.csv", "Unknown column: colore"),
        (needs_csv([GOOD], header=(*HEADER, "description")), "bisogni.csv", "Repeated column: descrizione"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "bisogni.csv", "not recognised"),
        (needs_csv([GOOD]), "bisogni.xlsx", "not one"),
        (b"PK\x03\x04 not really a zip", "bisogni.xlsx", "not recognised"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"x" * 100, "bisogni.xls", "old Excel file"),
        (",".join(HEADER).encode() + b"\n\x81\x8d\x8f\x90\x9d,x\n", "bisogni.csv", "cannot be read"),
    ],
)
def test_unusable_files_are_refused_whole(cast, territory, content, name, message):
    with pytest.raises(ImportFileError) as caught:
        run(cast, content, name=name)
    assert message in str(caught.value)
    assert not Need.objects.exists()


def test_too_many_rows(cast, territory, settings):
    settings.LEGAMI_IMPORT_MAX_ROWS = 2
    rows = [GOOD | {"id_esterno": f"R{i}"} for i in range(3)]
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        run(cast, needs_csv(rows))
    assert not Need.objects.exists()


@pytest.mark.parametrize("persona", ["case_manager", "community_worker", "privacy_officer", "citizen", "outsider"])
def test_only_who_may_import_needs_can(cast, territory, persona):
    with pytest.raises(PermissionDenied):
        run(cast, needs_csv([GOOD]), actor=persona)
    assert not Need.objects.exists()


def test_the_command_line_without_actor_is_trusted(cast, territory):
    outcome = run(cast, needs_csv([GOOD]), actor=None)
    assert outcome.ok and Need.objects.get().reported_by is None
    assert AuditEvent.objects.get(action=AuditEvent.Action.IMPORT).actor_label == "system"


def test_a_district_limited_importer_may_only_import_needs_of_its_district(cast, territory):
    user = f.UserFactory(email="district-coordinator@example.org")
    f.MembershipFactory(network=cast.network, user=user, role=Role.COORDINATOR, district=cast.district)
    crema = GOOD | {"id_esterno": "SP-9", "comune": "019035", "quartiere": ""}
    outcome = import_needs_file(actor=user, network=cast.network, file=upload(needs_csv([GOOD, crema])))
    assert [(e.row, e.column) for e in outcome.errors] == [(3, "comune")]
    assert "Choose a Comune of your district" in outcome.errors[0].message
    assert not Need.objects.exists()


def test_another_networks_areas_and_neighbourhoods_are_unknown(cast, territory):
    NeedAreaFactory(network=cast.other_network, code="solo-altrove", name="Solo altrove")
    f.NeighbourhoodFactory(network=cast.other_network, municipality=cast.municipalities[0], name="Altrove")
    outcome = run(cast, needs_csv([GOOD | {"area": "solo-altrove", "quartiere": "Altrove"}]))
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "area"), (2, "quartiere")]


def test_formula_escapes_of_our_exports_are_undone(cast, territory):
    outcome = run(cast, needs_csv([GOOD | {"descrizione": "'=serve aiuto"}]))
    assert outcome.ok and Need.objects.get().description == "=serve aiuto"


def test_progress_is_reported_while_validating_and_writing(cast, territory, monkeypatch):
    monkeypatch.setattr(NeedsImport, "progress_every", 2)
    monkeypatch.setattr(NeedsImport, "batch_size", 2)
    calls = []
    rows = [GOOD | {"id_esterno": f"R{i}"} for i in range(5)]
    outcome = import_needs_file(
        actor=cast.coordinator,
        network=cast.network,
        file=upload(needs_csv(rows)),
        progress=lambda done, total, phase: calls.append((phase, done, total)),
    )
    assert outcome.created == 5
    assert calls == [
        ("validating", 0, 5),
        ("validating", 2, 5),
        ("validating", 4, 5),
        ("validating", 5, 5),
        ("writing", 2, 5),
        ("writing", 4, 5),
        ("writing", 5, 5),
    ]


def test_the_documented_example_file_imports(cast):
    from pathlib import Path

    from legami.needs.services.areas import ensure_default_areas

    ensure_default_areas(network=cast.network)
    path = Path(__file__).resolve().parents[3] / "docs" / "examples" / "bisogni-esempio.csv"
    outcome = import_needs_file(actor=cast.coordinator, network=cast.network, file=path)
    assert outcome.ok, outcome.errors
    assert Need.objects.filter(network=cast.network, privacy_level=PrivacyLevel.CASE_TEAM).count() == 1
    assert outcome.created == 3


def test_a_neighbourhood_name_used_in_two_comuni_is_the_one_of_the_rows_comune(cast, territory):
    also_po = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[1], name="Po")
    rows = [GOOD, GOOD | {"id_esterno": "SP-2", "comune": "Crema", "quartiere": "PO"}]
    outcome = run(cast, needs_csv(rows))
    assert outcome.ok, outcome.errors
    assert [n.neighbourhood for n in Need.objects.order_by("external_id")] == [territory["po"], also_po]


def test_areas_and_comuni_match_without_regard_to_case_or_accents(cast, territory):
    NeedAreaFactory(network=cast.network, code="poverta", name="Povertà e lavoro")
    outcome = run(cast, needs_csv([GOOD | {"area": "POVERTA E LAVORO", "comune": "cremona"}]))
    assert outcome.ok, outcome.errors
    need = Need.objects.get()
    assert need.area.code == "poverta" and need.municipality == cast.municipalities[0]
