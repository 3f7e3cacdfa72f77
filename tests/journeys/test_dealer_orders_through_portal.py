"""A dealer buyer, on a phone (390×844), signs in, searches the catalog and adds a product, adds
more lines by quick order, checks out, sees the order; the warehouse ships it (through the
services); the dealer signs for the delivery on the canvas, then orders the same again."""

import re
from pathlib import Path

from playwright.sync_api import expect

from orders.models import Order, Shipment, Status
from tests.factories import PASSWORD, dealer_user, ship_order
from tests.journeys.conftest import sign_in

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, page.url


def test_dealer_orders_through_the_portal_on_a_phone(browser, live_server, shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the drawn signature is stored there
    ARTIFACTS.mkdir(exist_ok=True)
    p = shop["products"]
    for sku, qty in (("VALVE", 40), ("PIPE", 200), ("TAPE", 100)):
        shop["stock_of"](p[sku], shop["sh"], on_hand=qty)
    dealer_user(company=shop["company"], username="lin", first_name="Lin", last_name="Fang")

    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # --- sign in: the home page ---------------------------------------------------------------
        sign_in(page, "portal", "lin", PASSWORD)
        expect(page.get_by_role("heading", name=re.compile("Welcome"))).to_be_visible()
        expect(page.get_by_text("No orders yet.")).to_be_visible()
        no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / "portal_home.png"), full_page=True)

        # --- search the catalog and add a valve ----------------------------------------------------
        page.get_by_role("link", name="Catalog", exact=True).first.click()
        page.get_by_placeholder("Search by SKU, name or barcode").fill("VALVE")
        card = page.locator("article.product-card[data-sku='VALVE']")
        expect(card).to_be_visible()
        expect(page.locator("article.product-card[data-sku='PIPE']")).to_have_count(0)
        expect(card.locator("[data-field=price]")).to_have_text("¥100.00")
        expect(card.locator("[data-field=availability]")).to_contain_text("In stock")
        card.get_by_label("Quantity of VALVE").fill("2")
        card.get_by_role("button", name="Add to cart").click()
        expect(card.locator(".cart-note")).to_contain_text("2 × VALVE in your cart")
        expect(page.locator("#cart-badge .badge")).to_have_text("1")
        no_sideways_scroll(page)

        # --- quick order: two good lines, one unknown ----------------------------------------------
        page.get_by_role("link", name="Quick order").first.click()
        page.get_by_label("Lines").fill("PIPE 20\nTAPE x 5\nNOPE-1 3")
        page.get_by_role("button", name="Add to cart").click()
        expect(page.get_by_text("2 products added to your cart.")).to_be_visible()
        problem = page.locator("tr[data-line='3']")
        expect(problem).to_contain_text("NOPE-1 3")
        expect(problem).to_contain_text("Unknown SKU")
        expect(page.get_by_label("Lines")).to_have_value("NOPE-1 3")
        expect(page.locator("#cart-badge .badge")).to_have_text("3")

        # --- the cart: prices, totals, delivery, credit ----------------------------------------------
        page.locator("a.cart-link").click()
        expect(page.locator("li.cart-line")).to_have_count(3)
        expect(page.locator("[data-field=total]")).to_have_text("¥689.30")  # (200 + 400 + 10) + 13 % VAT
        expect(page.locator("[data-field=promised]")).not_to_have_text("—")
        no_sideways_scroll(page)

        # --- a wrong quantity keeps the dealer on the cart, with the reason -----------------------------
        page.get_by_label("Quantity of PIPE").fill("25")  # not a whole number of packs of 10
        page.get_by_role("button", name="Check out").click()
        expect(page).to_have_url(re.compile("/portal/cart/"))
        assert page.get_by_label("Quantity of PIPE").evaluate("box => !box.checkValidity()")
        page.get_by_label("Quantity of PIPE").fill("100000000")  # whole packs, but more than an order may ask for
        page.get_by_role("button", name="Check out").click()
        expect(page.locator("#cart .message-error")).to_contain_text("more than one order may ask for")
        expect(page).to_have_url(re.compile("/portal/cart/"))
        expect(page.get_by_label("Quantity of PIPE")).to_have_value("20")

        # --- a quantity typed without "Update" still counts at checkout --------------------------------
        page.get_by_label("Quantity of TAPE").fill("10")
        page.get_by_role("button", name="Check out").click()
        expect(page).to_have_url(re.compile("/portal/checkout/"))

        # --- check out ----------------------------------------------------------------------------
        page.get_by_label("Your PO number").fill("PO-PHONE-7")
        expect(page.get_by_label(re.compile("On account"))).to_be_checked()
        page.get_by_role("button", name="Place order").click()
        expect(page.get_by_text(re.compile(r"Thank you! Order SO-\d+ is placed"))).to_be_visible()
        order = Order.objects.get(customer_po="PO-PHONE-7")
        assert order.channel == "portal" and order.status == Status.ALLOCATED
        assert order.lines.get(product__sku="TAPE").quantity == 10
        expect(page.locator("h1 [data-status]")).to_have_text("Allocated")
        expect(page.locator("#cart-badge .badge")).to_have_count(0)  # the cart is empty
        no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / "portal_order.png"), full_page=True)

        # --- staff pick, pack and ship it -----------------------------------------------------------
        ship_order(order, shop["warehouse"], tracking_number="SF900100200")
        page.reload()
        expect(page.locator("h1 [data-status]")).to_have_text("Shipped")
        expect(page.locator("[data-field=tracking]")).to_have_text("SF900100200")

        # --- the dealer signs for it on the canvas ----------------------------------------------------
        page.get_by_role("button", name="Confirm receipt").click()
        page.get_by_label("Received by").fill("Lin Fang")
        pad = page.locator("canvas[data-signature-pad]")
        pad.scroll_into_view_if_needed()
        box = pad.bounding_box()
        page.mouse.move(box["x"] + 20, box["y"] + 100)
        page.mouse.down()
        for x, y in ((80, 40), (140, 130), (200, 50), (260, 120), (320, 70)):
            page.mouse.move(box["x"] + x, box["y"] + y, steps=4)
        page.mouse.up()
        no_sideways_scroll(page)
        page.get_by_role("button", name="Confirm receipt").click()
        expect(page.get_by_text(re.compile("receipt of SH-\\d+ is confirmed"))).to_be_visible()
        expect(page.locator("h1 [data-status]")).to_have_text("Delivered")
        expect(page.locator("#timeline")).to_contain_text("Receipt confirmed")
        shipment = Shipment.objects.get(order=order)
        assert shipment.status == Shipment.Status.DELIVERED and shipment.received_by == "Lin Fang"
        signature = order.events.get(data__portal_event="receipt").data["signature_file"]
        assert signature.endswith(".png")

        # --- and orders the same again --------------------------------------------------------------
        page.get_by_role("button", name="Order again").click()
        expect(page.get_by_text(re.compile("3 products from SO-\\d+ are in your cart"))).to_be_visible()
        expect(page.locator("li.cart-line")).to_have_count(3)
        expect(page.locator("#cart-badge .badge")).to_have_text("3")
        no_sideways_scroll(page)
    finally:
        context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"
