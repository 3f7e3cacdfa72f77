"""Django admin: master data with search and filters, for administrators only."""

import pytest
from django.urls import reverse

from inventory.models import Product
from tests.factories import AddressFactory, CategoryFactory, ContactFactory, PriceListItemFactory, ProductFactory, dealer_user

CHANGELISTS = [
    "inventory_product", "inventory_category", "inventory_warehouse", "customers_company", "customers_contact",
    "customers_address", "customers_dealeraccount", "customers_pricelist", "customers_pricelistitem",
    "oms_user", "oms_notification", "inventory_supplier", "inventory_stock", "inventory_stockmovement",
    "customers_customerprice", "customers_promotion", "customers_taxrate", "orders_approvalrule", "orders_slatarget",
    "orders_order",
]


@pytest.fixture
def admin_client_oms(client, staff_user):
    client.force_login(staff_user("admin"))
    return client


@pytest.mark.parametrize("name", CHANGELISTS)
def test_changelists_open_and_search(admin_client_oms, name):
    PriceListItemFactory()
    ContactFactory()
    AddressFactory()
    dealer_user()
    url = reverse(f"admin:{name}_changelist")
    assert admin_client_oms.get(url).status_code == 200
    assert admin_client_oms.get(url, {"q": "x"}).status_code == 200


def test_product_edit_in_admin_is_validated_and_audited(admin_client_oms):
    product = ProductFactory(name="Gate valve")
    url = reverse("admin:inventory_product_change", args=[product.pk])
    data = {
        "sku": product.sku, "name": "Gate valve DN50", "category": product.category_id, "unit": "pcs",
        "pack_size": 2, "barcode": product.barcode, "weight_kg": "9.000", "tax_class": "standard", "active": "on",
        "description": "",
    }
    assert admin_client_oms.post(url, {**data, "barcode": "1234567890123"}).status_code == 200  # bad check digit
    product.refresh_from_db()
    assert product.name == "Gate valve"
    response = admin_client_oms.post(url, data)
    assert response.status_code == 302
    latest = Product.history.filter(id=product.pk).order_by("-history_date").first()
    assert latest.name == "Gate valve DN50"
    assert latest.history_user.staff_role == "admin"


def test_new_category_can_be_made_in_admin(admin_client_oms):
    parent = CategoryFactory()
    response = admin_client_oms.post(reverse("admin:inventory_category_add"), {"name": "Valves", "slug": "valves", "parent": parent.pk})
    assert response.status_code == 302
