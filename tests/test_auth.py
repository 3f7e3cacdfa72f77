"""Signing in, out and resetting a password on both surfaces; throttling of wrong passwords."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD


def sign_in(client, url_name, username, password=PASSWORD, **extra):
    return client.post(reverse(url_name), {"username": username, "password": password, **extra})


def test_staff_signs_in_and_lands_on_the_console(client, staff_user):
    user = staff_user("sales")
    response = sign_in(client, "console:login", user.username)
    assert response.status_code == 302
    assert client.get(response.url, follow=True).request["PATH_INFO"] == reverse("console:home")


def test_dealer_signs_in_and_lands_on_the_portal(client, dealer):
    user = dealer()
    response = sign_in(client, "portal:login", user.username)
    final = client.get(response.url, follow=True)
    assert final.request["PATH_INFO"] == reverse("portal:home")


def test_dealer_following_a_console_link_lands_on_the_portal(client, dealer):
    user = dealer()
    response = sign_in(client, "console:login", user.username, next="/console/customers/")
    final = client.get(response.url, follow=True)
    assert final.request["PATH_INFO"] == reverse("portal:home")


def test_staff_following_a_deep_link_gets_there_after_sign_in(client, staff_user):
    user = staff_user("manager")
    response = sign_in(client, "console:login", user.username, next="/console/customers/")
    assert response.url == "/console/customers/"


def test_wrong_password_says_so_and_signs_nobody_in(client, staff_user):
    user = staff_user()
    response = sign_in(client, "console:login", user.username, password="not-it")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_out_needs_post_and_ends_the_session(client, staff_user):
    client.force_login(staff_user())
    response = client.post(reverse("console:logout"))
    assert response.status_code == 302
    assert client.get(reverse("console:home")).status_code == 302  # back to sign-in


def test_repeated_wrong_passwords_lock_the_login_with_a_clear_message(client, staff_user, settings):
    user = staff_user()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "console:login", user.username, password="wrong").status_code == 200
    locked = sign_in(client, "console:login", user.username, password="wrong")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Too many failed sign-in attempts" in html
    assert "Try again in 15 minutes" in html
    # Even the right password is refused while locked.
    again = sign_in(client, "console:login", user.username)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_not_for_everyone(client, staff_user, settings):
    victim, other = staff_user(), staff_user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "portal:login", victim.username, password="wrong")
    assert sign_in(client, "console:login", other.username).status_code == 302


def test_password_reset_round_trip(client, dealer):
    user = dealer(email="buyer@alpha.example.cn")
    response = client.post(reverse("password_reset"), {"email": "buyer@alpha.example.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.request["PATH_INFO"]
    done = client.post(set_url, {"new_password1": "a-much-better-secret-42", "new_password2": "a-much-better-secret-42"})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-much-better-secret-42")


def test_password_reset_for_unknown_address_reveals_nothing(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"}, follow=True)
    assert response.status_code == 200
    assert "If an account uses that address" in response.content.decode()
    assert mail.outbox == []


def test_password_reset_rejects_a_weak_new_password(client, staff_user):
    user = staff_user(email="s@example.com")
    client.post(reverse("password_reset"), {"email": "s@example.com"})
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).request["PATH_INFO"]
    response = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("url_name", ["console:login", "portal:login"])
def test_sign_in_pages_render_for_both_surfaces(client, db, url_name):
    html = client.get(reverse(url_name)).content.decode()
    assert 'name="password"' in html and reverse("password_reset") in html
