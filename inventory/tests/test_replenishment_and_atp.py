from datetime import date, timedelta
from decimal import Decimal

import pytest

from inventory.atp import available_to_promise
from inventory.models import PurchaseOrder, Transfer
from inventory.services import create_purchase_order, reserve_stock, run_replenishment, send_purchase_order
from inventory.tasks import run_replenishment as replenishment_task
from oms.models import Notification
from oms.regions import Region
from tests.factories import ProductFactory, StaffFactory, SupplierFactory, WarehouseFactory, stock_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    supplier = SupplierFactory(lead_time_days=10)
    sh = WarehouseFactory(code="SH", region=Region.EAST, priority=10)
    gz = WarehouseFactory(code="GZ", region=Region.SOUTH, priority=20)
    staff = [StaffFactory(staff_role="warehouse"), StaffFactory(staff_role="manager"), StaffFactory(staff_role="sales")]
    return {"supplier": supplier, "sh": sh, "gz": gz, "staff": staff}


def test_transfer_drafted_from_surplus_and_alerts_sent_once(world):
    p = ProductFactory(supplier=world["supplier"])
    stock_of(p, world["sh"], on_hand=5, reorder_point=10, reorder_quantity=20)
    stock_of(p, world["gz"], on_hand=100, reorder_point=10)
    result = run_replenishment()
    assert result["low"] == 1 and len(result["transfers"]) == 1 and result["purchase_orders"] == []
    t = result["transfers"][0]
    assert (t.source, t.destination, t.status, t.is_replenishment) == (world["gz"], world["sh"], "draft", True)
    assert t.lines.get().quantity == 20
    alerted = set(Notification.objects.filter(kind="stock").values_list("recipient__staff_role", flat=True))
    assert alerted == {"warehouse", "manager"}  # not sales
    again = run_replenishment()
    assert again["transfers"] == [] and again["alerts"] == 0
    assert Transfer.objects.count() == 1 and Notification.objects.filter(kind="stock").count() == 2


def test_purchase_order_drafted_when_no_warehouse_has_surplus(world):
    p1, p2 = ProductFactory(supplier=world["supplier"]), ProductFactory(supplier=world["supplier"])
    stock_of(p1, world["sh"], on_hand=2, reorder_point=10, reorder_quantity=50)
    stock_of(p2, world["sh"], on_hand=0, reorder_point=5, reorder_quantity=30, safety_stock=10)
    result = replenishment_task.delay().get()
    assert result["purchase_orders"] == 1
    po = PurchaseOrder.objects.get()
    assert po.supplier == world["supplier"] and po.warehouse == world["sh"] and po.is_replenishment
    assert sorted(ln.quantity for ln in po.lines.all()) == [30, 50]
    run_replenishment()
    assert PurchaseOrder.objects.count() == 1


def test_reserved_stock_counts_against_the_position(world):
    p = ProductFactory(supplier=world["supplier"])
    stock_of(p, world["sh"], on_hand=30, reorder_point=10, reorder_quantity=20)
    assert run_replenishment()["low"] == 0
    reserve_stock(ref_type="order", ref_id=1, lines=[(p.pk, world["sh"].pk, 25)])
    assert run_replenishment()["low"] == 1


def test_atp_prefers_stock_in_the_ship_to_region(world):
    p = ProductFactory(supplier=world["supplier"])
    stock_of(p, world["sh"], on_hand=50)
    stock_of(p, world["gz"], on_hand=50)
    today = date(2026, 11, 23)
    promise = available_to_promise(product=p, quantity=10, region=Region.SOUTH, today=today)
    assert promise.warehouse == world["gz"] and promise.source == "stock"
    assert promise.delivery_date == today + timedelta(days=1)


def test_atp_uses_incoming_then_lead_time(world):
    p = ProductFactory(supplier=world["supplier"])
    stock_of(p, world["sh"], on_hand=5)
    today = date(2026, 11, 23)
    promise = available_to_promise(product=p, quantity=40, region=Region.EAST, today=today)
    assert promise.source == "lead_time" and promise.ship_date == today + timedelta(days=10)
    po = create_purchase_order(actor=None, supplier=world["supplier"], warehouse=world["sh"],
                               lines=[(p, 100, Decimal("1"))], expected_date=today + timedelta(days=4))
    send_purchase_order(actor=None, order=po)
    promise = available_to_promise(product=p, quantity=40, region=Region.EAST, today=today)
    assert promise.source == "incoming" and promise.ship_date == today + timedelta(days=4)
    assert promise.delivery_date == today + timedelta(days=5)
