import pytest
from django.db import IntegrityError, transaction

from tests.factories import AddressFactory, CompanyFactory, ContactFactory, PriceListFactory, PriceListItemFactory


def test_credit_limit_cannot_be_negative(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        CompanyFactory(credit_limit=-1)


def test_one_default_address_per_kind(db):
    company = CompanyFactory()
    AddressFactory(company=company, kind="shipping", is_default=True)
    AddressFactory(company=company, kind="billing", is_default=True)
    AddressFactory(company=company, kind="shipping", is_default=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        AddressFactory(company=company, kind="shipping", is_default=True)


def test_one_primary_contact(db):
    company = CompanyFactory()
    ContactFactory(company=company, is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContactFactory(company=company, is_primary=True)


def test_price_list_breaks_are_unique_and_sane(db):
    item = PriceListItemFactory(min_quantity=50)
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceListItemFactory(price_list=item.price_list, product=item.product, min_quantity=50)
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceListItemFactory(unit_price=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PriceListItemFactory(min_quantity=0)


def test_price_list_dates_must_be_in_order(db):
    import datetime

    with pytest.raises(IntegrityError), transaction.atomic():
        PriceListFactory(valid_from=datetime.date(2026, 5, 1), valid_to=datetime.date(2026, 4, 1))


def test_address_completeness(db):
    assert AddressFactory().is_complete
    assert not AddressFactory(phone="").is_complete
