"""A sales manager signs in, sees the dashboard with real counts, finds a product by typing."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, CompanyFactory, ProductFactory, StaffFactory
from tests.journeys.conftest import sign_in


def test_staff_signs_in_and_works_the_console(page, transactional_db):
    StaffFactory(username="mei", staff_role="sales_manager", first_name="Mei")
    ProductFactory(sku="BLV-001", name="Brass ball valve DN15")
    ProductFactory(sku="PPR-001", name="PPR pipe DN20")
    CompanyFactory.create_batch(3)

    sign_in(page, "console", "mei", PASSWORD)

    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator("[data-figure=products_active]")).to_have_text("2")
    expect(page.locator("[data-figure=dealers_active]")).to_have_text("3")
    nav = page.locator("nav.sidebar")
    expect(nav.get_by_role("link", name="Customers")).to_be_visible()
    expect(nav.get_by_role("link", name="Administration")).to_have_count(0)  # not an admin

    nav.get_by_role("link", name="Products").click()
    expect(page.get_by_role("cell", name="PPR-001")).to_be_visible()
    page.get_by_placeholder("SKU, name or barcode").fill("valve")
    # htmx swaps the results in place and keeps the address bar in step
    expect(page.get_by_role("cell", name="PPR-001")).to_have_count(0)
    expect(page.get_by_role("link", name="BLV-001")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=valve"))

    page.get_by_role("link", name="BLV-001").click()
    expect(page.get_by_role("heading", name="BLV-001 — Brass ball valve DN15")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Staff console sign-in")).to_be_visible()
