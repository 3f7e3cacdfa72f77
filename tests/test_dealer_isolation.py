"""A dealer sees only its own company's data, whatever URL it types."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import AddressFactory, CompanyFactory, PriceListFactory, PriceListItemFactory, ProductFactory


@pytest.fixture
def two_companies(db, dealer):
    list_a, list_b = PriceListFactory(), PriceListFactory()
    a = CompanyFactory(name="Alpha Hardware", price_list=list_a)
    b = CompanyFactory(name="Beta Building Supply", price_list=list_b)
    return {
        "a": a, "b": b,
        "user_a": dealer(company=a, first_name="Ann"),
        "user_b": dealer(company=b, first_name="Bob"),
        "addr_a": AddressFactory(company=a, label="Alpha depot"),
        "addr_b": AddressFactory(company=b, label="Beta depot"),
        "list_a": list_a, "list_b": list_b,
    }


def test_dealer_cannot_open_another_companys_address(client, two_companies):
    client.force_login(two_companies["user_a"])
    own = client.get(reverse("portal:address_detail", args=[two_companies["addr_a"].pk]))
    other = client.get(reverse("portal:address_detail", args=[two_companies["addr_b"].pk]))
    assert own.status_code == 200 and "Alpha depot" in own.content.decode()
    assert other.status_code == 404
    assert "Beta depot" not in other.content.decode()


def test_portal_pages_show_only_own_company(client, two_companies):
    client.force_login(two_companies["user_a"])
    for name in ("portal:home", "portal:account"):
        html = client.get(reverse(name)).content.decode()
        assert "Alpha Hardware" in html
        assert "Beta Building Supply" not in html
        assert "Beta depot" not in html
        assert "Bob" not in html


def test_catalog_shows_own_price_list_only(client, two_companies):
    product = ProductFactory(name="Brass ball valve DN20")
    PriceListItemFactory(price_list=two_companies["list_a"], product=product, unit_price=Decimal("12.50"))
    PriceListItemFactory(price_list=two_companies["list_b"], product=product, unit_price=Decimal("99.90"))
    client.force_login(two_companies["user_a"])
    html = client.get(reverse("portal:catalog")).content.decode()
    assert "Brass ball valve DN20" in html
    assert "12.50" in html
    assert "99.90" not in html


def test_inbox_shows_only_own_notifications(client, two_companies):
    from tests.factories import NotificationFactory

    NotificationFactory(recipient=two_companies["user_a"], subject="Your order shipped")
    NotificationFactory(recipient=two_companies["user_b"], subject="Beta invoice overdue")
    client.force_login(two_companies["user_a"])
    html = client.get(reverse("portal:inbox")).content.decode()
    assert "Your order shipped" in html and "Beta invoice overdue" not in html


def test_inactive_products_are_not_in_the_portal_catalog(client, two_companies):
    ProductFactory(name="Discontinued widget", active=False)
    ProductFactory(name="Current widget")
    client.force_login(two_companies["user_a"])
    html = client.get(reverse("portal:catalog")).content.decode()
    assert "Current widget" in html and "Discontinued widget" not in html


def test_mark_read_touches_only_own_notifications(client, two_companies):
    from tests.factories import NotificationFactory

    mine = NotificationFactory(recipient=two_companies["user_a"])
    theirs = NotificationFactory(recipient=two_companies["user_b"])
    client.force_login(two_companies["user_a"])
    client.post(reverse("inbox_mark_read"), {"id": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None
