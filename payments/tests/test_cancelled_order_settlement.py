"""Cancelling an order settles its money: the invoice is voided (so nothing is left to pay on
it), whatever was paid on it becomes the customer's credit, and the loyalty points it redeemed
come back while the ones it earned go."""

from decimal import Decimal

import pytest

from customers.models import LoyaltyAccount
from customers.selectors import loyalty_balance
from customers.services import adjust_points, award_points
from orders.services.workflow import cancel_order
from payments.errors import InvalidPaymentInput
from payments.models import Invoice
from payments.selectors import statement
from payments.services import start_payment
from payments.services.callbacks import sandbox_complete
from tests.factories import LoyaltyRuleFactory

pytestmark = pytest.mark.django_db


def test_cancelling_a_paid_order_voids_its_invoice_and_keeps_the_money_as_credit(prepaid_shop, place):
    order = place(prepaid_shop)
    payment, _url = start_payment(actor=None, company=order.company, method="card", order=order)
    sandbox_complete(payment=payment, succeed=True)
    invoice = Invoice.objects.get(order=order)
    assert invoice.status == "paid"
    order.refresh_from_db()
    assert order.amount_paid == order.total

    cancel_order(actor=prepaid_shop["sales"], order=order, reason="Customer changed their mind")

    invoice.refresh_from_db()
    payment.refresh_from_db()
    order.refresh_from_db()
    assert order.amount_paid == 0  # paid on nothing any more: the money is the customer's credit
    assert invoice.status == "void" and invoice.amount_paid == 0 and not invoice.allocations.exists()
    assert "Customer changed their mind" in invoice.void_reason
    assert payment.status == "paid" and payment.unallocated == order.total  # refundable, or used on the next invoice
    balance = statement(order.company)["balances"][0]
    assert balance["owed"] == 0 and balance["credit"] == order.total
    assert order.events.filter(message__contains=f"Invoice {invoice.number} is void").count() == 1


def test_cancelling_an_unpaid_prepaid_order_leaves_nothing_to_pay(prepaid_shop, place, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order = place(prepaid_shop)
    invoice = Invoice.objects.get(order=order)  # issued while it waits for the money
    assert invoice.status == "open"
    cancel_order(actor=prepaid_shop["sales"], order=order, reason="Not paid in time")
    invoice.refresh_from_db()
    assert invoice.status == "void"
    assert statement(order.company)["invoices"] == []
    assert order.events.filter(message=f"Invoice {invoice.number} is void.").count() == 1
    assert not LoyaltyAccount.objects.filter(company=order.company).exists()  # no points: the ledger is not touched
    with pytest.raises(InvalidPaymentInput, match="not open for payment"):
        start_payment(actor=None, company=order.company, method="card", invoice=invoice)


def test_cancelling_gives_back_redeemed_points_and_takes_back_earned_ones(shop):
    from orders.services.intake import place_order

    LoyaltyRuleFactory(point_value=Decimal("0.01"))
    company = shop["company"]
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    adjust_points(actor=shop["manager"], company=company, points=1000, note="welcome bonus")
    order, _created = place_order(actor=shop["sales"], company=company, channel="console",
                                  lines=[{"sku": "VALVE", "quantity": 2}], loyalty_points=300)
    earned = award_points(company=company, order_number=order.number, amount=order.total, currency=order.currency)
    assert loyalty_balance(company) == 700 + earned.points

    cancel_order(actor=shop["sales"], order=order, reason="Duplicate")
    assert loyalty_balance(company) == 1000
    assert order.events.filter(data__points=300 - earned.points).count() == 1
