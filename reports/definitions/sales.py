"""Sales reports (SPEC §G, issue #7): booked sales by product, category, customer, region,
channel, sales rep and period, each compared with the previous period of equal length.

All read the DailySales rollup (reports.rollup keeps it equal to the raw order lines) with one
aggregation in PostgreSQL per report (reports.queries.sales)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext as _t
from django.utils.translation import pgettext
from django.utils.translation import gettext_lazy as _

from oms.permissions import Perm
from oms.regions import Region
from orders.models import Channel
from reports.queries import sales as q
from reports.registry import Chart, Column, ColumnKind as K, Report, Section, register

FILTERS = ("period", "region", "channel", "customer", "category", "sales_rep")
TOP_N = 10

BOOKED = _(
    "Booked sales: the lines of every order that is not a draft and not cancelled, counted on the day the "
    "order was created (project time zone). Net = line amount after discounts, before tax; gross = net + tax. "
    "Each figure is compared with the previous period of the same length; the change in percent is blank when the "
    "previous period had no sales. Amounts are never added across currencies. There is no warehouse "
    "filter: booked orders are counted when placed, before any warehouse ships them (see Shipped sales by "
    "warehouse for what each warehouse shipped, and the fulfilment and inventory reports)."
)


def _label(choices, value):
    return str(dict(choices).get(value, value or "—"))


def _rep_name(row):
    if row.get("sales_rep_id") is None:
        return _t("No sales rep")
    full = f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()
    return full or row["username"]


def _measure_columns(orders_exact: bool) -> list[Column]:
    cols = [Column("currency", _t("Currency")), Column("quantity", _t("Quantity"), K.INT)]
    cols.append(Column("orders", _t("Orders"), K.INT) if orders_exact else Column("lines", _t("Order lines"), K.INT))
    cols += [
        Column("net", _t("Net sales"), K.MONEY), Column("tax", _t("Tax"), K.MONEY),
        Column("gross", _t("Gross sales"), K.MONEY), Column("prev_net", _t("Net, previous period"), K.MONEY),
        Column("change", pgettext("report figure: difference from the previous period", "Change"), K.MONEY), Column("change_pct", _t("Change %"), K.PERCENT),
    ]
    return cols


class SalesReport(Report):
    """One grouping of booked sales, with period-over-period comparison."""

    perm = Perm.REPORTS_VIEW
    filters = FILTERS
    dimension = ""
    top_chart = True  # long lists: a Top 10 section carries the chart, the full list follows

    def key_columns(self) -> list[Column]:
        raise NotImplementedError

    chart_x = ""

    def shape(self, row: dict) -> dict:
        return row

    def compute(self, params, progress):
        progress(5)
        rows = [self.shape(row) for row in q.compare(self.dimension, params)]
        progress(80)
        orders_exact = q.exact_orders_column(self.dimension, params) is not None
        columns = self.key_columns() + _measure_columns(orders_exact)
        chart = Chart("bar", self.chart_x, ("net", "prev_net"), _t("Net sales: this period and the previous one"))
        totals = q.totals_by_currency(rows, sum_orders=self.dimension != "product")
        sections = []
        if self.top_chart:
            top = rows[:TOP_N]
            sections.append(Section("top", _t("Top %(n)s by net sales") % {"n": TOP_N}, columns, top, chart))
            sections.append(Section("all", str(self.title), columns, rows, totals=self._totals_row(totals)))
        else:
            sections.append(Section("all", str(self.title), columns, rows, chart, totals=self._totals_row(totals)))
        if len(totals) > 1:
            sections.append(Section("currencies", _t("Totals by currency"), _measure_columns(
                orders_exact and self.dimension != "product"), totals))
        progress(95)
        return self.result(params, sections)

    def _totals_row(self, totals):
        """A totals row only when there is one currency (amounts in different currencies don't add up)."""
        if len(totals) != 1:
            return None
        row = {c.key: None for c in self.key_columns()}
        row.update(totals[0])
        row[self.key_columns()[0].key] = _t("Total")
        return row


@register
class SalesByProduct(SalesReport):
    slug = "sales-by-product"
    summary = _("Booked sales per product (SKU), compared with the previous period.")
    title = _("Sales by product")
    description = BOOKED
    dimension = "product"
    chart_x = "sku"

    def key_columns(self):
        return [Column("sku", _t("SKU")), Column("product", _t("Product"))]


@register
class SalesByCategory(SalesReport):
    slug = "sales-by-category"
    summary = _("Booked sales per product category, compared with the previous period.")
    title = _("Sales by category")
    description = BOOKED
    dimension = "category"
    chart_x = "category"

    def key_columns(self):
        return [Column("category", _t("Category"))]


@register
class SalesByCustomer(SalesReport):
    slug = "sales-by-customer"
    summary = _("Booked sales per customer, compared with the previous period.")
    title = _("Sales by customer")
    description = BOOKED
    dimension = "customer"
    chart_x = "customer"

    def key_columns(self):
        return [Column("customer_code", _t("Customer code")), Column("customer", _t("Customer"))]


@register
class SalesByRegion(SalesReport):
    slug = "sales-by-region"
    summary = _("Booked sales per ship-to region, compared with the previous period.")
    title = _("Sales by region")
    description = format_lazy("{} {}", BOOKED, _("Region = the order's ship-to region (the customer's region when "
                                                 "the order has none)."))
    dimension = "region"
    chart_x = "region_name"
    top_chart = False

    def key_columns(self):
        return [Column("region_name", _t("Region"))]

    def shape(self, row):
        row["region_name"] = _label(Region.choices, row["region"])
        return row


@register
class SalesByChannel(SalesReport):
    slug = "sales-by-channel"
    summary = _("Booked sales per order channel (console, portal, API, import), compared with the previous period.")
    title = _("Sales by channel")
    description = BOOKED
    dimension = "channel"
    chart_x = "channel_name"
    top_chart = False

    def key_columns(self):
        return [Column("channel_name", _t("Channel"))]

    def shape(self, row):
        row["channel_name"] = _label(Channel.choices, row["channel"])
        return row


@register
class SalesBySalesRep(SalesReport):
    slug = "sales-by-sales-rep"
    summary = _("Booked sales per sales rep, compared with the previous period.")
    title = _("Sales by sales rep")
    description = format_lazy("{} {}", BOOKED, _("Sales rep = the customer's sales rep when the day's sales were "
                                                 "first booked; reassigning a customer does not move past sales."))
    dimension = "sales_rep"
    chart_x = "sales_rep"

    def key_columns(self):
        return [Column("sales_rep", _t("Sales rep"))]

    def shape(self, row):
        row["sales_rep"] = _rep_name(row)
        return row


@register
class SalesByPeriod(SalesReport):
    slug = "sales-by-period"
    summary = _("Booked sales by day or month, each compared with the same span one period earlier.")
    title = _("Sales by period")
    description = BOOKED
    dimension = "period"
    chart_x = "period"
    top_chart = False

    def key_columns(self):
        return [Column("period", _t("Period")), Column("bucket", _t("From"), K.DATE)]

    def compute(self, params, progress):
        """One section per currency (a line chart cannot mix currencies), each with its totals."""
        progress(5)
        monthly = q.bucket_unit(params["date_from"], params["date_to"]) == "month"
        rows = q.compare("period", params)
        progress(80)
        for row in rows:
            row["period"] = f"{row['bucket']:%Y-%m}" if monthly else row["bucket"].isoformat()
        note = (_t("Months: the first and last month may be partial (the period's own days). Each month is compared "
                   "with the same span one period earlier.") if monthly else
                _t("Each day is compared with the day one period earlier."))
        columns = self.key_columns() + _measure_columns(True)
        sections = []
        for totals in q.totals_by_currency(rows):
            currency = totals["currency"]
            chart = Chart("line", "period", ("net", "prev_net"),
                          (_t("Net sales by month (%(currency)s)") if monthly else _t("Net sales by day (%(currency)s)"))
                          % {"currency": currency})
            sections.append(Section(f"periods_{currency.lower()}", f"{self.title} — {currency}", columns,
                                    [r for r in rows if r["currency"] == currency], chart, note=note,
                                    totals=self._totals_row([totals])))
        if not sections:
            sections.append(Section("periods", str(self.title), columns, [], note=note))
        progress(95)
        return self.result(params, sections)
