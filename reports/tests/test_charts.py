"""The SVG charts are valid, self-contained XML whose shapes follow the data."""

import re
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from django.utils.safestring import SafeString

from reports.charts import format_number, svg_chart
from reports.registry import Chart

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(markup):
    return ET.fromstring(str(markup))


def bars(root):
    # Data bars carry a <title> tooltip; the legend swatches do not.
    return [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.find("svg:title", NS) is not None]


def test_bar_chart_is_valid_svg_and_bars_scale_to_values():
    rows = [{"month": "2026-01", "revenue": Decimal("1000.00")},
            {"month": "2026-02", "revenue": Decimal("2500.50")},
            {"month": "2026-03", "revenue": Decimal("500.00")}]
    markup = svg_chart(Chart("bar", "month", ("revenue",), title="Revenue"), rows)
    assert isinstance(markup, SafeString)
    root = parse(markup)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    heights = [float(r.get("height")) for r in bars(root)]
    assert len(heights) == 3
    assert heights[1] > heights[0] > heights[2] > 0
    # Proportional to the values (same zero baseline).
    assert abs(heights[1] / heights[0] - 2.5005) < 0.01
    assert abs(heights[0] / heights[2] - 2.0) < 0.01
    # Tooltips show exact amounts with thousands separators.
    assert "2,500.5" in str(markup)
    assert "2026-02" in str(markup)


def test_axis_labels_use_thousands_separators():
    rows = [{"d": date(2026, 1, 1), "v": 1_250_000}, {"d": date(2026, 2, 1), "v": 3_000_000}]
    root = parse(svg_chart(Chart("bar", "d", ("v",)), rows))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "3,000,000" in texts
    assert "2026-01-01" in texts


def test_labels_and_titles_are_escaped():
    rows = [{"name": "<script>alert(1)</script> & Co", "qty": 3}]
    markup = svg_chart(Chart("bar", "name", ("qty",), title='A "quoted" <b>title</b>'), rows)
    root = parse(markup)  # still well-formed XML
    assert "<script>" not in str(markup)
    assert "<b>" not in str(markup)
    assert root.find("svg:title", NS).text == 'A "quoted" <b>title</b>'


def test_line_chart_with_several_series_has_legend_and_gaps():
    rows = [{"m": f"2026-{i:02d}", "this": Decimal(i * 10), "last": Decimal(i * 7) if i != 3 else None}
            for i in range(1, 7)]
    markup = svg_chart(Chart("line", "m", ("this", "last")), rows, labels={"this": "This year", "last": "Last year"})
    root = parse(markup)
    lines = root.findall("svg:polyline", NS)
    # "this" is one unbroken line; "last" is split in two by the missing month.
    assert len(lines) == 3
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "This year" in texts and "Last year" in texts
    colours = {line.get("stroke") for line in lines}
    assert len(colours) == 2


def test_negative_values_draw_below_the_zero_line():
    rows = [{"k": "a", "v": Decimal("100")}, {"k": "b", "v": Decimal("-50")}]
    root = parse(svg_chart(Chart("bar", "k", ("v",)), rows))
    up, down = bars(root)
    assert float(up.get("y")) + float(up.get("height")) == float(down.get("y"))
    assert abs(float(up.get("height")) / float(down.get("height")) - 2) < 0.01


def test_empty_data_gives_a_small_no_data_svg():
    for rows in ([], [{"k": "a", "v": None}]):
        markup = svg_chart(Chart("bar", "k", ("v",), title="Nothing"), rows)
        root = parse(markup)
        assert "No data" in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
        assert int(root.get("height")) < 100


def test_no_scripts_styles_or_external_references():
    rows = [{"k": str(i), "a": i, "b": i * 2} for i in range(40)]
    for kind in ("bar", "line"):
        markup = str(svg_chart(Chart(kind, "k", ("a", "b")), rows))
        assert "<script" not in markup
        assert "style=" not in markup and "<style" not in markup
        assert "href" not in markup
        assert not re.search(r"url\(", markup)
        parse(markup)


def test_format_number():
    assert format_number(Decimal("1234567.891")) == "1,234,567.89"
    assert format_number(Decimal("1000.00")) == "1,000"
    assert format_number(12) == "12"
    assert format_number(None) == ""


def test_title_can_be_left_out_of_the_drawing_but_stays_its_accessible_name():
    rows = [{"k": "a", "v": 1}]
    root = parse(svg_chart(Chart("bar", "k", ("v",), title="Revenue"), rows, show_title=False))
    assert "Revenue" not in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert root.get("aria-label") == "Revenue" and root.find("svg:title", NS).text == "Revenue"
