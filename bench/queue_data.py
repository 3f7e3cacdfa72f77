"""Fast generator for the order-queue benchmark: N orders and 3N lines, made by PostgreSQL
itself (INSERT ... SELECT FROM generate_series) with secondary indexes dropped during the load
and rebuilt after, foreign-key triggers off (session_replication_role = replica).

    python bench/queue_data.py load 5000000     -> prints JSON {"orders", "lines", "seconds"}
    python bench/queue_data.py explain          -> EXPLAIN of every queue query the view runs
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

TABLES = ("orders_order", "orders_orderline")
# Like a real business: the newest orders are open, the history is completed or cancelled.
OPEN_ORDERS = 50_000

ORDERS_SQL = """
INSERT INTO orders_order (number, company_id, channel, external_ref, idempotency_key, status, status_changed_at, currency,
  customer_po, requested_date, promised_date, notes, tags, payment_terms, is_paid, ship_recipient, ship_phone, ship_line1,
  ship_line2, ship_city, ship_province, ship_postal_code, ship_region, subtotal, discount_total, tax_total, total,
  hold_reasons, approval_reasons, allocation, created_at, updated_at)
SELECT 'Q' || lpad(g::text, 9, '0'),
       c.ids[1 + (g * 7919) %% c.n],
       (ARRAY['console','portal','api','import'])[1 + g %% 4],
       '', NULL,
       CASE WHEN g <= %(total)s - %(open)s THEN (CASE WHEN g %% 10 = 0 THEN 'cancelled' ELSE 'completed' END)
            ELSE (ARRAY['submitted','on_hold','pending_approval','approved','allocated','allocated','allocated',
                        'backordered','picking','packed','partially_shipped','shipped','shipped','delivered'])[1 + (g * 31) %% 14]
       END,
       CASE WHEN g <= %(total)s - %(open)s THEN t0 + (g * interval '6 seconds')
            ELSE now() - ((%(total)s - g) * interval '20 seconds') END, 'CNY', 'PO-' || g, NULL, NULL, '',
       CASE WHEN g %% 17 = 0 THEN ARRAY['rush'] WHEN g %% 29 = 0 THEN ARRAY['vip'] ELSE '{}'::varchar[] END,
       'net30', g %% 3 = 0, 'Wang Wei', '13800000000', '1 Renmin Rd', '', 'Hangzhou', 'Zhejiang', '', 'east',
       (g %% 5000) + 100, 0, ((g %% 5000) + 100) * 0.13, ((g %% 5000) + 100) * 1.13, '[]', '[]', '{}',
       t0 + (g * interval '6 seconds'), t0 + (g * interval '6 seconds')
FROM generate_series(%(start)s::bigint, %(stop)s::bigint) g,
     (SELECT array_agg(id ORDER BY id) AS ids, count(*) AS n FROM customers_company) c,
     (SELECT now() - (%(total)s * interval '6 seconds') AS t0) t
"""

LINES_SQL = """
INSERT INTO orders_orderline (order_id, line_no, product_id, quantity, list_price, unit_price, discount_amount, tax_rate,
  tax_amount, net_amount, total_amount, price_explanation, manual_price, allocated_quantity, shipped_quantity)
SELECT o.id, n, p.ids[1 + ((o.id * 13 + n * 101) %% p.c)], 1 + (o.id + n) %% 20, 10, 10, 0, 13, 1.3, 10, 11.3,
       'generated', false, 0, 0
FROM orders_order o CROSS JOIN generate_series(1, 3) n,
     (SELECT array_agg(id ORDER BY id) AS ids, count(*) AS c FROM inventory_product) p
WHERE o.number LIKE 'Q%%' AND o.id BETWEEN %(lo)s AND %(hi)s
"""


def secondary_indexes():
    with connection.cursor() as cur:
        cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname NOT LIKE '%%pkey'", [list(TABLES)])
        return cur.fetchall()


def load(total):
    t0 = time.monotonic()
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM orders_order WHERE number LIKE 'Q%%'")
        if cur.fetchone()[0] >= total:
            return {"orders": total, "lines": 3 * total, "seconds": 0.0, "reused": True}
        # the bench database only: start the order tables empty (CASCADE: and whatever refers to them)
        cur.execute("TRUNCATE orders_shipmentline, orders_shipment, orders_orderapproval, orders_orderevent, "
                    "orders_orderline, orders_order CASCADE")
        indexes = secondary_indexes()
        constraints = []
        cur.execute("""SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
                       WHERE conrelid::regclass::text = ANY(%s) AND contype = 'u'""", [list(TABLES)])
        constraints = cur.fetchall()
        owned = {name for _t, name, _d in constraints}
        indexes = [(name, d) for name, d in indexes if name not in owned]  # unique constraints own theirs
        for table, name, _d in constraints:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _d in indexes:
            cur.execute(f'DROP INDEX IF EXISTS "{name}"')
        cur.execute("SET session_replication_role = replica")
        cur.execute("SET maintenance_work_mem = '1GB'")
        step = 1_000_000
        for start in range(1, total + 1, step):
            cur.execute(ORDERS_SQL, {"start": start, "stop": min(start + step - 1, total), "total": total,
                                     "open": min(OPEN_ORDERS, total)})
            print(f"[queue-data] orders {min(start + step - 1, total):,} ({time.monotonic() - t0:.0f}s)", file=sys.stderr, flush=True)
        cur.execute("SELECT min(id), max(id) FROM orders_order WHERE number LIKE 'Q%%'")
        lo, hi = cur.fetchone()
        for a in range(lo, hi + 1, step):
            cur.execute(LINES_SQL, {"lo": a, "hi": min(a + step - 1, hi)})
            print(f"[queue-data] lines for orders up to id {min(a + step - 1, hi):,} ({time.monotonic() - t0:.0f}s)", file=sys.stderr, flush=True)
        cur.execute("SET session_replication_role = DEFAULT")
        for table, name, definition in constraints:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for name, definition in indexes:
            cur.execute(definition)
            print(f"[queue-data] index {name} ({time.monotonic() - t0:.0f}s)", file=sys.stderr, flush=True)
        # what autovacuum does soon after a bulk load: statistics, and the visibility map that
        # lets the SKU search and the queue use index-only scans
        cur.execute("VACUUM (ANALYZE) orders_order")
        cur.execute("VACUUM (ANALYZE) orders_orderline")
        # the load bypassed the triggers that keep customers' open receivables (migration 0013)
        cur.execute("SELECT orders_rebuild_credit_balances()")
    return {"orders": total, "lines": 3 * total, "seconds": round(time.monotonic() - t0, 1), "reused": False}


def explain(scenarios):
    """EXPLAIN of the queue query for each scenario, as the view builds it."""
    from urllib.parse import urlencode

    from django.http import QueryDict

    from oms.pagination import keyset_query
    from orders.filters import QUEUE_SORTS, queue_sort
    from orders.selectors import order_queue

    out = {}
    for name, params in scenarios.items():
        params = QueryDict(urlencode(params))  # as the view gets them: lists for the status filter
        _f, qs = order_queue(params)
        query = keyset_query(qs, key=QUEUE_SORTS[queue_sort(params)], after=params.get("after"), size=50)
        out[name] = query.explain()
    return out


if __name__ == "__main__":
    if sys.argv[1] == "load":
        print(json.dumps(load(int(sys.argv[2]))))
    elif sys.argv[1] == "explain":
        print(json.dumps(explain(json.loads(sys.argv[2]))))
