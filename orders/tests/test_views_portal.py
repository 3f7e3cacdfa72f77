"""The portal's ordering pages through the test client: what a dealer sees, field errors,
garbage that never becomes a 500, CSRF, bounded queries, and the approval pages."""

import base64
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from oms.permissions import DealerRole
from orders.models import Cart, CartLine, Order, OrderEvent, Shipment, Status
from orders.services import cart as cart_service
from orders.services.intake import place_order
from orders.services.workflow import add_note
from tests.factories import PromotionFactory, dealer_user, ship_order


@pytest.fixture
def buyer(shop):
    return dealer_user(company=shop["company"], username="buyer", first_name="Li", last_name="Na")


@pytest.fixture
def signed_in(client, buyer):
    client.force_login(buyer)
    return client


def fill(user, shop, **quantities):
    cart_service.add_lines(actor=user, company=shop["company"],
                           lines=[(shop["products"][sku], q) for sku, q in quantities.items()])


def checkout_data(client, shop, **overrides):
    html = client.get(reverse("portal:checkout")).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', html).group(1)
    version = re.search(r'name="cart_version" value="([0-9a-f]+)"', html).group(1)
    return {"ship_to": shop["address"].pk, "payment_method": "on_account", "idempotency_key": key,
            "cart_version": version, "customer_po": "PO-1", "requested_date": "", "notes": "", **overrides}


# --- catalog and cart -------------------------------------------------------------------------

def test_catalog_shows_own_price_breaks_promotion_availability_and_add_button(signed_in, shop):
    from datetime import date

    from django.utils import timezone

    p = shop["products"]
    shop["stock_of"](p["VALVE"], shop["sh"], on_hand=50)
    shop["stock_of"](p["TAPE"], shop["sh"], on_hand=2)
    from tests.factories import PriceListItemFactory

    PriceListItemFactory(price_list=shop["plist"], product=p["PIPE"], min_quantity=100, unit_price=Decimal("18.00"))
    today = timezone.localdate()
    PromotionFactory(name="Valve week", product=p["VALVE"], value=Decimal("10"), starts_on=today,
                     ends_on=date(today.year + 1, 1, 1))

    html = signed_in.get(reverse("portal:catalog")).content.decode()

    valve = html.split('data-sku="VALVE"')[1].split("</article>")[0]
    assert "¥90.00" in valve and "¥100.00" in valve and "Valve week" in valve and "In stock" in valve
    pipe = html.split('data-sku="PIPE"')[1].split("</article>")[0]
    assert "from 10" in pipe and "¥20.00" in pipe and "from 100" in pipe and "¥18.00" in pipe and "Lead time" in pipe
    assert 'value="10" min="10" step="10"' in pipe  # quantity defaults to the pack size
    tape = html.split('data-sku="TAPE"')[1].split("</article>")[0]
    assert "Low stock" in tape
    assert reverse("portal:cart_add") in valve


def test_catalog_availability_follows_stock_while_the_page_is_open(signed_in, shop):
    from inventory.services import adjust_stock

    valve = shop["products"]["VALVE"]
    shop["stock_of"](valve, shop["sh"], on_hand=50)
    page = signed_in.get(reverse("portal:catalog")).content.decode()
    assert 'hx-trigger="every 20s"' in page and "availability=1" in page
    adjust_stock(actor=shop["warehouse"], product=valve, warehouse=shop["sh"], kind="scrap", quantity=49, reason="breakage")
    updates = signed_in.get(reverse("portal:catalog") + "?availability=1", HTTP_HX_REQUEST="true").content.decode()
    badge = updates.split(f'id="avail-{valve.pk}"')[0].rsplit("<p", 1)[1] + updates.split(f'id="avail-{valve.pk}"')[1].split("</p>")[0]
    assert 'hx-swap-oob="true"' in badge and "Low stock" in badge
    assert "<article" not in updates  # only the badges travel


