"""Fulfilment report queries: order-to-ship lead time, on-time delivery, SLA breaches by stage.

One SQL statement per figure set, grouped with GROUPING SETS so the per-warehouse (or carrier),
per-month and overall figures come from the same scan. Percentiles are PostgreSQL's
percentile_cont over intervals (exact to the microsecond), turned into hours here.
"""

from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from customers.models import Company
from inventory.models import Warehouse
from orders.models import Order, OrderEvent, Shipment, SlaTarget, Status
from reports.routers import replica_alias

from ._ops import bounds, fetch, ratio, tz_name

HOUR = Decimal(3600)


def _hours(seconds):
    return ratio(seconds, HOUR, 2) if seconds is not None else None


def _order_filters(params, *, order_alias="o", company_alias="c", shipment_alias=None):
    where, out = [], {}
    if params.get("customer"):
        where.append(f"{order_alias}.company_id = %(customer)s")
        out["customer"] = params["customer"]
    if params.get("region"):
        where.append(f"{company_alias}.region = %(region)s")
        out["region"] = params["region"]
    if params.get("channel"):
        where.append(f"{order_alias}.channel = %(channel)s")
        out["channel"] = params["channel"]
    if shipment_alias and params.get("warehouse"):
        where.append(f"{shipment_alias}.warehouse_id = %(warehouse)s")
        out["warehouse"] = params["warehouse"]
    return "".join(f" AND {w}" for w in where), out


def _split(rows, first_key, second_key):
    """Rows of a GROUPING SETS ((first), (second), ()) query: (by first, by second, overall)."""
    firsts = [r for r in rows if r["g_first"] == 0]
    seconds = [r for r in rows if r["g_first"] == 1 and r["g_second"] == 0]
    overall = next((r for r in rows if r["g_first"] == 1 and r["g_second"] == 1), None)
    return firsts, seconds, overall


def lead_times(*, date_from, date_to, **params):
    """Hours from order creation to its first shipment shipped, for orders whose first shipment
    left in the period: count, average, median, 90th percentile, min and max — by warehouse (of
    that first shipment), by month (of shipping) and overall."""
    start, end = bounds(date_from, date_to)
    s, o, c, w = Shipment._meta.db_table, Order._meta.db_table, Company._meta.db_table, Warehouse._meta.db_table
    filters, fparams = _order_filters(params, shipment_alias="f")
    sql = f"""
    WITH cand AS (
        SELECT DISTINCT order_id FROM {s}
        WHERE shipped_at >= %(start)s AND shipped_at < %(end)s AND status <> 'cancelled'
    ),
    first AS (
        SELECT DISTINCT ON (sh.order_id) sh.order_id, sh.shipped_at, sh.warehouse_id
        FROM {s} sh JOIN cand ON cand.order_id = sh.order_id
        WHERE sh.shipped_at IS NOT NULL AND sh.status <> 'cancelled'
        ORDER BY sh.order_id, sh.shipped_at, sh.id
    ),
    base AS (
        SELECT wh.code AS warehouse, date_trunc('month', f.shipped_at AT TIME ZONE %(tz)s)::date AS month,
               f.shipped_at - o.created_at AS lead
        FROM first f JOIN {o} o ON o.id = f.order_id JOIN {c} c ON c.id = o.company_id
             JOIN {w} wh ON wh.id = f.warehouse_id
        WHERE f.shipped_at >= %(start)s AND f.shipped_at < %(end)s{filters}
    )
    SELECT GROUPING(warehouse) AS g_first, GROUPING(month) AS g_second, warehouse, month, COUNT(*) AS orders,
           EXTRACT(EPOCH FROM AVG(lead)) AS avg_s,
           EXTRACT(EPOCH FROM percentile_cont(0.5) WITHIN GROUP (ORDER BY lead)) AS p50_s,
           EXTRACT(EPOCH FROM percentile_cont(0.9) WITHIN GROUP (ORDER BY lead)) AS p90_s,
           EXTRACT(EPOCH FROM MIN(lead)) AS min_s, EXTRACT(EPOCH FROM MAX(lead)) AS max_s
    FROM base GROUP BY GROUPING SETS ((warehouse), (month), ())
    ORDER BY warehouse NULLS LAST, month NULLS LAST
    """
    rows = fetch(sql, {"start": start, "end": end, "tz": tz_name(), **fparams})
    for r in rows:
        for k in ("avg", "p50", "p90", "min", "max"):
            r[f"{k}_hours"] = _hours(r.pop(f"{k}_s"))
    return _split(rows, "warehouse", "month")


