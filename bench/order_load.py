"""Order intake load against the bench database (run by bench_orders.py with the bench
environment). Modes:
  python bench/order_load.py setup            -> prepare products, stock, a customer; print JSON
  python bench/order_load.py service N K      -> N processes x K orders through place_order
  python bench/order_load.py raw N K          -> the same writes as plain SQL through psycopg
  python bench/order_load.py queries          -> SQL statements for a 3-line and a 30-line order
Each prints one JSON object on its last line."""

import json
import multiprocessing as mp
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.settings")

BENCH_COMPANY = "BENCH01"


def django_setup():
    import django

    django.setup()


def setup():
    from decimal import Decimal

    from customers.models import Address, Company, PriceList
    from inventory.models import Product, Warehouse
    from inventory.services.stock import receive_stock
    from orders.models import ApprovalRule

    ApprovalRule.objects.update(active=False)  # measure intake, not approval queues
    plist = PriceList.objects.get(code="CNY-GOLD")
    company, _ = Company.objects.get_or_create(code=BENCH_COMPANY, defaults={
        "name": "Bench Buyer Co.", "tier": "gold", "region": "east", "credit_limit": Decimal("999999999999"),
        "payment_terms": "net30", "price_list": plist})
    if not company.addresses.exists():
        Address.objects.create(company=company, kind="shipping", recipient="Bench", phone="13800000000", line1="1 Bench Rd",
                               city="Shanghai", province="Shanghai", region="east", is_default=True)
    products = list(Product.objects.filter(active=True, pack_size=1, price_items__price_list=plist).distinct().order_by("sku")[:120])
    for p in products:
        for wh in Warehouse.objects.all():
            receive_stock(actor=None, product=p, warehouse=wh, quantity=500_000, reason="bench stock")
    return {"skus": [p.sku for p in products], "company": BENCH_COMPANY}


def service_worker(args):
    skus, k, seed, barrier = args
    django_setup()
    from customers.models import Company
    from orders.services.intake import place_order

    company = Company.objects.get(code=BENCH_COMPANY)
    rng = random.Random(seed)
    barrier.wait()
    lat = []
    t0 = time.perf_counter()
    for i in range(k):
        lines = [{"sku": s, "quantity": rng.randint(1, 5)} for s in rng.sample(skus, 3)]
        s = time.perf_counter()
        place_order(actor=None, company=company, channel="api", lines=lines, idempotency_key=f"bench-{seed}-{i}-{time.time_ns()}")
        lat.append((time.perf_counter() - s) * 1000)
    return time.perf_counter() - t0, lat


RAW_ORDER = """
INSERT INTO orders_order (number, company_id, channel, external_ref, idempotency_key, status, status_changed_at, currency,
  customer_po, notes, tags, payment_terms, is_paid, ship_recipient, ship_phone, ship_line1, ship_line2, ship_city,
  ship_province, ship_postal_code, ship_region, subtotal, discount_total, tax_total, total, hold_reasons,
  approval_reasons, allocation, created_at, updated_at)
VALUES (%s, %s, 'api', '', %s, 'allocated', now(), 'CNY', '', '', '{}', 'net30', false, 'Bench', '13800000000',
  '1 Bench Rd', '', 'Shanghai', 'Shanghai', '', 'east', %s, 0, 0, %s, '[]', '[]', '{}', now(), now())
RETURNING id
"""


