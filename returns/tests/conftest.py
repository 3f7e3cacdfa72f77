import pytest

from orders.services.intake import place_order
from tests.factories import deliver_order, dealer_user


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def delivered(shop, media):
    """A dealer's order of 4 valves and 20 pipes, shipped from Shanghai and delivered."""
    p = shop["products"]
    shop["stock_of"](p["VALVE"], shop["sh"], on_hand=10)
    shop["stock_of"](p["PIPE"], shop["sh"], on_hand=100)
    buyer = dealer_user(company=shop["company"], username="returner")
    order, _ = place_order(actor=buyer, company=shop["company"], channel="portal",
                           lines=[{"sku": "VALVE", "quantity": 4}, {"sku": "PIPE", "quantity": 20}])
    deliver_order(order, shop["warehouse"])
    lines = {ln.product.sku: ln for ln in order.lines.select_related("product")}
    return {**shop, "buyer": buyer, "order": order, "lines": lines}
