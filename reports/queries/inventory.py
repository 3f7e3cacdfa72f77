"""Inventory report queries: levels, valuation, turnover, aging and stock-outs.

Every function is a fixed number of queries whatever the number of products, aggregated in
PostgreSQL. Quantities are ints (or Decimals for averages), values are Decimals rounded to the
cent per stock row (so rows add up to their totals exactly), in settings.OMS_DEFAULT_CURRENCY —
the currency Product.average_cost is kept in.

Time-weighted figures (average on hand, days out of stock) come from the append-only stock
ledger: each StockMovement row carries `on_hand_after` / `reserved_after`, so the quantity held
between two movements is known exactly. A stock row with no movement before the period starts
counts from its first movement in the period (nothing was held before it existed).
"""

from datetime import date
from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum
from django.db.models.functions import Round
from django.utils import timezone

from inventory.models import Category, Product, Stock, StockMovement, Warehouse
from reports.routers import replica_alias

from ._ops import bounds, category_ids, fetch, ratio

ZERO = Decimal("0")
CENT = DecimalField(max_digits=18, decimal_places=2)

# Ledger kinds that take units out of stock for good (transfers only move them between warehouses).
OUTFLOW_KINDS = (StockMovement.Kind.SHIPMENT, StockMovement.Kind.SCRAP)
# Ledger kinds that bring units in: the "receipts" whose dates age the stock.
INFLOW_KINDS = (StockMovement.Kind.RECEIPT, StockMovement.Kind.TRANSFER_IN, StockMovement.Kind.RETURN_RESTOCK)

AGE_BUCKETS = ("d0_30", "d31_60", "d61_90", "d90_plus")


def _stocks(warehouse=None, category=None, region=""):
    qs = Stock.objects.using(replica_alias())
    if warehouse:
        qs = qs.filter(warehouse_id=warehouse)
    if region:
        qs = qs.filter(warehouse__region=region)
    cats = category_ids(category)
    if cats is not None:
        qs = qs.filter(product__category_id__in=cats)
    return qs


def _scope_sql(warehouse, category, region=""):
    """WHERE fragment and params selecting stock rows `s` joined to products `p`."""
    where, params = ["TRUE"], []
    if warehouse:
        where.append("s.warehouse_id = %s")
        params.append(warehouse)
    if region:
        where.append(f"s.warehouse_id IN (SELECT id FROM {Warehouse._meta.db_table} WHERE region = %s)")
        params.append(region)
    cats = category_ids(category)
    if cats is not None:
        where.append("p.category_id = ANY(%s)")
        params.append(cats)
    return " AND ".join(where), params


def _value_expr():
    return Round(F("on_hand") * F("product__average_cost"), 2, output_field=CENT)


# --- levels -------------------------------------------------------------------------------------

