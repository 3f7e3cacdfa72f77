from django.contrib.auth import get_user_model
from django.core.management import call_command

from customers.models import Address, Company, Contact, DealerAccount, PriceList, PriceListItem
from inventory.models import Category, Product, Stock, StockMovement, Supplier, Warehouse
from inventory.selectors import stock_drift
from inventory.services.replenishment import low_stock
from oms.permissions import StaffRole

MODELS = [Warehouse, Category, Supplier, Stock, StockMovement, Product, PriceList, PriceListItem, Company, Contact, Address, DealerAccount, get_user_model()]


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_seed_demo_is_idempotent_and_looks_like_a_real_distributor(db):
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first

    assert first["Product"] >= 200
    assert first["Warehouse"] >= 3
    assert first["Company"] >= 24
    assert Company.objects.values("region").distinct().count() >= 5
    assert Company.objects.values("tier").distinct().count() >= 3
    roles = set(get_user_model().objects.exclude(staff_role="").values_list("staff_role", flat=True))
    assert roles == set(StaffRole)
    # every company can be shipped to and has a portal user
    assert not Company.objects.filter(addresses__isnull=True).exists()
    assert DealerAccount.objects.values("company").distinct().count() == first["Company"]
    # volume breaks exist and go down with quantity
    item = PriceListItem.objects.filter(min_quantity=200).select_related("product", "price_list").first()
    base = PriceListItem.objects.get(price_list=item.price_list, product=item.product, min_quantity=1)
    assert item.unit_price < base.unit_price
    # stock in every warehouse, explained by the ledger, some of it low
    assert first["Stock"] == first["Product"] * first["Warehouse"]
    assert stock_drift() == []
    assert 0 < low_stock().count() < first["Stock"] // 4
    assert not Product.objects.filter(supplier__isnull=True).exists()
    # every product validates, barcodes included
    for product in Product.objects.all()[:50]:
        product.full_clean()


def test_demo_logins_work(client, db):
    call_command("seed_demo", verbosity=0)
    from oms.management.commands.seed_demo import DEMO_PASSWORD

    for username, surface in (("manager", "console"), ("dealer", "portal"), ("finance", "console")):
        client.post(f"/{surface}/login/", {"username": username, "password": DEMO_PASSWORD})
        assert client.get(f"/{surface}/").status_code == 200, username
        client.post(f"/{surface}/logout/")
