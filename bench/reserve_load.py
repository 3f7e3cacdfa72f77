"""Reservation load against the bench database, run by bench_inventory.py in a subprocess
with the bench environment. Prints one JSON object of figures on the last line of stdout.

Workloads (threads, each with its own PostgreSQL connection):
- spread: 16 workers reserving 1-3 units of random SKUs through inventory.services;
- hot: the same on one SKU;
- raw: the spread workload as plain SQL through psycopg (conditional UPDATE + ledger INSERT);
- oversell checks: 50 clients on one SKU holding 500 units; 1,000 opposite-order pairs;
  and a naive read-then-write control that must be caught overselling."""

import json
import os
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.db.models import F, Sum  # noqa: E402

from inventory.errors import InsufficientStock  # noqa: E402
from inventory.models import Product, Reservation, Stock, Warehouse  # noqa: E402
from inventory.services import receive_stock, reserve_stock  # noqa: E402

WORKERS = 16
OPS_PER_WORKER = int(os.environ.get("BENCH_RESERVE_OPS", "150"))
RUN = f"b{int(time.time())}"


def pct(values, p):
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def threads(n, fn):
    """Start n threads together; return (wall seconds, latencies ms, unexpected errors)."""
    barrier, lat, errors, lock = threading.Barrier(n + 1), [], [], threading.Lock()

    def work(i):
        mine = []
        try:
            barrier.wait()
            fn(i, mine)
        except Exception as exc:
            with lock:
                errors.append(repr(exc))
        finally:
            with lock:
                lat.extend(mine)
            connections.close_all()

    ts = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    for t in ts:
        t.join()
    return time.perf_counter() - t0, lat, errors


def fresh_stock(products, warehouse, quantity):
    for p in products:
        receive_stock(actor=None, product=p, warehouse=warehouse, quantity=quantity, reason="bench stock")
    return list(Stock.objects.filter(product__in=products, warehouse=warehouse))


def oversold_units(stock_ids):
    total = 0
    for s in Stock.objects.filter(pk__in=stock_ids):
        held = Reservation.objects.filter(stock=s, status="open").aggregate(n=Sum("quantity"))["n"] or 0
        total += max(0, held - s.on_hand)
    return total


def service_run(label, pick):
    def fn(i, lat):
        rng = random.Random(f"{label}{i}")
        for j in range(OPS_PER_WORKER):
            product_id, warehouse_id = pick(rng)
            t0 = time.perf_counter()
            reserve_stock(ref_type="bench", ref_id=f"{RUN}-{label}-{i}-{j}",
                          lines=[(product_id, warehouse_id, rng.randint(1, 3))])
            lat.append((time.perf_counter() - t0) * 1000)

    return threads(WORKERS, fn)


def raw_run(pick):
    """The same spread workload as two statements in plain psycopg."""
    db = connection.settings_dict
    conninfo = dict(dbname=db["NAME"], host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
                    password=db["PASSWORD"] or None)

    def fn(i, lat):
        rng = random.Random(f"raw{i}")
        with psycopg.connect(**conninfo) as conn:
            for j in range(OPS_PER_WORKER):
                product_id, warehouse_id = pick(rng)
                q = rng.randint(1, 3)
                t0 = time.perf_counter()
                with conn.transaction():
                    row = conn.execute(
                        "UPDATE inventory_stock SET reserved = reserved + %s, updated_at = now() "
                        "WHERE product_id = %s AND warehouse_id = %s AND (allow_backorder OR on_hand - reserved >= %s) "
                        "RETURNING id, on_hand, reserved", (q, product_id, warehouse_id, q)).fetchone()
                    if row is None:
                        raise InsufficientStock(sku=str(product_id), warehouse=str(warehouse_id), requested=q, available=0)
                    conn.execute(
                        "INSERT INTO inventory_stockmovement (stock_id, kind, on_hand_delta, reserved_delta, on_hand_after, "
                        "reserved_after, reason, ref_type, ref_id, created_at) VALUES (%s, 'reservation', 0, %s, %s, %s, '', "
                        "'bench-raw', %s, now())", (row[0], q, row[1], row[2], f"{RUN}-raw-{i}-{j}"))
                lat.append((time.perf_counter() - t0) * 1000)

    return threads(WORKERS, fn)