def stock_levels(*, warehouse=None, category=None, region="", **_ignored):
    """Every stock row of active products (or with units still held): on hand, reserved, free,
    incoming, in transit, reorder point and safety stock, plus a per-warehouse summary."""
    stocks = _stocks(warehouse, category, region)
    qs = (stocks
          .filter(Q(product__active=True) | ~Q(on_hand=0) | ~Q(reserved=0) | ~Q(incoming=0) | ~Q(in_transit=0))
          .annotate(free=F("on_hand") - F("reserved"))
          .values("product__sku", "product__name", "product__category__name", "warehouse__code", "on_hand",
                  "reserved", "free", "incoming", "in_transit", "reorder_point", "safety_stock")
          .order_by("product__sku", "warehouse__code"))
    rows = []
    for r in qs:
        projected = r["free"] + r["incoming"] + r["in_transit"]
        rows.append({
            "sku": r["product__sku"], "product": r["product__name"], "category": r["product__category__name"],
            "warehouse": r["warehouse__code"], "on_hand": r["on_hand"], "reserved": r["reserved"], "free": r["free"],
            "incoming": r["incoming"], "in_transit": r["in_transit"], "reorder_point": r["reorder_point"],
            "safety_stock": r["safety_stock"],
            "low": r["reorder_point"] > 0 and projected <= r["reorder_point"],
            "below_safety": r["free"] < r["safety_stock"],
        })
    by_wh = (stocks.values("warehouse__code", "warehouse__name")
             .annotate(skus=Count("pk", filter=~Q(on_hand=0)), t_on_hand=Sum("on_hand"), t_reserved=Sum("reserved"),
                       t_free=Sum(F("on_hand") - F("reserved")), t_incoming=Sum("incoming"), t_in_transit=Sum("in_transit"),
                       low=Count("pk", filter=Q(reorder_point__gt=0)
                                 & Q(reorder_point__gte=F("on_hand") - F("reserved") + F("incoming") + F("in_transit"))))
             .order_by("warehouse__code"))
    summary = [{"warehouse": r["warehouse__code"], "warehouse_name": r["warehouse__name"], "skus": r["skus"],
                "on_hand": r["t_on_hand"] or 0, "reserved": r["t_reserved"] or 0, "free": r["t_free"] or 0,
                "incoming": r["t_incoming"] or 0, "in_transit": r["t_in_transit"] or 0, "low": r["low"]} for r in by_wh]
    return rows, summary


# --- valuation ----------------------------------------------------------------------------------

def valuation(*, warehouse=None, category=None, region="", **_ignored):
    """On hand × average cost, each stock row rounded to the cent, summed by warehouse, by
    category and by product; with grand totals. Three GROUP BYs."""
    base = _stocks(warehouse, category, region).filter(~Q(on_hand=0)).annotate(value=_value_expr())

    def grouped(*keys, order):
        return list(base.values(*keys).annotate(units=Sum("on_hand"), total=Sum("value"), skus=Count("product_id", distinct=True))
                    .order_by(*order))

    by_wh = [{"warehouse": r["warehouse__code"], "warehouse_name": r["warehouse__name"], "skus": r["skus"],
              "units": r["units"], "value": r["total"] or ZERO}
             for r in grouped("warehouse__code", "warehouse__name", order=("warehouse__code",))]
    by_cat = [{"category": r["product__category__name"], "skus": r["skus"], "units": r["units"], "value": r["total"] or ZERO}
              for r in grouped("product__category_id", "product__category__name", order=("product__category__name",))]
    by_product = [{"sku": r["product__sku"], "product": r["product__name"], "category": r["product__category__name"],
                   "average_cost": r["product__average_cost"], "units": r["units"], "value": r["total"] or ZERO}
                  for r in grouped("product_id", "product__sku", "product__name", "product__category__name",
                                   "product__average_cost", order=("-total", "product__sku"))]
    total = {"units": sum(r["units"] for r in by_wh), "value": sum((r["value"] for r in by_wh), ZERO),
             "skus": len(by_product)}
    return {"by_warehouse": by_wh, "by_category": by_cat, "by_product": by_product, "total": total}


# --- ledger spans (turnover, stock-outs) --------------------------------------------------------

