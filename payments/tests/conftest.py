import pytest

from orders.services.intake import place_order


@pytest.fixture
def prepaid_shop(shop):
    shop["company"].payment_terms = "prepaid"
    shop["company"].save()
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    return shop


@pytest.fixture
def place(db):
    def make(shop, qty=2, sku="VALVE"):
        order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                               lines=[{"sku": sku, "quantity": qty}])
        order.refresh_from_db()
        return order

    return make
