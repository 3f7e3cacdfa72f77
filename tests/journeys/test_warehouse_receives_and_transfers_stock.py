"""A warehouse clerk receives stock with the form, sees it on the stock card, drafts a transfer
to another warehouse, ships it and receives part of it at the other end."""

import re

from playwright.sync_api import expect

from inventory.models import Stock
from tests.factories import PASSWORD, ProductFactory, StaffFactory, WarehouseFactory
from tests.journeys.conftest import sign_in


def test_warehouse_receives_and_transfers_stock(page, transactional_db):
    StaffFactory(username="wang", staff_role="warehouse", first_name="Wang")
    sh = WarehouseFactory(code="SH01", name="Shanghai DC", priority=10)
    bj = WarehouseFactory(code="BJ01", name="Beijing DC", priority=20)
    ProductFactory(sku="BLV-015", name="Brass ball valve DN15")

    sign_in(page, "console", "wang", PASSWORD)

    # receive 40 units at Shanghai with the form
    page.locator("nav.sidebar").get_by_role("link", name="Stock", exact=True).click()
    expect(page.get_by_role("heading", name="Stock", exact=True)).to_be_visible()
    page.get_by_role("button", name="Receive stock").click()
    page.select_option("#id_warehouse", label="SH01 — Shanghai DC")
    page.fill("#id_product", "BLV-015")
    page.fill("#id_quantity", "40")
    page.fill("#id_unit_cost", "12.50")
    page.fill("#id_reason", "Walk-in delivery")
    page.get_by_role("button", name="Receive", exact=True).click()

    # ... and see it on the stock card, with the ledger row
    expect(page.get_by_text("Received 40 × BLV-015 at SH01.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"BLV-015 — Brass ball valve DN15"))).to_be_visible()
    expect(page.locator("[data-figure=on_hand]")).to_have_text("40")
    expect(page.locator("[data-figure=value]")).to_have_text("¥500.00")
    expect(page.locator("table.ledger tbody tr").first).to_contain_text("Walk-in delivery")

    # draft a transfer of 15 to Beijing from the Shanghai row of the card
    page.locator("tr[data-warehouse=SH01]").get_by_role("link", name="Transfer").click()
    expect(page.get_by_role("heading", name="New transfer")).to_be_visible()
    expect(page.locator("#id_lines-0-product")).to_have_value("BLV-015")
    page.select_option("#id_destination", label="BJ01 — Beijing DC")
    page.fill("#id_lines-0-quantity", "15")
    page.fill("#id_reason", "Rebalance north")
    page.get_by_role("button", name="Create draft transfer").click()
    expect(page.get_by_text(re.compile(r"Transfer TR-?\S+ drafted"))).to_be_visible()
    expect(page.locator("h1 [data-status]")).to_have_text("Draft")

    # ship it: Shanghai's stock leaves, Beijing sees it in transit
    page.get_by_role("button", name="Ship", exact=True).click()
    expect(page.locator("h1 [data-status]")).to_have_text("In transit")

    # receive 10 of the 15 in Beijing
    page.get_by_label("BLV-015").fill("10")
    page.get_by_role("button", name="Record receipt").click()
    expect(page.locator("h1 [data-status]")).to_have_text("Partially received")
    expect(page.locator("tr[data-sku=BLV-015] [data-col=outstanding]")).to_have_text("5")

    # the stock card tells the whole story
    page.get_by_role("link", name="BLV-015").click()
    expect(page.locator("tr[data-warehouse=SH01] [data-col=on_hand]")).to_have_text("25")
    expect(page.locator("tr[data-warehouse=BJ01] [data-col=on_hand]")).to_have_text("10")
    expect(page.locator("tr[data-warehouse=BJ01] [data-col=in_transit]")).to_have_text("5")
    expect(page.locator("table.ledger tbody tr[data-kind=transfer_in]")).to_have_count(1)

    figures = {s.warehouse.code: (s.on_hand, s.in_transit) for s in Stock.objects.select_related("warehouse")}
    assert figures == {"SH01": (25, 0), "BJ01": (10, 5)}
    assert sh.pk and bj.pk