def _spans_sql(where):
    """CTEs ending in `spans`: for each stock row in scope, the intervals of the period during
    which on_hand / free were constant, with their length in seconds. A stock's movements are
    taken in ledger (id) order — the order they were written under the stock's row lock, which
    is the order on_hand_after follows; the opening state is the last movement before the
    period (index movement_stock_idx, newest first)."""
    m, s, p = StockMovement._meta.db_table, Stock._meta.db_table, Product._meta.db_table
    return f"""
    scope AS (
        SELECT s.id, s.product_id, s.warehouse_id, s.on_hand, s.reserved
        FROM {s} s JOIN {p} p ON p.id = s.product_id WHERE {where}
    ),
    opening AS (
        SELECT scope.id AS stock_id, last.on_hand_after, last.reserved_after
        FROM scope CROSS JOIN LATERAL (
            SELECT mv.on_hand_after, mv.reserved_after FROM {m} mv
            WHERE mv.stock_id = scope.id AND mv.created_at < %(start)s
            ORDER BY mv.id DESC LIMIT 1
        ) last
    ),
    points AS (
        SELECT stock_id, %(start)s::timestamptz AS at, 0 AS seq, on_hand_after AS on_hand,
               on_hand_after - reserved_after AS free
        FROM opening
        UNION ALL
        SELECT mv.stock_id, mv.created_at, mv.id, mv.on_hand_after, mv.on_hand_after - mv.reserved_after
        FROM {m} mv JOIN scope ON scope.id = mv.stock_id
        WHERE mv.created_at >= %(start)s AND mv.created_at < %(end)s
    ),
    spans AS (
        SELECT stock_id, on_hand, free,
               LAG(free) OVER w AS prev_free,
               GREATEST(EXTRACT(EPOCH FROM (COALESCE(LEAD(at) OVER w, %(end)s::timestamptz) - at)), 0) AS secs,
               at
        FROM points
        WINDOW w AS (PARTITION BY stock_id ORDER BY seq)
    )"""


def _period(date_from: date, date_to: date):
    """Period bounds, the end capped at now (no average over the future)."""
    start, end = bounds(date_from, date_to)
    now = timezone.now()
    if end > now:
        end = max(now, start)
    return start, end


# --- turnover -----------------------------------------------------------------------------------

def turnover(*, date_from, date_to, warehouse=None, category=None, region="", **_ignored):
    """Per product (over the warehouses in scope): units shipped and scrapped in the period
    (from the ledger), time-weighted average on hand, turnover = units out ÷ average on hand,
    and days of supply = on hand now ÷ units out per day. Transfers are not outflow."""
    start, end = _period(date_from, date_to)
    where, scope_params = _scope_sql(warehouse, category, region)
    m, p, c = StockMovement._meta.db_table, Product._meta.db_table, Category._meta.db_table
    sql = f"""
    WITH {_spans_sql(where)},
    avg_on_hand AS (
        SELECT scope.product_id,
               SUM(COALESCE(x.weighted, 0)) AS weighted, SUM(scope.on_hand) AS on_hand_now
        FROM scope LEFT JOIN (SELECT stock_id, SUM(on_hand * secs) AS weighted FROM spans GROUP BY stock_id) x
             ON x.stock_id = scope.id
        GROUP BY scope.product_id
    ),
    outflow AS (
        SELECT scope.product_id,
               -SUM(mv.on_hand_delta) FILTER (WHERE mv.kind = 'shipment') AS shipped,
               -SUM(mv.on_hand_delta) FILTER (WHERE mv.kind = 'scrap') AS scrapped
        FROM {m} mv JOIN scope ON scope.id = mv.stock_id
        WHERE mv.created_at >= %(start)s AND mv.created_at < %(end)s AND mv.kind IN ('shipment', 'scrap')
        GROUP BY scope.product_id
    )
    SELECT p.sku, p.name, cat.name AS category, a.on_hand_now, a.weighted,
           COALESCE(o.shipped, 0) AS shipped, COALESCE(o.scrapped, 0) AS scrapped
    FROM avg_on_hand a JOIN {p} p ON p.id = a.product_id JOIN {c} cat ON cat.id = p.category_id
    LEFT JOIN outflow o ON o.product_id = a.product_id
    WHERE a.weighted <> 0 OR a.on_hand_now <> 0 OR o.product_id IS NOT NULL
    ORDER BY p.sku
    """
    params = {"start": start, "end": end}
    sql, params = _bind_scope(sql, params, scope_params)
    seconds = Decimal((end - start).total_seconds())
    days = seconds / 86400
    rows = []
    for r in fetch(sql, params):
        units_out = int(r["shipped"]) + int(r["scrapped"])
        avg = ratio(r["weighted"], seconds, 2) if seconds else None
        daily = Decimal(units_out) / days if days else ZERO
        rows.append({
            "sku": r["sku"], "product": r["name"], "category": r["category"],
            "shipped": int(r["shipped"]), "scrapped": int(r["scrapped"]), "units_out": units_out,
            "average_on_hand": avg or ZERO,
            "turnover": ratio(units_out, avg, 2) if avg else None,
            "on_hand": int(r["on_hand_now"]),
            "days_of_supply": ratio(Decimal(r["on_hand_now"]), daily, 1) if daily else None,
        })
    total_out = sum(r["units_out"] for r in rows)
    total_avg = sum((r["average_on_hand"] for r in rows), ZERO)
    total_on_hand = sum(r["on_hand"] for r in rows)
    daily_total = Decimal(total_out) / days if days else ZERO
    totals = {"sku": "", "product": "", "category": "", "shipped": sum(r["shipped"] for r in rows),
              "scrapped": sum(r["scrapped"] for r in rows), "units_out": total_out, "average_on_hand": total_avg,
              "turnover": ratio(total_out, total_avg, 2) if total_avg else None, "on_hand": total_on_hand,
              "days_of_supply": ratio(Decimal(total_on_hand), daily_total, 1) if daily_total else None}
    return rows, totals, days


