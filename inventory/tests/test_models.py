"""Catalog invariants hold in the database, not just in forms."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from inventory.validators import validate_barcode
from tests.factories import CategoryFactory, ProductFactory


@pytest.mark.parametrize("code", ["4006381333931", "6901234567892", "036000291452"])
def test_valid_ean13_and_upc_barcodes_pass(code):
    validate_barcode(code)


@pytest.mark.parametrize("code,message", [
    ("4006381333932", "check digit"),
    ("400638133393", "check digit"),
    ("40063813339", "13 digits"),
    ("40063813339AB", "13 digits"),
])
def test_bad_barcodes_are_rejected_with_a_reason(code, message):
    with pytest.raises(ValidationError) as err:
        validate_barcode(code)
    assert message in str(err.value)


def test_product_form_validation_names_the_field(db):
    product = ProductFactory.build(category=CategoryFactory(), barcode="1234567890123", pack_size=0)
    with pytest.raises(ValidationError) as err:
        product.full_clean()
    assert set(err.value.message_dict) >= {"barcode", "pack_size"}


@pytest.mark.parametrize("field,value", [("pack_size", 0), ("weight_kg", -1), ("barcode", "12AB")])
def test_database_refuses_invalid_products_even_if_code_is_wrong(db, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(**{field: value})


def test_sku_and_barcode_are_unique(db):
    first = ProductFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(sku=first.sku)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(barcode=first.barcode)
    # many products may have no barcode
    ProductFactory(barcode="")
    ProductFactory(barcode="")


def test_product_changes_are_kept_in_history(db):
    product = ProductFactory(name="Old name")
    product.name = "New name"
    product.save()
    assert [h.name for h in product.history.order_by("history_date")] == ["Old name", "New name"]
