"""Console stock pages: the overview, the stock card, receive / adjust / count forms and the
low-stock board. Forms go through the services; bad input shows a message and writes nothing."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import Product, PurchaseOrder, Stock, StockMovement, Transfer
from inventory.services import reserve_stock
from tests.factories import (
    CategoryFactory, ProductFactory, StaffFactory, SupplierFactory, WarehouseFactory, stock_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def wh():
    return WarehouseFactory(code="SH01", name="Shanghai")


@pytest.fixture
def product():
    return ProductFactory(sku="BLV-015", name="Brass ball valve DN15")


@pytest.fixture
def warehouse_client(client, staff_user):
    user = staff_user("warehouse")
    client.force_login(user)
    client.user = user
    return client


def stock_row(product, wh):
    return Stock.objects.filter(product=product, warehouse=wh).first()


def errors_of(response, field=None):
    form = response.context["form"]
    return form.errors.get(field, []) if field else form.non_field_errors()


# --- stock overview -------------------------------------------------------------------------

def test_overview_lists_stock_with_figures_and_valuation(warehouse_client, wh, product):
    stock_of(product, wh, on_hand=30, reorder_point=40)
    other = ProductFactory(sku="PPR-020", name="PPR pipe")
    stock_of(other, wh, on_hand=5)
    html = warehouse_client.get(reverse("console:stock_list")).content.decode()
    assert "BLV-015" in html and "PPR-020" in html
    assert reverse("console:stock_card", args=[product.pk]) in html
    assert "status-low" in html  # 30 available <= reorder point 40
    assert "Stock value by warehouse" in html and "¥350.00" in html  # 35 units × ¥10


def test_overview_filters_and_htmx_returns_only_the_results(warehouse_client, wh, product):
    wh2 = WarehouseFactory(code="BJ01")
    stock_of(product, wh, on_hand=30, reorder_point=40)
    pipe = ProductFactory(sku="PPR-020", name="PPR pipe", category=CategoryFactory())
    stock_of(pipe, wh2, on_hand=100, reorder_point=10)
    url = reverse("console:stock_list")

    def skus(**params):
        return [(s.product.sku, s.warehouse.code) for s in warehouse_client.get(url, params).context["page"].items]

    assert skus(q="valve") == [("BLV-015", "SH01")]
    assert skus(q=product.barcode) == [("BLV-015", "SH01")]
    assert skus(warehouse=wh2.pk) == [("PPR-020", "BJ01")]
    assert skus(category=pipe.category_id) == [("PPR-020", "BJ01")]
    assert skus(low="on") == [("BLV-015", "SH01")]
    fragment = warehouse_client.get(url, {"q": "pipe"}, headers={"HX-Request": "true"}).content.decode()
    assert "PPR-020" in fragment and "BLV-015" not in fragment and "<html" not in fragment


def test_overview_pages_walk_every_row_once_in_sku_then_warehouse_order(warehouse_client):
    whs = [WarehouseFactory(code=c) for c in ("A1", "B1", "C1")]
    for p in ProductFactory.create_batch(9):
        for w in whs:
            stock_of(p, w)
    seen, params = [], {"size": 4}
    while True:
        page = warehouse_client.get(reverse("console:stock_list"), params).context["page"]
        seen += [(s.product.sku, s.warehouse.code) for s in page.items]
        if not page.has_next:
            break
        params = {"size": 4, "after": page.next_after}
    assert len(seen) == 27 == len(set(seen)) and seen == sorted(seen)


def test_overview_ignores_a_mangled_cursor(warehouse_client, wh, product):
    stock_of(product, wh)
    for after in ("not json", '["only-one"]', "[1,2,3]"):
        response = warehouse_client.get(reverse("console:stock_list"), {"after": after})
        assert response.status_code == 200 and len(response.context["page"].items) == 1


def queries_for(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx.captured_queries)


def test_overview_costs_the_same_queries_whatever_the_rows_or_page_size(warehouse_client):
    whs = [WarehouseFactory(), WarehouseFactory()]
    parent = CategoryFactory()

    def make(n):
        for _ in range(n):
            p = ProductFactory(category=CategoryFactory(parent=parent))
            for w in whs:
                stock_of(p, w, reorder_point=5)

    make(2)
    url = reverse("console:stock_list")
    filters = {"size": 200, "low": "on", "category": parent.pk, "warehouse": whs[0].pk}
    few, few_filtered = queries_for(warehouse_client, url), queries_for(warehouse_client, url, filters)
    make(40)
    many = queries_for(warehouse_client, url)
    small_page = queries_for(warehouse_client, url, {"size": 5})
    big_page = queries_for(warehouse_client, url, {"size": 200})
    assert few == many == small_page == big_page <= 10
    # each chosen filter is looked up once, whatever the rows
    assert queries_for(warehouse_client, url, filters) == few_filtered <= few + 2


def test_finance_cannot_see_stock(client, staff_user):
    client.force_login(staff_user("finance"))
    assert client.get(reverse("console:stock_list")).status_code == 403


# --- stock card ---------------------------------------------------------------------------

def test_stock_card_shows_warehouses_totals_value_reservations_and_ledger(warehouse_client, wh, product):
    wh2 = WarehouseFactory(code="BJ01")
    stock_of(product, wh, on_hand=30)
    stock_of(product, wh2, on_hand=10)
    reserve_stock(ref_type="order", ref_id="SO-77", lines=[(product.pk, wh.pk, 4)])
    response = warehouse_client.get(reverse("console:stock_card", args=[product.pk]))
    html = response.content.decode()
    assert response.context["totals"] == {"on_hand": 40, "reserved": 4, "incoming": 0, "in_transit": 0, "available": 36}
    assert "¥400.00" in html  # 40 × average cost ¥10
    assert "SO-77" in html and "opening stock" in html and "Reservation" in html
    # links to the forms come with the product and warehouse filled in
    assert f"{reverse('console:stock_adjust')}?product=BLV-015&amp;warehouse={wh.pk}" in html
    assert f"{reverse('console:stock_count')}?product=BLV-015&amp;warehouse={wh2.pk}" in html


def test_product_detail_links_to_the_stock_card(warehouse_client, product):
    html = warehouse_client.get(reverse("console:product_detail", args=[product.pk])).content.decode()
    assert reverse("console:stock_card", args=[product.pk]) in html


def test_stock_card_of_unknown_product_is_404(warehouse_client):
    assert warehouse_client.get(reverse("console:stock_card", args=[999999])).status_code == 404


# --- receive ------------------------------------------------------------------------------

def test_receive_form_is_prefilled_from_the_stock_card_link(warehouse_client, wh, product):
    response = warehouse_client.get(reverse("console:stock_receive"), {"product": "BLV-015", "warehouse": wh.pk})
    form = response.context["form"]
    assert form["product"].value() == "BLV-015" and form["warehouse"].value() == wh.pk


def test_receiving_raises_on_hand_writes_the_ledger_and_returns_to_the_card(warehouse_client, wh, product):
    response = warehouse_client.post(reverse("console:stock_receive"), {
        "warehouse": wh.pk, "product": "BLV-015", "quantity": "40", "unit_cost": "12.50", "reason": "Walk-in delivery",
    }, follow=True)
    assert response.redirect_chain[-1][0] == reverse("console:stock_card", args=[product.pk])
    assert "Received 40 × BLV-015 at SH01." in response.content.decode()
    assert stock_row(product, wh).on_hand == 40
    m = StockMovement.objects.get()
    assert (m.kind, m.on_hand_delta, m.reason, m.user, m.unit_cost) == (
        "receipt", 40, "Walk-in delivery", warehouse_client.user, Decimal("12.5000"))
    product.refresh_from_db()
    assert product.average_cost == Decimal("12.5000")


def test_receiving_by_barcode_finds_the_product(warehouse_client, wh, product):
    response = warehouse_client.post(reverse("console:stock_receive"), {
        "warehouse": wh.pk, "product": product.barcode, "quantity": "3", "reason": "scan"})
    assert response.status_code == 302 and stock_row(product, wh).on_hand == 3


@pytest.mark.parametrize("quantity,message", [
    ("0", "Enter a quantity of at least 1."),
    ("-5", "Enter a quantity of at least 1."),
    ("2.5", "Enter a whole number of units."),
    ("abc", "Enter a whole number of units."),
    ("10000001", "At most 1000000 units can be entered at once."),
    ("", "This field is required."),
])
def test_bad_receive_quantities_show_a_message_and_write_nothing(warehouse_client, wh, product, quantity, message):
    response = warehouse_client.post(reverse("console:stock_receive"), {
        "warehouse": wh.pk, "product": "BLV-015", "quantity": quantity, "reason": "x"})
    assert response.status_code == 200
    assert errors_of(response, "quantity") == [message]
    assert message in response.content.decode()
    assert not StockMovement.objects.exists() and not Stock.objects.exists()


def test_unknown_and_inactive_products_are_field_errors(warehouse_client, wh, product):
    response = warehouse_client.post(reverse("console:stock_receive"), {
        "warehouse": wh.pk, "product": "NOPE-1", "quantity": "1", "reason": "x"})
    assert errors_of(response, "product") == ["No product has the SKU or barcode “NOPE-1”."]
    Product.objects.filter(pk=product.pk).update(active=False)
    response = warehouse_client.post(reverse("console:stock_receive"), {
        "warehouse": wh.pk, "product": "BLV-015", "quantity": "1", "reason": "x"})
    assert response.status_code == 200
    assert errors_of(response, "product") == ["BLV-015 is inactive: activate it before moving its stock."]
    assert not StockMovement.objects.exists()


def test_a_blank_reason_is_refused(warehouse_client, wh, product):
    response = warehouse_client.post(reverse("console:stock_receive"), {
        "warehouse": wh.pk, "product": "BLV-015", "quantity": "1", "reason": "   "})
    assert response.status_code == 200 and errors_of(response, "reason")
    assert not StockMovement.objects.exists()


# --- adjust -------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,quantity,on_hand_after,ledger_kind", [
    ("adjustment_out", 3, 17, "adjustment"),
    ("adjustment_in", 3, 23, "adjustment"),
    ("return_restock", 2, 22, "return_restock"),
    ("quarantine", 5, 15, "quarantine"),
    ("scrap", 1, 19, "scrap"),
])
def test_adjustments_post_the_signed_movement(warehouse_client, wh, product, kind, quantity, on_hand_after, ledger_kind):
    stock_of(product, wh, on_hand=20)
    response = warehouse_client.post(reverse("console:stock_adjust"), {
        "warehouse": wh.pk, "product": "BLV-015", "kind": kind, "quantity": quantity, "reason": "shelf check"})
    assert response.status_code == 302 and response.url == reverse("console:stock_card", args=[product.pk])
    assert stock_row(product, wh).on_hand == on_hand_after
    m = StockMovement.objects.order_by("-id").first()
    assert (m.kind, m.on_hand_delta, m.user) == (ledger_kind, on_hand_after - 20, warehouse_client.user)


def test_adjusting_below_reserved_shows_the_message_and_writes_nothing(warehouse_client, wh, product):
    stock_of(product, wh, on_hand=10)
    reserve_stock(ref_type="order", ref_id="1", lines=[(product.pk, wh.pk, 8)])
    before = StockMovement.objects.count()
    response = warehouse_client.post(reverse("console:stock_adjust"), {
        "warehouse": wh.pk, "product": "BLV-015", "kind": "scrap", "quantity": "5", "reason": "broken"})
    assert response.status_code == 200
    assert errors_of(response, "quantity") == [
        "8 units are reserved for orders: on hand cannot go below that (it would be 5)."]
    assert "8 units are reserved for orders" in response.content.decode()
    assert stock_row(product, wh).on_hand == 10 and StockMovement.objects.count() == before


@pytest.mark.parametrize("quantity", ["0", "-3", "1.5", "1000001"])
def test_bad_adjust_quantities_write_nothing(warehouse_client, wh, product, quantity):
    stock_of(product, wh, on_hand=10)
    response = warehouse_client.post(reverse("console:stock_adjust"), {
        "warehouse": wh.pk, "product": "BLV-015", "kind": "adjustment_in", "quantity": quantity, "reason": "x"})
    assert response.status_code == 200 and errors_of(response, "quantity")
    assert stock_row(product, wh).on_hand == 10 and StockMovement.objects.count() == 1


# --- count --------------------------------------------------------------------------------

def test_a_count_sets_on_hand_and_records_the_difference(warehouse_client, wh, product):
    stock_of(product, wh, on_hand=20)
    response = warehouse_client.post(reverse("console:stock_count"), {
        "warehouse": wh.pk, "product": "BLV-015", "counted": "17", "reason": "cycle count A"}, follow=True)
    assert "Counted 17 × BLV-015 at SH01 (-3 on hand)." in response.content.decode()
    assert stock_row(product, wh).on_hand == 17
    m = StockMovement.objects.order_by("-id").first()
    assert (m.kind, m.on_hand_delta, m.on_hand_after) == ("cycle_count", -3, 17)


def test_a_count_of_zero_is_allowed_but_negative_is_not(warehouse_client, wh, product):
    stock_of(product, wh, on_hand=2)
    url = reverse("console:stock_count")
    response = warehouse_client.post(url, {"warehouse": wh.pk, "product": "BLV-015", "counted": "-1", "reason": "x"})
    assert errors_of(response, "counted") == ["The quantity cannot be negative."]
    assert stock_row(product, wh).on_hand == 2
    response = warehouse_client.post(url, {"warehouse": wh.pk, "product": "BLV-015", "counted": "0", "reason": "x"})
    assert response.status_code == 302 and stock_row(product, wh).on_hand == 0


def test_counting_below_reserved_is_refused_on_the_counted_field(warehouse_client, wh, product):
    stock_of(product, wh, on_hand=10)
    reserve_stock(ref_type="order", ref_id="1", lines=[(product.pk, wh.pk, 6)])
    response = warehouse_client.post(reverse("console:stock_count"), {
        "warehouse": wh.pk, "product": "BLV-015", "counted": "4", "reason": "x"})
    assert response.status_code == 200 and "6 units are reserved" in errors_of(response, "counted")[0]
    assert stock_row(product, wh).on_hand == 10


# --- permissions --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["console:stock_receive", "console:stock_adjust", "console:stock_count"])
def test_finance_and_sales_cannot_use_the_stock_forms(client, staff_user, wh, product, name):
    for role in ("finance", "sales"):
        client.force_login(staff_user(role))
        assert client.get(reverse(name)).status_code == 403
        response = client.post(reverse(name), {"warehouse": wh.pk, "product": "BLV-015", "quantity": "5",
                                               "counted": "5", "kind": "adjustment_in", "reason": "x"})
        assert response.status_code == 403
    assert not StockMovement.objects.exists()


def test_sales_may_look_but_sees_no_manage_links(client, staff_user, wh, product):
    stock_of(product, wh, on_hand=3)
    client.force_login(staff_user("sales"))
    html = client.get(reverse("console:stock_card", args=[product.pk])).content.decode()
    assert reverse("console:stock_adjust") not in html


def test_navigation_shows_inventory_to_those_who_may_see_it(client, staff_user):
    client.force_login(staff_user("warehouse"))
    html = client.get(reverse("console:home")).content.decode()
    for name in ("stock_list", "low_stock", "transfer_list", "purchase_order_list", "warehouse_list"):
        assert reverse(f"console:{name}") in html
    client.force_login(staff_user("finance"))
    html = client.get(reverse("console:home")).content.decode()
    assert reverse("console:stock_list") not in html and reverse("console:transfer_list") not in html


# --- low stock board ----------------------------------------------------------------------

def test_low_stock_board_lists_rows_at_or_below_reorder_point(warehouse_client, wh, product):
    stock_of(product, wh, on_hand=5, reorder_point=10, reorder_quantity=20)
    fine = ProductFactory(sku="OK-1")
    stock_of(fine, wh, on_hand=50, reorder_point=10)
    response = warehouse_client.get(reverse("console:low_stock"))
    assert [s.product.sku for s in response.context["page"].items] == ["BLV-015"]


def test_run_replenishment_drafts_and_the_board_confirms_them(warehouse_client, wh, product):
    supplier = SupplierFactory()
    Product.objects.filter(pk=product.pk).update(supplier=supplier)
    stock_of(product, wh, on_hand=5, reorder_point=10, reorder_quantity=20)
    donor_wh, valve = WarehouseFactory(code="GZ01"), ProductFactory(sku="VLV-2")
    stock_of(valve, wh, on_hand=1, reorder_point=5, reorder_quantity=4)
    stock_of(valve, donor_wh, on_hand=100)

    response = warehouse_client.post(reverse("console:low_stock_replenish"), follow=True)
    assert ("Replenishment checked 2 stock rows at or below their reorder point: 1 transfers and 1 purchase orders "
            "drafted.") in response.content.decode()
    transfer = Transfer.objects.get(is_replenishment=True)
    order = PurchaseOrder.objects.get(is_replenishment=True)
    assert response.context["transfers"] == [transfer] and response.context["purchase_orders"] == [order]

    board = reverse("console:low_stock")
    response = warehouse_client.post(reverse("console:transfer_ship", args=[transfer.pk]), {"next": board})
    assert response.status_code == 302 and response.url == board
    response = warehouse_client.post(reverse("console:purchase_order_send", args=[order.pk]), {"next": board})
    assert response.url == board
    transfer.refresh_from_db()
    order.refresh_from_db()
    assert (transfer.status, order.status) == ("in_transit", "sent")
    assert stock_row(valve, wh).in_transit == 4 and stock_row(product, wh).incoming == 20
    assert warehouse_client.get(board).context["transfers"] == []


def test_confirming_does_not_follow_an_offsite_next(warehouse_client, wh, product):
    donor = WarehouseFactory()
    stock_of(product, donor, on_hand=10)
    from inventory.services import create_transfer

    transfer = create_transfer(actor=None, source=donor, destination=wh, lines=[(product, 1)])
    response = warehouse_client.post(reverse("console:transfer_ship", args=[transfer.pk]),
                                     {"next": "https://evil.example.com/"})
    assert response.url == reverse("console:transfer_detail", args=[transfer.pk])


def test_only_purchasing_may_run_replenishment(client, staff_user):
    client.force_login(staff_user("sales"))
    assert client.get(reverse("console:low_stock")).status_code == 200
    assert client.post(reverse("console:low_stock_replenish")).status_code == 403
    client.force_login(StaffFactory(staff_role="warehouse"))
    assert client.get(reverse("console:low_stock_replenish")).status_code == 405
