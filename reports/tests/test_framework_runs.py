"""Report runs: generated files (Excel typed cells, CSV, PDF text incl. Chinese), progress,
readable failures, PDF row cap, permissions, expiry and cleanup."""

import csv
import re
import io
import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from oms.errors import DomainError
from reports import services
from reports.models import ReportRun
from reports.tests import framework_support
from reports.tests.framework_support import BROKEN_SLUG, FIXTURE_SLUG, ADMIN_SLUG

PARAMS = {"date_from": "2026-01-01", "date_to": "2026-01-31", "region": ""}

media = framework_support.media  # fixture: MEDIA_ROOT in a temporary directory


def run_report(user, fmt, capture, params=PARAMS, slug=FIXTURE_SLUG):
    with capture(execute=True):
        run = services.start_report_run(actor=user, slug=slug, params=params, fmt=fmt)
    run.refresh_from_db()
    return run


def test_excel_run_has_typed_cells_filters_sheet_and_streamed_detail(staff_user, media, django_capture_on_commit_callbacks):
    user = staff_user("sales_manager")
    run = run_report(user, "xlsx", django_capture_on_commit_callbacks)

    assert run.status == ReportRun.Status.DONE, run.error
    assert run.progress == 100
    assert run.row_count == 2 + 25  # section rows + detail rows
    assert run.duration is not None and run.finished_at >= run.started_at
    book = openpyxl.load_workbook(run.file.path)
    assert book.sheetnames == ["Filters", "按区域 By region", "Detail"]
    filters = [tuple(r) for r in book["Filters"].iter_rows(values_only=True)]
    assert ("Report", "测试报表 Fixture report") in filters
    assert ("Period", "2026-01-01 – 2026-01-31") in filters
    generated = dict(filters)["Generated"]
    assert isinstance(generated, datetime)

    sheet = book["按区域 By region"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ["区域 Region", "Day", "Orders", "Revenue", "Share"]
    region, day, orders, revenue, share = sheet[2]
    assert region.value == "华东 East"
    assert day.is_date and day.value.date() == date(2026, 1, 5) and day.number_format == "yyyy-mm-dd"
    assert orders.data_type == "n" and orders.value == 12
    assert revenue.data_type == "n" and Decimal(str(revenue.value)) == Decimal("12345.67")
    assert "CNY" in revenue.number_format and "0.00" in revenue.number_format
    assert share.value == pytest.approx(61.5)
    totals = [c.value for c in sheet[4]]
    assert totals[0] == "合计 Total" and Decimal(str(totals[3])) == Decimal("20065.72")
    assert sheet.column_dimensions["A"].width >= 12

    detail = list(book["Detail"].iter_rows(values_only=True))
    assert detail[0] == ("N", "Label", "Amount")
    assert len(detail) == 26
    assert detail[25] == (25, "行 25", 25.25)


def test_csv_run_streams_sections_and_detail(staff_user, media, django_capture_on_commit_callbacks):
    run = run_report(staff_user("finance"), "csv", django_capture_on_commit_callbacks)

    assert run.status == ReportRun.Status.DONE, run.error
    text = run.file.open("rb").read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["测试报表 Fixture report"]
    assert ["华东 East", "2026-01-05", "12", "12345.67", "61.5"] in rows
    assert ["25", "行 25", "25.25"] in rows


def test_pdf_run_renders_tables_charts_and_chinese(staff_user, media, django_capture_on_commit_callbacks):
    run = run_report(staff_user("sales_manager"), "pdf", django_capture_on_commit_callbacks)

    assert run.status == ReportRun.Status.DONE, run.error
    assert run.file.open("rb").read(5) == b"%PDF-"
    text = subprocess.run(["pdftotext", "-layout", run.file.path, "-"], capture_output=True, text=True, check=True).stdout
    assert "测试报表 Fixture report" in text  # title (body and page header)
    assert "按区域 By region" in text and "华东 East" in text and "合计 Total" in text
    assert "12,345.67" in text and "20,065.72" in text
    assert "Period: 2026-01-01 – 2026-01-31" in text  # filters in the header/footer
    assert re.search(r"\b1 ?/ ?1\b", text)  # page numbers


def test_pdf_over_the_row_cap_is_refused_with_a_clear_message(staff_user, media, django_capture_on_commit_callbacks):
    run = run_report(staff_user("sales_manager"), "pdf", django_capture_on_commit_callbacks,
                     params={**PARAMS, "region": "north"})

    assert run.status == ReportRun.Status.FAILED
    assert "Too many rows for a PDF" in run.error and "download Excel" in run.error
    assert not run.file


def test_failing_report_shows_a_readable_error_without_internals(staff_user, media, django_capture_on_commit_callbacks,
                                                                 caplog):
    run = run_report(staff_user("sales_manager"), "xlsx", django_capture_on_commit_callbacks, slug=BROKEN_SLUG)

    assert run.status == ReportRun.Status.FAILED
    assert "internal error" in run.error and f"#{run.pk}" in run.error
    assert "secret internal detail" not in run.error and "Traceback" not in run.error
    assert "secret internal detail" in caplog.text  # ... but logged for the administrators


def test_progress_only_moves_forward_while_running(staff_user, media):
    run = ReportRun.objects.create(requested_by=staff_user("sales_manager"), report=FIXTURE_SLUG, format="xlsx",
                                   status=ReportRun.Status.RUNNING, progress=40)
    services._set_progress(run.pk, 30)
    run.refresh_from_db()
    assert run.progress == 40
    services._set_progress(run.pk, 70)
    run.refresh_from_db()
    assert run.progress == 70
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.DONE, progress=100)
    services._set_progress(run.pk, 80)
    run.refresh_from_db()
    assert run.progress == 100


