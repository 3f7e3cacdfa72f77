"""Placing an order costs the same number of SQL statements whatever its number of lines."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders.services.intake import place_order
from tests.factories import PriceListItemFactory, ProductFactory

pytestmark = pytest.mark.django_db


def statements(shop, n, key):
    products = ProductFactory.create_batch(n)
    for p in products:
        PriceListItemFactory(price_list=shop["plist"], product=p)
        shop["stock_of"](p, shop["sh"], on_hand=100)
    with CaptureQueriesContext(connection) as ctx:
        order, _ = place_order(actor=None, company=shop["company"], channel="api", idempotency_key=key,
                               lines=[{"sku": p.sku, "quantity": 2} for p in products])
    assert order.status == "allocated"
    return len(ctx.captured_queries)


def test_place_order_statements_do_not_grow_with_lines(shop):
    statements(shop, 1, "warm-up")  # a process's first order also loads its config copies (oms.config_cache)
    three = statements(shop, 3, "three")
    thirty = statements(shop, 30, "thirty")
    assert three == thirty, (three, thirty)
    assert three <= 30  # 24 measured: reads (one of them the config tables' generations), about a dozen writes, then the credit confirmed under its lock