def on_time(*, date_from, date_to, **params):
    """Shipments delivered in the period: how many had a promised date, how many arrived on or
    before it (local date of delivery ≤ the order's promised date) — by carrier, by month of
    delivery and overall."""
    start, end = bounds(date_from, date_to)
    s, o, c = Shipment._meta.db_table, Order._meta.db_table, Company._meta.db_table
    filters, fparams = _order_filters(params, shipment_alias="sh")
    sql = f"""
    WITH base AS (
        SELECT COALESCE(NULLIF(sh.carrier, ''), '—') AS carrier,
               date_trunc('month', sh.delivered_at AT TIME ZONE %(tz)s)::date AS month,
               o.promised_date IS NOT NULL AS promised,
               (sh.delivered_at AT TIME ZONE %(tz)s)::date <= o.promised_date AS in_time
        FROM {s} sh JOIN {o} o ON o.id = sh.order_id JOIN {c} c ON c.id = o.company_id
        WHERE sh.delivered_at >= %(start)s AND sh.delivered_at < %(end)s AND sh.status <> 'cancelled'{filters}
    )
    SELECT GROUPING(carrier) AS g_first, GROUPING(month) AS g_second, carrier, month,
           COUNT(*) AS delivered, COUNT(*) FILTER (WHERE promised) AS with_promise,
           COUNT(*) FILTER (WHERE in_time) AS on_time
    FROM base GROUP BY GROUPING SETS ((carrier), (month), ())
    ORDER BY carrier NULLS LAST, month NULLS LAST
    """
    rows = fetch(sql, {"start": start, "end": end, "tz": tz_name(), **fparams})
    for r in rows:
        r["late"] = r["with_promise"] - r["on_time"]
        r["rate"] = ratio(Decimal(r["on_time"]) * 100, r["with_promise"], 1)
    return _split(rows, "carrier", "month")


def sla_breaches(*, date_from, date_to, now=None, **params):
    """Per stage with an SLA target: orders that entered it in the period (status events), how
    long they stayed (until the next status change, or until now if still there), how many
    overstayed the target (breached) and the target plus the escalation delay (escalated),
    how many are still there past the target; and the SLA reminders recorded by check_sla."""
    start, end = bounds(date_from, date_to)
    now = now or timezone.now()
    e, o, c, t = OrderEvent._meta.db_table, Order._meta.db_table, Company._meta.db_table, SlaTarget._meta.db_table
    filters, fparams = _order_filters(params)
    sql = f"""
    WITH timeline AS (
        SELECT ev.order_id, ev.to_status AS stage, ev.created_at,
               LEAD(ev.created_at) OVER (PARTITION BY ev.order_id ORDER BY ev.created_at, ev.id) AS left_at
        FROM {e} ev
        WHERE ev.kind = 'status' AND ev.created_at >= %(start)s
    ),
    entered AS (
        SELECT tl.stage, tl.created_at, tl.left_at
        FROM timeline tl JOIN {o} o ON o.id = tl.order_id JOIN {c} c ON c.id = o.company_id
        WHERE tl.created_at < %(end)s{filters}
    ),
    spans AS (
        SELECT en.stage, t.hours, t.escalate_after_hours, en.left_at IS NULL AS still_there,
               COALESCE(en.left_at, %(now)s::timestamptz) - en.created_at AS stay
        FROM entered en JOIN {t} t ON t.status = en.stage
    )
    SELECT stage, MAX(hours) AS target_hours, COUNT(*) AS entered,
           COUNT(*) FILTER (WHERE stay > make_interval(hours => hours)) AS breached,
           COUNT(*) FILTER (WHERE stay > make_interval(hours => hours + escalate_after_hours)) AS escalated,
           COUNT(*) FILTER (WHERE still_there AND stay > make_interval(hours => hours)) AS overdue_now,
           EXTRACT(EPOCH FROM AVG(stay)) AS avg_s,
           EXTRACT(EPOCH FROM percentile_cont(0.9) WITHIN GROUP (ORDER BY stay)) AS p90_s
    FROM spans GROUP BY stage
    """
    rows = {r["stage"]: r for r in fetch(sql, {"start": start, "end": end, "now": now, **fparams})}
    reminders = OrderEvent.objects.using(replica_alias()).filter(
        kind=OrderEvent.Kind.SLA, created_at__gte=start, created_at__lt=end, data__has_key="status")
    if params.get("customer"):
        reminders = reminders.filter(order__company_id=params["customer"])
    if params.get("region"):
        reminders = reminders.filter(order__company__region=params["region"])
    if params.get("channel"):
        reminders = reminders.filter(order__channel=params["channel"])
    reminded = {r["data__status"]: r["n"] for r in reminders.values("data__status").annotate(n=Count("pk")).order_by()}
    out = []
    for stage in Status.values:
        if stage not in rows and stage not in reminded:
            continue
        r = rows.get(stage) or {"target_hours": None, "entered": 0, "breached": 0, "escalated": 0, "overdue_now": 0,
                                "avg_s": None, "p90_s": None}
        out.append({
            "stage": stage, "target_hours": r["target_hours"], "entered": r["entered"], "breached": r["breached"],
            "breach_rate": ratio(Decimal(r["breached"]) * 100, r["entered"], 1),
            "escalated": r["escalated"], "overdue_now": r["overdue_now"],
            "avg_hours": _hours(r["avg_s"]), "p90_hours": _hours(r["p90_s"]), "reminders": reminded.get(stage, 0),
        })
    return out
