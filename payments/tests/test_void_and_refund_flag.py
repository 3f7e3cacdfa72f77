"""Voiding an invoice (never deleted, number kept, refused once money is on it, gone from
receivables and statements, consistent when a payment lands at the same moment) and a full
refund taking the order's paid flag back."""

from decimal import Decimal

import pytest
from django.urls import reverse

from payments.errors import AllocationNotAllowed, InvoiceNotAllowed
from payments.models import Invoice, PaymentAllocation
from payments.selectors import ar_aging, statement
from payments.services import (
    allocate_payment, issue_invoice, refund_payment, record_bank_transfer, start_payment, void_invoice,
)
from payments.services.callbacks import sandbox_complete
from tests.concurrency import race
from tests.factories import CompanyFactory, InvoiceFactory, PaymentFactory


@pytest.mark.django_db
def test_void_keeps_the_invoice_and_its_number_and_drops_it_from_receivables():
    company = CompanyFactory()
    keep = InvoiceFactory(company=company, total=Decimal("40.00"))
    wrong = InvoiceFactory(company=company, total=Decimal("60.00"))
    with pytest.raises(InvoiceNotAllowed):
        void_invoice(actor=None, invoice=wrong, reason="  ")
    void_invoice(actor=None, invoice=wrong, reason="Issued to the wrong customer")
    wrong = Invoice.objects.get(pk=wrong.pk)
    assert wrong.status == "void" and wrong.void_reason == "Issued to the wrong customer" and wrong.voided_at
    assert wrong.number and wrong.total == Decimal("60.00")
    aging = ar_aging()
    assert [r["total"] for r in aging["rows"]] == [Decimal("40.00")]
    st = statement(company)
    assert [i.pk for i in st["invoices"]] == [keep.pk] and st["balances"][0]["owed"] == Decimal("40.00")
    with pytest.raises(InvoiceNotAllowed, match="already void"):
        void_invoice(actor=None, invoice=wrong, reason="again")
    payment = PaymentFactory(company=company, status="paid", amount=Decimal("60.00"))
    with pytest.raises(AllocationNotAllowed):
        allocate_payment(actor=None, payment=payment, invoice=wrong)


@pytest.mark.django_db
def test_an_invoice_with_money_on_it_cannot_be_voided():
    company = CompanyFactory()
    invoice = InvoiceFactory(company=company, total=Decimal("100.00"))
    payment = PaymentFactory(company=company, status="paid", amount=Decimal("30.00"))
    allocate_payment(actor=None, payment=payment, invoice=invoice)
    with pytest.raises(InvoiceNotAllowed, match="cannot be voided"):
        void_invoice(actor=None, invoice=invoice, reason="oops")
    assert Invoice.objects.get(pk=invoice.pk).status == "partially_paid"


@pytest.mark.django_db
def test_voided_order_invoice_lets_the_order_be_invoiced_again_with_the_next_number(prepaid_shop, place):
    prepaid_shop["company"].payment_terms = "net30"
    prepaid_shop["company"].save()
    order = place(prepaid_shop)
    first = issue_invoice(actor=None, order=order)
    void_invoice(actor=None, invoice=first, reason="Wrong address")
    second = issue_invoice(actor=None, order=order)
    assert int(second.number[-6:]) == int(first.number[-6:]) + 1
    assert Invoice.objects.filter(order=order).count() == 2


