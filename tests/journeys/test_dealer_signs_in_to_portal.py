"""A dealer buyer signs in, sees their own company and prices, and cannot enter the console."""

from decimal import Decimal

from playwright.sync_api import expect

from tests.factories import PASSWORD, AddressFactory, CompanyFactory, PriceListFactory, PriceListItemFactory, ProductFactory, dealer_user
from tests.journeys.conftest import sign_in


def test_dealer_signs_in_and_browses_own_catalog(page, transactional_db):
    price_list = PriceListFactory(currency="CNY")
    company = CompanyFactory(name="Hangzhou Xinda Hardware Co., Ltd.", price_list=price_list)
    AddressFactory(company=company, label="Xiaoshan depot", is_default=True)
    CompanyFactory(name="Some Other Dealer")
    dealer_user(company=company, username="lin")
    product = ProductFactory(sku="SKT-001", name="Wall socket 5-pin 10A", pack_size=10)
    PriceListItemFactory(price_list=price_list, product=product, unit_price=Decimal("12.80"))
    PriceListItemFactory(price_list=price_list, product=product, min_quantity=200, unit_price=Decimal("11.90"))

    sign_in(page, "portal", "lin", PASSWORD)

    expect(page.get_by_role("heading", name="Welcome, Hangzhou Xinda Hardware Co., Ltd.")).to_be_visible()
    expect(page.get_by_text("Xiaoshan depot")).to_be_visible()
    expect(page.get_by_text("Some Other Dealer")).to_have_count(0)

    page.get_by_role("link", name="Catalog").click()
    card = page.locator(".product-card", has_text="Wall socket 5-pin 10A")
    expect(card).to_contain_text("¥12.80")
    expect(card).to_contain_text("¥11.90")
    expect(card).to_contain_text("packs of 10")

    page.goto("/console/")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_portal_works_on_a_phone(browser, live_server, transactional_db):
    dealer_user(username="mobile")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        sign_in(page, "portal", "mobile", PASSWORD)
        expect(page.get_by_role("link", name="Catalog")).to_be_visible()
        # nothing forces a horizontal scroll on a phone
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    finally:
        context.close()
