"""Keeping the sales rollups equal to the raw order lines they summarise.

The rollups - DailySales, and DailyCustomerSales (the same without the product) - hold *booked
sales*: order lines of orders that are neither draft nor cancelled, dated by the order's
creation date in settings.TIME_ZONE. Their rows for one (day, customer) are
only ever written by `recompute_day(...)`: in one transaction, under a PostgreSQL advisory lock
on (day, customer), the old rows are deleted and the new ones inserted, aggregated from the raw
lines (DELETE, then one INSERT ... SELECT ... GROUP BY filling both). Two recomputes of the
same (day, customer) run one after the other, and the second reads what the first committed,
so concurrent order events cannot double-count.

- After every order status change (reports.handlers) the order's (day, customer) is recomputed
  (by a Celery task, so order entry does not wait for it);
- `rebuild_range(date_from, date_to)` recomputes every customer of every day in a range
  (management command rebuild_sales_rollup, and nightly for recent days: reports.tasks_rollup).

The sales rep of a row is the customer's rep when that day's figures were first computed; a
recompute keeps it, so reassigning a customer does not move its past sales to the new rep.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction

from orders.models import Order

NOT_BOOKED = ("draft", "cancelled")
LOCK_NAMESPACE = "reports.dailysales"

_DELETE_SQL = """
DELETE FROM reports_dailysales WHERE day = %(day)s AND company_id = ANY(%(companies)s)
RETURNING company_id, sales_rep_id
"""
_DELETE_CUSTOMER_SQL = """
DELETE FROM reports_dailycustomersales WHERE day = %(day)s AND company_id = ANY(%(companies)s)
RETURNING company_id, sales_rep_id
"""

_SOURCE_SQL = f"""
WITH kept_rep AS (
    SELECT * FROM unnest(%(rep_companies)s::bigint[], %(rep_ids)s::bigint[]) AS r(company_id, sales_rep_id)
), src AS (
    SELECT o.id AS order_id, o.company_id, o.channel, COALESCE(NULLIF(o.ship_region, ''), c.region) AS region,
           COALESCE(r.sales_rep_id, c.sales_rep_id) AS sales_rep_id, o.currency, l.product_id, l.quantity,
           l.net_amount, l.discount_amount, l.tax_amount, l.total_amount
    FROM orders_order o
    JOIN orders_orderline l ON l.order_id = o.id
    JOIN customers_company c ON c.id = o.company_id
    LEFT JOIN kept_rep r ON r.company_id = o.company_id
    WHERE o.created_at >= %(start)s AND o.created_at < %(end)s
      AND o.company_id = ANY(%(companies)s)
      AND o.status NOT IN ({", ".join(f"'{s}'" for s in NOT_BOOKED)})
)"""

# Both rollups from one statement, so from one snapshot of the lines.
_INSERT_SQL = _SOURCE_SQL + """, by_customer AS (
    INSERT INTO reports_dailycustomersales (day, company_id, channel, region, sales_rep_id, currency, quantity,
                                            net_amount, discount_amount, tax_amount, gross_amount, lines, orders)
    SELECT %(day)s, company_id, channel, region, sales_rep_id, currency, SUM(quantity), SUM(net_amount),
           SUM(discount_amount), SUM(tax_amount), SUM(total_amount), COUNT(*), COUNT(DISTINCT order_id)
    FROM src
    GROUP BY company_id, channel, region, sales_rep_id, currency
)
INSERT INTO reports_dailysales (day, company_id, product_id, channel, region, sales_rep_id, currency, quantity,
                                net_amount, discount_amount, tax_amount, gross_amount, lines, orders)
SELECT %(day)s, company_id, product_id, channel, region, sales_rep_id, currency, SUM(quantity),
       SUM(net_amount), SUM(discount_amount), SUM(tax_amount), SUM(total_amount), COUNT(*),
       COUNT(DISTINCT order_id)
FROM src
GROUP BY company_id, product_id, channel, region, sales_rep_id, currency
"""

# One statement takes the locks one after the other, in the order given (company order).
_LOCK_SQL = """
SELECT pg_advisory_xact_lock(hashtextextended(k.key, 0))
FROM unnest(%s::text[]) WITH ORDINALITY AS k(key, n) ORDER BY k.n
"""


def project_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Aware [start, end) of a local day in the project time zone."""
    tz = project_tz()
    return datetime.combine(day, time.min, tzinfo=tz), datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def sales_day(created_at: datetime) -> date:
    """The day an order's sales count on: its creation date in the project time zone."""
    return created_at.astimezone(project_tz()).date()


def _lock_key(day: date, company_id: int) -> str:
    return f"{LOCK_NAMESPACE}:{day.isoformat()}:{company_id}"


def _recompute(cursor, day: date, company_ids: list[int]) -> int:
    """Lock (day, company) for each company, in company order, then replace their rows."""
    company_ids = sorted(set(company_ids))
    if not company_ids:
        return 0
    cursor.execute(_LOCK_SQL, [[_lock_key(day, company_id) for company_id in company_ids]])
    kept = {}
    for sql in (_DELETE_CUSTOMER_SQL, _DELETE_SQL):
        cursor.execute(sql, {"day": day, "companies": company_ids})
        kept.update((company_id, rep_id) for company_id, rep_id in cursor.fetchall() if rep_id is not None)
    start, end = day_bounds(day)
    args = {"day": day, "companies": company_ids, "start": start, "end": end,
            "rep_companies": list(kept), "rep_ids": list(kept.values())}
    cursor.execute(_INSERT_SQL, args)
    return cursor.rowcount


def recompute_day(*, day: date, company_id: int) -> int:
    """Replace the rollup rows of one customer's day with the aggregation of its raw lines.
    Returns the number of rows written."""
    with transaction.atomic(using="default"), connection.cursor() as cursor:
        return _recompute(cursor, day, [company_id])


def refresh_for_order(order_id: int) -> int | None:
    """Recompute the (day, customer) an order's sales count on (after any change to it)."""
    found = Order.objects.using("default").filter(pk=order_id).values_list("created_at", "company_id").first()
    if found is None:
        return None
    created_at, company_id = found
    return recompute_day(day=sales_day(created_at), company_id=company_id)


def rebuild_day(day: date) -> int:
    """Recompute every customer that has booked orders or rollup rows on `day`."""
    start, end = day_bounds(day)
    with transaction.atomic(using="default"), connection.cursor() as cursor:
        cursor.execute(
            "SELECT company_id FROM orders_order WHERE created_at >= %s AND created_at < %s "
            "UNION SELECT company_id FROM reports_dailysales WHERE day = %s "
            "UNION SELECT company_id FROM reports_dailycustomersales WHERE day = %s",
            [start, end, day, day],
        )
        return _recompute(cursor, day, [row[0] for row in cursor.fetchall()])


def rebuild_range(date_from: date, date_to: date, progress=None) -> dict:
    """Rebuild every day of [date_from, date_to] (inclusive), one transaction per day, so a
    long rebuild never holds locks for long. Returns {"days": n, "rows": n}."""
    days = (date_to - date_from).days + 1
    rows = 0
    for i in range(max(days, 0)):
        rows += rebuild_day(date_from + timedelta(days=i))
        if progress is not None:
            progress(int((i + 1) * 100 / days))
    return {"days": max(days, 0), "rows": rows}


def first_sales_day() -> date | None:
    first = Order.objects.using("default").order_by("created_at").values_list("created_at", flat=True).first()
    return sales_day(first) if first else None


__all__ = ["day_bounds", "first_sales_day", "rebuild_day", "rebuild_range", "recompute_day", "refresh_for_order",
           "sales_day"]
