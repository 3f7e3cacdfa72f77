"""Switching to 中文 shows the interface in Simplified Chinese, and it stays so after sign-in."""

from playwright.sync_api import expect

from tests.factories import PASSWORD, StaffFactory


def test_switching_to_chinese(page, transactional_db):
    StaffFactory(username="wei", staff_role="warehouse")
    page.goto("/console/login/")
    expect(page.get_by_role("heading", name="Staff console sign-in")).to_be_visible()

    page.select_option("#language-select", "zh-hans")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="员工控制台登录")).to_be_visible()

    page.fill("#id_username", "wei")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="仪表板")).to_be_visible()
    expect(page.locator("nav.sidebar")).to_contain_text("仓库")

    page.select_option("#language-select", "en")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
