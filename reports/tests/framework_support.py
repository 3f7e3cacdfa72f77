"""Test-only reports and fixtures for the reports framework tests (test_framework_*.py).

Import what a test module needs: `from reports.tests.framework_support import *`."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from oms.permissions import Perm
from reports.registry import REPORTS, Chart, Column, ColumnKind as K, Report, Section, register

__all__ = ["FixtureReport", "BrokenReport", "AdminOnlyReport", "media", "FIXTURE_SLUG", "BROKEN_SLUG", "ADMIN_SLUG"]

FIXTURE_SLUG = "test-fixture-report"
BROKEN_SLUG = "test-broken-report"
ADMIN_SLUG = "test-admin-only-report"

ROWS = [
    {"region": "华东 East", "day": date(2026, 1, 5), "orders": 12, "revenue": Decimal("12345.67"), "share": Decimal("61.5"),
     "currency": "CNY", "at": datetime(2026, 1, 5, 9, 30)},
    {"region": "华南 South", "day": date(2026, 1, 6), "orders": 3, "revenue": Decimal("7720.05"), "share": Decimal("38.5"),
     "currency": "CNY", "at": datetime(2026, 1, 6, 17, 0)},
]
COLUMNS = [
    Column("region", "区域 Region"), Column("day", "Day", K.DATE), Column("orders", "Orders", K.INT),
    Column("revenue", "Revenue", K.MONEY, currency="CNY"), Column("share", "Share", K.PERCENT),
]
DETAIL_COLUMNS = [Column("n", "N", K.INT), Column("label", "Label"), Column("amount", "Amount", K.MONEY)]


class FixtureReport(Report):
    slug = FIXTURE_SLUG
    title = "测试报表 Fixture report"
    perm = Perm.REPORTS_VIEW
    filters = ("period", "region")
    pdf_row_cap = 10
    detail_size = 25

    def compute(self, params, progress):
        progress(50)
        rows = [dict(r) for r in ROWS]
        if params.get("region") == "north":  # many rows: over the PDF cap
            rows = rows * 10
        totals = {"region": "合计 Total", "orders": 15, "revenue": Decimal("20065.72")}
        section = Section("regions", "按区域 By region", COLUMNS, rows, chart=Chart("bar", "region", ("revenue",)),
                          totals=totals)
        return self.result(params, [section])

    def detail_rows(self, params):
        rows = ((n, f"行 {n}", Decimal(n) + Decimal("0.25")) for n in range(1, self.detail_size + 1))
        return DETAIL_COLUMNS, rows

    def detail_count(self, params, result):
        return self.detail_size


class BrokenReport(Report):
    slug = BROKEN_SLUG
    title = "Broken report"
    perm = Perm.REPORTS_VIEW

    def compute(self, params, progress):
        raise ZeroDivisionError("secret internal detail")


class AdminOnlyReport(Report):
    slug = ADMIN_SLUG
    title = "Admin only report"
    perm = Perm.ADMIN_SITE

    def compute(self, params, progress):
        return self.result(params, [])


for _cls in (FixtureReport, BrokenReport, AdminOnlyReport):
    if _cls.slug not in REPORTS:
        register(_cls)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
