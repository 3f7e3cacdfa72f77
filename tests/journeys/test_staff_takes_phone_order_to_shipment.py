"""A sales rep keys a phone order big enough to need approval; a sales manager approves it from
the approvals inbox; a warehouse clerk starts picking, scans every item into the box and ships
it with a tracking number; the order then shows as shipped with that tracking number."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from orders.models import Order, Status
from tests.factories import PASSWORD, ApprovalRuleFactory
from tests.journeys.conftest import sign_in


def new_page(browser, live_server, errors):
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page


def test_staff_takes_a_phone_order_to_shipment(page, browser, live_server, shop):
    ApprovalRuleFactory(name="Big orders", condition="total_above", threshold=Decimal("100"), levels=["sales_manager"])
    valve, tape = shop["products"]["VALVE"], shop["products"]["TAPE"]
    valve.barcode = "6901234567892"
    valve.save()
    shop["stock_of"](valve, shop["sh"], on_hand=40)
    shop["stock_of"](tape, shop["sh"], on_hand=40)
    company = shop["company"]

    # --- the sales rep keys the phone order -----------------------------------------------------
    sign_in(page, "console", shop["sales"].username, PASSWORD)
    page.locator("nav.sidebar").get_by_role("link", name="New order").click()
    expect(page.get_by_role("heading", name=re.compile("New order"))).to_be_visible()
    page.get_by_role("combobox", name="Customer").fill(company.name[:10])
    page.locator("#customer-results [role=option]", has_text=company.name).click()
    expect(page.get_by_role("combobox", name="Customer")).to_have_value(f"{company.code} — {company.name}")
    expect(page.locator("#id_ship_to option", has_text=shop["address"].line1)).to_have_count(1)
    page.fill("#id_customer_po", "PO-PHONE-42")
    page.fill("#id_lines-0-sku", "VALVE")
    page.fill("#id_lines-0-quantity", "3")
    preview = page.locator("tr[data-row='0'] .line-preview")
    expect(preview.locator("[data-preview=price]")).to_have_text("¥100.00")
    expect(preview.locator("[data-preview=available]")).to_have_text("40 available")
    page.fill("#id_lines-1-sku", "TAPE")
    page.fill("#id_lines-1-quantity", "2")
    expect(page.locator("tr[data-row='1'] .line-preview [data-preview=price]")).to_have_text("¥2.00")
    page.get_by_role("button", name="Place order").click()

    expect(page.get_by_text(re.compile(r"SO-\d+ placed: pending approval"))).to_be_visible()
    expect(page.locator("h1 [data-status]")).to_have_text("Pending approval")
    order = Order.objects.get(customer_po="PO-PHONE-42")
    assert order.status == Status.PENDING_APPROVAL and order.placed_by == shop["sales"]
    assert [(ln.product.sku, ln.quantity) for ln in order.lines.order_by("line_no")] == [("VALVE", 3), ("TAPE", 2)]
    # the rep may not decide it
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)

    # --- the sales manager approves it from the inbox -----------------------------------------
    errors = []
    manager = new_page(browser, live_server, errors)
    sign_in(manager, "console", shop["manager"].username, PASSWORD)
    approvals_link = manager.locator("nav.sidebar").get_by_role("link", name=re.compile("Approvals"))
    expect(approvals_link.locator(".badge")).to_have_text("1")
    approvals_link.click()
    card = manager.locator(f"article[data-order='{order.number}']")
    expect(card).to_contain_text(company.name)
    expect(card).to_contain_text("is above")  # why it needs approval
    card.get_by_placeholder("Comment (optional)").fill("Regular customer, fine.")
    card.get_by_role("button", name="Approve").click()
    expect(manager.get_by_text(f"Approved. {order.number} is now allocated.")).to_be_visible()
    expect(manager.get_by_text("Nothing waits for your approval.")).to_be_visible()
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED

    # --- the warehouse picks, packs by scanning, and ships --------------------------------------
    clerk = new_page(browser, live_server, errors)
    sign_in(clerk, "console", shop["warehouse"].username, PASSWORD)
    clerk.locator("nav.sidebar").get_by_role("link", name="Fulfilment").click()
    shipment = order.shipments.get()
    row = clerk.locator(f"tr[data-shipment='{shipment.number}']")
    row.get_by_role("checkbox").check()
    clerk.get_by_role("button", name="Start picking the selected").click()
    expect(clerk.get_by_text(f"Picking started for 1 shipment: {shipment.number}.")).to_be_visible()
    expect(row.locator("[data-status]")).to_have_text("Picking")
    row.get_by_role("link", name=shipment.number).click()

    scan_box = clerk.get_by_label("Scan or type a barcode or SKU")
    expect(scan_box).to_be_focused()
    progress = clerk.locator("[data-field=progress]")
    expect(progress).to_have_text("0 of 5 units packed")
    # a wrong item is refused
    scan_box.fill("NOT-OURS")
    scan_box.press("Enter")
    expect(clerk.locator("[data-scan=error]")).to_contain_text("is not in shipment")
    expect(progress).to_have_text("0 of 5 units packed")
    # every item scanned, by barcode or by typing the SKU
    for n, code in enumerate(["6901234567892", "6901234567892", "VALVE", "TAPE", "tape"], start=1):
        scan_box = clerk.get_by_label("Scan or type a barcode or SKU")
        expect(scan_box).to_be_focused()
        scan_box.fill(code)
        scan_box.press("Enter")
        expect(progress).to_have_text(f"{n} of 5 units packed")
    expect(clerk.locator("#shipment-status")).to_have_text("Packed")

    clerk.get_by_label("Carrier").fill("SF Express")
    clerk.get_by_label("Service").fill("Standard")
    clerk.get_by_label("Tracking number").fill("SF1234567890")
    clerk.get_by_label("Shipping cost").fill("18.50")
    clerk.get_by_role("button", name="Ship", exact=True).click()
    expect(clerk.get_by_text(f"{shipment.number} shipped with SF Express, tracking number SF1234567890.")).to_be_visible()

    # --- the order now reads shipped, with the tracking number ----------------------------------
    clerk.get_by_role("link", name=order.number).click()
    expect(clerk.locator("h1 [data-status]")).to_have_text("Shipped")
    expect(clerk.locator(f"article[data-shipment='{shipment.number}'] [data-field=tracking]")).to_have_text("SF1234567890")

    page.reload()
    expect(page.locator("h1 [data-status]")).to_have_text("Shipped")
    expect(page.locator("[data-field=tracking]")).to_have_text("SF1234567890")

    order.refresh_from_db()
    assert order.status == Status.SHIPPED
    assert errors == []
    manager.context.close()
    clerk.context.close()
