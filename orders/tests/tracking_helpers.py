"""Shared steps for the tracking tests: an order placed, picked, packed and shipped for real."""

from orders.models import Status
from orders.services.fulfilment import pack_item, ship_shipment, start_picking
from orders.services.intake import place_order


def allocated_shipment(shop, sku="VALVE", quantity=1):
    shop["stock_of"](shop["products"][sku], shop["sh"], on_hand=100)
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                           lines=[{"sku": sku, "quantity": quantity}])
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED
    return order.shipments.get()


def packed_shipment(shop, sku="VALVE"):
    shipment = allocated_shipment(shop, sku)
    start_picking(actor=shop["warehouse"], shipments=[shipment])
    pack_item(actor=shop["warehouse"], shipment=shipment, code=sku)
    shipment.refresh_from_db()
    return shipment


def shipped_shipment(shop, sku="VALVE", tracking_number="SF1234567890"):
    shipment = packed_shipment(shop, sku)
    return ship_shipment(actor=shop["warehouse"], shipment=shipment, carrier="SF Express",
                         tracking_number=tracking_number)
