"""List pages cost a bounded number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import AddressFactory, CompanyFactory, PriceListFactory, PriceListItemFactory, ProductFactory


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name,make", [
    ("console:product_list", lambda n: ProductFactory.create_batch(n)),
    ("console:company_list", lambda n: [AddressFactory(company=CompanyFactory()) for _ in range(n)]),
])
def test_console_lists_are_bounded(client, staff_user, url_name, make):
    client.force_login(staff_user("admin"))
    make(3)
    few = queries_for(client, reverse(url_name))
    make(60)
    many = queries_for(client, reverse(url_name))
    assert many == few
    assert many <= 10


def test_portal_catalog_is_bounded(client, dealer):
    price_list = PriceListFactory()
    user = dealer(company=CompanyFactory(price_list=price_list))
    client.force_login(user)
    for product in ProductFactory.create_batch(3):
        PriceListItemFactory(price_list=price_list, product=product)
    queries_for(client, reverse("portal:catalog"))  # a process's first page also loads its config copies (oms.config_cache)
    few = queries_for(client, reverse("portal:catalog"))
    for product in ProductFactory.create_batch(40):
        PriceListItemFactory(price_list=price_list, product=product)
        PriceListItemFactory(price_list=price_list, product=product, min_quantity=50)
    many = queries_for(client, reverse("portal:catalog"))
    assert many == few <= 10


def test_keyset_pages_walk_the_whole_list_without_gaps(client, staff_user):
    ProductFactory.create_batch(120)
    client.force_login(staff_user("admin"))
    seen, url = [], reverse("console:product_list")
    while url:
        response = client.get(url)
        page = response.context["page"]
        seen += [p.sku for p in page.items]
        url = f"{reverse('console:product_list')}?after={page.next_after}" if page.has_next else None
    assert len(seen) == 120 == len(set(seen)) and seen == sorted(seen)


def test_search_filters_and_htmx_returns_only_the_results(client, staff_user):
    ProductFactory(sku="VALVE-1", name="Brass ball valve")
    ProductFactory(sku="PIPE-1", name="PPR pipe")
    client.force_login(staff_user("sales"))
    full = client.get(reverse("console:product_list"), {"q": "valve"}).content.decode()
    assert "VALVE-1" in full and "PIPE-1" not in full and "<html" in full
    fragment = client.get(reverse("console:product_list"), {"q": "pipe"}, headers={"HX-Request": "true"}).content.decode()
    assert "PIPE-1" in fragment and "VALVE-1" not in fragment and "<html" not in fragment
