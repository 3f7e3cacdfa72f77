"""Warehouse screens: shipments to work, start picking a wave, pick lists, scan-to-pack (right
and wrong items), ship with tracking, and the PDFs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.models import Shipment, Status
from orders.services.fulfilment import start_picking
from orders.services.intake import place_order

pytestmark = pytest.mark.django_db
LIST = reverse("console:fulfilment")


def url(name, obj):
    return reverse(f"console:{name}", args=[obj.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def floor(client, shop):
    valve, tape = shop["products"]["VALVE"], shop["products"]["TAPE"]
    valve.barcode, tape.barcode = "6901234567892", "4006381333931"
    valve.save(), tape.save()
    shop["stock_of"](valve, shop["sh"], on_hand=100)
    shop["stock_of"](tape, shop["sh"], on_hand=100)
    shop["stock_of"](tape, shop["gz"], on_hand=100)
    client.force_login(shop["warehouse"])
    return shop


def allocated(shop, lines):
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console", lines=lines)
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED
    return order


@pytest.fixture
def two_orders(floor):
    a = allocated(floor, [{"sku": "VALVE", "quantity": 2}, {"sku": "TAPE", "quantity": 1}])
    b = allocated(floor, [{"sku": "VALVE", "quantity": 1}])
    return a, b


# --- the list and waves ----------------------------------------------------------------------

def test_the_list_shows_shipments_to_work_and_filters_by_warehouse(client, two_orders, floor):
    a, b = two_orders
    response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert a.shipments.get().number in html and b.shipments.get().number in html
    fragment = client.get(LIST, {"warehouse": floor["gz"].pk}, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and a.shipments.get().number not in fragment


def test_start_picking_a_wave(client, two_orders):
    a, b = two_orders
    sa, sb = a.shipments.get(), b.shipments.get()
    response = client.post(reverse("console:fulfilment_start_picking"), {"shipment": [sa.pk, sb.pk]}, follow=True)
    sa.refresh_from_db(), sb.refresh_from_db(), a.refresh_from_db(), b.refresh_from_db()
    assert sa.status == sb.status == Shipment.Status.PICKING
    assert a.status == b.status == Status.PICKING
    assert any(m.startswith("Picking started for 2 shipments") for m in messages_of(response))


def test_start_picking_skips_shipments_already_on_the_floor(client, two_orders, floor):
    a, b = two_orders
    sa, sb = a.shipments.get(), b.shipments.get()
    start_picking(actor=floor["warehouse"], shipments=[sa])
    response = client.post(reverse("console:fulfilment_start_picking"), {"shipment": [sa.pk, sb.pk]}, follow=True)
    sb.refresh_from_db()
    assert sb.status == Shipment.Status.PICKING
    msgs = messages_of(response)
    assert any(m.startswith("Picking started for 1 shipment:") for m in msgs)
    assert any("was not waiting to be picked" in m for m in msgs)


def test_start_picking_with_nothing_selected(client, two_orders):
    response = client.post(reverse("console:fulfilment_start_picking"), {}, follow=True)
    assert "Select at least one shipment that is still to pick." in messages_of(response)


def is_pdf(response, filename_start):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'inline; filename="{filename_start}')
    assert response.content.startswith(b"%PDF")


def test_pick_lists_for_a_wave_an_order_a_zone_and_the_batch(client, two_orders, floor):
    a, b = two_orders
    ids = [a.shipments.get().pk, b.shipments.get().pk]
    is_pdf(client.post(reverse("console:pick_list"), {"shipment": ids}), "pick-list-")
    is_pdf(client.get(reverse("console:pick_list"), {"order": a.pk}), "pick-list-")
    is_pdf(client.get(reverse("console:pick_list"), {"warehouse": floor["sh"].pk}), "pick-list-")
    is_pdf(client.get(reverse("console:pick_list")), "pick-list-")
    empty = client.get(reverse("console:pick_list"), {"warehouse": floor["gz"].pk}, follow=True)
    assert "Nothing to pick: select shipments first." in messages_of(empty)


def test_the_list_costs_the_same_queries_for_many_shipments(client, floor):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    allocated(floor, [{"sku": "VALVE", "quantity": 1}])
    few = count()
    for _ in range(8):
        allocated(floor, [{"sku": "VALVE", "quantity": 1}, {"sku": "TAPE", "quantity": 1}])
    assert count() == few


# --- scan to pack ----------------------------------------------------------------------------

@pytest.fixture
def picking(floor):
    order = allocated(floor, [{"sku": "VALVE", "quantity": 2}, {"sku": "TAPE", "quantity": 1}])
    shipment = order.shipments.get()
    start_picking(actor=floor["warehouse"], shipments=[shipment])
    return order, shipment


def scan(client, shipment, code, **extra):
    return client.post(url("shipment_scan", shipment), {"code": code, **extra}, headers={"HX-Request": "true"})


def test_the_packing_screen_has_an_autofocused_scan_box(client, picking):
    _order, shipment = picking
    html = client.get(url("shipment_detail", shipment)).content.decode()
    assert 'name="code"' in html and "autofocus" in html
    assert "0 of 3 units packed" in html


def test_scan_the_right_items_then_ship(client, picking, floor):
    order, shipment = picking
    r = scan(client, shipment, "6901234567892")  # the valve's barcode
    html = r.content.decode()
    assert r.status_code == 200 and "<html" not in html and 'id="packing"' in html
    assert "Packed VALVE: 1 of 2." in html and "1 of 3 units packed" in html
    scan(client, shipment, "valve")  # a typed SKU, any case
    r = scan(client, shipment, "TAPE")
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.PACKED
    html = r.content.decode()
    assert 'id="shipment-status"' in html and 'hx-swap-oob="true"' in html  # the header badge follows
    assert url("shipment_ship", shipment) in html  # the ship form appears

    response = client.post(url("shipment_ship", shipment), {
        "carrier": "SF Express", "service": "Standard", "tracking_number": "SF1234567890", "cost": "18.50"}, follow=True)
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.status == Shipment.Status.SHIPPED and shipment.tracking_number == "SF1234567890"
    assert str(shipment.cost) == "18.50" and shipment.service == "Standard"
    assert order.status == Status.SHIPPED
    assert f"{shipment.number} shipped with SF Express, tracking number SF1234567890." in messages_of(response)

    client.force_login(floor["sales"])
    html = client.get(url("order_detail", order)).content.decode()
    assert 'data-status="shipped"' in html and "SF1234567890" in html


def test_a_wrong_item_is_refused_with_a_clear_error(client, picking):
    _order, shipment = picking
    r = scan(client, shipment, "9999999999999")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'data-scan="error"' in html and "“9999999999999” is not in shipment" in html and "put it back" in html
    assert "0 of 3 units packed" in html
    assert sum(shipment.lines.values_list("packed_quantity", flat=True)) == 0


def test_packing_more_than_ordered_is_refused(client, picking):
    _order, shipment = picking
    scan(client, shipment, "TAPE")
    html = scan(client, shipment, "TAPE").content.decode()
    assert "TAPE is already fully packed (1)." in html
    assert shipment.lines.get(order_line__product__sku="TAPE").packed_quantity == 1


def test_a_scan_of_zero_units_says_why_nothing_was_packed(client, picking):
    _order, shipment = picking
    html = scan(client, shipment, "VALVE", quantity="0").content.decode()
    assert 'data-scan="error"' in html and "greater than or equal to 1" in html
    assert 'data-scan-form novalidate' in html  # the browser lets the server answer


def test_scan_with_a_quantity(client, picking):
    _order, shipment = picking
    html = scan(client, shipment, "VALVE", quantity="2").content.decode()
    assert "Packed VALVE: 2 of 2." in html


def test_take_units_back_out_of_a_packed_box(client, picking, floor):
    order, shipment = picking
    scan(client, shipment, "VALVE", quantity="2")
    scan(client, shipment, "TAPE")
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.status == Shipment.Status.PACKED and order.status == Status.PACKED
    valve = shipment.lines.get(order_line__product__sku="VALVE")
    html = client.get(url("shipment_detail", shipment)).content.decode()
    assert url("shipment_unpack", shipment) in html and f'id="unpack-{valve.pk}"' in html

    unpack = url("shipment_unpack", shipment)
    too_many = client.post(unpack, {"line": valve.pk, "quantity": "3"}, headers={"HX-Request": "true"}).content.decode()
    assert "Only 2 VALVE are in the box." in too_many
    assert "This field is required." in client.post(unpack, {"line": valve.pk}, headers={"HX-Request": "true"}).content.decode()
    other = allocated(floor, [{"sku": "TAPE", "quantity": 1}]).shipments.get().lines.get()
    assert "That line is not in shipment" in client.post(unpack, {"line": other.pk, "quantity": "1"},
                                                          headers={"HX-Request": "true"}).content.decode()

    html = client.post(unpack, {"line": valve.pk, "quantity": "1"}, headers={"HX-Request": "true"}).content.decode()
    assert "Took out 1 VALVE: 1 of 2 packed." in html and "2 of 3 units packed" in html
    assert 'hx-swap-oob="true"' in html and 'data-status="picking"' in html  # the badge follows
    assert url("shipment_ship", shipment) not in html  # no shipping a box that is short
    shipment.refresh_from_db()
    order.refresh_from_db()
    assert shipment.status == Shipment.Status.PICKING and order.status == Status.PICKING
    assert order.events.filter(message=f"1 × VALVE taken out of shipment {shipment.number}.").exists()

    scan(client, shipment, "VALVE")  # the replacement unit
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.PACKED


def test_nothing_is_taken_out_of_a_shipped_box(client, picking):
    _order, shipment = picking
    scan(client, shipment, "VALVE", quantity="2")
    scan(client, shipment, "TAPE")
    client.post(url("shipment_ship", shipment), {"carrier": "SF Express", "tracking_number": "SF1"})
    line = shipment.lines.get(order_line__product__sku="TAPE")
    response = client.post(url("shipment_unpack", shipment), {"line": line.pk, "quantity": "1"}, follow=True)
    assert any("cannot be done now" in m for m in messages_of(response))
    line.refresh_from_db()
    assert line.packed_quantity == 1


def test_scan_without_htmx_redirects_with_a_message(client, picking):
    _order, shipment = picking
    response = client.post(url("shipment_scan", shipment), {"code": "nope"}, follow=True)
    assert response.redirect_chain[-1][0] == url("shipment_detail", shipment)
    assert any("is not in shipment" in m for m in messages_of(response))


def test_ship_needs_a_tracking_number(client, picking):
    _order, shipment = picking
    for code in ("VALVE", "VALVE", "TAPE"):
        scan(client, shipment, code)
    response = client.post(url("shipment_ship", shipment), {"carrier": "ZTO Express", "tracking_number": ""})
    assert response.status_code == 200
    assert response.context["ship_form"].errors["tracking_number"] == ["Enter the tracking number."]
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.PACKED
    everything = client.post(url("shipment_ship", shipment), {"carrier": " ", "tracking_number": "", "cost": "-1"})
    assert everything.context["ship_form"].errors == {  # every problem at once, each on its field
        "carrier": ["Choose the carrier."], "tracking_number": ["Enter the tracking number."],
        "cost": ["The cost cannot be negative."]}


def test_shipping_before_packing_is_refused(client, picking):
    _order, shipment = picking
    response = client.post(url("shipment_ship", shipment), {"carrier": "ZTO Express", "tracking_number": "Z1"})
    assert response.status_code == 200
    assert "cannot be done now" in " ".join(response.context["ship_form"].non_field_errors())


# --- documents -------------------------------------------------------------------------------

def test_packing_slip_and_label_are_pdfs(client, picking):
    _order, shipment = picking
    is_pdf(client.get(url("packing_slip", shipment)), f"packing-slip-{shipment.number}.pdf")
    is_pdf(client.get(url("shipping_label", shipment)), f"label-{shipment.number}.pdf")


# --- who may -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["sales", "finance", "sales_manager"])
def test_only_warehouse_roles_work_the_floor(client, picking, staff_user, role):
    _order, shipment = picking
    client.force_login(staff_user(role))
    assert client.get(LIST).status_code == 403
    assert client.get(url("shipment_detail", shipment)).status_code == 403
    assert scan(client, shipment, "VALVE").status_code == 403
    line = shipment.lines.get(order_line__product__sku="VALVE")
    assert client.post(url("shipment_unpack", shipment), {"line": line.pk, "quantity": "1"}).status_code == 403
    assert client.get(url("packing_slip", shipment)).status_code == 403
    assert shipment.lines.get(order_line__product__sku="VALVE").packed_quantity == 0


def test_a_held_orders_shipment_is_shown_held_and_not_offered_for_picking(client, two_orders, floor):
    from orders.services.changes import hold_order

    held, other = two_orders
    hold_order(actor=floor["sales"], order=held, reason="Customer asked to wait")
    shipment = held.shipments.get()
    html = client.get(LIST).content.decode()
    row = html.split(f">{shipment.number}<")[0].rsplit("<tr", 1)[1]
    assert f'value="{shipment.pk}"' not in row and "data-order-held" in html.split(f">{shipment.number}<")[1].split("</tr>")[0]
    assert f'value="{other.shipments.get().pk}"' in html  # the other is offered as before
    detail = client.get(url("shipment_detail", shipment)).content.decode()
    assert "is on hold: it cannot be picked" in detail and "fulfilment_start_picking" not in detail
    assert reverse("console:fulfilment_start_picking") not in detail
