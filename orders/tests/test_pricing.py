"""The pricing engine, table-driven: which rule wins and what each line stores."""

from datetime import date
from decimal import Decimal

import pytest

from customers.models import Tier
from oms.regions import Region
from orders.errors import NoPrice
from orders.pricing import PricingContext
from tests.factories import (
    CategoryFactory, CompanyFactory, CustomerPriceFactory, PriceListFactory, PriceListItemFactory, ProductFactory,
    PromotionFactory, TaxRateFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal
ON = date(2026, 4, 15)


@pytest.fixture
def world():
    parent = CategoryFactory(name="Plumbing")
    valves = CategoryFactory(name="Valves", parent=parent)
    product = ProductFactory(sku="BLV-020", category=valves)
    gold = PriceListFactory(code="CNY-GOLD", name="Gold dealer prices", tier=Tier.GOLD)
    PriceListItemFactory(price_list=gold, product=product, min_quantity=1, unit_price=D("100.00"))
    PriceListItemFactory(price_list=gold, product=product, min_quantity=50, unit_price=D("95.00"))
    PriceListItemFactory(price_list=gold, product=product, min_quantity=200, unit_price=D("90.00"))
    company = CompanyFactory(tier=Tier.GOLD, region=Region.EAST, price_list=gold)
    TaxRateFactory(tax_class="standard", region="", rate=D("13"))
    TaxRateFactory(tax_class="reduced", region="", rate=D("9"))
    return {"product": product, "company": company, "valves": valves, "parent": parent, "gold": gold}


def price(world, qty, manual=None, region=None, on=ON):
    ctx = PricingContext(company=world["company"], products=[world["product"]], on=on, region=region)
    return ctx.price(world["product"], qty, manual_price=manual)


@pytest.mark.parametrize("qty,unit,rule", [
    (1, "100.00", "Gold dealer prices (CNY-GOLD) ¥100.00"),
    (49, "100.00", "Gold dealer prices (CNY-GOLD) ¥100.00"),
    (50, "95.00", "Gold dealer prices (CNY-GOLD), 50+ break ¥95.00"),
    (199, "95.00", "50+ break"),
    (200, "90.00", "200+ break"),
])
def test_volume_breaks(world, qty, unit, rule):
    line = price(world, qty)
    assert line.unit_price == D(unit) and rule in line.explanation
    assert line.net_amount == D(unit) * qty
    assert line.tax_amount == (D(unit) * qty * D("0.13")).quantize(D("0.01"))
    assert line.total_amount == line.net_amount + line.tax_amount


@pytest.mark.parametrize("promo,expected_unit,label", [
    ({"kind": "percent", "value": D("5")}, "95.00", "−5%"),
    ({"kind": "amount", "value": D("7.50")}, "92.50", "−¥7.50"),
    ({"kind": "percent", "value": D("5"), "tier": Tier.SILVER}, "100.00", None),        # other tier
    ({"kind": "percent", "value": D("5"), "region": Region.SOUTH}, "100.00", None),     # other region
    ({"kind": "percent", "value": D("5"), "starts_on": date(2026, 5, 1)}, "100.00", None),  # not yet
    ({"kind": "percent", "value": D("5"), "active": False}, "100.00", None),
])
def test_promotions_by_product(world, promo, expected_unit, label):
    PromotionFactory(name="Spring promo", product=world["product"], **promo)
    line = price(world, 10)
    assert line.unit_price == D(expected_unit)
    if label:
        assert f"Spring promo {label}" in line.explanation
        assert line.discount_amount == (D("100") - D(expected_unit)) * 10
    else:
        assert "Spring promo" not in line.explanation and line.discount_amount == 0


def test_category_promotion_reaches_subcategories_and_best_one_wins(world):
    PromotionFactory(name="Plumbing week", category=world["parent"], kind="percent", value=D("3"))
    PromotionFactory(name="Valve days", category=world["valves"], kind="percent", value=D("8"))
    line = price(world, 10)
    assert line.unit_price == D("92.00") and "Valve days −8%" in line.explanation and "Plumbing week" not in line.explanation


def test_customer_price_beats_the_list(world):
    CustomerPriceFactory(company=world["company"], product=world["product"], unit_price=D("88.00"))
    CustomerPriceFactory(company=world["company"], product=world["product"], min_quantity=100, unit_price=D("80.00"))
    assert price(world, 10).unit_price == D("88.00")
    line = price(world, 100)
    assert line.unit_price == D("80.00") and "Customer price, 100+ break" in line.explanation


def test_expired_customer_price_is_ignored(world):
    CustomerPriceFactory(company=world["company"], product=world["product"], unit_price=D("50"),
                         valid_to=date(2026, 3, 31))
    assert price(world, 1).unit_price == D("100.00")


def test_manual_price_is_marked_and_explained(world):
    line = price(world, 10, manual=D("70"))
    assert line.manual_price and line.unit_price == D("70.00")
    assert "manual price ¥70.00" in line.explanation and line.discount_amount == D("300.00")


@pytest.mark.parametrize("tax_class,region,regional,expected", [
    ("standard", Region.EAST, None, "13"),
    ("reduced", Region.EAST, None, "9"),
    ("exempt", Region.EAST, None, "0"),
    ("standard", Region.SOUTH, ("standard", Region.SOUTH, "6"), "6"),   # a regional rate beats the national one
])
def test_tax_by_class_and_region(world, tax_class, region, regional, expected):
    if regional:
        TaxRateFactory(tax_class=regional[0], region=regional[1], rate=D(regional[2]))
    world["product"].tax_class = tax_class
    line = price(world, 3, region=region)
    assert line.tax_rate == D(expected) and f"VAT {D(expected).normalize():f}%" in line.explanation


def test_rounding_is_half_up_once_per_amount(world):
    PromotionFactory(name="Odd", product=world["product"], kind="percent", value=D("3.333"))
    line = price(world, 3)
    assert line.unit_price == D("96.67")  # 100 − 3.333 → 96.667 → 96.67
    assert line.net_amount == D("290.01")
    assert line.tax_amount == D("37.70")  # 290.01 × 13% = 37.7013


def test_no_price_is_a_clear_error(world):
    other = ProductFactory(sku="NOPRICE-1")
    ctx = PricingContext(company=world["company"], products=[other], on=ON)
    with pytest.raises(NoPrice) as err:
        ctx.price(other, 1)
    assert "NOPRICE-1 has no price" in str(err.value)


def test_fallback_list_for_tier_when_company_has_none(world):
    company = CompanyFactory(tier=Tier.GOLD, region=Region.EAST, price_list=None)
    ctx = PricingContext(company=company, products=[world["product"]], on=ON)
    assert ctx.price(world["product"], 1).unit_price == D("100.00")
