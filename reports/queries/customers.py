"""Customer analytics over the DailyCustomerSales rollup (DailySales when a category narrows
them): repeat purchase rate, average order value, RFM segments and top customers. Money per
currency. One statement per function, whatever the number of customers.

RFM (per currency, over the customers who bought in the period):
  R = recency: days from the customer's last order day to the end of the period;
  F = frequency: orders in the period; M = monetary: net sales in the period.
Each is scored 1-5 with NTILE(5) in PostgreSQL (5 = most recent / most frequent / highest);
customers with equal values get the same score, so ties never split: equally recent customers
share the highest recency score of their group (ten customers who all bought on the last day
are all recent), equal frequency or spend share the lowest (ten one-order customers are all
occasional buyers).
With fewer than five customers the scores stay below 5 (NTILE has fewer groups to fill).
Segments, first match wins:
  Champions        R >= 4 and F >= 4 and M >= 4
  Loyal            R >= 3 and F >= 3
  New              R >= 4 (and F <= 2: recent, few orders)
  At risk          R <= 2 and F >= 3 (bought often, not lately)
  Lost             R <= 2 (and F <= 2)
  Needs attention  everything else (R = 3, F <= 2)
"""

from decimal import ROUND_HALF_UP, Decimal

from reports.forms import previous_period
from reports.queries._ops import fetch
from reports.queries.sales import T_COMPANY, T_CUSTOMER_SALES, T_SALES, change, filter_sql

ZERO = Decimal("0.00")
SEGMENTS = ("champions", "loyal", "new", "needs_attention", "at_risk", "lost")
SEGMENT_SQL = """CASE
    WHEN r >= 4 AND f >= 4 AND m >= 4 THEN 'champions'
    WHEN r >= 3 AND f >= 3 THEN 'loyal'
    WHEN r >= 4 THEN 'new'
    WHEN r <= 2 AND f >= 3 THEN 'at_risk'
    WHEN r <= 2 THEN 'lost'
    ELSE 'needs_attention' END"""


def _order_level(params: dict) -> dict:
    """Order-level metrics cannot be narrowed by product category: drop it."""
    return {**params, "category": None}


def purchasing(params: dict) -> list[dict]:
    """Per currency, this period and the previous one: customers who bought, customers with two
    or more orders, the repeat purchase rate, orders, net and gross sales, average order value."""
    params = _order_level(params)
    date_from, date_to = params["date_from"], params["date_to"]
    prev_from, _prev_to = previous_period(date_from, date_to)
    where, joins, args = filter_sql(params, prev_from, date_to)
    args["cur_from"] = date_from
    sql = f"""
    WITH per AS (
        SELECT ds.company_id, ds.currency, ds.day >= %(cur_from)s AS current,
               SUM(ds.orders) AS orders, SUM(ds.net_amount) AS net, SUM(ds.gross_amount) AS gross
        FROM {T_CUSTOMER_SALES} ds {' '.join(joins)} WHERE {' AND '.join(where)}
        GROUP BY ds.company_id, ds.currency, ds.day >= %(cur_from)s
    )
    SELECT currency,
           COUNT(*) FILTER (WHERE current AND orders >= 1) AS customers,
           COUNT(*) FILTER (WHERE current AND orders >= 2) AS repeat_customers,
           COALESCE(SUM(orders) FILTER (WHERE current), 0) AS orders,
           COALESCE(SUM(net) FILTER (WHERE current), 0) AS net,
           COALESCE(SUM(gross) FILTER (WHERE current), 0) AS gross,
           COUNT(*) FILTER (WHERE NOT current AND orders >= 1) AS prev_customers,
           COUNT(*) FILTER (WHERE NOT current AND orders >= 2) AS prev_repeat_customers,
           COALESCE(SUM(orders) FILTER (WHERE NOT current), 0) AS prev_orders,
           COALESCE(SUM(net) FILTER (WHERE NOT current), 0) AS prev_net
    FROM per GROUP BY currency ORDER BY currency"""
    rows = fetch(sql, args)
    for row in rows:
        for key in ("customers", "repeat_customers", "orders", "prev_customers", "prev_repeat_customers", "prev_orders"):
            row[key] = int(row[key])
        for key in ("net", "gross", "prev_net"):
            row[key] = Decimal(row[key]).quantize(ZERO)
        row["repeat_rate"] = _pct(row["repeat_customers"], row["customers"])
        row["prev_repeat_rate"] = _pct(row["prev_repeat_customers"], row["prev_customers"])
        row["aov_net"] = _avg(row["net"], row["orders"])
        row["aov_gross"] = _avg(row["gross"], row["orders"])
        row["prev_aov_net"] = _avg(row["prev_net"], row["prev_orders"])
        row["aov_change"], row["aov_change_pct"] = (change(row["aov_net"], row["prev_aov_net"])
                                                    if row["aov_net"] is not None and row["prev_aov_net"] is not None
                                                    else (None, None))
    return rows


