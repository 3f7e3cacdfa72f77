from datetime import date, timedelta
from decimal import Decimal

import pytest

from inventory.errors import IllegalTransition, InactiveProduct, InsufficientStock
from inventory.models import Product, Stock
from inventory.selectors import stock_drift, stock_value_by_warehouse
from inventory.services import (
    cancel_purchase_order, cancel_transfer, create_purchase_order, create_transfer, receive_purchase_order,
    receive_transfer, send_purchase_order, ship_transfer,
)
from oms.errors import ValidationFailed
from tests.factories import ProductFactory, SupplierFactory, WarehouseFactory, stock_of

pytestmark = pytest.mark.django_db


def stock(product, warehouse):
    return Stock.objects.get(product=product, warehouse=warehouse)


def test_transfer_out_in_transit_partial_receipt_then_received():
    p, sh, gz = ProductFactory(), WarehouseFactory(code="SH"), WarehouseFactory(code="GZ")
    stock_of(p, sh, on_hand=30)
    t = create_transfer(actor=None, source=sh, destination=gz, lines=[(p, 10), (p, 2)], reason="rebalance")
    assert t.number.startswith("TR-") and t.lines.get().quantity == 12
    ship_transfer(actor=None, transfer=t)
    assert (stock(p, sh).on_hand, stock(p, gz).in_transit, stock(p, gz).on_hand) == (18, 12, 0)
    line = t.lines.get()
    t = receive_transfer(actor=None, transfer=t, quantities={line.pk: 5})
    assert t.status == "partially_received"
    assert (stock(p, gz).in_transit, stock(p, gz).on_hand) == (7, 5)
    with pytest.raises(ValidationFailed):
        receive_transfer(actor=None, transfer=t, quantities={line.pk: 8})
    t = receive_transfer(actor=None, transfer=t)
    assert t.status == "received" and (stock(p, gz).in_transit, stock(p, gz).on_hand) == (0, 12)
    with pytest.raises(IllegalTransition):
        ship_transfer(actor=None, transfer=t)
    assert stock_drift() == []


def test_transfer_rules():
    p, a, b = ProductFactory(), WarehouseFactory(), WarehouseFactory()
    with pytest.raises(ValidationFailed) as err:
        create_transfer(actor=None, source=a, destination=a, lines=[(p, 1)])
    assert err.value.field == "destination"
    with pytest.raises(ValidationFailed):
        create_transfer(actor=None, source=a, destination=b, lines=[])
    stock_of(p, a, on_hand=3)
    t = create_transfer(actor=None, source=a, destination=b, lines=[(p, 5)])
    with pytest.raises(InsufficientStock):
        ship_transfer(actor=None, transfer=t)
    assert stock(p, a).on_hand == 3
    cancel_transfer(actor=None, transfer=t)
    Product.objects.filter(pk=p.pk).update(active=False)
    p.refresh_from_db()
    with pytest.raises(InactiveProduct):
        create_transfer(actor=None, source=a, destination=b, lines=[(p, 1)])


def test_purchase_order_lifecycle_posts_receipts_and_costs():
    supplier, wh = SupplierFactory(lead_time_days=12), WarehouseFactory()
    p1, p2 = ProductFactory(), ProductFactory()
    po = create_purchase_order(actor=None, supplier=supplier, warehouse=wh,
                               lines=[(p1, 100, Decimal("8.00")), (p2, 20, Decimal("30.00"))])
    assert po.status == "draft" and po.expected_date >= date.today() + timedelta(days=11)
    send_purchase_order(actor=None, order=po)
    assert stock(p1, wh).incoming == 100
    l1, l2 = po.lines.order_by("pk")
    po = receive_purchase_order(actor=None, order=po, quantities={l1.pk: 60})
    assert po.status == "partially_received"
    assert (stock(p1, wh).on_hand, stock(p1, wh).incoming) == (60, 40)
    po = receive_purchase_order(actor=None, order=po)
    assert po.status == "received"
    p1.refresh_from_db()
    assert p1.average_cost == Decimal("8.0000")
    with pytest.raises(IllegalTransition) as err:
        receive_purchase_order(actor=None, order=po)
    assert "received" in str(err.value).lower()
    assert stock_drift() == []
    [row] = stock_value_by_warehouse()
    assert row["units"] == 120 and row["value"] == Decimal("1400")  # 100*8 + 20*30


def test_cancelling_a_sent_po_removes_what_was_incoming():
    supplier, wh, p = SupplierFactory(), WarehouseFactory(), ProductFactory()
    po = create_purchase_order(actor=None, supplier=supplier, warehouse=wh, lines=[(p, 10, Decimal("1"))])
    send_purchase_order(actor=None, order=po)
    cancel_purchase_order(actor=None, order=po)
    assert stock(p, wh).incoming == 0
    with pytest.raises(IllegalTransition):
        send_purchase_order(actor=None, order=po)


def test_draft_po_cannot_be_received():
    po = create_purchase_order(actor=None, supplier=SupplierFactory(), warehouse=WarehouseFactory(),
                               lines=[(ProductFactory(), 1, Decimal("1"))])
    with pytest.raises(IllegalTransition):
        receive_purchase_order(actor=None, order=po)


def test_document_numbers_are_sequential():
    a, b, p = WarehouseFactory(), WarehouseFactory(), ProductFactory()
    first = create_transfer(actor=None, source=a, destination=b, lines=[(p, 1)])
    second = create_transfer(actor=None, source=a, destination=b, lines=[(p, 1)])
    assert int(second.number.split("-")[1]) == int(first.number.split("-")[1]) + 1
