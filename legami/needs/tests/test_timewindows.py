"""Weekly time windows: parsing Italian and English text, JSON, formatting, overlap and intersection."""

import pytest
from django.utils import translation

from legami.needs.timewindows import (
    TimeWindow,
    TimeWindowError,
    format_time_windows,
    intersect,
    normalize,
    overlaps,
    parse_time_windows,
    windows_from_json,
    windows_to_json,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def tw(day, start, end):
    """A window from "HH:MM" strings or hours."""

    def minutes(value):
        if isinstance(value, int):
            return value * 60
        hours, minutes_ = value.split(":")
        return int(hours) * 60 + int(minutes_)

    return TimeWindow(day, minutes(start), minutes(end))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon 16:00-18:00;thu 16:00-18:00", [tw(MON, 16, 18), tw(THU, 16, 18)]),
        ("mar e gio 16-18", [tw(TUE, 16, 18), tw(THU, 16, 18)]),
        ("mar, gio 16-18", [tw(TUE, 16, 18), tw(THU, 16, 18)]),
        ("lun-ven 9-12", [tw(d, 9, 12) for d in range(5)]),
        ("lunedì–venerdì 9-12", [tw(d, 9, 12) for d in range(5)]),
        ("da lunedì a venerdì 8-9", [tw(d, 8, 9) for d in range(5)]),
        ("sab-lun 10-11", [tw(MON, 10, 11), tw(SAT, 10, 11), tw(SUN, 10, 11)]),
        ("sabato 10:00–12:00", [tw(SAT, 10, 12)]),
        ("Sabato 10:00 — 12:00", [tw(SAT, 10, 12)]),
        ("mercoledi 16.30-18", [tw(WED, "16:30", 18)]),
        ("Wednesday 9:15-10:45", [tw(WED, "9:15", "10:45")]),
        ("tue, thu 4-6; fri 20-24", [tw(TUE, 4, 6), tw(THU, 4, 6), tw(FRI, 20, 24)]),
        ("monday 9-10, tuesday 10-11", [tw(MON, 9, 10), tw(TUE, 10, 11)]),
        ("lun 9-12, 14-16", [tw(MON, 9, 12), tw(MON, 14, 16)]),
        ("il martedì dalle 16 alle 18", [tw(TUE, 16, 18)]),
        ("dalle 16 alle 18 il martedì", [tw(TUE, 16, 18)]),
        ("16h-18h giovedì", [tw(THU, 16, 18)]),
        ("domenica", [tw(SUN, 0, 24)]),
        ("sun 9-12; dom 11-13", [tw(SUN, 9, 13)]),
        ("", []),
        ("   ", []),
    ],
)
def test_parse_accepts_the_usual_ways_of_writing_hours(text, expected):
    assert parse_time_windows(text) == expected


def test_parse_none_is_empty():
    assert parse_time_windows(None) == []


@pytest.mark.parametrize(
    ("text", "bad_part"),
    [
        ("lun 22-2", "22-2"),
        ("lun 18-16", "18-16"),
        ("lun 25-26", "25"),
        ("lun 9:75-10", "9:75"),
        ("lun 24:30-24:45", "24:30"),
        ("foo 9-10", "foo"),
        ("lun 9", "9"),
        ("9-10", "9-10"),
        ("lun - 9-10", "-"),
        ("lun 9-10 #", "#"),
    ],
)
def test_parse_refuses_bad_text_and_names_the_bad_part(text, bad_part):
    with pytest.raises(TimeWindowError) as error:
        parse_time_windows(text)
    assert bad_part in str(error.value)
    assert isinstance(error.value, ValueError)


def test_a_window_must_start_before_it_ends():
    with pytest.raises(TimeWindowError):
        TimeWindow(MON, 600, 600)
    with pytest.raises(TimeWindowError):
        TimeWindow(7, 600, 700)
    with pytest.raises(TimeWindowError):
        TimeWindow(MON, 600, 24 * 60 + 1)
    assert TimeWindow(MON, 0, 24 * 60).whole_day


