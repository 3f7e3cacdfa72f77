"""A prepaid dealer's order waits for payment; the dealer pays it in the portal through the
sandbox gateway's hosted page and comes back to the portal to see it paid; the order is
released to the warehouse and a paid invoice is there to download."""

import re

from playwright.sync_api import expect

from orders.models import Order, Status
from orders.services.intake import place_order
from payments.models import Invoice
from tests.factories import PASSWORD, dealer_user
from tests.journeys.conftest import sign_in


def test_dealer_pays_an_order_through_the_sandbox_gateway(page, shop):
    shop["company"].payment_terms = "prepaid"
    shop["company"].save()
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    dealer_user(company=shop["company"], username="mei", first_name="Mei")
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                           lines=[{"sku": "VALVE", "quantity": 3}])
    order.refresh_from_db()
    assert order.status == Status.ON_HOLD

    sign_in(page, "portal", "mei", PASSWORD)
    page.get_by_role("link", name="Invoices", exact=True).first.click()
    row = page.locator(f"tr[data-order='{order.number}']")
    expect(row).to_contain_text("¥339.00")  # 3 × 100 + 13 % VAT
    row.get_by_role("button", name="Pay now").click()

    # the dealer chooses how to pay among the methods allowed for the company
    expect(page.get_by_role("heading", name=f"Pay order {order.number}")).to_be_visible()
    expect(page.get_by_label("WeChat Pay")).to_be_visible()
    page.get_by_label("Card").check()
    page.get_by_role("button", name="Pay ¥339.00").click()

    # the gateway's hosted page: no card data is asked for here
    expect(page.get_by_role("heading", name="Sandbox payment page")).to_be_visible()
    expect(page.locator("[data-field=amount]")).to_have_text("¥339.00")
    page.get_by_role("button", name="Pay", exact=True).click()

    # back in the portal
    expect(page.locator("[data-outcome=paid]")).to_contain_text("¥339.00 received")
    expect(page.locator("h1 [data-status]")).to_have_text("Paid")
    order = Order.objects.get(pk=order.pk)
    assert order.is_paid and order.status == Status.ALLOCATED
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == "paid"

    page.get_by_role("link", name="Invoices and payments").click()
    expect(page.locator(f"tr[data-invoice='{invoice.number}'] [data-status]")).to_have_text("Paid")
    expect(page.locator(f"tr[data-order='{order.number}']")).to_have_count(0)
    page.get_by_role("link", name="Account statement").click()
    expect(page.get_by_role("heading", name=re.compile("Account statement"))).to_be_visible()


def test_dealer_pays_an_order_with_alipay_by_scanning_the_qr_code(page, browser, shop):
    """Alipay through the sandbox: the gateway page shows a QR code; the dealer's phone opens the
    scanned URL (a second browser context here), the gateway posts its signed callback, and the
    page left on the computer notices by itself that the order is paid."""
    shop["company"].payment_terms = "prepaid"
    shop["company"].save()
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    dealer_user(company=shop["company"], username="lin", first_name="Lin")
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                           lines=[{"sku": "VALVE", "quantity": 1}])
    order.refresh_from_db()

    sign_in(page, "portal", "lin", PASSWORD)
    page.goto(f"/portal/orders/{order.pk}/")
    page.get_by_role("button", name=re.compile("Pay .* now")).click()
    invoice = Invoice.objects.get(order=order)  # a prepaid order is invoiced when placed
    expect(page.get_by_role("heading", name=f"Pay invoice {invoice.number}")).to_be_visible()
    page.get_by_label("Alipay").check()
    page.get_by_role("button", name="Pay ¥113.00").click()

    expect(page.get_by_role("heading", name="Scan with Alipay")).to_be_visible()
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    expect(page.locator("#sandbox-status")).to_have_attribute("data-outcome", "waiting")
    scan_url = page.locator("[data-field=scan-url]").get_attribute("href")

    phone = browser.new_context()
    try:
        wallet = phone.new_page()
        wallet.goto(scan_url)
        expect(wallet.locator("[data-outcome=paid]")).to_contain_text("You paid ¥113.00")
    finally:
        phone.close()

    # the computer's page polls and shows the outcome without a reload
    expect(page.locator("#sandbox-status")).to_have_attribute("data-outcome", "paid", timeout=10_000)
    page.locator("#sandbox-status [data-field=back]").click()
    expect(page.locator("h1 [data-status]")).to_have_text("Paid")
    expect(page.locator("[data-field=method]")).to_have_text("Alipay")
    order = Order.objects.get(pk=order.pk)
    assert order.is_paid and order.status == Status.ALLOCATED
