"""Refunds never exceed what was paid — also when two are asked at once."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from payments.errors import RefundNotAllowed
from payments.models import Payment
from payments.services import allocate_payment, refund_payment
from tests.factories import CompanyFactory, InvoiceFactory, PaymentFactory

pytestmark = pytest.mark.django_db


def test_partial_then_full_refund(db):
    payment = PaymentFactory(status="paid", amount=Decimal("100.00"))
    refund_payment(actor=None, payment=payment, amount="30", reason="Damaged box")
    payment.refresh_from_db()
    assert payment.status == "partially_refunded" and payment.amount_refunded == Decimal("30.00")
    with pytest.raises(RefundNotAllowed, match="At most"):
        refund_payment(actor=None, payment=payment, amount="70.01", reason="Too much")
    refund_payment(actor=None, payment=payment, amount="70", reason="Rest")
    payment.refresh_from_db()
    assert payment.status == "refunded" and payment.refunds.count() == 2


def test_unpaid_payment_cannot_be_refunded_and_reason_is_required(db):
    with pytest.raises(RefundNotAllowed):
        refund_payment(actor=None, payment=PaymentFactory(status="pending"), amount="1", reason="x")
    with pytest.raises(RefundNotAllowed):
        refund_payment(actor=None, payment=PaymentFactory(status="paid"), amount="1", reason=" ")


def test_refund_of_allocated_money_reopens_the_invoice(db):
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("100.00"))
    payment = PaymentFactory(company=company, status="paid", amount=Decimal("100.00"))
    allocate_payment(actor=None, payment=payment, invoice=invoice)
    refund_payment(actor=None, payment=payment, amount="40", reason="Returned goods")
    invoice.refresh_from_db()
    assert invoice.status == "partially_paid" and invoice.amount_paid == Decimal("60.00")


@pytest.mark.django_db(transaction=True)
def test_two_refunds_at_once_cannot_exceed_the_payment(db):
    payment = PaymentFactory(status="paid", amount=Decimal("100.00"))
    barrier = threading.Barrier(2)
    ok, refused = [], []

    def ask():
        try:
            barrier.wait()
            ok.append(refund_payment(actor=None, payment=payment, amount="60", reason="Return"))
        except RefundNotAllowed:
            refused.append(1)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (len(ok), len(refused)) == (1, 1)
    payment = Payment.objects.get(pk=payment.pk)
    assert payment.amount_refunded == Decimal("60.00")