def main():
    wh = Warehouse.objects.order_by("priority").first()
    products = list(Product.objects.filter(active=True).order_by("sku")[:200])
    stocks = fresh_stock(products, wh, 200_000)
    pairs = [(s.product_id, s.warehouse_id) for s in stocks]
    hot = pairs[0]
    figures, notes = {}, {}

    # warm-up
    service_run("warm", lambda rng: rng.choice(pairs))

    wall, lat, errors = service_run("spread", lambda rng: rng.choice(pairs))
    assert not errors, errors
    figures["reserve_spread_per_s"] = len(lat) / wall
    figures["reserve_spread_p95_ms"] = pct(lat, 95)

    wall, lat, errors = service_run("hot", lambda rng: hot)
    assert not errors, errors
    figures["reserve_hot_sku_per_s"] = len(lat) / wall
    figures["reserve_hot_sku_p95_ms"] = pct(lat, 95)

    wall, lat, errors = raw_run(lambda rng: rng.choice(pairs))
    assert not errors, errors
    figures["reserve_raw_sql_per_s"] = len(lat) / wall
    figures["reserve_raw_sql_p95_ms"] = pct(lat, 95)

    # --- oversell checks --------------------------------------------------------------------
    limited_product = products[1]
    limited = Stock.objects.get(product=limited_product, warehouse=wh)
    # bring it down to exactly 500 available: reserve the rest under one reference
    spare = limited.on_hand - limited.reserved - 500
    if spare > 0:
        reserve_stock(ref_type="bench", ref_id=f"{RUN}-pad", lines=[(limited_product.pk, wh.pk, spare)])
    got, refused = [], []

    def fifty(i, lat):
        for j in range(15):
            try:
                reserve_stock(ref_type="bench", ref_id=f"{RUN}-fifty-{i}-{j}", lines=[(limited_product.pk, wh.pk, 1)])
                got.append(1)
            except InsufficientStock:
                refused.append(1)

    _, _, errors50 = threads(50, fifty)
    a, b = products[2], products[3]
    deadlocks = []

    def opposite(i, lat):
        for j in range(50):
            first, second = (a, b) if (i + j) % 2 else (b, a)
            try:
                reserve_stock(ref_type="bench", ref_id=f"{RUN}-pair-{i}-{j}",
                              lines=[(first.pk, wh.pk, 1), (second.pk, wh.pk, 1)])
            except Exception as exc:  # a deadlock here would reach the caller
                deadlocks.append(repr(exc))

    _, _, errors_pairs = threads(20, opposite)  # 1,000 pairs
    checked = [s.pk for s in stocks]
    figures["oversold_units"] = oversold_units(checked)
    notes["fifty_reserved"] = len(got)
    notes["pair_errors"] = len(deadlocks) + len(errors_pairs) + len(errors50)
    if len(got) != 500 or notes["pair_errors"]:
        figures["oversold_units"] += abs(len(got) - 500) + notes["pair_errors"]

    # --- control: naive read-then-write oversells and the same check sees it -----------------
    naive_product = products[4]
    naive_stock = Stock.objects.get(product=naive_product, warehouse=wh)
    Stock.objects.filter(pk=naive_stock.pk).update(allow_backorder=True)  # the naive code would trip the constraint
    spare = naive_stock.on_hand - naive_stock.reserved - 100
    reserve_stock(ref_type="bench", ref_id=f"{RUN}-naive-pad", lines=[(naive_product.pk, wh.pk, spare)])

    def naive(i, lat):
        for j in range(10):
            row = Stock.objects.get(pk=naive_stock.pk)
            if row.on_hand - row.reserved >= 1:
                time.sleep(0.001)
                with transaction.atomic():
                    Stock.objects.filter(pk=row.pk).update(reserved=row.reserved + 1)
                    Reservation.objects.create(stock_id=row.pk, quantity=1, original_quantity=1, ref_type="bench-naive",
                                               ref_id=f"{RUN}-naive-{i}-{j}")

    threads(20, naive)
    figures["naive_oversold_units"] = oversold_units([naive_stock.pk])
    Stock.objects.filter(pk=naive_stock.pk).update(allow_backorder=False, reserved=F("reserved"))
    figures["service_vs_raw_ratio"] = figures["reserve_spread_per_s"] / figures["reserve_raw_sql_per_s"]
    print(json.dumps({"figures": figures, "notes": notes, "ops_per_worker": OPS_PER_WORKER}))


if __name__ == "__main__":
    main()
