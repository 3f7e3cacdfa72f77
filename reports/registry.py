"""What a report is, and the list of them.

A report is a class registered here. Given cleaned filter values it computes a ReportResult:
a title, the filters it used and one or more sections, each a table (typed columns, rows as
dicts) with an optional chart. The same result renders on screen, as PDF and as Excel, so a
report is written once:

    @register
    class SalesByProduct(Report):
        slug = "sales-by-product"
        title = _("Sales by product")
        perm = Perm.REPORTS_VIEW
        filters = ("period", "region", "channel", "customer", "category", "warehouse", "sales_rep")

        def compute(self, params, progress):
            rows = selectors.sales_by_product(**params)       # aggregation in PostgreSQL
            return self.result(params, [Section("products", _("Products"), COLUMNS, rows, chart)])

Figures are Decimals (money quantized by oms.money), counts ints, dates dates - never floats.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from oms.permissions import Perm


class ColumnKind:
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"  # quantities, ratios: Decimal
    MONEY = "money"  # Decimal in the row's currency (Column.currency, or the row's "currency" key)
    PERCENT = "percent"  # Decimal percentage points: Decimal("12.5") means 12.5 %
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = ColumnKind.TEXT
    currency: str = ""  # fixed currency for MONEY columns; empty: the row's "currency"


@dataclass(frozen=True)
class Chart:
    """A chart of a section's rows: x is a column key, series are numeric column keys."""

    kind: str  # "bar" | "line"
    x: str
    series: tuple[str, ...]
    title: str = ""


@dataclass
class Section:
    key: str
    title: str
    columns: list[Column]
    rows: list[dict]
    chart: Chart | None = None
    note: str = ""
    totals: dict | None = None  # an optional totals row, same keys as rows


@dataclass
class ReportResult:
    slug: str
    title: str
    filters: list[tuple[str, str]]  # (label, value shown) of the filters in force
    sections: list[Section]
    generated_at: datetime = field(default_factory=timezone.now)

    @property
    def row_count(self) -> int:
        return sum(len(s.rows) for s in self.sections)


Progress = Callable[[int], None]  # progress(percent 0-100)


class Report:
    slug: str = ""
    title: str = ""
    description: str = ""
    # One line for the reports index (the description, shortened, when empty).
    summary: str = ""
    perm: Perm = Perm.REPORTS_VIEW
    # Which filters of reports.forms.ReportFilterForm this report offers.
    filters: tuple[str, ...] = ("period",)
    # PDFs are summaries: a result with more rows than this is refused for PDF (Excel has it all).
    pdf_row_cap: int = 500

    def compute(self, params: dict, progress: Progress) -> ReportResult:
        raise NotImplementedError

    def detail_rows(self, params: dict) -> tuple[list[Column], Iterator[tuple]] | None:
        """Long detail for Excel/CSV only (e.g. every sales line), streamed from a server-side
        cursor; None when the report has no detail sheet."""
        return None

    def result(self, params: dict, sections: Iterable[Section]) -> ReportResult:
        from .forms import describe_filters

        return ReportResult(slug=self.slug, title=str(self.title), filters=describe_filters(params, self.filters),
                            sections=list(sections))


REPORTS: dict[str, Report] = {}


def register(cls):
    report = cls()
    assert report.slug and report.slug not in REPORTS, report.slug
    REPORTS[report.slug] = report
    return cls


def get_report(slug: str) -> Report | None:
    return REPORTS.get(slug)
