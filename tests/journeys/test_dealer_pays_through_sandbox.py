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
