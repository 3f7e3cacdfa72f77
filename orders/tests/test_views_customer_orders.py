"""The customer page in the console shows the customer's latest orders and what it owes on
open, unpaid orders (the figure the credit check uses)."""

import pytest
from django.urls import reverse

from orders.services.intake import place_order

pytestmark = pytest.mark.django_db


def test_customer_page_lists_recent_orders_and_open_receivables(client, shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                           lines=[{"sku": "VALVE", "quantity": 2}])
    client.force_login(shop["sales"])
    html = client.get(reverse("console:company_detail", args=[shop["company"].pk])).content.decode()
    assert order.number in html
    assert reverse("console:order_detail", args=[order.pk]) in html
    assert "226.00" in html  # 2 x 100.00 + 13% tax, owed until paid
