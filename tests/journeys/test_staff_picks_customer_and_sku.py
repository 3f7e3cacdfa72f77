"""A sales rep takes a phone order with the pickers, by keyboard and by mouse: types part of the
customer's name, sees an on-hold customer flagged, picks the right one with the arrow keys and
Enter (its ship-to addresses load); types part of a SKU, sees this customer's price and the
stock in the list, picks it and sees the price beside the line; picks a second product with the
mouse; places the order for the picked customer."""

import re

from playwright.sync_api import expect

from orders.models import Order
from tests.factories import PASSWORD, CompanyFactory
from tests.journeys.conftest import sign_in


def test_staff_picks_the_customer_and_skus_from_the_lists(page, shop):
    company = shop["company"]
    company.name = "Harbour Valves Trading"
    company.save()
    CompanyFactory(code="HOLD-9", name="Harbour Held Co", status="on_hold")
    valve, tape = shop["products"]["VALVE"], shop["products"]["TAPE"]
    valve.name = "Brass gate valve DN50"
    valve.save()
    shop["stock_of"](valve, shop["sh"], on_hand=40)
    shop["stock_of"](tape, shop["sh"], on_hand=25)

    sign_in(page, "console", shop["sales"].username, PASSWORD)
    page.goto("/console/orders/new/")
    expect(page.get_by_role("heading", name=re.compile("New order"))).to_be_visible()

    # --- the customer: typed in part, picked with the keyboard --------------------------------------
    customer = page.get_by_role("combobox", name="Customer")
    customer.fill("harbour")
    options = page.locator("#customer-listbox [role=option]")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("Harbour Held Co")
    expect(options.nth(0).locator("[data-customer-status=on_hold]")).to_be_visible()
    expect(customer).to_have_attribute("aria-expanded", "true")
    customer.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    customer.press("Enter")  # picks; does not send the order
    expect(customer).to_have_value(f"{company.code} — Harbour Valves Trading")
    expect(page.locator("#id_company")).to_have_value(str(company.pk))
    expect(page.locator("#customer-listbox")).to_have_count(0)
    expect(page.locator("#id_ship_to option", has_text=shop["address"].line1)).to_have_count(1)
    assert Order.objects.count() == 0

    # --- line 1: part of a SKU, the customer's price in the list, picked with Enter ----------------
    sku = page.locator("#id_lines-0-sku")
    sku.fill("val")
    option = page.locator("#sku-listbox-0 [role=option]", has_text="Brass gate valve DN50")
    expect(option.locator("[data-ac=price]")).to_have_text("¥100.00")
    expect(option.locator("[data-ac=available]")).to_have_text("40 available")
    sku.press("Enter")
    expect(sku).to_have_value("VALVE")
    expect(page.locator("#id_lines-0-quantity")).to_be_focused()
    preview = page.locator("tr[data-row='0'] .line-preview")
    expect(preview.locator("[data-preview=price]")).to_have_text("¥100.00")
    page.keyboard.type("3")

    # --- line 2: picked with the mouse ------------------------------------------------------------
    page.locator("#id_lines-1-sku").fill("TAP")
    page.locator("#sku-listbox-1 [role=option]", has_text="TAPE").click()
    expect(page.locator("#id_lines-1-sku")).to_have_value("TAPE")
    expect(page.locator("tr[data-row='1'] .line-preview [data-preview=price]")).to_have_text("¥2.00")
    page.fill("#id_lines-1-quantity", "2")

    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_text(re.compile(r"SO-\d+ placed"))).to_be_visible()
    order = Order.objects.get()
    assert order.company == company and order.placed_by == shop["sales"]
    assert [(ln.product.sku, ln.quantity) for ln in order.lines.order_by("line_no")] == [("VALVE", 3), ("TAPE", 2)]
