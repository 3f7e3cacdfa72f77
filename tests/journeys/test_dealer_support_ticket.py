"""A dealer on a phone opens a support ticket with a photo; staff pick it up at the ticket desk,
answer it; the dealer sees the answer and closes the ticket."""

import os

from playwright.sync_api import expect

from tests.factories import PASSWORD, CompanyFactory, StaffFactory, dealer_user
from tests.journeys.conftest import sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SHOTS = os.environ.get("OMS_JOURNEY_SCREENSHOTS", "")  # a folder: save screenshots there for review


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_dealer_opens_a_ticket_on_a_phone_and_staff_answer(browser, live_server, transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rep = StaffFactory(staff_role="sales", username="rita", first_name="Rita", last_name="Rep")
    company = CompanyFactory(name="Hangzhou Xinda Hardware Co., Ltd.", sales_rep=rep)
    dealer_user(company=company, username="lin", first_name="Lin", last_name="Wei")
    photo = tmp_path / "crack.png"
    photo.write_bytes(PNG)

    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    try:
        sign_in(page, "portal", "lin", PASSWORD)
        page.get_by_role("link", name="Support", exact=True).click()
        page.get_by_role("button", name="Open a ticket").click()
        page.get_by_label("Subject").fill("Valve body cracked")
        page.get_by_label("Category").select_option("claim")
        page.get_by_label("Order number (optional)").fill("SO-0000123")
        page.get_by_label("Describe the problem").fill("One of ten valves arrived cracked.")
        page.get_by_label("Attachments").set_input_files(str(photo))
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("heading", name="Valve body cracked")).to_be_visible()
        expect(page.get_by_role("link", name="crack.png")).to_be_visible()
        _shot(page, "portal-ticket")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
        ticket_url = page.url
    finally:
        phone.close()

    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = desk.new_page()
    try:
        sign_in(page, "console", "rita", PASSWORD)
        page.get_by_role("link", name="Tickets").click()
        expect(page.locator("#results")).to_contain_text("Valve body cracked")
        _shot(page, "console-desk")
        page.locator("#results a", has_text="TK-").first.click()
        page.get_by_role("button", name="Assign to me").click()
        page.get_by_label("Your reply").fill("A replacement ships today.")
        page.get_by_role("button", name="Send", exact=True).click()
        expect(page.get_by_text("Reply sent to the customer.")).to_be_visible()
        expect(page.get_by_text("Awaiting customer").first).to_be_visible()
        _shot(page, "console-ticket")
    finally:
        desk.close()

    phone = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = phone.new_page()
    try:
        sign_in(page, "portal", "lin", PASSWORD)
        page.goto(ticket_url)
        expect(page.get_by_text("A replacement ships today.")).to_be_visible()
        page.get_by_role("button", name="Close ticket — my problem is solved").click()
        expect(page.get_by_text("is closed")).to_be_visible()
        page.get_by_role("link", name="Support", exact=True).click()
        _shot(page, "portal-ticket-list")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    finally:
        phone.close()
