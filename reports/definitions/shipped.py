"""Shipped sales by warehouse (helper qa7): the booked-sales reports have no warehouse filter
(an order is booked before any warehouse ships it); this one reads what warehouses actually
shipped (reports.queries.shipped)."""

from django.utils.translation import gettext as _t
from django.utils.translation import pgettext
from django.utils.translation import gettext_lazy as _

from oms.permissions import Perm
from reports.queries import shipped as q
from reports.queries._ops import month_label
from reports.registry import Chart, Column, ColumnKind as K, Report, Section, register


def _measures(with_shipments=True):
    cols = [Column("currency", _t("Currency")), Column("quantity", _t("Quantity shipped"), K.INT)]
    if with_shipments:
        cols.append(Column("shipments", _t("Shipments"), K.INT))
    cols += [Column("net", _t("Net shipped"), K.MONEY), Column("prev_net", _t("Net, previous period"), K.MONEY),
             Column("change", pgettext("report figure: difference from the previous period", "Change"), K.MONEY), Column("change_pct", _t("Change %"), K.PERCENT)]
    return cols


@register
class ShippedSalesByWarehouse(Report):
    slug = "sales-by-warehouse"
    summary = _("What each warehouse actually shipped, valued at the order lines' net prices, by month, "
                "compared with the previous period.")
    title = _("Shipped sales by warehouse")
    description = _(
        "What each warehouse actually shipped: the lines of shipments shipped or delivered, counted on the day "
        "they left (project time zone). Net = shipped quantity × the order line's net unit price (after discounts, "
        "before tax), rounded to the cent per shipment line. Region = the order's ship-to region (the customer's "
        "region when the order has none). Each figure is compared with the previous period of the same length; "
        "amounts are never added across currencies. Booked sales (when orders are placed) are in the other sales "
        "reports.")
    perm = Perm.REPORTS_VIEW
    filters = ("period", "warehouse", "region", "channel", "customer", "category")

    def compute(self, params, progress):
        progress(5)
        rows = q.shipped_by_warehouse_month(params)
        progress(80)
        for row in rows:
            row["month_label"] = month_label(row["month"])
        warehouses = q.by_warehouse(rows)
        totals = q.totals_by_currency(rows)
        key_wh = [Column("warehouse", _t("Warehouse")), Column("warehouse_name", _t("Name"))]
        total_row = None
        if len(totals) == 1:
            total_row = {"warehouse": _t("Total"), "warehouse_name": None, **totals[0]}
        sections = [
            Section("by_warehouse", _t("By warehouse"), key_wh + _measures(), warehouses,
                    Chart("bar", "warehouse", ("net", "prev_net"), _t("Net shipped: this period and the previous one")),
                    totals=total_row),
            Section("by_month", _t("By warehouse and month"),
                    [Column("month_label", _t("Month")), *key_wh, *_measures()], rows,
                    note=_t("Months: the first and last month may be partial (the period's own days). Each month is "
                            "compared with the same span one period earlier.")),
        ]
        if len(totals) > 1:
            sections.append(Section("currencies", _t("Totals by currency"), _measures(), totals))
        progress(95)
        return self.result(params, sections)