def test_json_round_trip():
    windows = [tw(TUE, "16:30", 18), tw(SUN, 0, 24)]
    data = windows_to_json(windows)
    assert data == [{"day": 1, "start": "16:30", "end": "18:00"}, {"day": 6, "start": "00:00", "end": "24:00"}]
    assert windows_from_json(data) == windows
    assert windows_from_json(None) == []
    assert windows_from_json([]) == []


@pytest.mark.parametrize(
    "data",
    [
        "mon 9-10",
        {"day": 0},
        [{"day": 0, "start": "09:00"}],
        [{"day": 0, "start": "09:00", "end": "10:00", "extra": 1}],
        [{"day": 7, "start": "09:00", "end": "10:00"}],
        [{"day": True, "start": "09:00", "end": "10:00"}],
        [{"day": "0", "start": "09:00", "end": "10:00"}],
        [{"day": 0, "start": "9", "end": "10:00"}],
        [{"day": 0, "start": 540, "end": "10:00"}],
        [{"day": 0, "start": "09:60", "end": "10:00"}],
        [{"day": 0, "start": "11:00", "end": "10:00"}],
        [["0", "09:00", "10:00"]],
    ],
)
def test_windows_from_json_refuses_bad_shapes(data):
    with pytest.raises(TimeWindowError):
        windows_from_json(data)


def test_format_in_english():
    with translation.override("en"):
        assert format_time_windows(parse_time_windows("mar e gio 16-18")) == "tue and thu 16–18"
        assert format_time_windows([tw(MON, "9:30", 12)]) == "mon 9:30–12"
        assert format_time_windows(parse_time_windows("lun-ven 9-12")) == "mon–fri 9–12"
        assert format_time_windows(parse_time_windows("lun, mer, ven 9-12")) == "mon, wed and fri 9–12"
        assert format_time_windows(parse_time_windows("sab")) == "sat"
        assert format_time_windows(parse_time_windows("gio 16-18; mar 9-10")) == "tue 9–10; thu 16–18"
        assert format_time_windows([]) == ""


def test_formatted_text_parses_back_to_the_same_windows():
    windows = parse_time_windows("lun-ven 9-12; mar e gio 16:30-18; sab; dom 10-11")
    for language in ("en", "it"):
        with translation.override(language):
            assert parse_time_windows(format_time_windows(windows)) == windows


def test_format_in_italian():
    with translation.override("it"):
        assert format_time_windows(parse_time_windows("tue, thu 16:00-18:00")) == "mar e gio 16–18"
        assert format_time_windows([tw(MON, "9:30", 12)]) == "lun 9:30–12"


def test_overlaps():
    assert overlaps([tw(TUE, 16, 18)], [tw(TUE, 17, 19)])
    assert not overlaps([tw(TUE, 16, 18)], [tw(TUE, 18, 19)])  # touching is not sharing
    assert not overlaps([tw(TUE, 16, 18)], [tw(THU, 16, 18)])
    assert overlaps([], [tw(THU, 16, 18)])  # unknown = any time
    assert overlaps([tw(THU, 16, 18)], [])
    assert overlaps([], [])


def test_intersect():
    assert intersect([tw(TUE, 16, 18), tw(THU, 16, 18)], [tw(TUE, 17, 19), tw(FRI, 9, 10)]) == [tw(TUE, 17, 18)]
    assert intersect([tw(TUE, 16, 18)], [tw(THU, 16, 18)]) == []
    assert intersect([], [tw(THU, 16, 18)]) == [tw(THU, 16, 18)]
    assert intersect([tw(THU, 16, 18)], []) == [tw(THU, 16, 18)]
    assert intersect([], []) == []


def test_normalize_merges_overlapping_and_touching_windows():
    assert normalize([tw(MON, 10, 12), tw(MON, 9, 10), tw(SUN, 1, 2), tw(MON, 11, 13)]) == [
        tw(MON, 9, 13),
        tw(SUN, 1, 2),
    ]