def raw_worker(args):
    skus, k, seed, barrier = args
    django_setup()
    import psycopg
    from django.db import connection

    from customers.models import Company
    from inventory.models import Product, Warehouse

    company_id = Company.objects.get(code=BENCH_COMPANY).pk
    product_ids = dict(Product.objects.filter(sku__in=skus).values_list("sku", "pk"))
    warehouses = list(Warehouse.objects.order_by("priority").values_list("pk", flat=True))
    db = connection.settings_dict
    conn = psycopg.connect(dbname=db["NAME"], host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
                           password=db["PASSWORD"] or None)
    rng = random.Random(seed)
    barrier.wait()
    lat = []
    t0 = time.perf_counter()
    for i in range(k):
        picks = sorted((product_ids[s], rng.choice(warehouses), rng.randint(1, 5)) for s in rng.sample(skus, 3))
        s = time.perf_counter()
        with conn.transaction():
            conn.execute("SELECT id FROM inventory_stock WHERE (product_id, warehouse_id) IN (SELECT * FROM unnest(%s::bigint[], %s::bigint[])) "
                         "ORDER BY id FOR UPDATE", ([p for p, _w, _q in picks], [w for _p, w, _q in picks]))
            rows = conn.execute(
                "UPDATE inventory_stock s SET reserved = s.reserved + v.q FROM unnest(%s::bigint[], %s::bigint[], %s::int[]) "
                "AS v(p, w, q) WHERE s.product_id = v.p AND s.warehouse_id = v.w AND s.on_hand - s.reserved >= v.q "
                "RETURNING s.id, s.on_hand, s.reserved, v.q",
                ([p for p, _w, _q in picks], [w for _p, w, _q in picks], [q for _p, _w, q in picks])).fetchall()
            assert len(rows) == 3
            order_id = conn.execute(RAW_ORDER, (f"R{seed}-{i}-{time.time_ns() % 10**9}", company_id, f"raw-{seed}-{i}-{time.time_ns()}",
                                                100, 113)).fetchone()[0]
            conn.execute(
                "INSERT INTO orders_orderline (order_id, line_no, product_id, quantity, list_price, unit_price, discount_amount, "
                "tax_rate, tax_amount, net_amount, total_amount, price_explanation, manual_price, allocated_quantity, shipped_quantity) "
                "SELECT %s, n, p, q, 10, 10, 0, 13, 1.3, 10, 11.3, 'raw', false, q, 0 FROM unnest(%s::int[], %s::bigint[], %s::int[]) AS v(n, p, q)",
                (order_id, [1, 2, 3], [p for p, _w, _q in picks], [q for _p, _w, q in picks]))
            conn.execute(
                "INSERT INTO inventory_stockmovement (stock_id, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, "
                "reason, ref_type, ref_id, created_at) SELECT sid, 'reservation', 0, q, oh, rs, '', 'order', %s, now() "
                "FROM unnest(%s::bigint[], %s::int[], %s::int[], %s::int[]) AS v(sid, oh, rs, q)",
                (str(order_id), [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]))
            conn.execute("INSERT INTO orders_orderevent (order_id, kind, from_status, to_status, message, data, source, created_at) "
                         "VALUES (%s, 'created', '', 'allocated', '', '{}', 'raw', now())", (order_id,))
        lat.append((time.perf_counter() - s) * 1000)
    conn.close()
    return time.perf_counter() - t0, lat


def run_pool(kind, skus, n, k):
    ctx = mp.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(n)
        with ctx.Pool(n) as pool:
            fn = service_worker if kind == "service" else raw_worker
            t0 = time.perf_counter()
            results = pool.map(fn, [(skus, k, 1000 * n + i, barrier) for i in range(n)])
            wall = time.perf_counter() - t0
    lat = sorted(x for _w, ls in results for x in ls)
    slowest = max(w for w, _l in results)
    return {"orders": len(lat), "per_s": len(lat) / slowest, "p95_ms": lat[int(len(lat) * 0.95) - 1], "wall_s": wall}


def queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from customers.models import Company
    from orders.services.intake import place_order

    company = Company.objects.get(code=BENCH_COMPANY)
    skus = setup_skus()
    place_order(actor=None, company=company, channel="api", lines=[{"sku": skus[0], "quantity": 1}])  # steady state:
    out = {}  # a process's first order also loads its config copies (oms.config_cache)
    for n in (3, 30):
        with CaptureQueriesContext(connection) as ctx:
            place_order(actor=None, company=company, channel="api", lines=[{"sku": s, "quantity": 1} for s in skus[:n]])
        out[n] = len(ctx.captured_queries)
    return out


def setup_skus():
    from customers.models import PriceList
    from inventory.models import Product

    plist = PriceList.objects.get(code="CNY-GOLD")
    return list(Product.objects.filter(active=True, pack_size=1, price_items__price_list=plist).distinct()
                .order_by("sku").values_list("sku", flat=True)[:120])


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "setup":
        django_setup()
        print(json.dumps(setup()))
    elif mode in ("service", "raw"):
        n, k = int(sys.argv[2]), int(sys.argv[3])
        django_setup()
        skus = setup_skus()
        print(json.dumps(run_pool(mode, skus, n, k)))
    elif mode == "queries":
        django_setup()
        print(json.dumps(queries()))
