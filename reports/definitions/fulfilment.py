"""Fulfilment reports: order-to-ship lead time, on-time delivery, SLA breaches (SPEC §G, issue #7)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from oms.permissions import Perm
from orders.models import Status
from reports.queries import fulfilment as q
from reports.queries._ops import month_label
from reports.registry import Chart, Column, ColumnKind as K, Report, Section, register

FILTERS = ("period", "warehouse", "region", "channel", "customer")


def _status_label(value):
    try:
        return str(Status(value).label)
    except ValueError:
        return value


def _lead_columns(first_key, first_label):
    return [
        Column(first_key, first_label), Column("orders", gettext("Orders"), K.INT),
        Column("avg_hours", gettext("Average (h)"), K.DECIMAL), Column("p50_hours", gettext("Median (h)"), K.DECIMAL),
        Column("p90_hours", gettext("90th percentile (h)"), K.DECIMAL), Column("min_hours", gettext("Fastest (h)"), K.DECIMAL),
        Column("max_hours", gettext("Slowest (h)"), K.DECIMAL),
    ]


def _lead_row(r, key, value):
    return {key: value, **{k: r[k] for k in ("orders", "avg_hours", "p50_hours", "p90_hours", "min_hours", "max_hours")}}


@register
class FulfilmentLeadTime(Report):
    slug = "fulfilment-lead-time"
    title = _("Order-to-ship lead time")
    description = _("Hours from order creation to its first shipment leaving, by warehouse and month.")
    perm = Perm.REPORTS_VIEW
    filters = FILTERS

    def compute(self, params, progress):
        by_wh, by_month, overall = q.lead_times(**params)
        progress(80)
        total = _lead_row(overall, "warehouse", gettext("All")) if overall else None
        months = [_lead_row(r, "month", month_label(r["month"])) for r in by_month]
        return self.result(params, [
            Section("by_warehouse", gettext("By warehouse"), _lead_columns("warehouse", gettext("Warehouse")),
                    [_lead_row(r, "warehouse", r["warehouse"]) for r in by_wh],
                    Chart("bar", "warehouse", ("avg_hours", "p50_hours", "p90_hours"), gettext("Lead time by warehouse (hours)")),
                    totals=total,
                    note=gettext("Orders whose first shipment was shipped in the period; the warehouse is that shipment's. "
                            "Median and 90th percentile are continuous percentiles (interpolated).")),
            Section("by_month", gettext("By month"), _lead_columns("month", gettext("Month")), months,
                    Chart("line", "month", ("avg_hours", "p50_hours", "p90_hours"), gettext("Lead time by month (hours)")),
                    totals={**total, "month": total["warehouse"]} if total else None),
        ])


def _rate_columns(first_key, first_label):
    return [
        Column(first_key, first_label), Column("delivered", gettext("Delivered"), K.INT),
        Column("with_promise", gettext("With a promised date"), K.INT), Column("on_time", gettext("On time"), K.INT),
        Column("late", gettext("Late"), K.INT), Column("rate", gettext("On-time rate"), K.PERCENT),
    ]


def _rate_row(r, key, value):
    return {key: value, **{k: r[k] for k in ("delivered", "with_promise", "on_time", "late", "rate")}}


@register
class FulfilmentOnTime(Report):
    slug = "fulfilment-on-time"
    title = _("On-time delivery")
    description = _("Shipments delivered on or before the promised date, by carrier and month.")
    perm = Perm.REPORTS_VIEW
    filters = FILTERS

    def compute(self, params, progress):
        by_carrier, by_month, overall = q.on_time(**params)
        progress(80)
        total = _rate_row(overall, "carrier", gettext("All")) if overall else None
        return self.result(params, [
            Section("by_carrier", gettext("By carrier"), _rate_columns("carrier", gettext("Carrier")),
                    [_rate_row(r, "carrier", r["carrier"]) for r in by_carrier],
                    Chart("bar", "carrier", ("rate",), gettext("On-time rate by carrier (%)")), totals=total,
                    note=gettext("Shipments delivered in the period. On time = delivered (local date) on or before the "
                            "order's promised date; shipments of orders without a promised date are not rated.")),
            Section("by_month", gettext("By month"), _rate_columns("month", gettext("Month")),
                    [_rate_row(r, "month", month_label(r["month"])) for r in by_month],
                    Chart("line", "month", ("rate",), gettext("On-time rate by month (%)")),
                    totals={**total, "month": total["carrier"]} if total else None),
        ])


@register
class FulfilmentSlaBreaches(Report):
    slug = "fulfilment-sla-breaches"
    title = _("SLA breaches by stage")
    description = _("Orders that stayed in a stage longer than its SLA target, per stage.")
    perm = Perm.REPORTS_VIEW
    filters = ("period", "region", "channel", "customer")

    def compute(self, params, progress):
        rows = q.sla_breaches(**params)
        progress(80)
        for r in rows:
            r["stage"] = _status_label(r["stage"])
        totals = {"stage": gettext("Total"), "target_hours": None, "breach_rate": None, "avg_hours": None, "p90_hours": None,
                  **{k: sum(r[k] for r in rows) for k in ("entered", "breached", "escalated", "overdue_now", "reminders")}}
        totals["breach_rate"] = q.ratio(totals["breached"] * 100, totals["entered"], 1)
        return self.result(params, [Section("by_stage", gettext("By stage"), [
            Column("stage", gettext("Stage")), Column("target_hours", gettext("Target (h)"), K.INT),
            Column("entered", gettext("Entered"), K.INT), Column("breached", gettext("Breached"), K.INT),
            Column("breach_rate", gettext("Breach rate"), K.PERCENT), Column("escalated", gettext("Past escalation"), K.INT),
            Column("overdue_now", gettext("Still overdue"), K.INT), Column("avg_hours", gettext("Average stay (h)"), K.DECIMAL),
            Column("p90_hours", gettext("90th percentile stay (h)"), K.DECIMAL),
            Column("reminders", gettext("Reminders sent"), K.INT),
        ], rows, Chart("bar", "stage", ("entered", "breached"), gettext("SLA breaches by stage")), totals=totals,
            note=gettext("Orders entering a stage in the period (from the order timeline), how long they stayed there "
                    "(until the next status change, or until now), against the stage's SLA target; past escalation = "
                    "longer than the target plus the escalation delay. Reminders sent = SLA reminders recorded in "
                    "the period."))])
