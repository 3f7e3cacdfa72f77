import pytest

from inventory.models import Stock, StockMovement
from inventory.selectors import stock_drift
from oms.errors import ValidationFailed
from orders.models import Shipment, Status
from orders.services.fulfilment import WrongItem, pack_item, record_delivery, ship_shipment, start_picking
from orders.services.intake import place_order

pytestmark = pytest.mark.django_db


def allocated(shop, lines):
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console", lines=lines)
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED
    return order


def test_pick_pack_with_scan_ship_and_deliver(shop):
    v, t = shop["products"]["VALVE"], shop["products"]["TAPE"]
    v.barcode, t.barcode = "6901234567892", "4006381333931"
    v.save(), t.save()
    shop["stock_of"](v, shop["sh"], on_hand=10)
    shop["stock_of"](t, shop["sh"], on_hand=10)
    order = allocated(shop, [{"sku": "VALVE", "quantity": 2}, {"sku": "TAPE", "quantity": 1}])
    shipment = order.shipments.get()
    start_picking(actor=shop["warehouse"], shipments=[shipment])
    order.refresh_from_db()
    assert order.status == Status.PICKING

    with pytest.raises(WrongItem, match="not in shipment"):
        pack_item(actor=shop["warehouse"], shipment=shipment, code="9999999999999")
    with pytest.raises(WrongItem, match=r"Only 2 more VALVE go in this shipment \(0 of 2 packed\)") as refused:
        pack_item(actor=shop["warehouse"], shipment=shipment, code="VALVE", quantity=3)
    assert refused.value.field == "quantity"
    pack_item(actor=shop["warehouse"], shipment=shipment, code="6901234567892")  # scanned barcode
    pack_item(actor=shop["warehouse"], shipment=shipment, code="valve")          # typed SKU
    with pytest.raises(WrongItem, match="already fully packed"):
        pack_item(actor=shop["warehouse"], shipment=shipment, code="VALVE")
    pack_item(actor=shop["warehouse"], shipment=shipment, code="4006381333931")
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.status == Shipment.Status.PACKED and order.status == Status.PACKED

    with pytest.raises(ValidationFailed):
        ship_shipment(actor=shop["warehouse"], shipment=shipment, carrier="SF Express", tracking_number="")
    ship_shipment(actor=shop["warehouse"], shipment=shipment, carrier="SF Express", tracking_number="SF1234567890",
                  service="Standard", cost="18.5")
    order.refresh_from_db()
    assert order.status == Status.SHIPPED
    stock = Stock.objects.get(product=v, warehouse=shop["sh"])
    assert (stock.on_hand, stock.reserved) == (8, 0)
    assert StockMovement.objects.filter(kind="shipment", ref_id=str(order.pk)).count() == 2
    assert order.events.filter(message__contains="SF1234567890").exists()
    assert stock_drift() == []

    record_delivery(actor=None, shipment=shipment, received_by="Wang Wei")
    order.refresh_from_db()
    assert order.status == Status.DELIVERED


def test_partial_shipment_when_split(shop):
    v, t = shop["products"]["VALVE"], shop["products"]["TAPE"]
    shop["stock_of"](v, shop["sh"], on_hand=10)
    shop["stock_of"](t, shop["gz"], on_hand=10)
    order = allocated(shop, [{"sku": "VALVE", "quantity": 1}, {"sku": "TAPE", "quantity": 1}])
    sh_ship = order.shipments.get(warehouse=shop["sh"])
    start_picking(actor=None, shipments=[sh_ship])
    pack_item(actor=None, shipment=sh_ship, code="VALVE")
    ship_shipment(actor=None, shipment=sh_ship, carrier="ZTO", tracking_number="ZTO1")
    order.refresh_from_db()
    assert order.status == Status.PARTIALLY_SHIPPED
    gz_ship = order.shipments.get(warehouse=shop["gz"])
    start_picking(actor=None, shipments=[gz_ship])
    pack_item(actor=None, shipment=gz_ship, code="TAPE")
    ship_shipment(actor=None, shipment=gz_ship, carrier="ZTO", tracking_number="ZTO2")
    order.refresh_from_db()
    assert order.status == Status.SHIPPED


def test_cannot_ship_before_packing(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    order = allocated(shop, [{"sku": "VALVE", "quantity": 1}])
    from oms.errors import DomainError

    with pytest.raises(DomainError, match="cannot be done now"):
        ship_shipment(actor=None, shipment=order.shipments.get(), carrier="SF", tracking_number="1")


def test_delivery_through_the_console_and_completion(shop, client):
    from django.urls import reverse

    from orders.errors import IllegalTransition
    from orders.services.fulfilment import complete_order

    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    order = allocated(shop, [{"sku": "VALVE", "quantity": 1}])
    shipment = order.shipments.get()
    with pytest.raises(IllegalTransition):
        complete_order(actor=None, order=order)
    start_picking(actor=None, shipments=[shipment])
    pack_item(actor=None, shipment=shipment, code="VALVE")
    ship_shipment(actor=None, shipment=shipment, carrier="SF", tracking_number="SF1")
    client.force_login(shop["warehouse"])
    url = reverse("console:shipment_deliver", args=[shipment.pk])
    client.post(url, {"received_by": ""})
    shipment.refresh_from_db()
    assert shipment.status == "shipped"  # refused: nobody named
    response = client.post(url, {"received_by": "Li Na"}, follow=True)
    assert "delivered" in response.content.decode()
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert (shipment.status, shipment.received_by, order.status) == ("delivered", "Li Na", Status.DELIVERED)
    complete_order(actor=shop["manager"], order=order)
    order.refresh_from_db()
    assert order.status == Status.COMPLETED
