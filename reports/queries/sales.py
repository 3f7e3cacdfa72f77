"""Booked-sales aggregations over the rollups (reports.models: DailySales per product, and
DailyCustomerSales without the product for the groupings that do not need it).

"Booked sales" = order lines of orders neither draft nor cancelled, dated by the order's
creation date in settings.TIME_ZONE; net = line net amount (after discounts, before tax),
gross = line total (net + tax). Every query here is ONE statement on the reporting alias,
whatever the number of rows, and compares the period with the previous period of equal length
(reports.forms.previous_period) in the same pass (SUM ... FILTER). Money is summed per currency,
never across currencies.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model

from customers.models import Company
from inventory.models import Category, Product
from reports.forms import previous_period
from reports.models import DailyCustomerSales, DailySales
from reports.queries._ops import category_ids, fetch

ZERO = Decimal("0.00")
T_SALES = DailySales._meta.db_table
T_CUSTOMER_SALES = DailyCustomerSales._meta.db_table
T_PRODUCT = Product._meta.db_table
T_CATEGORY = Category._meta.db_table
T_COMPANY = Company._meta.db_table
T_USER = get_user_model()._meta.db_table

# Periods up to this many days are bucketed by day, longer ones by month.
DAILY_BUCKETS_MAX_DAYS = 62


@dataclass(frozen=True)
class Dimension:
    """A grouping: the rollup is aggregated by `key` (an id or code) first, then the few result
    rows are joined to their labels (grouping millions of rows by text labels is slow)."""

    key: str  # "expr AS name" of the inner aggregation
    inner_joins: tuple[str, ...] = ()
    labels: str = ""  # outer select list
    label_join: str = ""  # outer join to the label table (alias a = the aggregate)
    order: str = ""  # tie-break order after net desc
    # Two-step grouping: aggregate by `key` (e.g. product, day), then re-group those few rows
    # (alias i) by `regroup` (e.g. category, month) - cheaper than a join or function per rollup row.
    regroup: str = ""
    regroup_join: str = ""


PRODUCT_JOIN = f"JOIN {T_PRODUCT} p ON p.id = ds.product_id"
DIMENSIONS = {
    "product": Dimension("ds.product_id AS product_id", (), "p.sku AS sku, p.name AS product",
                         f"JOIN {T_PRODUCT} p ON p.id = a.product_id", "p.sku"),
    "category": Dimension("ds.product_id AS product_id", (), "cat.name AS category",
                          f"JOIN {T_CATEGORY} cat ON cat.id = a.category_id", "cat.name",
                          regroup="p.category_id AS category_id", regroup_join=f"JOIN {T_PRODUCT} p ON p.id = i.product_id"),
    "customer": Dimension("ds.company_id AS customer_id", (), "c.code AS customer_code, c.name AS customer",
                          f"JOIN {T_COMPANY} c ON c.id = a.customer_id", "c.code"),
    "region": Dimension("ds.region AS region", order="a.region"),
    "channel": Dimension("ds.channel AS channel", order="a.channel"),
    "sales_rep": Dimension("ds.sales_rep_id AS sales_rep_id", (),
                           "u.username AS username, u.first_name AS first_name, u.last_name AS last_name",
                           f"LEFT JOIN {T_USER} u ON u.id = a.sales_rep_id", "u.username NULLS LAST"),
}


def bucket_unit(date_from: date, date_to: date) -> str:
    return "day" if (date_to - date_from).days + 1 <= DAILY_BUCKETS_MAX_DAYS else "month"


def filter_sql(params: dict, start: date, end: date) -> tuple[list[str], list[str], dict]:
    """(where clauses, extra joins, args) for the rollup rows of [start, end] under the filters.
    Warehouse is not a filter: booked sales by order date belong to no warehouse yet."""
    where = ["ds.day >= %(start)s", "ds.day <= %(end)s"]
    joins = []
    args = {"start": start, "end": end}
    for name, column in (("region", "ds.region"), ("channel", "ds.channel"), ("customer", "ds.company_id"),
                         ("sales_rep", "ds.sales_rep_id")):
        if params.get(name):
            where.append(f"{column} = %({name})s")
            args[name] = params[name]
    if params.get("category"):
        where.append(f"ds.product_id IN (SELECT id FROM {T_PRODUCT} WHERE category_id = ANY(%(categories)s))")
        args["categories"] = category_ids(params["category"])
    return where, joins, args


# Groupings by an order-level attribute: read the product-less rollup (several times smaller).
ORDER_LEVEL = {"customer", "region", "channel", "sales_rep", "period"}


def source(dimension: str, params: dict) -> tuple[str, str | None]:
    """(rollup table, column that counts orders exactly for this grouping - None when none does).

    Without a product in the grouping or the filters, DailyCustomerSales has exact order counts.
    Per product, DailySales.orders counts the orders containing it. Per category (or with a
    category filter) an order holding several products would count several times: no order
    count then, order lines instead."""
    if dimension in ORDER_LEVEL and not params.get("category"):
        return T_CUSTOMER_SALES, "orders"
    return T_SALES, ("orders" if dimension == "product" else None)


def exact_orders_column(dimension: str, params: dict) -> str | None:
    return source(dimension, params)[1]


def compare(dimension: str, params: dict) -> list[dict]:
    """Sales per `dimension` value and currency: this period and the previous one of equal length.

    Row keys: the dimension's columns, currency, quantity, lines, orders (None when not exact),
    net, discount, tax, gross, prev_quantity, prev_net, prev_gross, change, change_pct."""
    date_from, date_to = params["date_from"], params["date_to"]
    prev_from, _prev_to = previous_period(date_from, date_to)
    where, joins, args = filter_sql(params, prev_from, date_to)
    args["cur_from"] = date_from
    table, orders_col = source(dimension, params)
    if dimension == "period":
        unit = bucket_unit(date_from, date_to)
        args["shift"] = (date_to - date_from).days + 1
        # Previous-period rows are moved forward by the period length, so each bucket compares
        # with the same span one period earlier.
        dim = Dimension("ds.day AS day", order="a.bucket",
                        regroup=f"date_trunc('{unit}', CASE WHEN i.day >= %(cur_from)s THEN i.day "
                                f"ELSE i.day + %(shift)s END)::date AS bucket")
    else:
        dim = DIMENSIONS[dimension]
    for join in dim.inner_joins:
        if join not in joins:
            joins.append(join)
    cur, prev = "FILTER (WHERE ds.day >= %(cur_from)s)", "FILTER (WHERE ds.day < %(cur_from)s)"
    measures = [
        f"COALESCE(SUM(ds.quantity) {cur}, 0) AS quantity",
        f"COALESCE(SUM(ds.lines) {cur}, 0) AS lines",
        f"COALESCE(SUM(ds.net_amount) {cur}, 0) AS net",
        f"COALESCE(SUM(ds.discount_amount) {cur}, 0) AS discount",
        f"COALESCE(SUM(ds.tax_amount) {cur}, 0) AS tax",
        f"COALESCE(SUM(ds.gross_amount) {cur}, 0) AS gross",
        f"COALESCE(SUM(ds.quantity) {prev}, 0) AS prev_quantity",
        f"COALESCE(SUM(ds.net_amount) {prev}, 0) AS prev_net",
        f"COALESCE(SUM(ds.gross_amount) {prev}, 0) AS prev_gross",
    ]
    if orders_col:
        measures += [f"COALESCE(SUM(ds.{orders_col}) {cur}, 0) AS orders",
                     f"COALESCE(SUM(ds.{orders_col}) {prev}, 0) AS prev_orders"]
    if dimension == "period":
        order_by = "a.bucket, a.currency"
    else:
        order_by = f"a.net DESC, a.prev_net DESC, {dim.order}, a.currency"
    inner = (f"SELECT {dim.key}, ds.currency AS currency, {', '.join(measures)} "
             f"FROM {table} ds {' '.join(joins)} WHERE {' AND '.join(where)} GROUP BY 1, 2")
    if dim.regroup:
        names = [m.rsplit(" AS ", 1)[1] for m in measures]
        inner = (f"SELECT {dim.regroup}, i.currency, {', '.join(f'SUM(i.{n}) AS {n}' for n in names)} "
                 f"FROM ({inner}) i {dim.regroup_join} GROUP BY 1, 2")
    sql = (f"SELECT a.*{', ' + dim.labels if dim.labels else ''} FROM ({inner}) a {dim.label_join} "
           f"ORDER BY {order_by}")
    rows = fetch(sql, args)
    for row in rows:
        _finish(row, orders_col)
    if dimension == "period":
        rows = _fill_buckets(rows, date_from, date_to, orders_col)
    return rows


def _finish(row: dict, orders_col) -> dict:
    for key in ("net", "discount", "tax", "gross", "prev_net", "prev_gross"):
        row[key] = Decimal(row[key]).quantize(ZERO)
    for key in ("quantity", "lines", "prev_quantity"):
        row[key] = int(row[key])
    if orders_col:
        row["orders"], row["prev_orders"] = int(row["orders"]), int(row["prev_orders"])
    else:
        row["orders"] = row["prev_orders"] = None
    row["change"], row["change_pct"] = change(row["net"], row["prev_net"])
    return row


def change(current: Decimal, previous: Decimal) -> tuple[Decimal, Decimal | None]:
    """(current - previous, the change in % of previous rounded to 0.1; None when previous is 0)."""
    diff = current - previous
    if not previous:
        return diff, None
    return diff, (diff * 100 / previous).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def buckets(date_from: date, date_to: date) -> list[date]:
    """The bucket starts of the current period (days, or first days of months)."""
    if bucket_unit(date_from, date_to) == "day":
        return [date_from + timedelta(days=i) for i in range((date_to - date_from).days + 1)]
    out, cur = [], date(date_from.year, date_from.month, 1)
    while cur <= date_to:
        out.append(cur)
        cur = date(cur.year + (cur.month == 12), cur.month % 12 + 1, 1)
    return out


def _fill_buckets(rows: list[dict], date_from: date, date_to: date, orders_col) -> list[dict]:
    """Every bucket of the period appears (with zeros) for every currency that has sales."""
    currencies = sorted({r["currency"] for r in rows})
    by_key = {(r["bucket"], r["currency"]): r for r in rows}
    out = []
    for start in buckets(date_from, date_to):
        for currency in currencies:
            row = by_key.get((start, currency))
            if row is None:
                row = _finish({"bucket": start, "currency": currency, "quantity": 0, "lines": 0, "net": 0,
                               "discount": 0, "tax": 0, "gross": 0, "prev_quantity": 0, "prev_net": 0,
                               "prev_gross": 0, "orders": 0, "prev_orders": 0}, orders_col)
            out.append(row)
    return out


def totals_by_currency(rows: list[dict], *, sum_orders: bool = True) -> list[dict]:
    """Sums of a compare() result per currency. Orders are summed only where exact: not over
    products (an order with two products would count twice)."""
    out: dict[str, dict] = {}
    for row in rows:
        if not sum_orders:
            row = {**row, "orders": None, "prev_orders": None}
        t = out.setdefault(row["currency"], {"currency": row["currency"], "quantity": 0, "lines": 0, "net": ZERO,
                                             "discount": ZERO, "tax": ZERO, "gross": ZERO, "prev_quantity": 0,
                                             "prev_net": ZERO, "prev_gross": ZERO,
                                             "orders": 0 if row["orders"] is not None else None,
                                             "prev_orders": 0 if row["orders"] is not None else None})
        for key in ("quantity", "lines", "net", "discount", "tax", "gross", "prev_quantity", "prev_net", "prev_gross"):
            t[key] += row[key]
        if t["orders"] is not None and row["orders"] is not None:
            t["orders"] += row["orders"]
            t["prev_orders"] += row["prev_orders"]
    for t in out.values():
        t["change"], t["change_pct"] = change(t["net"], t["prev_net"])
    return [out[c] for c in sorted(out)]
