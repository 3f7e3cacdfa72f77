"""Request-wide rules: no NUL characters in query strings, and a signed-in person's pages in
their preferred language."""

import pytest
from django.urls import reverse

from tests.factories import StaffFactory, dealer_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["after=%00", "before=%00", "q=%00", 'after=["\\u0000","x"]'])
def test_nul_characters_in_the_address_get_a_400_or_the_first_page_never_a_500(client, query):
    client.force_login(StaffFactory(staff_role="manager"))
    for url in (reverse("console:product_list"), reverse("console:stock_list"), reverse("console:order_list")):
        response = client.get(f"{url}?{query}")
        assert response.status_code in (200, 400), (url, query)


def test_a_cursor_holding_a_nul_inside_json_shows_the_first_page(client):
    client.force_login(StaffFactory(staff_role="manager"))
    assert client.get(reverse("console:stock_list"), {"after": '["\\u0000","x"]'}).status_code == 200
    assert client.get(reverse("console:order_list"), {"after": "%00"}).status_code == 200  # the text "%00"
    assert client.get(reverse("console:order_list") + "?q=%00").status_code == 400


def test_signed_in_pages_follow_the_persons_preferred_language(client):
    buyer = dealer_user(language="zh-hans")
    client.force_login(buyer)
    page = client.get(reverse("portal:home"), headers={"Accept-Language": "en"})
    assert page.headers["Content-Language"] == "zh-hans" and 'lang="zh-hans"' in page.content.decode()
    buyer.language = "en"
    buyer.save()
    page = client.get(reverse("portal:home"), headers={"Accept-Language": "zh-hans"})
    assert 'lang="en"' in page.content.decode()


def test_a_language_chosen_on_the_sign_in_page_becomes_the_persons_language(client):
    from django.conf import settings

    from tests.factories import PASSWORD

    staff = StaffFactory(username="wei", staff_role="warehouse", language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    client.post(reverse("console:login"), {"username": "wei", "password": PASSWORD})
    staff.refresh_from_db()
    assert staff.language == "zh-hans"
    assert 'lang="zh-hans"' in client.get(reverse("console:home")).content.decode()
