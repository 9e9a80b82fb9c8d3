"""`manage.py aggregate_needs`: the happy path, every bad input, and no output file on failure."""

import csv

import pytest
from django.core.management import CommandError, call_command

HEADER = "id,area,target_group,municipality_istat,lat,lon,time_windows,description"
GOOD = [
    "1,conciliazione,families,019036,45.1335,10.0227,mon 16:00-18:00;thu 16:00-18:00,"
    '"Cerchiamo un doposcuola, aiuto compiti"',
    "2,conciliazione,minors,019036,,,mar e gio 16-18,Serve un doposcuola per i bambini con aiuto compiti",
    "3,reddito,families,019036,,,,Bollette della luce troppo alte",
]


def run(tmp_path, lines, *extra, bom=False):
    source, target = tmp_path / "needs.csv", tmp_path / "out" / "groups.csv"
    source.write_text(("\ufeff" if bom else "") + "\n".join(lines) + "\n", encoding="utf-8")
    call_command("aggregate_needs", "--input", str(source), "--output", str(target), "--no-progress", *extra)
    with target.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.mark.parametrize("bom", [False, True])
def test_happy_path_one_row_per_need_in_input_order(tmp_path, capsys, bom):
    rows = run(tmp_path, [HEADER, *GOOD], bom=bom)
    assert rows[0] == ["need_id", "group_id"]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3"]
    assert rows[1][1] == rows[2][1] != rows[3][1]
    assert "3 needs, 2 groups, 2 needs in groups" in capsys.readouterr().err
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["groups.csv"]  # no temporary file left


def test_extra_columns_are_ignored_and_options_apply(tmp_path):
    lines = [HEADER + ",note", *(line + ",x" for line in GOOD)]
    rows = run(tmp_path, lines, "--min-group-size", "3", "--distance-km", "1")
    assert len({r[1] for r in rows[1:]}) == 3


def test_works_without_the_database(tmp_path, django_db_blocker):
    with django_db_blocker.block():
        assert len(run(tmp_path, [HEADER, *GOOD])) == 4


def test_empty_file_with_header_writes_only_the_header(tmp_path):
    assert run(tmp_path, [HEADER]) == [["need_id", "group_id"]]


def test_missing_columns_are_named(tmp_path):
    with pytest.raises(CommandError, match="missing columns: lat, lon"):
        run(tmp_path, ["id,area,target_group,municipality_istat,time_windows,description", "1,a,b,c,,d"])
    assert not (tmp_path / "out" / "groups.csv").exists()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("1,cura,elderly,019036,,,,dup", "row 5, column id: duplicate id '1' (first on row 2)"),
        ("9,cura,elderly,019036,north,10.0,,x", "row 5, column lat: 'north' is not a latitude"),
        ("9,cura,elderly,019036,45.1,east,,x", "row 5, column lon: 'east' is not a longitude"),
        ("9,cura,elderly,019036,95,10,,x", "row 5, column lat: '95' is not a latitude"),
        ("9,cura,elderly,019036,45.1,,,x", "row 5, column lon: empty while lat is given"),
        ("9,cura,elderly,019036,,10.0,,x", "row 5, column lat: empty while lon is given"),
        ("9,cura,elderly,019036,,,lun 22-2,x", "row 5, column time_windows:"),
        (",cura,elderly,019036,,,,x", "row 5, column id: empty"),
        ("9,,elderly,019036,,,,x", "row 5, column area: empty"),
        ("9,cura,elderly,,,,,x", "row 5, column municipality_istat: empty"),
    ],
)
def test_each_bad_row_fails_the_command_and_writes_nothing(tmp_path, line, expected):
    target = tmp_path / "out" / "groups.csv"
    target.parent.mkdir()
    target.write_text("old content\n")
    with pytest.raises(CommandError) as error:
        run(tmp_path, [HEADER, *GOOD, line])
    assert expected in str(error.value)
    assert "nothing written" in str(error.value)
    assert target.read_text() == "old content\n"  # the previous output is left alone
    assert [p.name for p in target.parent.iterdir()] == ["groups.csv"]


def test_at_most_fifty_problems_are_listed(tmp_path):
    lines = [HEADER, *(f",cura,elderly,019036,,,,x{n}" for n in range(60))]
    with pytest.raises(CommandError) as error:
        run(tmp_path, lines)
    message = str(error.value)
    assert "row 51, column id: empty" in message and "row 52," not in message
    assert "… and 10 more" in message


def test_not_utf8_and_missing_input_are_clear_errors(tmp_path):
    (tmp_path / "needs.csv").write_bytes((HEADER + "\n1,cura,elderly,019036,,,,caff\xe8\n").encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("aggregate_needs", "--input", str(tmp_path / "needs.csv"), "--output", str(tmp_path / "g.csv"))
    with pytest.raises(CommandError, match="no such file"):
        call_command("aggregate_needs", "--input", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "g.csv"))
    with pytest.raises(CommandError, match="distance-km"):
        call_command("aggregate_needs", "--input", str(tmp_path / "needs.csv"), "--output", "x", "--distance-km", "-1")
    assert not (tmp_path / "g.csv").exists()