@pytest.mark.django_db
def test_console_void_button(client, staff_user):
    invoice = InvoiceFactory()
    client.force_login(staff_user("finance"))
    page = client.get(reverse("console:invoice_detail", args=[invoice.pk])).content.decode()
    assert reverse("console:invoice_void", args=[invoice.pk]) in page
    empty = client.post(reverse("console:invoice_void", args=[invoice.pk]), {"reason": ""})
    assert empty.status_code == 422
    done = client.post(reverse("console:invoice_void", args=[invoice.pk]), {"reason": "Duplicate"})
    assert done.status_code == 302
    page = client.get(reverse("console:invoice_detail", args=[invoice.pk])).content.decode()
    assert 'data-field="void"' in page and "Duplicate" in page
    assert reverse("console:invoice_void", args=[invoice.pk]) not in page
    client.force_login(staff_user("sales"))
    assert client.post(reverse("console:invoice_void", args=[invoice.pk]), {"reason": "x"}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_void_and_a_payment_at_the_same_moment_end_consistent():
    for _round in range(3):
        company = CompanyFactory()
        invoice = InvoiceFactory(company=company, total=Decimal("100.00"))
        payment = PaymentFactory(company=company, status="paid", amount=Decimal("100.00"))

        def act(i):
            if i == 0:
                return void_invoice(actor=None, invoice=invoice, reason="race")
            return allocate_payment(actor=None, payment=payment, invoice=invoice)

        results = race(2, act)
        assert not [r for r in results if r[0] == "error"], results
        invoice.refresh_from_db()
        payment.refresh_from_db()
        allocated = PaymentAllocation.objects.filter(invoice=invoice).count()
        if invoice.status == "void":
            assert allocated == 0 and invoice.amount_paid == 0 and payment.amount_allocated == 0
        else:
            assert invoice.status == "paid" and allocated == 1 and payment.amount_allocated == Decimal("100.00")
        assert sorted(r[0] for r in results) == ["ok", "refused"]


@pytest.mark.django_db
def test_full_refund_of_a_prepaid_orders_payment_clears_its_paid_flag(prepaid_shop, place):
    order = place(prepaid_shop)
    payment, _url = start_payment(actor=None, company=order.company, method="card", order=order)
    sandbox_complete(payment=payment, succeed=True)
    order.refresh_from_db()
    assert order.is_paid
    refund_payment(actor=None, payment=payment, amount="10", reason="Goodwill")
    order.refresh_from_db()
    payment.refresh_from_db()
    invoice = Invoice.objects.get(order=order)
    # the 10 came back off the invoice, which owes it again: the order is no longer paid
    assert payment.status == "partially_refunded" and invoice.status == "partially_paid"
    assert invoice.balance == Decimal("10.00") and not order.is_paid
    refund_payment(actor=None, payment=payment, amount=payment.refundable, reason="Customer cancelled")
    order.refresh_from_db()
    payment.refresh_from_db()
    invoice = Invoice.objects.get(order=order)
    assert payment.status == "refunded" and payment.amount_refunded == payment.amount
    assert not order.is_paid
    assert invoice.status == "open" and invoice.amount_paid == 0
    assert order.events.filter(message__contains="no longer paid").count() == 1


@pytest.mark.django_db
def test_refunding_an_overpayment_keeps_the_order_paid_and_reopening_its_invoice_does_not(prepaid_shop, place):
    from orders.review import open_receivables

    order = place(prepaid_shop)
    company = order.company
    transfer = record_bank_transfer(actor=None, amount=order.total + 50, reference="BOC-7781", order=order)
    order.refresh_from_db()
    invoice = Invoice.objects.get(order=order)
    assert order.is_paid and invoice.status == "paid" and open_receivables(company) == 0
    refund_payment(actor=None, payment=transfer, amount="50", reason="Paid too much")  # money no invoice needed
    order.refresh_from_db()
    assert order.is_paid and open_receivables(company) == 0
    refund_payment(actor=None, payment=transfer, amount="20", reason="Sent back by mistake")
    order.refresh_from_db()
    invoice.refresh_from_db()
    assert invoice.status == "partially_paid" and invoice.balance == Decimal("20.00")
    assert not order.is_paid and open_receivables(company) == Decimal("20.00")  # the credit check counts what is owed
    assert order.events.filter(message__contains="no longer paid").count() == 1


@pytest.mark.django_db
def test_full_refund_leaves_the_flag_when_another_payment_covers_the_order(prepaid_shop, place):
    order = place(prepaid_shop)
    first, _url = start_payment(actor=None, company=order.company, method="card", order=order)
    sandbox_complete(payment=first, succeed=True)
    order.refresh_from_db()
    # a second transfer for the same amount arrives (kept as credit), then the card is refunded
    record_bank_transfer(actor=None, amount=order.total, reference="BANK-1", company=order.company, currency="CNY",
                         order=order)
    refund_payment(actor=None, payment=first, amount=first.amount, reason="Paid twice")
    order.refresh_from_db()
    assert order.is_paid


@pytest.mark.django_db
def test_loyalty_points_follow_a_refund_and_come_back_when_paid_again(prepaid_shop, place):
    """Points are earned on paid orders: a refund takes back the share of points of the money
    given back; paid again, the order has them all back; cancelled, what it still holds goes."""
    from customers.selectors import loyalty_balance
    from orders.services.workflow import cancel_order
    from payments.services import allocate_payment
    from tests.factories import LoyaltyRuleFactory

    LoyaltyRuleFactory(points_per_unit=Decimal("1"))
    order = place(prepaid_shop, qty=4)
    company = order.company
    transfer = record_bank_transfer(actor=None, amount=order.total, reference="BOC-P1", order=order)
    earned = int(order.total)
    assert loyalty_balance(company) == earned

    refund_payment(actor=None, payment=transfer, amount="226.00", reason="One valve returned")
    order.refresh_from_db()
    kept = int(earned * (order.total - Decimal("226.00")) / order.total)
    assert not order.is_paid and loyalty_balance(company) == kept
    assert order.events.filter(message=f"{earned - kept} loyalty points taken back with the refund.").exists()

    rest = record_bank_transfer(actor=None, amount="226.00", reference="BOC-P2", company=company, currency=order.currency)
    allocate_payment(actor=None, payment=rest, invoice=Invoice.objects.get(order=order))
    order.refresh_from_db()
    assert order.is_paid and loyalty_balance(company) == earned
    assert order.events.filter(data__points=kept - earned).count() == 1  # taken back
    assert order.events.filter(message=f"{earned - kept} loyalty points given back: the order is paid again.").exists()

    refund_payment(actor=None, payment=rest, amount="100.00", reason="Goodwill")
    order.refresh_from_db()
    held = loyalty_balance(company)
    assert held < earned
    cancel_order(actor=prepaid_shop["sales"], order=order, reason="Customer gave up")
    assert loyalty_balance(company) == 0  # what the order still held goes, nothing more