def _pct(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if whole else None


def _avg(amount: Decimal, count: int) -> Decimal | None:
    return (amount / count).quantize(ZERO, rounding=ROUND_HALF_UP) if count else None


def rfm(params: dict) -> list[dict]:
    """One row per customer and currency that bought in the period, with R/F/M values, scores
    and segment (see the module docstring), best customers first."""
    params = _order_level(params)
    where, joins, args = filter_sql(params, params["date_from"], params["date_to"])
    args["end_day"] = params["date_to"]
    sql = f"""
    WITH per AS (
        SELECT ds.company_id, ds.currency, MAX(ds.day) AS last_day, SUM(ds.orders) AS frequency,
               SUM(ds.net_amount) AS monetary
        FROM {T_CUSTOMER_SALES} ds {' '.join(joins)} WHERE {' AND '.join(where)}
        GROUP BY ds.company_id, ds.currency
        HAVING SUM(ds.orders) > 0
    ), tiles AS (
        SELECT per.*,
               NTILE(5) OVER (PARTITION BY currency ORDER BY last_day, company_id) AS r0,
               NTILE(5) OVER (PARTITION BY currency ORDER BY frequency, company_id) AS f0,
               NTILE(5) OVER (PARTITION BY currency ORDER BY monetary, company_id) AS m0
        FROM per
    ), scored AS (
        SELECT tiles.*,
               MAX(r0) OVER (PARTITION BY currency, last_day) AS r,
               MIN(f0) OVER (PARTITION BY currency, frequency) AS f,
               MIN(m0) OVER (PARTITION BY currency, monetary) AS m
        FROM tiles
    )
    SELECT c.id AS customer_id, c.code AS customer_code, c.name AS customer, s.currency, s.last_day,
           (%(end_day)s::date - s.last_day) AS recency_days, s.frequency, s.monetary, s.r, s.f, s.m,
           {SEGMENT_SQL} AS segment
    FROM scored s JOIN {T_COMPANY} c ON c.id = s.company_id
    ORDER BY s.currency, s.r + s.f + s.m DESC, s.monetary DESC, c.code"""
    rows = fetch(sql, args)
    for row in rows:
        row["frequency"], row["recency_days"] = int(row["frequency"]), int(row["recency_days"])
        row["monetary"] = Decimal(row["monetary"]).quantize(ZERO)
        row["score"] = f"{row['r']}{row['f']}{row['m']}"
    return rows


def rfm_segments(rows: list[dict]) -> list[dict]:
    """Customers, share of customers and net sales per segment and currency, from rfm() rows."""
    out: dict[tuple[str, str], dict] = {}
    per_currency: dict[str, int] = {}
    for row in rows:
        seg = out.setdefault((row["currency"], row["segment"]), {
            "segment": row["segment"], "currency": row["currency"], "customers": 0, "net": ZERO, "_orders": 0,
            "_recency": 0})
        seg["customers"] += 1
        seg["net"] += row["monetary"]
        seg["_orders"] += row["frequency"]
        seg["_recency"] += row["recency_days"]
        per_currency[row["currency"]] = per_currency.get(row["currency"], 0) + 1
    result = []
    for (currency, segment) in sorted(out, key=lambda k: (k[0], SEGMENTS.index(k[1]))):
        seg = out[(currency, segment)]
        n = seg["customers"]
        result.append({
            "segment": segment, "currency": currency, "customers": n,
            "share": _pct(n, per_currency[currency]), "net": seg.pop("net"),
            "avg_orders": (Decimal(seg.pop("_orders")) / n).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
            "avg_recency_days": (Decimal(seg.pop("_recency")) / n).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
        })
    return result


def top_customers(params: dict, limit: int = 50) -> list[dict]:
    """The `limit` customers with the highest net sales in the period, per currency, with their
    share of the currency's total (all customers), the cumulative share, and the previous period."""
    date_from, date_to = params["date_from"], params["date_to"]
    prev_from, _prev_to = previous_period(date_from, date_to)
    where, joins, args = filter_sql(params, prev_from, date_to)
    args.update(cur_from=date_from, limit=limit)
    # With a category, only DailySales knows the products, and an order would count once per product.
    table = T_SALES if params.get("category") else T_CUSTOMER_SALES
    orders = "NULL::bigint" if params.get("category") else "SUM(ds.orders) FILTER (WHERE ds.day >= %(cur_from)s)"
    sql = f"""
    WITH per AS (
        SELECT ds.company_id, ds.currency,
               COALESCE(SUM(ds.net_amount) FILTER (WHERE ds.day >= %(cur_from)s), 0) AS net,
               COALESCE(SUM(ds.gross_amount) FILTER (WHERE ds.day >= %(cur_from)s), 0) AS gross,
               COALESCE({orders}, 0) AS orders,
               COALESCE(SUM(ds.net_amount) FILTER (WHERE ds.day < %(cur_from)s), 0) AS prev_net
        FROM {table} ds {' '.join(joins)} WHERE {' AND '.join(where)}
        GROUP BY ds.company_id, ds.currency
    ), ranked AS (
        SELECT per.*,
               ROW_NUMBER() OVER (PARTITION BY currency ORDER BY net DESC, company_id) AS rank,
               SUM(net) OVER (PARTITION BY currency) AS currency_net,
               SUM(net) OVER (PARTITION BY currency ORDER BY net DESC, company_id) AS running_net
        FROM per WHERE net > 0 OR prev_net > 0
    )
    SELECT r.rank, c.id AS customer_id, c.code AS customer_code, c.name AS customer, c.region, r.currency, r.orders,
           r.net, r.gross, r.prev_net, r.currency_net, r.running_net
    FROM ranked r JOIN {T_COMPANY} c ON c.id = r.company_id
    WHERE r.rank <= %(limit)s AND r.net > 0
    ORDER BY r.currency, r.rank"""
    rows = fetch(sql, args)
    for row in rows:
        for key in ("net", "gross", "prev_net"):
            row[key] = Decimal(row[key]).quantize(ZERO)
        total, running = Decimal(row.pop("currency_net")), Decimal(row.pop("running_net"))
        row["share"] = (row["net"] * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if total else None
        row["cumulative_share"] = (running * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if total else None
        row["orders"] = None if params.get("category") else int(row["orders"])
        row["change"], row["change_pct"] = change(row["net"], row["prev_net"])
        row["rank"] = int(row["rank"])
    return rows


__all__ = ["SEGMENTS", "purchasing", "rfm", "rfm_segments", "top_customers"]