def test_catalog_page_queries_do_not_grow_with_products(signed_in, shop, buyer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PriceListItemFactory, ProductFactory

    fill(buyer, shop, VALVE=1)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert signed_in.get(reverse("portal:catalog")).status_code == 200
        return len(ctx.captured_queries)

    queries()  # warm: a process's first page also loads its config copies (oms.config_cache)
    few = queries()
    for i in range(25):
        product = ProductFactory(sku=f"X{i:03d}")
        PriceListItemFactory(price_list=shop["plist"], product=product)
        PriceListItemFactory(price_list=shop["plist"], product=product, min_quantity=50, unit_price=Decimal("9"))
        shop["stock_of"](product, shop["sh"], on_hand=3)
    assert queries() == few <= 10


def test_add_to_cart_with_htmx_updates_the_note_and_the_badge(signed_in, shop):
    url = reverse("portal:cart_add")
    response = signed_in.post(url, {"product": shop["products"]["PIPE"].pk, "quantity": "20"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "20 × PIPE in your cart" in html
    assert 'id="cart-badge"' in html and 'hx-swap-oob="true"' in html and 'data-cart-count="1"' in html

    bad = signed_in.post(url, {"product": shop["products"]["PIPE"].pk, "quantity": "7"}, HTTP_HX_REQUEST="true")
    assert "packs of 10" in bad.content.decode()


@pytest.mark.parametrize("data", [
    {}, {"product": "abc", "quantity": "1"}, {"product": "999999", "quantity": "1"}, {"product": "1", "quantity": "x" * 500},
])
def test_add_to_cart_garbage_never_500s(signed_in, shop, data):
    response = signed_in.post(reverse("portal:cart_add"), data)
    assert response.status_code == 302
    assert not CartLine.objects.exists()


def test_cart_page_shows_prices_totals_delivery_and_credit(signed_in, shop, buyer):
    fill(buyer, shop, VALVE=2, PIPE=10)
    html = signed_in.get(reverse("portal:cart")).content.decode()
    assert "¥200.00" in html and "¥400.00" in html  # line nets
    assert "¥452.00" in html  # 400 + 13 % VAT
    assert 'data-field="promised"' in html and 'data-field="credit"' in html and "¥50,000.00" in html
    assert reverse("portal:checkout") in html


def test_cart_update_and_remove_with_garbage_quantities(signed_in, shop, buyer):
    fill(buyer, shop, PIPE=10)
    line = CartLine.objects.get()
    for quantity in ("abc", "-1", "15", "", "1e9"):
        response = signed_in.post(reverse("portal:cart_line_update", args=[line.pk]), {"quantity": quantity}, follow=True)
        assert response.status_code == 200
    line.refresh_from_db()
    assert line.quantity == 10
    response = signed_in.post(reverse("portal:cart_line_update", args=[line.pk]), {"quantity": "30"}, HTTP_HX_REQUEST="true")
    assert 'value="30"' in response.content.decode() and "Quantity updated" in response.content.decode()
    signed_in.post(reverse("portal:cart_line_remove", args=[line.pk]))
    assert not CartLine.objects.exists()


# --- quick order -------------------------------------------------------------------------------

def test_quick_order_adds_good_lines_and_lists_bad_ones(signed_in, shop, buyer):
    response = signed_in.post(reverse("portal:quick_order"), {"lines": "VALVE 2\nNOPE 3\nPIPE,15\nTAPE x 4"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-line="2"' in html and "Unknown SKU" in html and 'data-line="3"' in html and "packs of 10" in html
    assert "NOPE 3\nPIPE,15" in html  # the box keeps only the lines to fix
    assert {ln.product.sku: ln.quantity for ln in CartLine.objects.select_related("product")} == {"VALVE": 2, "TAPE": 4}


def test_quick_order_all_good_goes_to_the_cart(signed_in, shop):
    response = signed_in.post(reverse("portal:quick_order"), {"lines": "VALVE 2"})
    assert response.status_code == 302 and response.url == reverse("portal:cart")


@pytest.mark.parametrize("data,field_text", [
    ({"lines": ""}, "Paste some lines or choose a CSV file."),
    ({"lines": "\n\n# nothing\n"}, "No lines found"),
    ({"lines": "x" * 200_001}, "at most 200000 characters"),
])
def test_quick_order_empty_or_huge_input_is_a_field_error(signed_in, shop, data, field_text):
    response = signed_in.post(reverse("portal:quick_order"), data)
    assert response.status_code == 200 and field_text in response.content.decode()


@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("a.csv", b"\x00\x01\x02binary", content_type="text/csv"), "not a text CSV file"),
    (SimpleUploadedFile("a.xlsx", b"PK\x03\x04", content_type="application/vnd.ms-excel"), "Upload a .csv file"),
    (SimpleUploadedFile("a.csv", b"A" * (1024 * 1024 + 10), content_type="text/csv"), "may be at most 1 MB"),
    (SimpleUploadedFile("a.csv", "货号,数量\nVALVE,\u00a0two\n".encode("gb18030"), content_type="text/csv"),
     "not a whole number"),
])
def test_quick_order_bad_files_never_500(signed_in, shop, upload, message):
    response = signed_in.post(reverse("portal:quick_order"), {"lines": "", "file": upload})
    assert response.status_code == 200 and message in response.content.decode()


def test_quick_order_csv_upload_fills_the_cart(signed_in, shop):
    upload = SimpleUploadedFile("order.csv", b"sku,quantity\nVALVE,3\nPIPE,20\n", content_type="text/csv")
    response = signed_in.post(reverse("portal:quick_order"), {"lines": "", "file": upload})
    assert response.status_code == 302
    assert CartLine.objects.count() == 2


# --- checkout ----------------------------------------------------------------------------------

def test_checkout_page_carries_a_fresh_idempotency_key_and_the_payment_choices(signed_in, shop, buyer):
    fill(buyer, shop, TAPE=3)
    first = signed_in.get(reverse("portal:checkout")).content.decode()
    second = signed_in.get(reverse("portal:checkout")).content.decode()
    keys = [re.search(r'name="idempotency_key" value="([0-9a-f]+)"', h).group(1) for h in (first, second)]
    assert keys[0] != keys[1]
    assert "On account — invoice, pay within 30 days" in first and "Pay in advance by bank transfer" in first


def test_posting_the_same_checkout_twice_places_one_order(signed_in, shop, buyer):
    fill(buyer, shop, TAPE=3)
    data = checkout_data(signed_in, shop)

    first = signed_in.post(reverse("portal:checkout"), data)
    second = signed_in.post(reverse("portal:checkout"), data)

    order = Order.objects.get()
    assert first.status_code == second.status_code == 302
    assert first.url == second.url == reverse("portal:order_detail", args=[order.pk])
    assert order.channel == "portal" and order.customer_po == "PO-1"
    assert not CartLine.objects.filter(cart__status=Cart.Status.OPEN).exists()


@pytest.mark.parametrize("overrides,error", [
    ({"requested_date": "2001-01-01"}, "cannot be in the past"),
    ({"requested_date": "not-a-date"}, "Enter a valid date"),
    ({"payment_method": "cash-in-a-bag"}, "Select a valid choice"),
    ({"ship_to": "999999"}, "Select a valid choice"),
    ({"customer_po": "P" * 200}, "at most 60 characters"),
])
def test_checkout_field_errors(signed_in, shop, buyer, overrides, error):
    fill(buyer, shop, TAPE=3)
    response = signed_in.post(reverse("portal:checkout"), checkout_data(signed_in, shop, **overrides))
    assert response.status_code == 200 and error in response.content.decode()
    assert Order.objects.count() == 0


def test_checkout_without_a_key_is_refused_without_a_500(signed_in, shop, buyer):
    fill(buyer, shop, TAPE=3)
    response = signed_in.post(reverse("portal:checkout"), checkout_data(signed_in, shop, idempotency_key=""))
    assert response.status_code == 200 and Order.objects.count() == 0


def test_csrf_is_enforced_on_portal_posts(shop, buyer):
    fill(buyer, shop, TAPE=3)
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    for url in (reverse("portal:checkout"), reverse("portal:cart_add"), reverse("portal:quick_order")):
        assert client.post(url, {"lines": "TAPE 1"}).status_code == 403
    assert Order.objects.count() == 0


def test_empty_cart_checkout_goes_back_to_the_cart(signed_in, shop):
    response = signed_in.get(reverse("portal:checkout"))
    assert response.status_code == 302 and response.url == reverse("portal:cart")


# --- orders --------------------------------------------------------------------------------------

@pytest.fixture
def orders(shop, buyer):
    made = []
    for i in range(3):
        order, _ = place_order(actor=buyer, company=shop["company"], channel="portal", customer_po=f"PO-{i}",
                               lines=[{"sku": "TAPE", "quantity": i + 1}])
        made.append(order)
    return made


def test_order_list_filters_by_status_and_searches_number_and_po(signed_in, shop, orders):
    from orders.services.workflow import cancel_order

    cancel_order(actor=None, order=orders[0], reason="test")
    html = signed_in.get(reverse("portal:order_list"), {"status": "cancelled"}).content.decode()
    assert orders[0].number in html and orders[1].number not in html
    html = signed_in.get(reverse("portal:order_list"), {"q": "PO-2"}).content.decode()
    assert orders[2].number in html and orders[1].number not in html
    html = signed_in.get(reverse("portal:order_list"), {"status": "nonsense", "after": "garbage"}).content.decode()
    assert "Select a valid choice" in html


def test_order_list_queries_stay_flat(signed_in, shop, buyer, django_assert_max_num_queries):
    for _ in range(25):
        place_order(actor=buyer, company=shop["company"], channel="portal", lines=[{"sku": "TAPE", "quantity": 1}])
    with django_assert_max_num_queries(12):
        assert signed_in.get(reverse("portal:order_list")).status_code == 200


def test_order_detail_shows_the_customer_timeline_without_internal_notes(signed_in, shop, orders, staff_user):
    order = orders[0]
    add_note(actor=staff_user("sales"), order=order, text="Customer is a slow payer, watch them")
    html = signed_in.get(reverse("portal:order_detail", args=[order.pk])).content.decode()
    assert "Order placed" in html and "slow payer" not in html
    assert reverse("portal:order_cancel", args=[order.pk]) in html


def test_cancel_needs_a_reason(signed_in, shop, orders):
    order = orders[0]
    response = signed_in.post(reverse("portal:order_cancel", args=[order.pk]), {"reason": " "}, follow=True)
    assert "Give a reason for cancelling" in response.content.decode()
    order.refresh_from_db()
    assert order.status != Status.CANCELLED

    signed_in.post(reverse("portal:order_cancel", args=[order.pk]), {"reason": "Ordered twice"})
    order.refresh_from_db()
    assert order.status == Status.CANCELLED


def test_shipped_order_cannot_be_cancelled_and_offers_sign_off_and_packing_slip(signed_in, shop, buyer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=5)
    order, _ = place_order(actor=buyer, company=shop["company"], channel="portal", lines=[{"sku": "VALVE", "quantity": 2}])
    shipment = ship_order(order, shop["warehouse"], tracking_number="SF777")[0]

    html = signed_in.get(reverse("portal:order_detail", args=[order.pk])).content.decode()
    assert "SF777" in html and "SF Express" in html
    assert reverse("portal:order_cancel", args=[order.pk]) not in html
    assert reverse("portal:delivery_confirm", args=[shipment.pk]) in html
    pdf = signed_in.get(reverse("portal:packing_slip", args=[shipment.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    response = signed_in.post(reverse("portal:order_cancel", args=[order.pk]), {"reason": "late"}, follow=True)
    assert "cannot become Cancelled" in response.content.decode()


def test_reorder_fills_the_cart(signed_in, shop, orders):
    response = signed_in.post(reverse("portal:order_reorder", args=[orders[2].pk]))
    assert response.status_code == 302 and response.url == reverse("portal:cart")
    assert CartLine.objects.get().quantity == 3


# --- delivery sign-off -----------------------------------------------------------------------------

@pytest.fixture
def shipment(shop, buyer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=5)
    order, _ = place_order(actor=buyer, company=shop["company"], channel="portal", lines=[{"sku": "VALVE", "quantity": 2}])
    return ship_order(order, shop["warehouse"])[0]


def test_confirm_receipt_form_errors_then_success(signed_in, shipment):
    url = reverse("portal:delivery_confirm", args=[shipment.pk])
    assert 'data-signature-pad' in signed_in.get(url).content.decode()

    bad = signed_in.post(url, {"received_by": "", "received_at": "yesterday-ish", "signature_image": "data:text/html,<b>"})
    html = bad.content.decode()
    assert bad.status_code == 200 and "Enter a valid date/time" in html

    bad = signed_in.post(url, {"received_by": "Wang", "signature_image": "data:image/png;base64,!!!"})
    assert "could not be read" in bad.content.decode() or "must be a PNG" in bad.content.decode()

    out = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(out, format="PNG")
    good = signed_in.post(url, {"received_by": "Wang Wei", "signature_image": "data:image/png;base64,"
                                + base64.b64encode(out.getvalue()).decode()})
    assert good.status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED


def test_discrepancy_form_records_and_opens_a_claim(signed_in, shipment):
    from customers.models import Ticket

    line = shipment.lines.get()
    url = reverse("portal:delivery_discrepancy", args=[shipment.pk])
    out = io.BytesIO()
    Image.new("RGB", (40, 40)).save(out, format="JPEG")
    response = signed_in.post(url, {
        "received_by": "Wang Wei", f"line_{line.pk}": "1", "description": "One missing",
        "photos": [SimpleUploadedFile("a.jpg", out.getvalue(), content_type="image/jpeg")],
    })
    assert response.status_code == 302
    assert Ticket.objects.get().category == "claim"


def test_discrepancy_form_garbage(signed_in, shipment):
    line = shipment.lines.get()
    url = reverse("portal:delivery_discrepancy", args=[shipment.pk])
    response = signed_in.post(url, {"received_by": "W", f"line_{line.pk}": "lots", "description": "",
                                    "photos": [SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg")]})
    html = response.content.decode()
    assert response.status_code == 200 and "Enter a whole number" in html
    response = signed_in.post(url, {"received_by": "W", f"line_{line.pk}": "1", "description": "x",
                                    "photos": [SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg")]})
    assert "is not a photo" in response.content.decode()
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.SHIPPED


# --- the dealer's approvals ------------------------------------------------------------------------

def test_buyer_over_the_limit_is_sent_to_the_approver_who_approves_in_the_portal(client, signed_in, shop, buyer):
    shop["company"].buyer_order_limit = Decimal("100")
    shop["company"].save()
    approver = dealer_user(company=shop["company"], role=DealerRole.APPROVER, username="boss")
    fill(buyer, shop, VALVE=2)

    response = signed_in.post(reverse("portal:checkout"), checkout_data(signed_in, shop))
    cart = Cart.objects.get(status=Cart.Status.AWAITING_APPROVAL)
    assert response.url == reverse("portal:approval_detail", args=[cart.pk])
    assert signed_in.get(reverse("portal:approvals")).status_code == 403  # a buyer does not approve
    assert "Approve and place the order" not in signed_in.get(response.url).content.decode()

    boss = Client()
    boss.force_login(approver)
    home = boss.get(reverse("portal:home")).content.decode()
    assert reverse("portal:approvals") in home
    listing = boss.get(reverse("portal:approvals")).content.decode()
    assert f'data-cart="{cart.pk}"' in listing and "¥226.00" in listing
    response = boss.post(reverse("portal:approval_approve", args=[cart.pk]), {"comment": "ok"})

    order = Order.objects.get()
    assert response.url == reverse("portal:order_detail", args=[order.pk])
    assert order.placed_by == buyer
    assert order.events.filter(kind=OrderEvent.Kind.APPROVAL).exists()


def test_reject_without_comment_is_refused(client, shop, buyer):
    shop["company"].buyer_order_limit = Decimal("1")
    shop["company"].save()
    approver = dealer_user(company=shop["company"], role=DealerRole.APPROVER)
    fill(buyer, shop, TAPE=3)
    from orders.services import portal_checkout

    cart = portal_checkout.checkout_cart(actor=buyer, company=shop["company"], ship_to=shop["address"],
                                         payment_method="on_account", idempotency_key="k-1").cart
    client.force_login(approver)
    response = client.post(reverse("portal:approval_reject", args=[cart.pk]), {"comment": ""}, follow=True)
    assert "Say why the order is rejected" in response.content.decode()
    cart.refresh_from_db()
    assert cart.status == Cart.Status.AWAITING_APPROVAL


# --- layout ------------------------------------------------------------------------------------------

def test_nav_shows_the_cart_badge_and_home_lists_recent_orders(signed_in, shop, buyer, orders):
    fill(buyer, shop, VALVE=1, TAPE=1)
    html = signed_in.get(reverse("portal:home")).content.decode()
    assert 'data-cart-count="2"' in html
    assert reverse("portal:order_list") in html and reverse("portal:quick_order") in html
    for order in orders:
        assert order.number in html


def test_checkout_refuses_a_cart_changed_since_the_page_was_opened(signed_in, shop, buyer):
    fill(buyer, shop, VALVE=2)
    data = checkout_data(signed_in, shop)
    fill(buyer, shop, TAPE=5)  # another tab adds to the cart meanwhile

    response = signed_in.post(reverse("portal:checkout"), data)
    html = response.content.decode()
    assert response.status_code == 200 and not Order.objects.exists()
    assert "Your cart changed since this page was opened" in html and "TAPE" in html  # the page shows the cart now

    response = signed_in.post(reverse("portal:checkout"), checkout_data(signed_in, shop))
    order = Order.objects.get()
    assert response.status_code == 302
    assert sorted(order.lines.values_list("product__sku", "quantity")) == [("TAPE", 5), ("VALVE", 2)]
