"""Many threads against PostgreSQL at once: nothing oversold, ledger consistent, no deadlock
error reaches a caller, and an order holds all of its lines or none."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.db.models import F, Sum

from inventory.errors import InsufficientStock
from inventory.models import Reservation, Stock
from inventory.selectors import stock_drift
from inventory.services import adjust_stock, receive_stock, release_reservations, reserve_stock
from tests.factories import ProductFactory, WarehouseFactory, stock_of

pytestmark = pytest.mark.django_db(transaction=True)


def run_threads(n, fn):
    """Run fn(i) in n threads started together; collect unexpected errors."""
    barrier, errors = threading.Barrier(n), []

    def work(i):
        try:
            barrier.wait()
            fn(i)
        except Exception as exc:  # anything here is a failure the user would have seen
            errors.append(repr(exc))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        list(pool.map(work, range(n)))
    return errors


def oversold_units():
    """Units held by open reservations beyond what is on hand, over all stock rows."""
    total = 0
    for stock in Stock.objects.all():
        held = Reservation.objects.filter(stock=stock, status="open").aggregate(n=Sum("quantity"))["n"] or 0
        total += max(0, held - stock.on_hand)
    return total


def test_fifty_clients_on_one_hot_sku_reserve_exactly_what_is_there():
    product, wh = ProductFactory(), WarehouseFactory()
    stock_of(product, wh, on_hand=500)
    ok, refused = [], []

    def client(i):
        for j in range(15):
            try:
                reserve_stock(ref_type="order", ref_id=f"{i}-{j}", lines=[(product.pk, wh.pk, 1)])
                ok.append(1)
            except InsufficientStock:
                refused.append(1)

    assert run_threads(50, client) == []
    stock = Stock.objects.get(product=product, warehouse=wh)
    assert stock.reserved == 500 == len(ok) and len(refused) == 250
    assert oversold_units() == 0 and stock_drift() == []


def test_spread_multi_line_orders_are_all_or_nothing():
    wh1, wh2 = WarehouseFactory(), WarehouseFactory()
    products = ProductFactory.create_batch(8)
    for p in products:
        stock_of(p, wh1, on_hand=60)
        stock_of(p, wh2, on_hand=40)
    outcome = {}

    def client(i):
        rng = random.Random(i)
        for j in range(12):
            ref = f"{i}-{j}"
            lines = [(rng.choice(products).pk, rng.choice([wh1, wh2]).pk, rng.randint(1, 6)) for _ in range(rng.randint(1, 4))]
            try:
                reserve_stock(ref_type="order", ref_id=ref, lines=lines)
                outcome[ref] = True
            except InsufficientStock:
                outcome[ref] = False

    assert run_threads(24, client) == []
    for ref, held in outcome.items():
        count = Reservation.objects.filter(ref_id=ref).count()
        assert (count > 0) is held, ref  # every line or none
    assert oversold_units() == 0 and stock_drift() == []
    assert not Stock.objects.filter(reserved__gt=F("on_hand")).exists()


def test_opposite_order_pairs_never_deadlock():
    a, b, wh = ProductFactory(), ProductFactory(), WarehouseFactory()
    stock_of(a, wh, on_hand=10_000)
    stock_of(b, wh, on_hand=10_000)

    def client(i):
        for j in range(25):
            first, second = (a, b) if (i + j) % 2 else (b, a)
            reserve_stock(ref_type="order", ref_id=f"{i}-{j}",
                          lines=[(first.pk, wh.pk, 1), (second.pk, wh.pk, 1)])

    assert run_threads(20, client) == []  # 500 pairs, no deadlock error
    assert Stock.objects.get(product=a).reserved == 500 == Stock.objects.get(product=b).reserved
    assert stock_drift() == []


def test_mixed_reserve_release_receive_adjust_keeps_the_ledger_true():
    products, wh = ProductFactory.create_batch(4), WarehouseFactory()
    for p in products:
        stock_of(p, wh, on_hand=50)

    def client(i):
        rng = random.Random(100 + i)
        for j in range(10):
            p = rng.choice(products)
            action = rng.choice(["reserve", "reserve", "release", "receive", "adjust"])
            try:
                if action == "reserve":
                    reserve_stock(ref_type="order", ref_id=f"{i}-{j}", lines=[(p.pk, wh.pk, rng.randint(1, 8))])
                elif action == "release":
                    release_reservations(ref_type="order", ref_id=f"{i}-{rng.randint(0, max(j - 1, 0))}")
                elif action == "receive":
                    receive_stock(actor=None, product=p, warehouse=wh, quantity=rng.randint(1, 5), reason="top-up")
                else:
                    adjust_stock(actor=None, product=p, warehouse=wh, kind="scrap", quantity=1, reason="damaged")
            except InsufficientStock:
                pass
            except Exception as exc:
                from inventory.errors import BelowReserved

                if not isinstance(exc, BelowReserved):
                    raise

    assert run_threads(20, client) == []
    assert oversold_units() == 0
    assert stock_drift() == []


def test_the_oversell_check_catches_a_naive_read_then_write():
    """Control: a read-then-write reservation (no lock, no condition) does oversell under the
    same load, so the checks above are known to detect it."""
    product, wh = ProductFactory(), WarehouseFactory()
    stock = stock_of(product, wh, on_hand=50)

    def naive(i):
        for j in range(10):
            row = Stock.objects.get(pk=stock.pk)
            if row.on_hand - row.reserved >= 1:
                with connection.cursor() as cursor:  # lost update: writes what it read + 1
                    cursor.execute("SELECT pg_sleep(0.001)")
                Stock.objects.filter(pk=stock.pk).update(reserved=row.reserved + 1)
                Reservation.objects.create(stock_id=stock.pk, quantity=1, original_quantity=1, ref_type="naive", ref_id=f"{i}-{j}")

    assert run_threads(20, naive) == []
    assert oversold_units() > 0
