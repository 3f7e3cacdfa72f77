"""Console transfer pages: create a draft, ship, cancel, receive in parts; bad input writes nothing."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import Product, Stock, StockMovement, Transfer
from inventory.services import create_transfer, ship_transfer
from tests.factories import ProductFactory, WarehouseFactory, stock_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client, staff_user):
    user = staff_user("warehouse")
    client.force_login(user)
    src, dst = WarehouseFactory(code="SH01"), WarehouseFactory(code="BJ01")
    valve, pipe = ProductFactory(sku="BLV-015"), ProductFactory(sku="PPR-020")
    stock_of(valve, src, on_hand=50)
    stock_of(pipe, src, on_hand=20)
    return {"client": client, "user": user, "src": src, "dst": dst, "valve": valve, "pipe": pipe}


def stock(product, wh):
    return Stock.objects.filter(product=product, warehouse=wh).first()


def create_data(src, dst, rows, reason="rebalance"):
    data = {"source": src.pk, "destination": dst.pk, "reason": reason,
            "lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "5"}
    for i, (sku, qty) in enumerate(rows):
        data[f"lines-{i}-product"], data[f"lines-{i}-quantity"] = sku, qty
    return data


def test_create_a_draft_transfer(setup):
    c = setup["client"]
    response = c.post(reverse("console:transfer_create"),
                      create_data(setup["src"], setup["dst"], [("BLV-015", "10"), ("PPR-020", "4")]))
    transfer = Transfer.objects.get()
    assert response.status_code == 302 and response.url == reverse("console:transfer_detail", args=[transfer.pk])
    assert transfer.status == "draft" and transfer.created_by == setup["user"] and transfer.reason == "rebalance"
    assert sorted((ln.product.sku, ln.quantity) for ln in transfer.lines.all()) == [("BLV-015", 10), ("PPR-020", 4)]
    assert StockMovement.objects.filter(kind__startswith="transfer").count() == 0  # a draft moves nothing


def test_the_create_form_is_prefilled_from_the_stock_card(setup):
    response = setup["client"].get(reverse("console:transfer_create"),
                                   {"product": "BLV-015", "source": setup["src"].pk})
    assert response.context["form"]["source"].value() == setup["src"].pk
    assert response.context["lines"].forms[0]["product"].value() == "BLV-015"
    assert len(response.context["lines"].forms) == 5


def test_same_warehouse_is_a_clear_error_and_writes_nothing(setup):
    response = setup["client"].post(reverse("console:transfer_create"),
                                    create_data(setup["src"], setup["src"], [("BLV-015", "10")]))
    assert response.status_code == 200
    assert response.context["form"].errors["destination"] == ["A transfer goes between two different warehouses."]
    assert "A transfer goes between two different warehouses." in response.content.decode()
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("rows,field,message", [
    ([("BLV-015", "0")], "quantity", "Enter a quantity of at least 1."),
    ([("BLV-015", "-2")], "quantity", "Enter a quantity of at least 1."),
    ([("BLV-015", "1.5")], "quantity", "Enter a whole number of units."),
    ([("BLV-015", "99999999")], "quantity", "At most 1000000 units can be entered at once."),
    ([("BLV-015", "")], "quantity", "Enter the quantity."),
    ([("", "3")], "product", "Enter the SKU or barcode."),
    ([("NOPE", "3")], "product", "No product has the SKU or barcode “NOPE”."),
])
def test_bad_lines_show_a_message_on_the_line_and_write_nothing(setup, rows, field, message):
    response = setup["client"].post(reverse("console:transfer_create"), create_data(setup["src"], setup["dst"], rows))
    assert response.status_code == 200
    assert response.context["lines"].forms[0].errors[field] == [message]
    assert not Transfer.objects.exists()


def test_an_inactive_product_or_no_lines_at_all_is_refused(setup):
    c = setup["client"]
    Product.objects.filter(pk=setup["pipe"].pk).update(active=False)
    response = c.post(reverse("console:transfer_create"), create_data(setup["src"], setup["dst"], [("PPR-020", "1")]))
    assert response.context["lines"].forms[0].errors["product"] == [
        "PPR-020 is inactive: activate it before moving its stock."]
    response = c.post(reverse("console:transfer_create"), create_data(setup["src"], setup["dst"], []))
    assert response.context["lines"].non_form_errors() == ["Add at least one product."]
    assert not Transfer.objects.exists()


def test_ship_then_receive_in_two_parts(setup):
    c, src, dst, valve = setup["client"], setup["src"], setup["dst"], setup["valve"]
    transfer = create_transfer(actor=None, source=src, destination=dst, lines=[(valve, 10), (setup["pipe"], 4)])
    lines = {ln.product.sku: ln for ln in transfer.lines.all()}

    response = c.post(reverse("console:transfer_ship", args=[transfer.pk]), follow=True)
    assert "Transfer %s shipped" % transfer.number in response.content.decode()
    assert (stock(valve, src).on_hand, stock(valve, dst).in_transit) == (40, 10)
    html = c.get(reverse("console:transfer_detail", args=[transfer.pk])).content.decode()
    assert f'name="line_{lines["BLV-015"].pk}"' in html  # the receive form is offered

    url = reverse("console:transfer_receive", args=[transfer.pk])
    response = c.post(url, {f"line_{lines['BLV-015'].pk}": "6", f"line_{lines['PPR-020'].pk}": "0"})
    assert response.status_code == 302
    transfer.refresh_from_db()
    assert transfer.status == "partially_received"
    assert (stock(valve, dst).on_hand, stock(valve, dst).in_transit) == (6, 4)
    m = StockMovement.objects.filter(kind="transfer_in").get()
    assert (m.on_hand_delta, m.ref_id, m.user) == (6, transfer.number, setup["user"])

    response = c.post(url, {f"line_{lines['BLV-015'].pk}": "4", f"line_{lines['PPR-020'].pk}": "4"}, follow=True)
    assert "fully received" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == "received" and stock(valve, dst).on_hand == 10 and stock(valve, dst).in_transit == 0


@pytest.mark.parametrize("quantity,message", [
    ("7", "BLV-015: 7 received but only 5 still on the way."),
    ("-1", "The quantity cannot be negative."),
    ("2.5", "Enter a whole number of units."),
    ("0", "Enter the quantity received for at least one line."),
])
def test_bad_receipts_show_a_message_and_write_nothing(setup, quantity, message):
    transfer = create_transfer(actor=None, source=setup["src"], destination=setup["dst"], lines=[(setup["valve"], 5)])
    ship_transfer(actor=None, transfer=transfer)
    line = transfer.lines.get()
    before = StockMovement.objects.count()
    response = setup["client"].post(reverse("console:transfer_receive", args=[transfer.pk]),
                                    {f"line_{line.pk}": quantity})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert StockMovement.objects.count() == before and stock(setup["valve"], setup["dst"]).on_hand == 0


def test_shipping_more_than_available_is_a_message_not_a_crash(setup):
    transfer = create_transfer(actor=None, source=setup["src"], destination=setup["dst"], lines=[(setup["valve"], 60)])
    response = setup["client"].post(reverse("console:transfer_ship", args=[transfer.pk]), follow=True)
    assert "Only 50 of BLV-015 available at SH01; 60 requested." in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == "draft" and stock(setup["valve"], setup["src"]).on_hand == 50


def test_cancel_a_draft_but_not_a_shipped_transfer(setup):
    c = setup["client"]
    draft = create_transfer(actor=None, source=setup["src"], destination=setup["dst"], lines=[(setup["valve"], 1)])
    c.post(reverse("console:transfer_cancel", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == "cancelled"
    shipped = create_transfer(actor=None, source=setup["src"], destination=setup["dst"], lines=[(setup["valve"], 1)])
    ship_transfer(actor=None, transfer=shipped)
    response = c.post(reverse("console:transfer_cancel", args=[shipped.pk]), follow=True)
    assert "that cannot be done now" in response.content.decode()
    shipped.refresh_from_db()
    assert shipped.status == "in_transit"


def test_receiving_a_cancelled_transfer_is_refused(setup):
    draft = create_transfer(actor=None, source=setup["src"], destination=setup["dst"], lines=[(setup["valve"], 1)])
    setup["client"].post(reverse("console:transfer_cancel", args=[draft.pk]))
    line = draft.lines.get()
    response = setup["client"].post(reverse("console:transfer_receive", args=[draft.pk]), {f"line_{line.pk}": "1"})
    assert response.status_code == 200 and "is Cancelled: that cannot be done now" in response.content.decode()
    assert not StockMovement.objects.filter(kind="transfer_in").exists()


def test_list_filters_by_status_and_pages_newest_first(setup):
    src, dst, valve = setup["src"], setup["dst"], setup["valve"]
    made = [create_transfer(actor=None, source=src, destination=dst, lines=[(valve, 1)]) for _ in range(5)]
    ship_transfer(actor=None, transfer=made[0])
    c, url = setup["client"], reverse("console:transfer_list")
    assert [t.number for t in c.get(url, {"status": "in_transit"}).context["page"].items] == [made[0].number]
    page = c.get(url).context["page"]
    assert [t.pk for t in page.items] == [t.pk for t in reversed(made)]
    fragment = c.get(url, {"status": "draft"}, headers={"HX-Request": "true"}).content.decode()
    assert made[1].number in fragment and made[0].number not in fragment and "<html" not in fragment


def test_list_query_count_is_bounded(setup):
    src, dst, valve = setup["src"], setup["dst"], setup["valve"]

    def count():
        with CaptureQueriesContext(connection) as ctx:
            setup["client"].get(reverse("console:transfer_list"))
        return len(ctx.captured_queries)

    create_transfer(actor=None, source=src, destination=dst, lines=[(valve, 1)])
    few = count()
    for _ in range(20):
        create_transfer(actor=None, source=src, destination=dst, lines=[(valve, 1), (setup["pipe"], 2)])
    assert count() == few


def test_permissions(client, staff_user, setup):
    transfer = create_transfer(actor=None, source=setup["src"], destination=setup["dst"], lines=[(setup["valve"], 1)])
    client.force_login(staff_user("finance"))
    for name, args in [("console:transfer_list", []), ("console:transfer_create", []),
                       ("console:transfer_detail", [transfer.pk])]:
        assert client.get(reverse(name, args=args)).status_code == 403
    for name in ("console:transfer_ship", "console:transfer_cancel", "console:transfer_receive"):
        assert client.post(reverse(name, args=[transfer.pk])).status_code == 403
    assert client.post(reverse("console:transfer_create"),
                       create_data(setup["src"], setup["dst"], [("BLV-015", "1")])).status_code == 403
    client.force_login(staff_user("sales"))  # may look, not act
    assert client.get(reverse("console:transfer_detail", args=[transfer.pk])).status_code == 200
    assert client.post(reverse("console:transfer_ship", args=[transfer.pk])).status_code == 403
    transfer.refresh_from_db()
    assert transfer.status == "draft" and Transfer.objects.count() == 1
