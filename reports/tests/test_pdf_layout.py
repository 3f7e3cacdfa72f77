"""PDF layout and the PDF button (helper qa7's walk-through): wide tables are printed landscape
so their last columns are not cut off at the right margin; a report over the PDF row cap says so
on its page instead of offering a PDF run that will be refused."""

import re
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.registry import Column, ColumnKind as K, ReportResult, Section
from reports.rendering import pdf
from reports.tests import framework_support
from reports.tests.framework_support import FIXTURE_SLUG

media = framework_support.media


def _pdf(tmp_path, columns: int) -> tuple[str, list[tuple[float, float]]]:
    cols = [Column("name", "Customer")] + [Column(f"c{i}", f"Figure{i:02d}", K.MONEY) for i in range(1, columns)]
    rows = [{"name": "Zhengzhou Yuanhang Building Materials Co., Ltd.", "currency": "CNY",
             **{f"c{i}": Decimal("1234567.89") for i in range(1, columns)}} for _ in range(3)]
    result = ReportResult(slug="x", title="Wide", filters=[], sections=[Section("s", "Section", cols, rows)])
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf.render_bytes(result))
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(path)], capture_output=True, text=True, check=True).stdout
    sizes = [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    return text, sizes


def test_a_wide_table_is_printed_landscape_with_every_column(tmp_path):
    text, sizes = _pdf(tmp_path, 12)
    assert sizes and all(w > h for w, h in sizes)
    # Every column header and every figure of the last column made it onto the page.
    assert all(f"Figure{i:02d}" in text for i in range(1, 12))
    assert text.count("¥1,234,567.89") == 3 * 11


def test_a_narrow_table_stays_portrait(tmp_path):
    _text, sizes = _pdf(tmp_path, 5)
    assert sizes and all(w < h for w, h in sizes)


@pytest.mark.django_db
def test_report_page_says_when_a_pdf_would_be_refused(client, staff_user):
    """The fixture report's PDF cap is 10 rows; its result has 2 (+ any detail): PDF offered.
    With a cap of 1 the page disables the PDF button and says why."""
    from reports.registry import get_report

    client.force_login(staff_user("sales_manager"))
    url = reverse("console:report_detail", args=[FIXTURE_SLUG])
    page = client.get(url).content.decode()
    assert 'value="pdf"' in page and "Too many rows for a PDF" not in page
    report = get_report(FIXTURE_SLUG)
    cap = report.pdf_row_cap
    report.pdf_row_cap = 1
    try:
        page = client.get(url).content.decode()
    finally:
        report.pdf_row_cap = cap
    assert 'value="pdf"' not in page and "Too many rows for a PDF" in page
    assert 'value="xlsx"' in page and 'value="csv"' in page


def test_csv_generated_time_is_local_and_to_the_second(tmp_path):
    from datetime import datetime, timezone as dt_timezone

    from reports.rendering import csv as csv_render

    result = ReportResult(slug="x", title="T", filters=[], sections=[],
                          generated_at=datetime(2026, 11, 22, 5, 52, 10, 517257, tzinfo=dt_timezone.utc))
    path = tmp_path / "r.csv"
    csv_render.render(result, path)
    # settings.TIME_ZONE is Asia/Shanghai (UTC+8)
    assert "Generated,2026-11-22 13:52:10\n" in path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
