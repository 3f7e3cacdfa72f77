"""Shipped sales by warehouse (helper qa7): what each warehouse actually shipped, valued at the
order line's net unit price.

Source: shipment lines of shipments whose status is shipped or delivered, dated by the
shipment's shipped_at in the project time zone. Value of a shipment line = shipped quantity ×
(order line net_amount / order line quantity), rounded half-up to the currency's minor unit
(oms.money's rule) per shipment line; money is summed per currency (the order's), never across
currencies. Region = the order's ship-to region (the customer's when the order has none), as
in the booked-sales reports.

ONE statement: aggregated by (warehouse, currency, month bucket) with the current and the
previous period of equal length side by side (SUM ... FILTER); previous-period shipments are
moved forward by the period's length so each month compares with the same span one period
earlier (as reports.queries.sales does for Sales by period).
"""

from datetime import date
from decimal import Decimal

from customers.models import Company
from inventory.models import Product, Warehouse
from oms.money import CURRENCIES
from orders.models import Order, OrderLine, Shipment, ShipmentLine
from reports.forms import previous_period

from ._ops import bounds, category_ids, fetch, months, round_sql, tz_name
from .sales import change

SHIPPED_STATUSES = (Shipment.Status.SHIPPED.value, Shipment.Status.DELIVERED.value)


def _quantum(currency: str) -> Decimal:
    return Decimal(1).scaleb(-CURRENCIES.get(currency, (2, ""))[0])


def shipped_by_warehouse_month(params: dict) -> list[dict]:
    """Rows per (warehouse, currency, month of the current period) with: warehouse_id,
    warehouse (code), warehouse_name, currency, month (first day), quantity, lines, shipments,
    orders, net, prev_quantity, prev_net, change, change_pct. Only combinations with shipments
    in either period appear."""
    date_from, date_to = params["date_from"], params["date_to"]
    prev_from, _prev_to = previous_period(date_from, date_to)
    start, end = bounds(prev_from, date_to)
    cur_start, _ = bounds(date_from, date_to)
    args = {"start": start, "end": end, "cur_start": cur_start, "tz": tz_name(),
            "shift": (date_to - date_from).days + 1, "statuses": list(SHIPPED_STATUSES)}
    where = ["s.status = ANY(%(statuses)s)", "s.shipped_at >= %(start)s", "s.shipped_at < %(end)s"]
    if params.get("warehouse"):
        where.append("s.warehouse_id = %(warehouse)s")
        args["warehouse"] = params["warehouse"]
    if params.get("customer"):
        where.append("o.company_id = %(customer)s")
        args["customer"] = params["customer"]
    if params.get("channel"):
        where.append("o.channel = %(channel)s")
        args["channel"] = params["channel"]
    if params.get("region"):
        where.append("COALESCE(NULLIF(o.ship_region, ''), c.region) = %(region)s")
        args["region"] = params["region"]
    if params.get("category"):
        where.append("p.category_id = ANY(%(categories)s)")
        args["categories"] = category_ids(params["category"])
    t = {"s": Shipment._meta.db_table, "sl": ShipmentLine._meta.db_table, "ol": OrderLine._meta.db_table,
         "o": Order._meta.db_table, "c": Company._meta.db_table, "p": Product._meta.db_table,
         "w": Warehouse._meta.db_table}
    value = round_sql("sl.quantity * ol.net_amount / ol.quantity", "o.currency")
    cur, prev = "FILTER (WHERE b.current)", "FILTER (WHERE NOT b.current)"
    sql = f"""
    WITH b AS (
        SELECT s.warehouse_id, o.currency, s.id AS shipment_id, o.id AS order_id, sl.quantity,
               {value} AS net, s.shipped_at >= %(cur_start)s AS current,
               date_trunc('month', (CASE WHEN s.shipped_at >= %(cur_start)s THEN s.shipped_at
                                         ELSE s.shipped_at + make_interval(days => %(shift)s) END)
                                   AT TIME ZONE %(tz)s)::date AS month
        FROM {t['sl']} sl
        JOIN {t['s']} s ON s.id = sl.shipment_id
        JOIN {t['ol']} ol ON ol.id = sl.order_line_id
        JOIN {t['o']} o ON o.id = ol.order_id
        JOIN {t['c']} c ON c.id = o.company_id
        {"JOIN " + t['p'] + " p ON p.id = ol.product_id" if params.get("category") else ""}
        WHERE {' AND '.join(where)}
    ), a AS (
        SELECT b.warehouse_id, b.currency, b.month,
               COALESCE(SUM(b.quantity) {cur}, 0) AS quantity, COUNT(*) {cur} AS lines,
               COUNT(DISTINCT b.shipment_id) {cur} AS shipments, COUNT(DISTINCT b.order_id) {cur} AS orders,
               COALESCE(SUM(b.net) {cur}, 0) AS net,
               COALESCE(SUM(b.quantity) {prev}, 0) AS prev_quantity, COALESCE(SUM(b.net) {prev}, 0) AS prev_net
        FROM b GROUP BY 1, 2, 3
    )
    SELECT a.*, w.code AS warehouse, w.name AS warehouse_name
    FROM a JOIN {t['w']} w ON w.id = a.warehouse_id
    ORDER BY a.month, w.code, a.currency
    """
    rows = fetch(sql, args)
    for row in rows:
        q = _quantum(row["currency"])
        row["net"], row["prev_net"] = Decimal(row["net"]).quantize(q), Decimal(row["prev_net"]).quantize(q)
        for key in ("quantity", "lines", "shipments", "orders", "prev_quantity"):
            row[key] = int(row[key])
        row["change"], row["change_pct"] = change(row["net"], row["prev_net"])
    return rows


def by_warehouse(rows: list[dict]) -> list[dict]:
    """The month rows summed per (warehouse, currency), biggest net first. Shipment and order
    counts are not summed over months (one shipment is in one month, but an order can ship in
    several months and from several warehouses): shipments add up, orders are left out."""
    out: dict[tuple, dict] = {}
    for r in rows:
        t = out.setdefault((r["warehouse_id"], r["currency"]), {
            "warehouse_id": r["warehouse_id"], "warehouse": r["warehouse"], "warehouse_name": r["warehouse_name"],
            "currency": r["currency"], "quantity": 0, "lines": 0, "shipments": 0, "net": Decimal(0),
            "prev_quantity": 0, "prev_net": Decimal(0)})
        for key in ("quantity", "lines", "shipments", "net", "prev_quantity", "prev_net"):
            t[key] += r[key]
    for t in out.values():
        t["change"], t["change_pct"] = change(t["net"], t["prev_net"])
    return sorted(out.values(), key=lambda t: (-t["net"], -t["prev_net"], t["warehouse"], t["currency"]))


def totals_by_currency(rows: list[dict]) -> list[dict]:
    out: dict[str, dict] = {}
    for r in rows:
        t = out.setdefault(r["currency"], {"currency": r["currency"], "quantity": 0, "lines": 0, "shipments": 0,
                                           "net": Decimal(0), "prev_quantity": 0, "prev_net": Decimal(0)})
        for key in ("quantity", "lines", "shipments", "net", "prev_quantity", "prev_net"):
            t[key] += r[key]
    for t in out.values():
        t["change"], t["change_pct"] = change(t["net"], t["prev_net"])
    return [out[c] for c in sorted(out)]


def month_starts(date_from: date, date_to: date) -> list[date]:
    return months(date_from, date_to)
