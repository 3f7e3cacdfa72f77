"""Accounting exports: invoices, payments and credit notes of a date range, as CSV, Excel (one
typed sheet each, frozen header) and through the API — values checked against fixtures."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.factories import CompanyFactory, CreditNoteFactory, InvoiceFactory, PaymentFactory

from .factories import api_client_with_token, api_http

pytestmark = pytest.mark.django_db

JAN = (datetime.date(2030, 1, 1), datetime.date(2030, 1, 31))


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime(2030, 1, day, hour, 30))


@pytest.fixture
def books():
    acme = CompanyFactory(code="ACME", name="Acme 贸易", tax_id="91310000X")
    other = CompanyFactory(code="BETA", name="Beta Ltd")
    inv1 = InvoiceFactory(number="INV-1", company=acme, issue_date=datetime.date(2030, 1, 5),
                          due_date=datetime.date(2030, 2, 4), subtotal=Decimal("100.00"), tax=Decimal("13.00"),
                          total=Decimal("113.00"), amount_paid=Decimal("50.00"), status="partially_paid")
    InvoiceFactory(number="INV-2", company=other, issue_date=datetime.date(2030, 1, 31), total=Decimal("0.10"))
    InvoiceFactory(number="INV-OUT", company=acme, issue_date=datetime.date(2030, 2, 1))
    PaymentFactory(company=acme, invoice=inv1, method="bank_transfer", gateway="", amount=Decimal("50.00"),
                   status="paid", paid_at=_at(6), reference="BANK-778")
    PaymentFactory(company=acme, amount=Decimal("9.99"), status="pending")  # never paid: not in the books
    PaymentFactory(company=other, amount=Decimal("1.00"), status="paid", paid_at=_at(1, 0))
    CreditNoteFactory(number="CN-1", company=acme, amount=Decimal("20.00"), remaining=Decimal("5.00"),
                      reason="Damaged", source_ref="RMA-1", created_at=_at(15))
    CreditNoteFactory(number="CN-OUT", company=acme, created_at=_at(1) - datetime.timedelta(days=1))
    return {"acme": acme}


@pytest.fixture
def finance(client, staff_user):
    client.force_login(staff_user("finance"))
    return client


def _url(**params):
    base = {"date_from": "2030-01-01", "date_to": "2030-01-31"}
    return reverse("console:export_index"), {**base, **params}


def test_excel_export_has_one_typed_sheet_per_document(books, finance, django_assert_max_num_queries):
    url, params = _url(format="xlsx", documents=["invoices", "payments", "credit_notes"])
    with django_assert_max_num_queries(8):  # session, user, and one query per document
        response = finance.get(url, params)
        content = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Disposition"].endswith('accounting-20300101-20300131.xlsx"')

    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Invoices", "Payments", "Credit notes"]
    invoices = workbook["Invoices"]
    assert invoices.freeze_panes == "A2"
    assert [c.value for c in invoices[1]][:5] == ["Invoice", "Issued", "Due", "Customer code", "Customer"]
    row = {h.value: c for h, c in zip(invoices[1], invoices[2])}
    assert row["Invoice"].value == "INV-1" and row["Customer"].value == "Acme 贸易"
    assert row["Issued"].value == datetime.datetime(2030, 1, 5) and row["Issued"].is_date
    assert row["Total"].data_type == "n" and Decimal(str(row["Total"].value)) == Decimal("113.00")
    assert row["Total"].number_format == "#,##0.00"
    assert (Decimal(str(row["Balance"].value)), row["Status"].value, row["Tax id"].value) == (
        Decimal("63.00"), "partially_paid", "91310000X")
    assert [r[0].value for r in invoices.iter_rows(min_row=2)] == ["INV-1", "INV-2"]

    payments = workbook["Payments"]
    rows = [{h.value: c.value for h, c in zip(payments[1], r)} for r in payments.iter_rows(min_row=2)]
    assert [(r["Customer code"], r["Amount"], r["Reference"], r["Invoice"]) for r in rows] == [
        ("BETA", 1, None, None), ("ACME", 50, "BANK-778", "INV-1")]  # empty text: an empty cell
    assert rows[1]["Paid"] == datetime.datetime(2030, 1, 6, 10, 30)

    notes = workbook["Credit notes"]
    assert [[c.value for c in r] for r in notes.iter_rows(min_row=2)] == [
        ["CN-1", datetime.datetime(2030, 1, 15), "ACME", "Acme 贸易", "CNY", 20, 5, "Damaged", "RMA-1"]]


def test_csv_export_streams_one_document(books, finance):
    url, params = _url(format="csv", documents=["invoices"])
    response = finance.get(url, params)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["number"] for r in rows] == ["INV-1", "INV-2"]
    assert (rows[0]["issue_date"], rows[0]["total"], rows[0]["balance"], rows[1]["total"]) == (
        "2030-01-05", "113.00", "63.00", "0.10")


def test_csv_needs_exactly_one_document_and_a_sane_range(books, finance):
    url, params = _url(format="csv", documents=["invoices", "payments"])
    assert finance.get(url, params).status_code == 422
    url, params = _url(date_from="2030-02-01")
    response = finance.get(url, params)
    assert response.status_code == 422 and "before the start date" in response.content.decode()


def test_export_page_needs_payments_view(client, staff_user):
    client.force_login(staff_user("warehouse"))
    assert client.get(reverse("console:export_index")).status_code == 403
    client.force_login(staff_user("finance"))
    assert client.get(reverse("console:export_index")).status_code == 200


def test_export_query_count_does_not_grow_with_rows(finance, django_assert_max_num_queries):
    company = CompanyFactory()
    for i in range(60):
        InvoiceFactory(company=company, issue_date=datetime.date(2030, 1, 1 + i % 28))
    url, params = _url(format="csv", documents=["invoices"])
    with django_assert_max_num_queries(4):
        lines = b"".join(finance.get(url, params).streaming_content).splitlines()
    assert len(lines) == 61


# --- API ---------------------------------------------------------------------------------------------

def test_api_invoices_for_a_range_paginated(books, django_assert_max_num_queries):
    _client, token = api_client_with_token("payments:read")
    http = api_http(token)
    with django_assert_max_num_queries(6):
        response = http.get("/api/v1/exports/invoices/", {"date_from": "2030-01-01", "date_to": "2030-01-31",
                                                          "limit": 1})
    assert response.status_code == 200
    body = response.json()
    assert [r["number"] for r in body["results"]] == ["INV-1"]
    first = body["results"][0]
    assert (first["total"], first["balance"], first["issue_date"], first["customer_code"]) == (
        "113.00", "63.00", "2030-01-05", "ACME")
    second = http.get(body["next"]).json()
    assert [r["number"] for r in second["results"]] == ["INV-2"] and second["next"] is None


def test_api_payments_and_credit_notes(books):
    _client, token = api_client_with_token("payments:read")
    http = api_http(token)
    params = {"date_from": "2030-01-01", "date_to": "2030-01-31"}
    payments = http.get("/api/v1/exports/payments/", params).json()["results"]
    assert sorted((p["customer_code"], p["amount"]) for p in payments) == [("ACME", "50.00"), ("BETA", "1.00")]
    assert next(p["paid_at"] for p in payments if p["customer_code"] == "ACME") == _at(6).isoformat()
    notes = http.get("/api/v1/exports/credit-notes/", params).json()["results"]
    assert [(n["number"], n["amount"], n["remaining"], n["date"]) for n in notes] == [
        ("CN-1", "20.00", "5.00", "2030-01-15")]


def test_api_needs_the_scope_and_valid_dates(books):
    _client, token = api_client_with_token("orders:read")
    assert api_http(token).get("/api/v1/exports/invoices/", {"date_from": "2030-01-01",
                                                            "date_to": "2030-01-31"}).status_code == 403
    assert api_http().get("/api/v1/exports/invoices/").status_code == 401
    _client, token = api_client_with_token("payments:read")
    response = api_http(token).get("/api/v1/exports/invoices/", {"date_from": "2030-01-31", "date_to": "2030-01-01"})
    assert response.status_code == 400 and "date_to" in response.json()["error"]["fields"]
    response = api_http(token).get("/api/v1/exports/invoices/", {"date_from": "yesterday"})
    assert response.status_code == 400
