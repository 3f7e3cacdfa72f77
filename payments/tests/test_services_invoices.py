"""Invoices: gapless numbers under concurrency, due dates from terms, allocation of payments
(partial, several invoices, overpayment kept as credit), credit notes, invoicing at shipment."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from payments.errors import AllocationNotAllowed, InvalidPaymentInput
from payments.models import Invoice
from payments.selectors import customer_credit
from payments.services import (
    allocate_payment, apply_payment_to_open_invoices, issue_credit_note, issue_invoice, record_bank_transfer,
)
from tests.factories import CompanyFactory, InvoiceFactory, OrderFactory, PaymentFactory, ship_order

pytestmark = pytest.mark.django_db


def test_invoice_takes_lines_totals_and_due_date_from_the_order(shop, place):
    # given a net30 customer's order
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    order = place(shop)
    # when it is invoiced
    invoice = issue_invoice(actor=shop["finance"], order=order)
    # then
    today = timezone.localdate()
    assert invoice.number == f"INV-{today.year}-000001"
    assert invoice.total == order.total and invoice.tax == order.tax_total
    assert invoice.due_date == today + timedelta(days=30)
    assert [ln["sku"] for ln in invoice.lines] == ["VALVE"]
    assert invoice.status == Invoice.Status.OPEN


def test_order_is_invoiced_once(shop, place):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    order = place(shop)
    issue_invoice(actor=None, order=order)
    with pytest.raises(Exception, match="already has an invoice"):
        issue_invoice(actor=None, order=order)


def test_credit_terms_order_is_invoiced_when_it_ships(shop, place, django_capture_on_commit_callbacks):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    order = place(shop)
    assert order.status == "allocated"
    with django_capture_on_commit_callbacks(execute=True):
        ship_order(order, shop["warehouse"])
    invoice = Invoice.objects.get(order=order)
    assert invoice.total == order.total and invoice.status == "open"


def test_partial_payment_then_rest_settles_the_invoice_and_marks_the_order_paid(shop, place):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    order = place(shop)
    invoice = issue_invoice(actor=None, order=order)
    first = record_bank_transfer(actor=shop["finance"], invoice=invoice, amount="50.00", reference="BT-1")
    invoice.refresh_from_db()
    assert invoice.status == "partially_paid" and invoice.amount_paid == Decimal("50.00")
    record_bank_transfer(actor=shop["finance"], invoice=invoice, amount=invoice.balance, reference="BT-2")
    invoice.refresh_from_db()
    order.refresh_from_db()
    assert invoice.status == "paid" and invoice.balance == 0
    assert order.is_paid
    assert first.amount_allocated == Decimal("50.00")


def test_one_payment_spread_over_several_invoices_and_overpayment_kept_as_credit(db):
    company = CompanyFactory()
    old = InvoiceFactory(company=company, total=Decimal("100.00"), due_date=timezone.localdate() - timedelta(days=5))
    new = InvoiceFactory(company=company, total=Decimal("80.00"))
    payment = PaymentFactory(company=company, amount=Decimal("230.00"), status="paid", method="bank_transfer")
    made = apply_payment_to_open_invoices(actor=None, payment=payment)
    old.refresh_from_db(), new.refresh_from_db(), payment.refresh_from_db()
    assert [a.amount for a in made] == [Decimal("100.00"), Decimal("80.00")]
    assert old.status == new.status == "paid"
    assert payment.unallocated == Decimal("50.00")
    assert customer_credit(company)["CNY"] == Decimal("50.00")
    # and the credit pays the next invoice
    from payments.services import apply_customer_credit

    third = InvoiceFactory(company=company, total=Decimal("30.00"))
    assert apply_customer_credit(actor=None, invoice=third) == Decimal("30.00")
    assert customer_credit(company)["CNY"] == Decimal("20.00")


def test_allocation_never_exceeds_the_invoice_or_the_payment(db):
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("100.00"))
    payment = PaymentFactory(company=company, amount=Decimal("60.00"), status="paid")
    with pytest.raises(AllocationNotAllowed):
        allocate_payment(actor=None, payment=payment, invoice=invoice, amount="70.00")
    allocate_payment(actor=None, payment=payment, invoice=invoice, amount="60.00")
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("60.00") and invoice.status == "partially_paid"
    other = PaymentFactory(company=CompanyFactory(), amount=Decimal("10.00"), status="paid")
    with pytest.raises(AllocationNotAllowed):  # another customer's money
        allocate_payment(actor=None, payment=other, invoice=invoice)


def test_credit_note_numbers_are_gapless_and_input_is_checked(db):
    company = CompanyFactory()
    year = timezone.localdate().year
    a = issue_credit_note(actor=None, company=company, amount="12.345", currency="CNY", reason="Return RMA-1", source_ref="RMA-1")
    b = issue_credit_note(actor=None, company=company, amount=Decimal("5"), currency="CNY", reason="Price fix")
    assert (a.number, b.number) == (f"CN-{year}-000001", f"CN-{year}-000002")
    assert a.amount == a.remaining == Decimal("12.35") and a.source_ref == "RMA-1"
    with pytest.raises(InvalidPaymentInput):
        issue_credit_note(actor=None, company=company, amount="0", currency="CNY", reason="x")
    with pytest.raises(InvalidPaymentInput):
        issue_credit_note(actor=None, company=company, amount="5", currency="XXX", reason="x")


@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_issuers_get_numbers_one_to_twenty(db):
    company = CompanyFactory()
    orders = [OrderFactory(company=company, status="shipped", total=Decimal("10.00")) for _ in range(20)]
    barrier = threading.Barrier(20)
    numbers, errors = [], []

    def issue(order):
        try:
            barrier.wait()
            numbers.append(issue_invoice(actor=None, order=order).number)
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    year = timezone.localdate().year
    assert sorted(numbers) == [f"INV-{year}-{n:06d}" for n in range(1, 21)]
