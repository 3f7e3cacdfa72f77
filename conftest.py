from decimal import Decimal

import pytest

from customers.models import Tier
from oms.regions import Region
from tests.factories import (
    PASSWORD, AddressFactory, CompanyFactory, PriceListFactory, PriceListItemFactory, ProductFactory, StaffFactory,
    TaxRateFactory, WarehouseFactory, dealer_user, stock_of,
)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def staff_user(db):
    """staff_user("finance") -> a console user with that role."""

    def make(role="sales", **kwargs):
        return StaffFactory(staff_role=role, **kwargs)

    return make


@pytest.fixture
def dealer(db):
    """dealer(company=None, role="buyer") -> a portal user of that company."""
    return dealer_user


@pytest.fixture
def shop(db):
    """Two warehouses (East and South), three priced products with stock, a Gold customer in
    the East with a complete ship-to address, and staff for the workflow."""
    sh = WarehouseFactory(code="SH", region=Region.EAST, priority=10)
    gz = WarehouseFactory(code="GZ", region=Region.SOUTH, priority=20)
    plist = PriceListFactory(code="CNY-GOLD", name="Gold", tier=Tier.GOLD)
    TaxRateFactory(rate=Decimal("13"))
    products = {}
    for sku, price, pack in (("VALVE", "100.00", 1), ("PIPE", "20.00", 10), ("TAPE", "2.00", 1)):
        products[sku] = ProductFactory(sku=sku, pack_size=pack)
        PriceListItemFactory(price_list=plist, product=products[sku], unit_price=Decimal(price))
    company = CompanyFactory(tier=Tier.GOLD, region=Region.EAST, price_list=plist, credit_limit=Decimal("50000"))
    address = AddressFactory(company=company, region=Region.EAST, is_default=True)
    return {
        "sh": sh, "gz": gz, "products": products, "company": company, "address": address, "plist": plist,
        "sales": StaffFactory(staff_role="sales"), "manager": StaffFactory(staff_role="sales_manager"),
        "finance": StaffFactory(staff_role="finance"), "warehouse": StaffFactory(staff_role="warehouse"),
        "stock_of": stock_of,
    }
