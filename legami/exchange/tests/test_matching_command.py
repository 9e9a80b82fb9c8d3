"""`manage.py match_offers`: a good run (exact file), every bad input (row, column, reason), no output on error."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from legami.exchange.matching.csvio import needs_from_rows
from legami.territory.centroids import municipality_centroid

NEEDS = "id,area,municipality_istat,lat,lon,time_windows"
OFFERS = "id,areas,municipality_istat,lat,lon,radius_km,time_windows,capacity"
GOOD_NEEDS = [
    "n1,casa,019036,45.1335,10.0227,mon 16:00-18:00;thu 16:00-18:00",
    "n2,casa,019036,45.1400,10.0300,",
    "n3,lavoro,019036,,,tue 9:00-12:00",  # no point: the Comune's
    "n4,cura,019036,45.1335,10.0227,",  # no offer of that area
]
GOOD_OFFERS = [
    'o1,casa;lavoro,019036,45.1335,10.0227,"2,5",thu 17:00-19:00,1',
    "o2,casa,019036,45.1500,10.0300,5,,1",
    "o3,lavoro,019036,,,1.5,tue 8:00-10:00,2",
]


def write(path, lines, bom=False):
    path.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")


def run(tmp_path, needs=None, offers=None, bom=False):
    write(tmp_path / "needs.csv", needs if needs is not None else [NEEDS, *GOOD_NEEDS], bom)
    write(tmp_path / "offers.csv", offers if offers is not None else [OFFERS, *GOOD_OFFERS], bom)
    target = tmp_path / "out" / "matches.csv"
    with translation.override("en"):
        call_command(
            "match_offers",
            "--needs",
            str(tmp_path / "needs.csv"),
            "--offers",
            str(tmp_path / "offers.csv"),
            "--output",
            str(target),
        )
    return target.read_text(encoding="utf-8")


@pytest.mark.parametrize("bom", [False, True])
def test_good_run_writes_the_exact_file(tmp_path, capsys, bom, django_db_blocker):
    with django_db_blocker.block():  # no database needed
        content = run(tmp_path, bom=bom)
    # n1 and n2 both want o1 (0 m from n1) and o2; n1's windows meet o1's on Thursday, the optimum keeps both
    assert content == "need_id,offer_id,distance_km\nn1,o1,0.000\nn2,o2,1.112\nn3,o3,0.000\n"
    out = capsys.readouterr().out
    assert "4 needs, 3 offers, 5 compatible pairs, 3 matched, 1.112 km in total" in out
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["matches.csv"]  # no temporary file left


def test_missing_point_is_the_comunes():
    [need] = needs_from_rows([{"id": "n", "area": "casa", "municipality_istat": "19036", "lat": "", "lon": ""}])
    assert (need.lat, need.lon) == municipality_centroid("019036")


def test_optional_columns_and_ignored_ones(tmp_path, capsys):
    needs = [NEEDS + ",languages,step_free,note", "n1,casa,019036,45.1335,10.0227,,ar,1,x"]
    offers = [
        OFFERS + ",languages,step_free",
        "o1,casa,019036,45.1335,10.0227,1,,1,fr,1",
        "o2,casa,,45.1335,10.0227,1,,1,ar,no",
    ]
    assert run(tmp_path, needs, offers) == "need_id,offer_id,distance_km\n"  # o1: no language, o2: steps
    assert "columns ignored: note" in capsys.readouterr().err
    offers[2] = "o2,casa,,45.1335,10.0227,1,,1,ar;it,sì"
    assert run(tmp_path, needs, offers) == "need_id,offer_id,distance_km\nn1,o2,0.000\n"


def test_header_only_files_write_only_the_header(tmp_path):
    assert run(tmp_path, [NEEDS], [OFFERS]) == "need_id,offer_id,distance_km\n"


def expect_error(tmp_path, needs=None, offers=None, *messages):
    target = tmp_path / "out" / "matches.csv"
    target.parent.mkdir(exist_ok=True)
    target.write_text("old\n")  # an earlier result stays as it was
    with pytest.raises(CommandError) as error:
        run(tmp_path, needs, offers)
    for message in messages:
        assert message in str(error.value)
    assert "nothing written" in str(error.value)
    assert target.read_text() == "old\n"
    assert [p.name for p in target.parent.iterdir()] == ["matches.csv"]
    return str(error.value)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("n1,casa,019036,,,", "row 6, column id: duplicate id “n1” (first on row 2)"),
        (",casa,019036,,,", "row 6, column id: empty"),
        ("n9,,019036,,,", "row 6, column area: empty"),
        ("n9,casa,999999,,,", "row 6, column municipality_istat: “999999” is not the ISTAT code of a Comune"),
        ("n9,casa,,,,", "row 6, column municipality_istat: empty, and there is no point (lat, lon) either"),
        ("n9,casa,019036,45.1,,", "row 6, column lon: empty while lat is given"),
        ("n9,casa,019036,,10.0,", "row 6, column lat: empty while lon is given"),
        ("n9,casa,019036,north,10.0,", "row 6, column lat: “north” is not a latitude"),
        ("n9,casa,019036,45.1,200,", "row 6, column lon: “200” is not a longitude"),
        ("n9,casa,019036,,,someday 9-10", "row 6, column time_windows: "),
        ("n9,casa,019036,,,mon 18-16", "row 6, column time_windows: "),
        ("n9,casa,019036,,,,extra", "row 6, column 7: 7 cells, more than the 6 columns of the header"),
    ],
)
def test_bad_need_cells(tmp_path, line, expected):
    expect_error(tmp_path, [NEEDS, *GOOD_NEEDS, line], None, "needs.csv", expected)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("o9,,019036,,,1,,1", "row 5, column areas: empty"),
        ("o9,casa,019036,,,,,1", "row 5, column radius_km: empty"),
        ("o9,casa,019036,,,-1,,1", "row 5, column radius_km: “-1” is not a distance in km (0 or more)"),
        ("o9,casa,019036,,,far,,1", "row 5, column radius_km: “far” is not a distance in km (0 or more)"),
        ("o9,casa,019036,,,nan,,1", "row 5, column radius_km: “nan” is not a distance in km (0 or more)"),
        ("o9,casa,019036,,,1,,0", "row 5, column capacity: “0” is not a whole number of 1 or more"),
        ("o9,casa,019036,,,1,,1.5", "row 5, column capacity: “1.5” is not a whole number of 1 or more"),
        ("o9,casa,019036,,,1,,", "row 5, column capacity: empty"),
        ("o1,casa,019036,,,1,,1", "row 5, column id: duplicate id “o1” (first on row 2)"),
    ],
)
def test_bad_offer_cells(tmp_path, line, expected):
    expect_error(tmp_path, None, [OFFERS, *GOOD_OFFERS, line], "offers.csv", expected)


def test_every_bad_cell_is_listed_up_to_a_cap(tmp_path):
    lines = [NEEDS, *(f"n{i},casa,019036,x,y," for i in range(40))]
    message = expect_error(tmp_path, lines, None, "row 2, column lat", "row 2, column lon", "row 26, column lon")
    assert "row 27," not in message
    assert "… and 30 more" in message  # 80 problems, 50 listed


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["id,area,lat,lon,time_windows", "n1,casa,,,"], "missing columns: municipality_istat"),
        (["id,area,area,municipality_istat,lat,lon,time_windows"], "columns given twice: area"),
        ([""], "the file is empty"),
    ],
)
def test_bad_headers(tmp_path, lines, expected):
    expect_error(tmp_path, lines, None, expected)


def test_not_utf8_and_missing_file(tmp_path):
    (tmp_path / "needs.csv").write_bytes(b"id,area,municipality_istat,lat,lon,time_windows\nn1,citt\xe0,019036,,,\n")
    write(tmp_path / "offers.csv", [OFFERS])
    with translation.override("en"), pytest.raises(CommandError, match="not UTF-8 text"):
        call_command(
            "match_offers",
            "--needs",
            str(tmp_path / "needs.csv"),
            "--offers",
            str(tmp_path / "offers.csv"),
            "--output",
            str(tmp_path / "m.csv"),
        )
    with translation.override("en"), pytest.raises(CommandError, match="no such file"):
        call_command(
            "match_offers",
            "--needs",
            str(tmp_path / "nope.csv"),
            "--offers",
            str(tmp_path / "offers.csv"),
            "--output",
            str(tmp_path / "m.csv"),
        )
    assert not (tmp_path / "m.csv").exists()


def test_messages_in_italian(tmp_path):
    write(tmp_path / "needs.csv", [NEEDS, "n1,casa,019036,nord,10,"])
    write(tmp_path / "offers.csv", [OFFERS])
    with (
        translation.override("it"),
        pytest.raises(CommandError, match="riga 2, colonna lat: “nord” non è una latitudine"),
    ):
        call_command(
            "match_offers",
            "--needs",
            str(tmp_path / "needs.csv"),
            "--offers",
            str(tmp_path / "offers.csv"),
            "--output",
            str(tmp_path / "m.csv"),
        )
