"""One bill, one payment: starting to pay again cancels the earlier checkout still pending for
the same order or invoice, so its page no longer takes money. If a gateway still reports the
earlier one paid, the money is kept as the customer's credit and finance is told."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.urls import reverse

from oms.models import Notification
from payments.models import Payment
from payments.services import lock_payment, mark_paid, start_payment
from payments.services.callbacks import sandbox_complete
from tests.factories import CompanyFactory, InvoiceFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_paying_again_cancels_the_earlier_checkout_and_its_page_takes_no_money(client, dealer):
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("88.00"))
    other = InvoiceFactory(company=company, total=Decimal("12.00"))
    client.force_login(dealer(company=company))
    # the dealer opens the card page, goes back, and chooses Alipay instead
    client.post(reverse("portal:pay"), {"invoice": invoice.pk, "method": "card"})
    card = Payment.objects.get()
    other_payment, _url = start_payment(actor=None, company=company, method="card", invoice=other)
    client.post(reverse("portal:pay"), {"invoice": invoice.pk, "method": "alipay"})
    alipay = Payment.objects.get(method="alipay")
    card.refresh_from_db()
    other_payment.refresh_from_db()
    assert card.status == "cancelled" and alipay.status == "pending"
    assert other_payment.status == "pending"  # another bill's checkout is left alone

    # the old card page no longer pays; the Alipay scan does
    client.post(reverse("payments:sandbox_page", args=[card.token]), {"action": "pay"})
    card.refresh_from_db()
    assert card.status == "cancelled"
    client.get(reverse("payments:sandbox_scan", args=[alipay.token]))
    invoice.refresh_from_db()
    alipay.refresh_from_db()
    assert alipay.status == "paid" and invoice.status == "paid" and invoice.amount_paid == Decimal("88.00")
    page = client.get(reverse("portal:payment_detail", args=[card.pk])).content.decode()
    assert 'data-outcome="cancelled"' in page or "Cancelled" in page


def test_a_superseded_checkout_the_gateway_still_pays_becomes_credit_and_finance_is_told():
    finance = StaffFactory(staff_role="finance")
    finance_zh = StaffFactory(staff_role="finance", language="zh-hans")
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("50.00"))
    first, _ = start_payment(actor=None, company=company, method="card", invoice=invoice)
    second, _ = start_payment(actor=None, company=company, method="card", invoice=invoice)
    sandbox_complete(payment=second, succeed=True)
    # the first checkout had been paid at the gateway before it learned of the cancellation
    result = sandbox_complete(payment=first, succeed=True)
    assert result.outcome == "paid"
    first.refresh_from_db()
    invoice.refresh_from_db()
    assert invoice.status == "paid" and invoice.amount_paid == Decimal("50.00")
    assert first.status == "paid" and first.unallocated == Decimal("50.00")  # the customer's credit
    note = Notification.objects.get(recipient=finance, subject__contains="paid more than was owed")
    assert "50.00 CNY" in note.body and invoice.number in note.body and company.name in note.body
    chinese = Notification.objects.get(recipient=finance_zh)  # each recipient reads it in their language
    assert chinese.subject == f"付款 {first.display_number} 超出应付金额" and "50.00 CNY" in chinese.body


def test_a_payment_that_covers_its_bill_exactly_tells_finance_nothing():
    finance = StaffFactory(staff_role="finance")
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("50.00"))
    payment, _ = start_payment(actor=None, company=company, method="card", invoice=invoice)
    sandbox_complete(payment=payment, succeed=True)
    assert not Notification.objects.filter(recipient=finance, subject__contains="more than was owed").exists()


@pytest.mark.django_db(transaction=True)
def test_starting_again_while_the_earlier_payment_is_being_marked_paid_keeps_it_paid():
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("40.00"))
    first, _ = start_payment(actor=None, company=company, method="card", invoice=invoice)
    locked = threading.Event()
    errors = []

    def gateway_callback():
        try:
            with transaction.atomic():
                payment = lock_payment(first)
                locked.set()
                time.sleep(0.3)  # the customer starts paying again meanwhile
                mark_paid(actor=None, payment=payment)
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)
        finally:
            connection.close()

    thread = threading.Thread(target=gateway_callback)
    thread.start()
    locked.wait(5)
    try:
        start_payment(actor=None, company=company, method="alipay", invoice=invoice)
    except Exception as err:
        errors.append(err)
    thread.join()
    assert not errors
    first.refresh_from_db()
    assert first.status == "paid"  # not overwritten by the cancellation that waited for its lock
    assert Payment.objects.filter(method="alipay").count() == 1
