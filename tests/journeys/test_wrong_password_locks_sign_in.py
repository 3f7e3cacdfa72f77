"""Guessing passwords locks the sign-in with a message that says what happened."""

from django.conf import settings
from playwright.sync_api import expect

from tests.factories import StaffFactory
from tests.journeys.conftest import sign_in


def test_wrong_password_several_times_locks_the_login(page, transactional_db):
    StaffFactory(username="target", staff_role="finance")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(page, "console", "target", "guess-wrong")
        expect(page.get_by_role("alert")).to_contain_text("correct username and password")
    sign_in(page, "console", "target", "guess-wrong")
    expect(page.get_by_role("heading", name="Sign-in locked")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Too many failed sign-in attempts")
