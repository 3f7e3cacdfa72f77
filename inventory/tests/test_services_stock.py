"""Receipts, adjustments and counts: the ledger always explains the numbers."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from inventory.errors import BelowReserved, InactiveProduct, InvalidQuantity
from inventory.models import Product, Stock, StockMovement
from inventory.services import adjust_stock, count_stock, receive_stock, reserve_stock
from oms.errors import ValidationFailed
from tests.factories import ProductFactory, StaffFactory, WarehouseFactory, stock_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    return {"user": StaffFactory(staff_role="warehouse"), "product": ProductFactory(), "wh": WarehouseFactory()}


def test_receipt_raises_on_hand_and_writes_the_ledger(setup):
    m = receive_stock(actor=setup["user"], product=setup["product"], warehouse=setup["wh"], quantity=40,
                      unit_cost=Decimal("12.50"), reason="PO 17", ref=("purchase_order", "PO-17"))
    stock = Stock.objects.get(product=setup["product"], warehouse=setup["wh"])
    assert stock.on_hand == 40 and stock.available == 40
    assert (m.kind, m.on_hand_delta, m.on_hand_after, m.user, m.ref_id) == ("receipt", 40, 40, setup["user"], "PO-17")


def test_moving_average_cost(setup):
    p, wh, wh2 = setup["product"], setup["wh"], WarehouseFactory()
    receive_stock(actor=None, product=p, warehouse=wh, quantity=100, unit_cost=Decimal("10"), reason="r")
    receive_stock(actor=None, product=p, warehouse=wh2, quantity=50, unit_cost=Decimal("16"), reason="r")
    p.refresh_from_db()
    assert p.average_cost == Decimal("12.0000")  # (100*10 + 50*16) / 150


@pytest.mark.parametrize("quantity", [0, -5, "2.5", "abc", 10_000_001])
def test_bad_quantities_are_refused_and_nothing_is_written(setup, quantity):
    with pytest.raises(InvalidQuantity):
        receive_stock(actor=None, product=setup["product"], warehouse=setup["wh"], quantity=quantity, reason="x")
    assert not StockMovement.objects.exists()


def test_reason_is_required(setup):
    with pytest.raises(ValidationFailed) as err:
        receive_stock(actor=None, product=setup["product"], warehouse=setup["wh"], quantity=1, reason="  ")
    assert err.value.field == "reason"


def test_inactive_product_cannot_be_received(setup):
    Product.objects.filter(pk=setup["product"].pk).update(active=False)
    setup["product"].refresh_from_db()
    with pytest.raises(InactiveProduct):
        receive_stock(actor=None, product=setup["product"], warehouse=setup["wh"], quantity=1, reason="x")


def test_adjustment_cannot_go_below_reserved(setup):
    stock_of(setup["product"], setup["wh"], on_hand=10)
    reserve_stock(ref_type="order", ref_id=1, lines=[(setup["product"].pk, setup["wh"].pk, 8)])
    with pytest.raises(BelowReserved) as err:
        adjust_stock(actor=None, product=setup["product"], warehouse=setup["wh"], kind="scrap", quantity=3, reason="broken")
    assert "8 units are reserved" in str(err.value)
    m = adjust_stock(actor=None, product=setup["product"], warehouse=setup["wh"], kind="scrap", quantity=2, reason="broken")
    assert (m.kind, m.on_hand_delta, m.on_hand_after) == ("scrap", -2, 8)


def test_adjustment_kinds_carry_their_sign(setup):
    stock_of(setup["product"], setup["wh"], on_hand=10)
    q = adjust_stock(actor=None, product=setup["product"], warehouse=setup["wh"], kind="quarantine", quantity=3, reason="wet")
    r = adjust_stock(actor=None, product=setup["product"], warehouse=setup["wh"], kind="return_restock", quantity=2, reason="RMA")
    a = adjust_stock(actor=None, product=setup["product"], warehouse=setup["wh"], kind="adjustment", quantity=-1, reason="lost")
    assert [q.on_hand_delta, r.on_hand_delta, a.on_hand_delta] == [-3, 2, -1]
    assert Stock.objects.get(product=setup["product"], warehouse=setup["wh"]).on_hand == 8


def test_cannot_take_out_more_than_on_hand(setup):
    stock_of(setup["product"], setup["wh"], on_hand=2)
    with pytest.raises(BelowReserved):
        adjust_stock(actor=None, product=setup["product"], warehouse=setup["wh"], kind="adjustment", quantity=-3, reason="x")


def test_cycle_count_posts_the_difference(setup):
    stock_of(setup["product"], setup["wh"], on_hand=20)
    m = count_stock(actor=None, product=setup["product"], warehouse=setup["wh"], counted=17, reason="monthly count")
    assert (m.kind, m.on_hand_delta, m.on_hand_after) == ("cycle_count", -3, 17)
    same = count_stock(actor=None, product=setup["product"], warehouse=setup["wh"], counted=17, reason="recount")
    assert same.on_hand_delta == 0


def test_count_below_reserved_is_refused(setup):
    stock_of(setup["product"], setup["wh"], on_hand=20)
    reserve_stock(ref_type="order", ref_id=1, lines=[(setup["product"].pk, setup["wh"].pk, 15)])
    with pytest.raises(BelowReserved):
        count_stock(actor=None, product=setup["product"], warehouse=setup["wh"], counted=10, reason="count")


def test_check_stock_finds_drift_and_exits_non_zero(setup, capsys):
    stock = stock_of(setup["product"], setup["wh"], on_hand=5)
    call_command("check_stock")
    Stock.objects.filter(pk=stock.pk).update(on_hand=7)  # a write that bypassed the services
    with pytest.raises(Exception) as err:
        call_command("check_stock")
    assert "drift" in str(err.value)
    assert f"DRIFT {setup['product'].sku}" in capsys.readouterr().out
