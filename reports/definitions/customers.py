"""Customer reports (SPEC §G, issue #7): repeat purchase rate and average order value, RFM
segments, top customers. All read the DailySales rollup (reports.queries.customers)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext as _t
from django.utils.translation import pgettext
from django.utils.translation import gettext_lazy as _

from oms.permissions import Perm
from oms.regions import Region
from reports.queries import customers as q
from reports.registry import Chart, Column, ColumnKind as K, Report, Section, register

BOOKED = _("Sales are booked sales: orders that are not drafts and not cancelled, counted on the day the order "
           "was created (project time zone); net = after discounts, before tax; gross = net + tax. Amounts are "
           "never added across currencies.")
NO_CATEGORY = _("There is no category filter: an order is one purchase whatever products it holds.")

SEGMENT_LABELS = {
    "champions": _("Champions"),
    "loyal": _("Loyal"),
    "new": _("New"),
    "needs_attention": _("Needs attention"),
    "at_risk": _("At risk"),
    "lost": _("Lost"),
}

RFM_RULE = _(
    "RFM per currency, over the customers who bought in the period. Recency = days from the customer's last "
    "order to the end of the period; frequency = orders in the period; monetary = net sales in the period. "
    "Each is scored 1-5 by quintile (NTILE(5); 5 = most recent, most frequent, highest spend; equal values "
    "share the lower score). Segments, first match wins: Champions R≥4, F≥4 and M≥4; Loyal R≥3 and F≥3; "
    "New R≥4 (few orders); At risk R≤2 and F≥3; Lost R≤2; Needs attention: the rest (R=3, F≤2). With fewer "
    "than five customers the scores stay below 5."
)


@register
class CustomerPurchasing(Report):
    slug = "customer-purchasing"
    title = _("Repeat purchase rate and average order value")
    description = format_lazy(
        "{} {} {}",
        _("Repeat purchase rate = customers with two or more orders in the period ÷ customers with at least one. "
          "Average order value = sales ÷ orders, per currency. Both compared with the previous period of the "
          "same length."), BOOKED, NO_CATEGORY)
    perm = Perm.REPORTS_VIEW
    filters = ("period", "region", "channel", "customer", "sales_rep")

    def compute(self, params, progress):
        progress(5)
        rows = q.purchasing(params)
        progress(80)
        columns = [
            Column("currency", _t("Currency")), Column("customers", _t("Customers who bought"), K.INT),
            Column("repeat_customers", _t("With 2+ orders"), K.INT),
            Column("repeat_rate", _t("Repeat purchase rate"), K.PERCENT),
            Column("prev_repeat_rate", _t("Repeat rate, previous period"), K.PERCENT),
            Column("orders", _t("Orders"), K.INT), Column("net", _t("Net sales"), K.MONEY),
            Column("aov_net", _t("Average order value (net)"), K.MONEY),
            Column("aov_gross", _t("Average order value (gross)"), K.MONEY),
            Column("prev_aov_net", _t("Average order value (net), previous period"), K.MONEY),
            Column("aov_change", pgettext("report figure: difference from the previous period", "Change"), K.MONEY), Column("aov_change_pct", _t("Change %"), K.PERCENT),
        ]
        chart = Chart("bar", "currency", ("aov_net", "prev_aov_net"), _t("Average order value: this period and the previous one"))
        return self.result(params, [Section("purchasing", _t("Repeat purchases and order value"), columns, rows, chart)])


@register
class CustomerRfm(Report):
    slug = "customer-rfm"
    title = _("RFM customer segments")
    description = format_lazy("{} {} {}", RFM_RULE, BOOKED, NO_CATEGORY)
    perm = Perm.REPORTS_VIEW
    filters = ("period", "region", "channel", "sales_rep")

    def compute(self, params, progress):
        progress(5)
        rows = q.rfm(params)
        progress(70)
        for row in rows:
            row["segment_key"] = row["segment"]
            row["segment"] = str(SEGMENT_LABELS[row["segment_key"]])
        segments = q.rfm_segments([{**r, "segment": r["segment_key"]} for r in rows])
        for seg in segments:
            seg["segment_key"], seg["segment"] = seg["segment"], str(SEGMENT_LABELS[seg["segment"]])
        seg_columns = [
            Column("segment", _t("Segment")), Column("currency", _t("Currency")),
            Column("customers", _t("Customers"), K.INT), Column("share", _t("Share of customers"), K.PERCENT),
            Column("net", _t("Net sales"), K.MONEY), Column("avg_orders", _t("Orders per customer"), K.DECIMAL),
            Column("avg_recency_days", _t("Days since last order (average)"), K.DECIMAL),
        ]
        customer_columns = [
            Column("customer_code", _t("Customer code")), Column("customer", _t("Customer")),
            Column("currency", _t("Currency")), Column("last_day", _t("Last order"), K.DATE),
            Column("recency_days", _t("Days since last order"), K.INT), Column("frequency", _t("Orders"), K.INT),
            Column("monetary", _t("Net sales"), K.MONEY), Column("r", "R", K.INT), Column("f", "F", K.INT),
            Column("m", "M", K.INT), Column("score", _t("RFM")), Column("segment", _t("Segment")),
        ]
        return self.result(params, [
            Section("segments", _t("Segments"), seg_columns, segments,
                    Chart("bar", "segment", ("customers",), _t("Customers per segment")), note=str(RFM_RULE)),
            Section("customers", _t("Customers"), customer_columns, rows),
        ])


@register
class TopCustomers(Report):
    slug = "top-customers"
    title = _("Top customers")
    description = format_lazy(
        "{} {}",
        _("The 50 customers with the highest net sales in the period (per currency), their share of all "
          "customers' net sales and the running share, compared with the previous period of the same length. "
          "With a category filter, sales are those of that category (and its subcategories) and orders are "
          "not counted."), BOOKED)
    perm = Perm.REPORTS_VIEW
    filters = ("period", "region", "channel", "category", "sales_rep")
    limit = 50

    def compute(self, params, progress):
        progress(5)
        rows = q.top_customers(params, limit=self.limit)
        progress(80)
        for row in rows:
            row["region"] = str(dict(Region.choices).get(row["region"], row["region"]))
        columns = [
            Column("rank", _t("Rank"), K.INT), Column("customer_code", _t("Customer code")),
            Column("customer", _t("Customer")), Column("region", _t("Region")), Column("currency", _t("Currency")),
            Column("orders", _t("Orders"), K.INT), Column("net", _t("Net sales"), K.MONEY),
            Column("gross", _t("Gross sales"), K.MONEY), Column("share", _t("Share of net sales"), K.PERCENT),
            Column("cumulative_share", _t("Cumulative share"), K.PERCENT),
            Column("prev_net", _t("Net, previous period"), K.MONEY), Column("change", pgettext("report figure: difference from the previous period", "Change"), K.MONEY),
            Column("change_pct", _t("Change %"), K.PERCENT),
        ]
        top = [r for r in rows if r["rank"] <= 10]
        return self.result(params, [
            Section("top10", _t("Top 10"), columns, top,
                    Chart("bar", "customer", ("net", "prev_net"), _t("Net sales: this period and the previous one"))),
            Section("customers", _t("Top %(n)s customers") % {"n": self.limit}, columns, rows),
        ])
