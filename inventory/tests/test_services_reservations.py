import pytest
from django.db import IntegrityError, transaction

from inventory.errors import InsufficientStock
from inventory.models import Reservation, Stock, StockMovement
from inventory.selectors import stock_drift
from inventory.services import consume_reservations, release_reservations, reserve_stock
from oms.errors import ValidationFailed
from tests.factories import ProductFactory, WarehouseFactory, stock_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_lines():
    a, b, wh = ProductFactory(), ProductFactory(), WarehouseFactory()
    return {"a": a, "b": b, "wh": wh, "sa": stock_of(a, wh, on_hand=10), "sb": stock_of(b, wh, on_hand=5)}


def test_reserve_holds_every_line(two_lines):
    t = two_lines
    held = reserve_stock(ref_type="order", ref_id="SO-1", lines=[(t["a"].pk, t["wh"].pk, 4), (t["b"].pk, t["wh"].pk, 5)])
    assert len(held) == 2
    t["sa"].refresh_from_db(); t["sb"].refresh_from_db()
    assert (t["sa"].reserved, t["sa"].available, t["sb"].available) == (4, 6, 0)
    assert StockMovement.objects.filter(kind="reservation", ref_id="SO-1").count() == 2
    assert stock_drift() == []


def test_all_or_nothing(two_lines):
    t = two_lines
    with pytest.raises(InsufficientStock) as err:
        reserve_stock(ref_type="order", ref_id="SO-2", lines=[(t["a"].pk, t["wh"].pk, 4), (t["b"].pk, t["wh"].pk, 6)])
    assert f"Only 5 of {t['b'].sku} available" in str(err.value)
    t["sa"].refresh_from_db()
    assert t["sa"].reserved == 0
    assert not Reservation.objects.exists() and not StockMovement.objects.filter(kind="reservation").exists()


def test_a_refusal_inside_the_callers_transaction_writes_nothing_and_leaves_it_usable(two_lines):
    """Allocation catches the refusal and backorders or retries in the same transaction: the
    statement must have written nothing (there is no savepoint to roll back to)."""
    t = two_lines
    with transaction.atomic():
        with pytest.raises(InsufficientStock) as err:
            reserve_stock(ref_type="order", ref_id="SO-3", lines=[(t["a"].pk, t["wh"].pk, 4), (t["b"].pk, t["wh"].pk, 6)])
        assert err.value.extra["sku"] == t["b"].sku
        assert sorted(Stock.objects.values_list("reserved", flat=True)) == [0, 0]
        assert not StockMovement.objects.filter(kind="reservation").exists()
        held = reserve_stock(ref_type="order", ref_id="SO-3", lines=[(t["a"].pk, t["wh"].pk, 4), (t["b"].pk, t["wh"].pk, 5)])
    assert len(held) == 2 and Reservation.objects.filter(ref_id="SO-3").count() == 2
    assert stock_drift() == []


def test_no_stock_row_is_insufficient_not_a_crash():
    product, wh = ProductFactory(), WarehouseFactory()
    with pytest.raises(InsufficientStock):
        reserve_stock(ref_type="order", ref_id=1, lines=[(product.pk, wh.pk, 1)])


def test_backorder_policy_allows_reserving_beyond_on_hand(two_lines):
    t = two_lines
    Stock.objects.filter(pk=t["sb"].pk).update(allow_backorder=True)
    reserve_stock(ref_type="order", ref_id=3, lines=[(t["b"].pk, t["wh"].pk, 8)])
    t["sb"].refresh_from_db()
    assert t["sb"].available == -3


def test_release_gives_everything_back(two_lines):
    t = two_lines
    reserve_stock(ref_type="order", ref_id=4, lines=[(t["a"].pk, t["wh"].pk, 4), (t["b"].pk, t["wh"].pk, 2)])
    assert release_reservations(ref_type="order", ref_id=4, reason="cancelled") == 6
    assert release_reservations(ref_type="order", ref_id=4) == 0  # idempotent
    t["sa"].refresh_from_db()
    assert t["sa"].reserved == 0
    assert set(Reservation.objects.values_list("status", flat=True)) == {"released"}
    assert stock_drift() == []


def test_consume_on_ship_partial_then_rest(two_lines):
    t = two_lines
    reserve_stock(ref_type="order", ref_id=5, lines=[(t["a"].pk, t["wh"].pk, 6)])
    consume_reservations(ref_type="order", ref_id=5, lines=[(t["a"].pk, t["wh"].pk, 4)])
    t["sa"].refresh_from_db()
    assert (t["sa"].on_hand, t["sa"].reserved) == (6, 2)
    with pytest.raises(ValidationFailed):
        consume_reservations(ref_type="order", ref_id=5, lines=[(t["a"].pk, t["wh"].pk, 3)])
    consume_reservations(ref_type="order", ref_id=5)
    t["sa"].refresh_from_db()
    assert (t["sa"].on_hand, t["sa"].reserved) == (4, 0)
    assert Reservation.objects.get(ref_id="5").status == "consumed"
    assert stock_drift() == []


def test_database_refuses_an_oversell_even_if_code_is_wrong(two_lines):
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(pk=two_lines["sb"].pk).update(reserved=6)


@pytest.mark.django_db(transaction=True)
def test_expired_reservations_are_released_and_announced():
    from datetime import timedelta

    from django.utils import timezone

    from inventory.tasks import release_expired_reservations
    from oms import events

    product, wh = ProductFactory(), WarehouseFactory()
    s = stock_of(product, wh, on_hand=10)
    past, future = timezone.now() - timedelta(minutes=1), timezone.now() + timedelta(hours=1)
    reserve_stock(ref_type="order", ref_id="unpaid", lines=[(product.pk, wh.pk, 3)], expires_at=past)
    reserve_stock(ref_type="order", ref_id="paid", lines=[(product.pk, wh.pk, 2)], expires_at=future)
    heard = []
    events.subscribe("inventory.reservation_expired")(heard.append)
    try:
        assert release_expired_reservations.delay().get() == 1
    finally:
        events._subscribers.pop("inventory.reservation_expired")
    s.refresh_from_db()
    assert s.reserved == 2
    assert heard == [{"ref_type": "order", "ref_id": "unpaid"}]
    assert stock_drift() == []


def test_statements_per_reservation_do_not_grow_with_lines():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    wh = WarehouseFactory()
    products = ProductFactory.create_batch(30)
    for p in products:
        stock_of(p, wh, on_hand=10)

    def count(n, ref):
        with CaptureQueriesContext(connection) as ctx:
            reserve_stock(ref_type="order", ref_id=ref, lines=[(p.pk, wh.pk, 1) for p in products[:n]])
        return len(ctx.captured_queries)

    assert count(3, "three") == count(30, "thirty")
    assert stock_drift() == []