def _bind_scope(sql, params, scope_params):
    """The scope WHERE uses positional %s; turn them into named params (scope0, scope1...)."""
    for i, value in enumerate(scope_params):
        sql = sql.replace("%s", f"%(scope{i})s", 1)
        params[f"scope{i}"] = value
    return sql, params


# --- stock-outs ---------------------------------------------------------------------------------

def stock_outs(*, date_from, date_to, warehouse=None, category=None, region="", **_ignored):
    """Product × warehouse rows whose free stock (on hand − reserved) is ≤ 0 now, or was ≤ 0 at
    some time in the period: how many times it ran out, for how long (days, from the ledger)
    and when it last ran out."""
    start, end = _period(date_from, date_to)
    where, scope_params = _scope_sql(warehouse, category, region)
    p, w = Product._meta.db_table, Warehouse._meta.db_table
    sql = f"""
    WITH {_spans_sql(where)},
    outs AS (
        SELECT stock_id,
               SUM(secs) FILTER (WHERE free <= 0) AS secs_out,
               COUNT(*) FILTER (WHERE free <= 0 AND (prev_free IS NULL OR prev_free > 0)) AS episodes,
               MAX(at) FILTER (WHERE free <= 0 AND (prev_free IS NULL OR prev_free > 0)) AS last_out
        FROM spans GROUP BY stock_id
    )
    SELECT p.sku, p.name, wh.code AS warehouse, scope.on_hand, scope.reserved,
           scope.on_hand - scope.reserved AS free,
           COALESCE(o.secs_out, 0) AS secs_out, COALESCE(o.episodes, 0) AS episodes, o.last_out
    FROM scope JOIN {p} p ON p.id = scope.product_id JOIN {w} wh ON wh.id = scope.warehouse_id
    LEFT JOIN outs o ON o.stock_id = scope.id
    WHERE (p.active AND scope.on_hand - scope.reserved <= 0) OR COALESCE(o.secs_out, 0) > 0
    ORDER BY COALESCE(o.secs_out, 0) DESC, p.sku, wh.code
    """
    sql, params = _bind_scope(sql, {"start": start, "end": end}, scope_params)
    rows = []
    for r in fetch(sql, params):
        rows.append({
            "sku": r["sku"], "product": r["name"], "warehouse": r["warehouse"], "on_hand": r["on_hand"],
            "reserved": r["reserved"], "free": r["free"], "out_now": r["free"] <= 0,
            "episodes": int(r["episodes"]), "days_out": ratio(r["secs_out"], 86400, 1) or Decimal("0.0"),
            "last_out": r["last_out"],
        })
    return rows


# --- aging --------------------------------------------------------------------------------------

