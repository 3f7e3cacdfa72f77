"""Bank statement upload: proposed matches by number and amount, confirmed by finance."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from payments.models import Payment
from tests.factories import CompanyFactory, InvoiceFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def csv_file(text):
    return SimpleUploadedFile("statement.csv", text.encode("utf-8"), content_type="text/csv")


def test_statement_lines_are_matched_and_confirmed(client, staff_user):
    company = CompanyFactory()
    exact = InvoiceFactory(company=company, total=Decimal("150.00"))
    by_amount = InvoiceFactory(company=company, total=Decimal("77.70"))
    PaymentFactory(company=company, method="bank_transfer", gateway="bank", gateway_ref="REF-OLD", status="paid")
    client.force_login(staff_user("finance"))
    url = reverse("console:bank_statement")
    assert client.get(url).status_code == 200
    body = ("date,amount,currency,reference,description\n"
            f"2026-11-20,150.00,CNY,REF-1,Payment {exact.number}\n"
            "2026-11-20,77.70,CNY,REF-2,transfer\n"
            "2026-11-20,12.00,CNY,REF-3,unknown\n"
            "2026-11-20,-5.00,CNY,FEE,bank fee\n"
            "2026-11-20,150.00,CNY,REF-OLD,again\n")
    page = client.post(url, {"file": csv_file(body)}).content.decode()
    assert exact.number in page and by_amount.number in page and "no match" in page and "already recorded" in page
    assert "FEE" not in page
    # confirm the first two proposals (rows 1 and 2 as numbered on the page)
    response = client.post(url, {"confirm": "1", "row": ["1", "2"],
                                 "ref_1": "REF-1", "doc_1": exact.number, "amount_1": "150.00",
                                 "ref_2": "REF-2", "doc_2": by_amount.number, "amount_2": "77.70"})
    assert response.status_code == 302
    exact.refresh_from_db(), by_amount.refresh_from_db()
    assert exact.status == by_amount.status == "paid"
    assert Payment.objects.filter(gateway_ref__in=["REF-1", "REF-2"], status="paid").count() == 2


def test_bad_statement_files_get_a_field_error(client, staff_user):
    client.force_login(staff_user("finance"))
    url = reverse("console:bank_statement")
    for body, text in (("foo,bar\n1,2\n", "must name the columns"), ("amount,reference\nabc,R1\n", "is not an amount")):
        page = client.post(url, {"file": csv_file(body)}).content.decode()
        assert text in page
    assert client.post(url, {}).status_code == 200
