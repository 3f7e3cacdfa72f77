"""The sales-lines report: every counted order line of the period with its columns, streamed
for Excel; draft and cancelled orders and other periods left out; a monthly summary to the cent."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from reports import services
from reports.forms import parse_params
from reports.models import ReportRun
from reports.registry import get_report
from reports.tests import framework_support
from tests.factories import CategoryFactory, CompanyFactory, OrderFactory, OrderLineFactory, ProductFactory

SH = ZoneInfo("Asia/Shanghai")

media = framework_support.media  # fixture: MEDIA_ROOT in a temporary directory


@pytest.fixture
def lines(staff_user):
    rep = staff_user("sales", username="rep-wang")
    company = CompanyFactory(code="C-001", name="上海阀门有限公司", region="east", sales_rep=rep)
    other = CompanyFactory(code="C-002", name="South Co", region="south")
    valve = ProductFactory(sku="VALVE-1", name="球阀 Ball valve", category=CategoryFactory(name="Valves"))
    pipe = ProductFactory(sku="PIPE-1", name="Pipe", category=CategoryFactory(name="Pipes"))

    def order(number, company, status, when, channel="portal"):
        return OrderFactory(number=number, company=company, status=status, channel=channel,
                            created_at=datetime(*when, tzinfo=SH))

    o1 = order("SO-1", company, "shipped", (2026, 1, 31, 23, 30))  # late on Jan 31, Shanghai time
    OrderLineFactory(order=o1, line_no=1, product=valve, quantity=3, unit_price=Decimal("100.00"),
                     discount_amount=Decimal("10.00"), tax_amount=Decimal("37.70"), total_amount=Decimal("327.70"))
    OrderLineFactory(order=o1, line_no=2, product=pipe, quantity=10, unit_price=Decimal("2.50"),
                     tax_amount=Decimal("3.25"), total_amount=Decimal("28.25"))
    o2 = order("SO-2", other, "approved", (2026, 2, 3, 9, 0), channel="api")
    OrderLineFactory(order=o2, line_no=1, product=pipe, quantity=4, unit_price=Decimal("2.50"),
                     tax_amount=Decimal("1.30"), total_amount=Decimal("11.30"))
    for number, status, when in (("SO-D", "draft", (2026, 1, 10, 9, 0)), ("SO-X", "cancelled", (2026, 1, 10, 9, 0)),
                                 ("SO-OLD", "shipped", (2025, 12, 31, 23, 59))):
        OrderLineFactory(order=order(number, company, status, when), line_no=1, product=valve, quantity=1,
                         unit_price=Decimal("999.00"), total_amount=Decimal("999.00"))
    return {"rep": rep, "company": company, "valve": valve}


PERIOD = {"date_from": "2026-01-01", "date_to": "2026-02-28"}


def test_detail_rows_are_every_counted_line_with_their_columns(lines):
    report = get_report("sales-lines")
    columns, rows = report.detail_rows(parse_params(PERIOD))
    rows = list(rows)
    assert len(columns) == 17
    assert [r[0] for r in rows] == ["SO-1", "SO-1", "SO-2"]
    first = dict(zip([c.key for c in columns], rows[0]))
    assert first == {
        "order": "SO-1", "order_date": datetime(2026, 1, 31).date(), "customer_code": "C-001",
        "customer": "上海阀门有限公司", "region": "east", "channel": "portal", "sales_rep": "rep-wang",
        "sku": "VALVE-1", "product": "球阀 Ball valve", "category": "Valves", "quantity": 3,
        "unit_price": 100.0, "discount": 10.0, "tax": 37.7, "total": 327.7,  # exact to the cent as doubles
        "currency": "CNY", "status": "shipped",
    }


def test_filters_narrow_the_lines(lines):
    report = get_report("sales-lines")
    for extra, expected in (({"region": "south"}, ["SO-2"]), ({"channel": "portal"}, ["SO-1", "SO-1"]),
                            ({"sales_rep": lines["rep"].pk}, ["SO-1", "SO-1"]),
                            ({"category": lines["valve"].category_id}, ["SO-1"]),
                            ({"customer": lines["company"].pk}, ["SO-1", "SO-1"])):
        _cols, rows = report.detail_rows(parse_params({**PERIOD, **extra}))
        assert [r[0] for r in rows] == expected, extra


def test_summary_by_month_to_the_cent(lines):
    result = get_report("sales-lines").compute(parse_params(PERIOD), lambda p: None)
    [section] = result.sections
    jan, feb = section.rows
    assert (jan["month"].isoformat(), jan["orders"], jan["lines"], jan["quantity"]) == ("2026-01-01", 1, 2, 13)
    assert (jan["discount"], jan["tax"], jan["total"]) == (Decimal("10.00"), Decimal("40.95"), Decimal("355.95"))
    assert (feb["month"].isoformat(), feb["total"]) == ("2026-02-01", Decimal("11.30"))
    assert section.totals["total"] == Decimal("367.25") and section.totals["lines"] == 3


def test_excel_export_of_the_lines(lines, staff_user, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_report_run(actor=staff_user("manager"), slug="sales-lines", params=PERIOD, fmt="xlsx")
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    assert run.row_count == 2 + 3
    sheet = openpyxl.load_workbook(run.file.path)["Detail"]
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    assert len(rows) == 3
    assert rows[0][1].is_date and rows[0][10].value == 3 and rows[0][14].value == pytest.approx(327.70)
    assert rows[0][14].number_format == "#,##0.00"


def test_sales_lines_page_shows_the_monthly_summary(lines, staff_user, client):
    from django.urls import reverse

    client.force_login(staff_user("sales_manager"))
    response = client.get(reverse("console:report_detail", args=["sales-lines"]), PERIOD)
    page = response.content.decode()
    assert response.status_code == 200
    assert "¥355.95" in page and "¥11.30" in page and "¥367.25" in page
    assert "Excel and CSV include every detail row" in page


def test_sales_lines_excel_summary_sheet_has_the_totals_row(lines, staff_user, media, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_report_run(actor=staff_user("manager"), slug="sales-lines", params=PERIOD, fmt="xlsx")
    run.refresh_from_db()
    sheet = openpyxl.load_workbook(run.file.path)["Lines by month"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][0].date().isoformat() == "2026-01-01" and rows[0][7] == pytest.approx(355.95)
    assert rows[-1][0] == "Total" and rows[-1][1] == "CNY" and rows[-1][7] == pytest.approx(367.25)
