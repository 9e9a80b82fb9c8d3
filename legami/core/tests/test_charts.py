"""bar_chart: accessible server-side SVG with every value in text."""

import xml.etree.ElementTree as ET

from django.utils import translation
from django.utils.safestring import SafeString

from legami.core.charts import BAR_COLOUR, bar_chart, format_value

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("fill") == BAR_COLOUR]


def test_chart_is_a_named_described_image_with_text_labels():
    with translation.override("it"):
        svg = bar_chart([("Casa", 10), ("Lavoro", 5)], title="Bisogni per area", unit="persone")
    assert isinstance(svg, SafeString)
    root = parse(svg)
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.text == "Bisogni per area"
    assert desc.text == "Casa: 10 persone; Lavoro: 5 persone"
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert texts == ["Casa10 persone", "Lavoro5 persone"]
    assert root.get("width") == "100%"
    assert "style" not in svg  # CSP: presentation attributes only


def test_bars_are_proportional_to_the_largest_value():
    root = parse(bar_chart([("a", 10), ("b", 5), ("c", 0)], title="t"))
    assert [b.get("width") for b in bars(root)] == ["100.00%", "50.00%"]


def test_tiny_values_keep_a_visible_bar_and_negatives_none():
    root = parse(bar_chart([("a", 10000), ("b", 1), ("c", -3)], title="t"))
    assert [b.get("width") for b in bars(root)] == ["100.00%", "0.50%"]
    assert "c: -3" in root.find(f"{SVG}desc").text


def test_text_is_escaped():
    svg = bar_chart([("<script>alert(1)</script> & co", 1)], title='"quoted" <b>')
    assert "<script>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == '"quoted" <b>'
    assert "<script>alert(1)</script> & co" in root.find(f"{SVG}desc").text


def test_max_items_draws_the_first_items_and_says_how_many_are_left_out():
    with translation.override("en"):
        root = parse(bar_chart([(str(i), i) for i in range(1, 8)], title="t", max_items=3))
    assert len(bars(root)) == 3
    assert root.find(f"{SVG}desc").text.endswith("4 more items are not shown.")
    assert any("4 more items are not shown." in "".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def test_empty_chart_says_there_is_no_data():
    with translation.override("en"):
        root = parse(bar_chart([], title="Nothing"))
    assert root.find(f"{SVG}desc").text == "No data."
    assert not bars(root)


def test_unique_ids_for_two_charts_on_one_page():
    first = parse(bar_chart([("a", 1)], title="t")).find(f"{SVG}title").get("id")
    second = parse(bar_chart([("a", 1)], title="t")).find(f"{SVG}title").get("id")
    assert first != second


def test_long_labels_are_shortened_in_the_drawing_but_whole_in_the_description():
    label = "parola " * 30
    root = parse(bar_chart([(label, 1)], title="t"))
    drawn = next(root.iter(f"{SVG}tspan")).text
    assert drawn.endswith("…") and len(drawn) <= 60
    assert label.strip() in root.find(f"{SVG}desc").text


def test_values_are_written_in_the_active_language():
    with translation.override("it"):
        assert format_value(1234) == "1.234"
        assert format_value(3.5) == "3,5"
        assert format_value(2.25) == "2,25"
        assert format_value(2.0) == "2"
        assert format_value(float("nan")) == "–"
    with translation.override("en"):
        assert format_value(1234.5) == "1,234.5"
