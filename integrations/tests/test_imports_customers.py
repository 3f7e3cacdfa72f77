"""Customer import: companies by code, with primary contact and a shipping address."""

from decimal import Decimal

import pytest

from customers.models import Address, Company, Contact
from integrations.imports.services import apply_import, start_import
from integrations.models import ImportJob
from tests.factories import CompanyFactory, PriceListFactory

from .factories import csv_upload
from . import imports_support

job_errors = imports_support.job_errors
media = imports_support.media

pytestmark = pytest.mark.django_db

HEADER = ["code", "name", "region", "tier", "payment_terms", "credit_limit", "price_list", "contact_name",
          "contact_email", "address_recipient", "address_phone", "address_line1", "address_city", "address_province"]


def test_customers_are_created_and_updated_with_contact_and_address(media, staff_user):
    manager = staff_user("sales_manager")
    PriceListFactory(code="CNY-GOLD")
    existing = CompanyFactory(code="D-OLD", name="Old Co", credit_limit=Decimal("100"))
    upload = csv_upload([HEADER,
                         ["d-new", "New Co", "East China", "gold", "net60", "80,000.00", "cny-gold", "Li Wei",
                          "li@example.com", "Li Wei", "13800000000", "88 Century Ave", "Shanghai", "Shanghai"],
                         ["D-OLD", "", "", "", "", "5000", "", "", "", "", "", "", "", ""]])

    job = start_import(actor=manager, kind="customers", upload=upload)
    assert job.status == ImportJob.Status.READY, job.errors
    assert job.dry_run["counts"] == {"create": 1, "update": 1}
    assert not Company.objects.filter(code="D-NEW").exists()

    job = apply_import(actor=manager, job=job)

    assert job.status == ImportJob.Status.APPLIED
    new = Company.objects.get(code="D-NEW")
    assert (new.name, new.region, new.tier, new.payment_terms, new.credit_limit, new.price_list.code) == (
        "New Co", "east", "gold", "net60", Decimal("80000.00"), "CNY-GOLD")
    assert Contact.objects.get(company=new, is_primary=True).email == "li@example.com"
    address = Address.objects.get(company=new)
    assert (address.line1, address.region, address.is_default) == ("88 Century Ave", "east", True)
    existing.refresh_from_db()
    assert (existing.name, existing.credit_limit) == ("Old Co", Decimal("5000"))


def test_bad_rows_are_listed_and_nothing_is_created(media, staff_user):
    manager = staff_user("sales_manager")
    upload = csv_upload([HEADER,
                         ["OK-1", "Fine Co", "east", "", "", "", "", "", "", "", "", "", "", ""],
                         ["BAD-1", "Bad region", "mars", "", "", "", "", "", "", "", "", "", "", ""],
                         ["BAD-2", "No list", "east", "", "", "1e3x", "NOPE", "", "", "", "", "", "", ""],
                         ["OK-1", "Again", "east", "", "", "", "", "", "", "", "", "", "", ""],
                         ["BAD-3", "", "east", "", "", "", "", "", "", "", "", "Half an address", "", ""],
                         ["BAD-4", "Mail", "east", "", "", "", "", "Wang", "not-an-email", "", "", "", "", ""],
                         ["BAD-5", "Phone", "east", "", "", "", "", "", "", "Zhao", "138", "1 Road", "Wuxi", "Jiangsu"]])

    job = start_import(actor=manager, kind="customers", upload=upload)

    assert job.status == ImportJob.Status.INVALID
    assert {(2, "name")} & job_errors(job) == set()
    assert {(3, "region"), (4, "credit_limit"), (4, "price_list"), (5, "code"), (6, "name"),
            (6, "address_recipient"), (7, "contact_email"), (8, "address_phone")} <= job_errors(job)
    assert not Company.objects.filter(code="OK-1").exists()


def test_a_model_validation_error_found_in_the_dry_run_names_its_column(media, staff_user):
    manager = staff_user("sales_manager")
    upload = csv_upload([HEADER[:3] + ["contact_name", "contact_email"],
                         ["M-1", "Mail Co", "east", "Wang", "not-an-email"]])

    job = start_import(actor=manager, kind="customers", upload=upload)

    assert job.status == ImportJob.Status.INVALID
    assert job_errors(job) == {(2, "contact_email")}
