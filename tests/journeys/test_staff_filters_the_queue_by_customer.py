"""A sales rep narrows the order queue to one customer: types part of the name in the customer
filter, picks the customer with the keyboard, sees only that customer's orders (the address bar
keeps the filter), and clears the filter by typing again; and the same with scripts off, where
the typed text itself is sent."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, CompanyFactory, OrderFactory
from tests.journeys.conftest import sign_in


def test_staff_filters_the_queue_by_a_picked_customer(page, shop):
    harbour = CompanyFactory(code="HBR", name="Harbour Valves Trading")
    other = CompanyFactory(code="OTH", name="Other Pipes Ltd")
    OrderFactory(number="SO-0000501", company=harbour)
    OrderFactory(number="SO-0000502", company=other)

    sign_in(page, "console", shop["sales"].username, PASSWORD)
    page.goto("/console/orders/")
    rows = page.locator("tr[data-order]")
    expect(rows).to_have_count(2)

    customer = page.get_by_role("combobox", name="Customer")
    customer.fill("harb")
    options = page.locator("#customer-listbox [role=option]")
    expect(options).to_have_count(1)
    expect(rows).to_have_count(2)  # typing in the picker does not filter by itself
    assert "/customers/" not in page.url  # ... nor puts its search in the address bar
    customer.press("Enter")
    expect(customer).to_have_value("HBR — Harbour Valves Trading")
    expect(rows).to_have_count(1)
    expect(page.locator("tr[data-order='SO-0000501']")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"company={harbour.pk}"))

    page.reload()  # the filter survives a reload and the picker says who it is
    expect(page.get_by_role("combobox", name="Customer")).to_have_value("HBR — Harbour Valves Trading")
    expect(rows).to_have_count(1)

    page.get_by_role("combobox", name="Customer").fill("ot")  # typing again forgets the customer
    expect(rows).to_have_count(2)
    page.reload()  # and the address bar still holds the queue, not the picker's search
    expect(page.get_by_role("heading", name="Orders")).to_be_visible()
    expect(rows).to_have_count(2)


def test_without_javascript_the_typed_customer_filters_the_queue(browser, live_server, shop):
    """A browser with scripts off: the picker is a plain text box, and the Filter button sends
    what was typed; a text that names no customer is kept in the box with a message."""
    CompanyFactory(code="HBR", name="Harbour Valves Trading")
    OrderFactory(number="SO-0000601", company=CompanyFactory(code="HBR2", name="Second Harbour Co"))
    OrderFactory(number="SO-0000602", company=CompanyFactory(code="OTH", name="Other Pipes Ltd"))
    context = browser.new_context(base_url=live_server.url, locale="en-US", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/console/login/")  # without scripts the language switcher shows its own button
        page.fill("#id_username", shop["sales"].username)
        page.fill("#id_password", PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto("/console/orders/")
        rows = page.locator("tr[data-order]")
        expect(rows).to_have_count(2)
        customer = page.get_by_role("combobox", name="Customer")
        customer.fill("other pipes")
        page.get_by_role("button", name="Filter").click()
        expect(rows).to_have_count(1)
        expect(page.locator("tr[data-order='SO-0000602']")).to_be_visible()
        expect(page.get_by_role("combobox", name="Customer")).to_have_value("OTH — Other Pipes Ltd")

        page.get_by_role("combobox", name="Customer").fill("harbour")  # two customers
        page.get_by_role("button", name="Filter").click()
        expect(page.get_by_role("alert")).to_contain_text("“harbour” matches several customers")
        expect(page.get_by_role("combobox", name="Customer")).to_have_value("harbour")
    finally:
        context.close()