def aging(*, warehouse=None, category=None, region="", today=None, **_ignored):
    """On-hand units by age, first in first out: the units still on hand are taken to be the
    most recent inflows (receipts, transfers in, restocked returns), newest first, so each unit
    is as old as the inflow it came in with. Units the recorded inflows do not explain (on hand
    raised by counts or adjustments) are counted as over 90 days. Age in days is today minus
    the local date of the inflow. Value is units × average cost, rounded to the cent per row."""
    today = today or timezone.localdate()
    where, scope_params = _scope_sql(warehouse, category, region)
    m, s, p, w = StockMovement._meta.db_table, Stock._meta.db_table, Product._meta.db_table, Warehouse._meta.db_table
    kinds = [str(k) for k in INFLOW_KINDS]
    sql = f"""
    WITH scope AS (
        SELECT s.id, s.product_id, s.warehouse_id, s.on_hand
        FROM {s} s JOIN {p} p ON p.id = s.product_id WHERE {where} AND s.on_hand > 0
    ),
    inflows AS (
        SELECT mv.stock_id, scope.on_hand, mv.on_hand_delta AS qty,
               (%(today)s::date - (mv.created_at AT TIME ZONE %(tz)s)::date) AS age,
               SUM(mv.on_hand_delta) OVER (PARTITION BY mv.stock_id ORDER BY mv.created_at DESC, mv.id DESC) AS newer
        FROM {m} mv JOIN scope ON scope.id = mv.stock_id
        WHERE mv.kind = ANY(%(kinds)s) AND mv.on_hand_delta > 0
    ),
    layers AS (
        SELECT stock_id, age, GREATEST(0, LEAST(qty, on_hand - (newer - qty))) AS units FROM inflows
    ),
    aged AS (
        SELECT stock_id,
               COALESCE(SUM(units) FILTER (WHERE age <= 30), 0) AS d0_30,
               COALESCE(SUM(units) FILTER (WHERE age BETWEEN 31 AND 60), 0) AS d31_60,
               COALESCE(SUM(units) FILTER (WHERE age BETWEEN 61 AND 90), 0) AS d61_90,
               COALESCE(SUM(units) FILTER (WHERE age > 90), 0) AS d90_plus,
               COALESCE(SUM(units), 0) AS explained
        FROM layers GROUP BY stock_id
    )
    SELECT p.sku, p.name, wh.code AS warehouse, scope.on_hand, p.average_cost,
           COALESCE(a.d0_30, 0) AS d0_30, COALESCE(a.d31_60, 0) AS d31_60, COALESCE(a.d61_90, 0) AS d61_90,
           COALESCE(a.d90_plus, 0) + scope.on_hand - COALESCE(a.explained, 0) AS d90_plus
    FROM scope JOIN {p} p ON p.id = scope.product_id JOIN {w} wh ON wh.id = scope.warehouse_id
    LEFT JOIN aged a ON a.stock_id = scope.id
    ORDER BY p.sku, wh.code
    """
    from ._ops import tz_name

    sql, params = _bind_scope(sql, {"today": today, "tz": tz_name(), "kinds": kinds}, scope_params)
    rows, cent = [], Decimal("0.01")
    totals = {**{k: 0 for k in AGE_BUCKETS}, **{f"{k}_value": ZERO for k in AGE_BUCKETS}, "on_hand": 0, "value": ZERO}
    for r in fetch(sql, params):
        row = {"sku": r["sku"], "product": r["name"], "warehouse": r["warehouse"], "on_hand": r["on_hand"]}
        value = ZERO
        for k in AGE_BUCKETS:
            units = int(r[k])
            row[k] = units
            row[f"{k}_value"] = _round(units * r["average_cost"], cent)
            value += row[f"{k}_value"]
            totals[k] += units
            totals[f"{k}_value"] += row[f"{k}_value"]
        row["value"] = value
        totals["on_hand"] += r["on_hand"]
        totals["value"] += value
        rows.append(row)
    return rows, totals


def _round(value, places):
    from decimal import ROUND_HALF_UP

    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


__all__ = ["aging", "stock_levels", "stock_outs", "turnover", "valuation"]