def test_a_run_is_generated_once_even_if_the_task_is_delivered_twice(staff_user, media,
                                                                      django_capture_on_commit_callbacks):
    run = run_report(staff_user("sales_manager"), "csv", django_capture_on_commit_callbacks)
    name = run.file.name
    assert services.generate_report(run.pk) is None
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE and run.file.name == name


def test_runs_need_the_reports_permission(staff_user, media):
    with pytest.raises(DomainError):
        services.start_report_run(actor=staff_user("warehouse"), slug=FIXTURE_SLUG, params=PARAMS, fmt="xlsx")
    with pytest.raises(DomainError):
        services.start_report_run(actor=staff_user("sales_manager"), slug=ADMIN_SLUG, params=PARAMS, fmt="xlsx")
    with pytest.raises(DomainError):
        services.start_report_run(actor=staff_user("sales_manager"), slug=FIXTURE_SLUG, params=PARAMS, fmt="docx")
    with pytest.raises(DomainError):
        services.start_report_run(actor=staff_user("sales_manager"), slug=FIXTURE_SLUG,
                                  params={"date_from": "not a date"}, fmt="xlsx")
    assert not ReportRun.objects.exists()


def test_download_rights(staff_user, media, django_capture_on_commit_callbacks):
    owner = staff_user("finance")
    run = run_report(owner, "csv", django_capture_on_commit_callbacks)
    other_finance = staff_user("finance")
    manager = staff_user("sales_manager")  # may manage schedules: sees every run of reports they may see
    warehouse = staff_user("warehouse")  # no reports permission at all

    assert services.can_download(owner, run)
    assert services.can_download(manager, run)
    assert not services.can_download(other_finance, run)
    assert not services.can_download(warehouse, run)
    run.expires_at = timezone.now() - timedelta(seconds=1)
    assert not services.can_download(owner, run)


def test_cleanup_deletes_expired_files_only(staff_user, media, django_capture_on_commit_callbacks):
    user = staff_user("sales_manager")
    old = run_report(user, "csv", django_capture_on_commit_callbacks)
    fresh = run_report(user, "csv", django_capture_on_commit_callbacks)
    old_path = old.file.path
    ReportRun.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(hours=1))

    assert services.delete_expired_runs() == 1

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert not old.file and not __import__("os").path.exists(old_path)
    assert fresh.file and __import__("os").path.exists(fresh.file.path)


def test_excel_over_the_sheet_limit_is_refused_with_a_clear_message(staff_user, media, monkeypatch,
                                                                     django_capture_on_commit_callbacks):
    from reports.rendering import excel

    monkeypatch.setattr(excel, "MAX_SHEET_ROWS", 20)  # the fixture report streams 25 detail rows
    run = run_report(staff_user("sales_manager"), "xlsx", django_capture_on_commit_callbacks)

    assert run.status == ReportRun.Status.FAILED
    assert "Too many rows for one Excel sheet" in run.error and "CSV" in run.error


def test_a_run_is_written_in_the_language_of_who_asked_for_it(staff_user, media, django_capture_on_commit_callbacks):
    """The worker renders the file in the requester's language, whatever language the worker
    process (or the request that queued it) was in."""
    english = run_report(staff_user("sales_manager"), "xlsx", django_capture_on_commit_callbacks)
    chinese = run_report(staff_user("sales_manager", language="zh-hans"), "xlsx", django_capture_on_commit_callbacks)
    assert openpyxl.load_workbook(english.file.path).sheetnames[0] == "Filters"
    book = openpyxl.load_workbook(chinese.file.path)
    assert book.sheetnames[0] != "Filters" and "Detail" not in book.sheetnames
    labels = [row[0] for row in book[book.sheetnames[0]].iter_rows(values_only=True)]
    assert "Period" not in labels and "Report" not in labels
