"""Sales lines: every order line of the period (Excel/CSV detail), with a monthly summary on screen.

The detail is streamed from a PostgreSQL server-side cursor (reports.streaming),
so an export of millions of lines keeps the worker's memory flat. Draft and cancelled orders
are left out, as in every sales figure."""

from datetime import datetime, time, timedelta

from django.db.models import Count, FloatField, Q, Sum
from django.db.models.functions import Cast, TruncDate, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oms.permissions import Perm
from orders.models import OrderLine, Status
from reports.registry import Chart, Column, ColumnKind as K, Report, Section, register
from reports.streaming import stream_queryset

EXCLUDED_STATUSES = (Status.DRAFT, Status.CANCELLED)
CHUNK = 5000
MONEY_FIELDS = ("unit_price", "discount_amount", "tax_amount", "total_amount")


def _bounds(params):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(params["date_from"], time.min), tz)
    end = timezone.make_aware(datetime.combine(params["date_to"] + timedelta(days=1), time.min), tz)
    return start, end


def lines_queryset(params):
    """Order lines of counted orders placed in the period, narrowed by the filters."""
    start, end = _bounds(params)
    qs = OrderLine.objects.filter(order__created_at__gte=start, order__created_at__lt=end).exclude(
        order__status__in=EXCLUDED_STATUSES)
    if params.get("region"):
        qs = qs.filter(order__company__region=params["region"])
    if params.get("channel"):
        qs = qs.filter(order__channel=params["channel"])
    if params.get("customer"):
        qs = qs.filter(order__company_id=params["customer"])
    if params.get("category"):
        qs = qs.filter(Q(product__category_id=params["category"]) | Q(product__category__parent_id=params["category"]))
    if params.get("sales_rep"):
        qs = qs.filter(order__company__sales_rep_id=params["sales_rep"])
    return qs


DETAIL = (
    ("order__number", Column("order", _("Order"))),
    ("order_date", Column("order_date", _("Order date"), K.DATE)),
    ("order__company__code", Column("customer_code", _("Customer code"))),
    ("order__company__name", Column("customer", _("Customer"))),
    ("order__company__region", Column("region", _("Region"))),
    ("order__channel", Column("channel", _("Channel"))),
    ("order__company__sales_rep__username", Column("sales_rep", _("Sales rep"))),
    ("product__sku", Column("sku", _("SKU"))),
    ("product__name", Column("product", _("Product"))),
    ("product__category__name", Column("category", _("Category"))),
    ("quantity", Column("quantity", _("Quantity"), K.INT)),
    ("unit_price", Column("unit_price", _("Unit price"), K.MONEY)),
    ("discount_amount", Column("discount", _("Discount"), K.MONEY)),
    ("tax_amount", Column("tax", _("Tax"), K.MONEY)),
    ("total_amount", Column("total", _("Line total"), K.MONEY)),
    ("order__currency", Column("currency", _("Currency"))),
    ("order__status", Column("status", _("Status"))),
)

SUMMARY_COLUMNS = [
    Column("month", _("Month"), K.DATE),
    Column("currency", _("Currency")),
    Column("orders", _("Orders"), K.INT),
    Column("lines", _("Lines"), K.INT),
    Column("quantity", _("Quantity"), K.INT),
    Column("discount", _("Discount"), K.MONEY),
    Column("tax", _("Tax"), K.MONEY),
    Column("total", _("Line total"), K.MONEY),
]


@register
class SalesLines(Report):
    slug = "sales-lines"
    title = _("Sales lines")
    description = _("Every order line of the period (download as Excel or CSV), with a monthly summary.")
    perm = Perm.REPORTS_VIEW
    filters = ("period", "region", "channel", "customer", "category", "sales_rep")
    pdf_row_cap = 500

    def compute(self, params, progress):
        tz = timezone.get_current_timezone()
        rows = list(
            lines_queryset(params)
            .annotate(month=TruncMonth("order__created_at", tzinfo=tz))
            .values("month", "order__currency")
            .annotate(orders=Count("order_id", distinct=True), lines=Count("pk"), quantity=Sum("quantity"),
                      discount=Sum("discount_amount"), tax=Sum("tax_amount"), total=Sum("total_amount"))
            .order_by("month", "order__currency")
        )
        progress(100)
        for row in rows:
            row["month"] = timezone.localtime(row["month"]).date() if hasattr(row["month"], "hour") else row["month"]
            row["currency"] = row.pop("order__currency")
        totals = None
        currencies = {r["currency"] for r in rows}
        if len(currencies) == 1:
            totals = {"month": _("Total"), "currency": next(iter(currencies)), **{
                key: sum(r[key] for r in rows) for key in ("orders", "lines", "quantity", "discount", "tax", "total")}}
        section = Section("months", _("Lines by month"), SUMMARY_COLUMNS, rows,
                          chart=Chart("bar", "month", ("total",), title=str(_("Line total by month"))),
                          totals=totals,
                          note=_("Download Excel or CSV for every line; draft and cancelled orders are left out."))
        return self.result(params, [section])

    def detail_rows(self, params):
        """Streamed from a server-side cursor (reports.streaming). Money comes as float8: a
        numeric(14,2) has at most 15 significant digits, which a double holds exactly to the
        cent (an Excel cell is a double anyway, and a CSV prints the same digits), and it
        decodes several times faster than Decimal over a million lines."""
        money = {name: Cast(name, FloatField()) for name in MONEY_FIELDS}
        qs = (
            lines_queryset(params)
            .annotate(order_date=TruncDate("order__created_at", tzinfo=timezone.get_current_timezone()),
                      **{f"{name}_f": expr for name, expr in money.items()})
            .order_by("order_id", "line_no")
            .values_list(*(f"{field}_f" if field in money else field for field, _column in DETAIL))
        )
        return [column for _field, column in DETAIL], stream_queryset(qs, chunk=CHUNK)

    def detail_count(self, params, result):
        """Expected number of detail rows (for the progress bar): the summary already counted them."""
        return sum(section_row["lines"] for section in result.sections for section_row in section.rows)
