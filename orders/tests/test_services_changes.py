from decimal import Decimal

import pytest

from inventory.models import Stock
from inventory.selectors import stock_drift
from oms.errors import ValidationFailed
from orders.errors import IllegalTransition
from orders.models import OrderEvent, Status
from orders.services.changes import edit_order, hold_order
from orders.services.fulfilment import start_picking
from orders.services.intake import place_order
from orders.services.workflow import release_hold
from tests.factories import ApprovalRuleFactory

pytestmark = pytest.mark.django_db


def placed(shop, lines):
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console", lines=lines)
    order.refresh_from_db()
    return order


def reserved(shop, sku):
    return Stock.objects.get(product=shop["products"][sku], warehouse=shop["sh"]).reserved


def test_edit_releases_old_stock_reprices_and_reallocates(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    shop["stock_of"](shop["products"]["TAPE"], shop["sh"], on_hand=50)
    order = placed(shop, [{"sku": "VALVE", "quantity": 5}])
    assert reserved(shop, "VALVE") == 5
    order = edit_order(actor=shop["sales"], order=order, lines=[{"sku": "VALVE", "quantity": 2}, {"sku": "TAPE", "quantity": 10}],
                       reason="customer called")
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED
    assert (reserved(shop, "VALVE"), reserved(shop, "TAPE")) == (2, 10)
    assert order.total == Decimal("248.60")  # (2×100 + 10×2) × 1.13
    assert [(ln.product.sku, ln.quantity) for ln in order.lines.order_by("line_no")] == [("VALVE", 2), ("TAPE", 10)]
    edit = order.events.get(kind=OrderEvent.Kind.EDIT)
    assert edit.data["before"] == [{"sku": "VALVE", "quantity": 5, "unit_price": "100.00"}]
    assert order.shipments.count() == 1 and stock_drift() == []


def test_edit_that_needs_approval_goes_back_for_approval(shop):
    ApprovalRuleFactory(condition="total_above", threshold=Decimal("1000"), levels=["sales_manager"])
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    order = placed(shop, [{"sku": "VALVE", "quantity": 1}])
    assert order.status == Status.ALLOCATED
    edit_order(actor=shop["sales"], order=order, lines=[{"sku": "VALVE", "quantity": 20}])
    order.refresh_from_db()
    assert order.status == Status.PENDING_APPROVAL and reserved(shop, "VALVE") == 0


def test_bad_edit_changes_nothing(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    order = placed(shop, [{"sku": "VALVE", "quantity": 5}])
    with pytest.raises(ValidationFailed, match="unknown SKU"):
        edit_order(actor=shop["sales"], order=order, lines=[{"sku": "NOPE", "quantity": 1}])
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED and reserved(shop, "VALVE") == 5 and order.lines.get().quantity == 5


def test_no_edit_once_picking_started(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    order = placed(shop, [{"sku": "VALVE", "quantity": 5}])
    start_picking(actor=None, shipments=list(order.shipments.all()))
    with pytest.raises(ValidationFailed, match="can no longer be edited"):
        edit_order(actor=shop["sales"], order=order, lines=[{"sku": "VALVE", "quantity": 1}])


def test_manual_hold_keeps_stock_and_release_sends_it_on(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    order = placed(shop, [{"sku": "VALVE", "quantity": 5}])
    with pytest.raises(ValidationFailed):
        hold_order(actor=shop["sales"], order=order, reason="")
    hold_order(actor=shop["sales"], order=order, reason="check delivery address with customer")
    order.refresh_from_db()
    assert order.status == Status.ON_HOLD and order.hold_reasons[0]["code"] == "manual"
    assert reserved(shop, "VALVE") == 5
    release_hold(actor=shop["sales"], order=order, comment="address confirmed")
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED and reserved(shop, "VALVE") == 5
    assert order.lines.get().allocated_quantity == 5


def test_cannot_hold_a_shipped_order(shop):
    from tests.factories import OrderFactory

    order = OrderFactory(status=Status.SHIPPED, company=shop["company"])
    with pytest.raises(IllegalTransition):
        hold_order(actor=shop["sales"], order=order, reason="x")
