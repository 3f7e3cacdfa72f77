"""Console purchase-order pages: create, send, receive in parts, cancel; closed POs refuse receipts."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from inventory.models import Product, PurchaseOrder, Stock, StockMovement
from inventory.services import cancel_purchase_order, create_purchase_order, receive_purchase_order, send_purchase_order
from tests.factories import ProductFactory, SupplierFactory, WarehouseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client, staff_user):
    user = staff_user("warehouse")
    client.force_login(user)
    return {"client": client, "user": user, "supplier": SupplierFactory(lead_time_days=7),
            "wh": WarehouseFactory(code="SH01"), "valve": ProductFactory(sku="BLV-015"),
            "pipe": ProductFactory(sku="PPR-020")}


def stock(product, wh):
    return Stock.objects.filter(product=product, warehouse=wh).first()


def create_data(s, rows, **extra):
    data = {"supplier": s["supplier"].pk, "warehouse": s["wh"].pk, "expected_date": "", "notes": "",
            "lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "5",
            **extra}
    for i, (sku, qty, cost) in enumerate(rows):
        data[f"lines-{i}-product"], data[f"lines-{i}-quantity"], data[f"lines-{i}-unit_cost"] = sku, qty, cost
    return data


def sent_po(s, lines=None):
    order = create_purchase_order(actor=None, supplier=s["supplier"], warehouse=s["wh"],
                                  lines=lines or [(s["valve"], 10, Decimal("8")), (s["pipe"], 5, Decimal("2"))])
    return send_purchase_order(actor=None, order=order)


def test_create_a_draft_purchase_order(setup):
    response = setup["client"].post(reverse("console:purchase_order_create"), create_data(
        setup, [("BLV-015", "10", "8.50"), ("PPR-020", "5", "")], expected_date="2030-01-15", notes="urgent"))
    order = PurchaseOrder.objects.get()
    assert response.status_code == 302 and response.url == reverse("console:purchase_order_detail", args=[order.pk])
    assert (order.status, order.expected_date, order.notes, order.created_by) == (
        "draft", date(2030, 1, 15), "urgent", setup["user"])
    lines = {ln.product.sku: ln for ln in order.lines.all()}
    assert (lines["BLV-015"].quantity, lines["BLV-015"].unit_cost) == (10, Decimal("8.5000"))
    assert lines["PPR-020"].unit_cost == setup["pipe"].average_cost  # empty cost: the average cost
    assert not Stock.objects.filter(incoming__gt=0).exists()


@pytest.mark.parametrize("row,field,message", [
    (("BLV-015", "0", "1"), "quantity", "Enter a quantity of at least 1."),
    (("BLV-015", "-4", "1"), "quantity", "Enter a quantity of at least 1."),
    (("BLV-015", "2.5", "1"), "quantity", "Enter a whole number of units."),
    (("BLV-015", "5000000", "1"), "quantity", "At most 1000000 units can be entered at once."),
    (("BLV-015", "3", "-1"), "unit_cost", "The unit cost cannot be negative."),
    (("GHOST", "3", "1"), "product", "No product has the SKU or barcode “GHOST”."),
])
def test_bad_lines_show_a_message_and_write_nothing(setup, row, field, message):
    response = setup["client"].post(reverse("console:purchase_order_create"), create_data(setup, [row]))
    assert response.status_code == 200
    assert response.context["lines"].forms[0].errors[field] == [message]
    assert message in response.content.decode()
    assert not PurchaseOrder.objects.exists()


def test_inactive_product_cannot_be_ordered(setup):
    Product.objects.filter(pk=setup["valve"].pk).update(active=False)
    response = setup["client"].post(reverse("console:purchase_order_create"), create_data(setup, [("BLV-015", "1", "")]))
    assert response.context["lines"].forms[0].errors["product"] == [
        "BLV-015 is inactive: activate it before moving its stock."]
    assert not PurchaseOrder.objects.exists()


def test_send_receive_in_parts_then_the_po_is_closed(setup):
    c, wh, valve, pipe = setup["client"], setup["wh"], setup["valve"], setup["pipe"]
    order = create_purchase_order(actor=None, supplier=setup["supplier"], warehouse=wh,
                                  lines=[(valve, 10, Decimal("8")), (pipe, 5, Decimal("2"))])
    c.post(reverse("console:purchase_order_send", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == "sent" and stock(valve, wh).incoming == 10
    lines = {ln.product.sku: ln for ln in order.lines.all()}
    url = reverse("console:purchase_order_receive", args=[order.pk])

    response = c.post(url, {f"line_{lines['BLV-015'].pk}": "6", f"line_{lines['PPR-020'].pk}": "", "reason": "dock 2"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == "partially_received"
    assert (stock(valve, wh).on_hand, stock(valve, wh).incoming) == (6, 4)
    m = StockMovement.objects.get()
    assert (m.kind, m.on_hand_delta, m.unit_cost, m.ref_id, m.reason, m.user) == (
        "receipt", 6, Decimal("8.0000"), order.number, "dock 2", setup["user"])

    response = c.post(url, {f"line_{lines['BLV-015'].pk}": "4", f"line_{lines['PPR-020'].pk}": "5"}, follow=True)
    assert "fully received" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "received" and stock(pipe, wh).on_hand == 5 and stock(valve, wh).incoming == 0


@pytest.mark.parametrize("close", ["receive", "cancel"])
def test_receiving_against_a_closed_po_is_a_clear_error(setup, close):
    order = sent_po(setup)
    lines = list(order.lines.all())
    if close == "receive":
        receive_purchase_order(actor=None, order=order)
    else:
        cancel_purchase_order(actor=None, order=order)
    before = StockMovement.objects.count()
    response = setup["client"].post(reverse("console:purchase_order_receive", args=[order.pk]),
                                    {f"line_{ln.pk}": "1" for ln in lines})
    assert response.status_code == 200
    status = "Received" if close == "receive" else "Cancelled"
    assert f"Purchase order {order.number} is {status}: that cannot be done now." in response.content.decode()
    assert StockMovement.objects.count() == before


@pytest.mark.parametrize("quantity,message", [
    ("11", "BLV-015: 11 received but only 10 still expected."),
    ("-1", "The quantity cannot be negative."),
    ("1.5", "Enter a whole number of units."),
    ("", "Enter the quantity received for at least one line."),
])
def test_bad_receipts_write_nothing(setup, quantity, message):
    order = sent_po(setup, lines=[(setup["valve"], 10, Decimal("8"))])
    line = order.lines.get()
    response = setup["client"].post(reverse("console:purchase_order_receive", args=[order.pk]),
                                    {f"line_{line.pk}": quantity})
    assert response.status_code == 200 and message in response.content.decode()
    assert not StockMovement.objects.exists() and stock(setup["valve"], setup["wh"]).incoming == 10


def test_cancel_a_sent_po_takes_back_what_was_incoming(setup):
    order = sent_po(setup)
    response = setup["client"].post(reverse("console:purchase_order_cancel", args=[order.pk]), follow=True)
    assert f"Purchase order {order.number} cancelled." in response.content.decode()
    assert stock(setup["valve"], setup["wh"]).incoming == 0


def test_sending_twice_is_a_message(setup):
    order = sent_po(setup)
    response = setup["client"].post(reverse("console:purchase_order_send", args=[order.pk]), follow=True)
    assert "is Sent: that cannot be done now." in response.content.decode()
    assert stock(setup["valve"], setup["wh"]).incoming == 10


def test_detail_and_list(setup):
    order = sent_po(setup)
    c = setup["client"]
    html = c.get(reverse("console:purchase_order_detail", args=[order.pk])).content.decode()
    assert "BLV-015" in html and "¥90.00" in html  # 10 × 8 + 5 × 2
    draft = create_purchase_order(actor=None, supplier=setup["supplier"], warehouse=setup["wh"],
                                  lines=[(setup["valve"], 1, Decimal("1"))])
    url = reverse("console:purchase_order_list")
    assert [o.number for o in c.get(url).context["page"].items] == [draft.number, order.number]
    assert [o.number for o in c.get(url, {"status": "sent"}).context["page"].items] == [order.number]


def test_permissions(client, staff_user, setup):
    order = create_purchase_order(actor=None, supplier=setup["supplier"], warehouse=setup["wh"],
                                  lines=[(setup["valve"], 1, Decimal("1"))])
    client.force_login(staff_user("finance"))
    assert client.get(reverse("console:purchase_order_list")).status_code == 403
    assert client.get(reverse("console:purchase_order_create")).status_code == 403
    assert client.post(reverse("console:purchase_order_create"), create_data(setup, [("BLV-015", "1", "")])).status_code == 403
    for name in ("console:purchase_order_send", "console:purchase_order_cancel", "console:purchase_order_receive"):
        assert client.post(reverse(name, args=[order.pk])).status_code == 403
    client.force_login(staff_user("sales"))  # may look, not buy
    assert client.get(reverse("console:purchase_order_detail", args=[order.pk])).status_code == 200
    assert client.post(reverse("console:purchase_order_send", args=[order.pk])).status_code == 403
    order.refresh_from_db()
    assert order.status == "draft" and PurchaseOrder.objects.count() == 1
