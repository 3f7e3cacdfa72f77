"""Payments: start one through a gateway, move it through its states, what happens when the
money arrives, bank transfers confirmed by finance, refunds."""

import logging
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.models import Company
from oms.models import Notification
from oms.events import publish
from oms.i18n import Message
from oms.money import quantize, to_decimal
from oms.notifications import notify
from oms.permissions import StaffRole
from orders.models import Order, Status

from ..errors import GatewayError, IllegalTransition, InvalidPaymentInput, RefundNotAllowed
from ..gateways import enabled_gateways, get_gateway
from ..models import Invoice, Method, Payment, PaymentStatus, Refund
from ..state import SETTLED, can_transition
from . import invoices as invoicing

logger = logging.getLogger("payments")
User = get_user_model()
PAYABLE_ORDER = frozenset(set(Status) - {Status.DRAFT, Status.CANCELLED})


def lock_payment(payment_or_pk) -> Payment:
    return Payment.objects.select_for_update(of=("self",)).get(pk=getattr(payment_or_pk, "pk", payment_or_pk))


def transition_payment(payment, to) -> Payment:
    """The one way a payment changes status (row already locked by the caller)."""
    if not can_transition(payment.status, to):
        raise IllegalTransition(payment, to)
    payment.status = to
    fields = ["status", "updated_at"]
    if to == PaymentStatus.PAID and payment.paid_at is None:
        payment.paid_at = timezone.now()
        fields.append("paid_at")
    payment.save(update_fields=fields)
    return payment


def notify_finance(subject, body="", link=""):
    recipients = list(User.objects.filter(staff_role=StaffRole.FINANCE, is_active=True))
    if recipients:
        notify(recipients=recipients, subject=subject, body=body, link=link, kind=Notification.Kind.PAYMENT)


def _order_outstanding(order) -> Decimal:
    paid = (Payment.objects.filter(order=order, status__in=SETTLED)
            .aggregate(s=Sum(F("amount") - F("amount_refunded")))["s"] or 0)
    return max(order.total - paid, 0)


def order_outstanding(order):
    invoice = invoicing.live_invoice(order)
    if invoice is not None:
        return invoice.balance
    return quantize(_order_outstanding(order), order.currency)


def start_payment(*, actor, company, gateway=None, method=Method.CARD, order=None, invoice=None,
                  return_url="") -> tuple[Payment, str]:
    """A pending payment for what `order` or `invoice` still owes, paid by `method` (card, Alipay
    or WeChat Pay — one the customer may use) on `gateway` (default: the first live gateway that
    takes the method). Returns the payment and the URL of the gateway's hosted page."""
    from ..gateways import gateway_for_method
    from ..models import ONLINE_METHODS
    from ..selectors import allowed_methods

    method = str(method or Method.CARD)
    if method not in {m.value for m in ONLINE_METHODS}:
        raise InvalidPaymentInput(_("That payment method cannot be paid online."), field="method")
    if method not in allowed_methods(company):
        raise InvalidPaymentInput(_("%(method)s is not a payment method of your account.")
                                  % {"method": Method(method).label}, field="method")
    gateway = gateway or gateway_for_method(method)
    gw = get_gateway(gateway) if gateway else None
    if gw is None:
        raise InvalidPaymentInput(_("That payment method is not available."), field="gateway")
    if method not in gw.methods:
        raise InvalidPaymentInput(_("%(gateway)s does not take %(method)s.")
                                  % {"gateway": gw.label, "method": Method(method).label}, field="method")
    if (order is None) == (invoice is None):
        raise InvalidPaymentInput(_("Pay either an order or an invoice."))
    if invoice is not None:
        if invoice.company_id != company.pk or invoice.status not in (Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID):
            raise InvalidPaymentInput(_("Invoice %(number)s is not open for payment.") % {"number": invoice.number})
        amount, currency, target_order = invoice.balance, invoice.currency, invoice.order
    else:
        if order.company_id != company.pk or order.is_paid or order.status not in PAYABLE_ORDER:
            raise InvalidPaymentInput(_("Order %(number)s has nothing to pay.") % {"number": order.number})
        amount, currency, target_order = order_outstanding(order), order.currency, order
    if amount <= 0:
        raise InvalidPaymentInput(_("There is nothing left to pay."))
    with transaction.atomic():
        _supersede_pending(order=target_order, invoice=invoice)
        payment = Payment.objects.create(
            company=company, order=target_order, invoice=invoice, method=method, gateway=gateway,
            amount=amount, currency=currency, created_by=actor if actor is not None and actor.pk else None,
        )
        checkout = gw.create_payment(payment, return_url=return_url)
    return payment, checkout.redirect_url or checkout.qr_payload


def _supersede_pending(*, order, invoice):
    """The customer starts paying again (another method, or the same one after leaving the
    gateway's page): the earlier checkouts still pending for the same order or invoice are
    cancelled, so their pages no longer take money and one bill is not paid twice. A gateway
    that still reports one paid wins (cancelled → paid): the money lands, and what the bill
    no longer needs stays as customer credit, finance told (see mark_paid).
    One conditional UPDATE (pending → cancelled, a move the state map allows), no lock on the
    order or invoice: a payment being marked paid at this moment keeps its row lock and its
    new status is not overwritten."""
    pending = Payment.objects.filter(status=PaymentStatus.PENDING)
    pending = pending.filter(order=order) if order is not None else pending.filter(invoice=invoice)
    pending.update(status=PaymentStatus.CANCELLED, updated_at=timezone.now())


def mark_paid(*, actor, payment) -> Payment:
    """The money for `payment` arrived (row locked by the caller): payment → paid, allocate it
    to its invoice (issuing one for a prepaid order), mark the order paid — which releases a
    prepaid order held for payment."""
    transition_payment(payment, PaymentStatus.PAID)
    publish("payment.received", payment_id=payment.pk, number=payment.display_number, company_id=payment.company_id, order_id=payment.order_id, invoice_id=payment.invoice_id, amount=str(payment.amount), currency=payment.currency, method=payment.method)
    invoice = None
    if payment.invoice_id:
        invoice = Invoice.objects.get(pk=payment.invoice_id)
    elif payment.order_id:
        order = Order.objects.select_related("company").get(pk=payment.order_id)
        invoice = invoicing.live_invoice(order)
        if invoice is None and order.payment_terms == Company.PaymentTerms.PREPAID and order.status in PAYABLE_ORDER:
            invoice = invoicing.issue_invoice(actor=actor, order=order, apply_credit=False)
    if invoice is not None and invoice.status != Invoice.Status.VOID:
        invoicing.allocate_payment(actor=actor, payment=payment, invoice=invoice)
        invoicing.apply_customer_credit(actor=actor, invoice=invoice)
        payment.refresh_from_db()
    if (invoice is not None or payment.order_id) and payment.method != Method.BANK_TRANSFER and payment.unallocated > 0:
        _tell_finance_of_surplus(payment, invoice)
    if payment.order_id:
        order = Order.objects.only("pk", "is_paid", "total", "currency").get(pk=payment.order_id)
        if not order.is_paid and _order_outstanding(order) <= 0:
            from orders.services.workflow import record_payment_received

            record_payment_received(actor=actor, order=order)
    return payment


def _tell_finance_of_surplus(payment, invoice):
    """An online payment brought more than its bill still owed (it was paid twice, or the bill
    was settled another way meanwhile): the surplus stays as the customer's credit, used on
    their next invoice or refunded — finance decides."""
    document = invoice.number if invoice is not None else payment.order.number
    body = Message(gettext_noop("%(amount)s %(currency)s of payment %(number)s was not needed for %(document)s and "
                                "is kept as credit of %(customer)s: refund it or let it pay their next invoice."),
                   amount=payment.unallocated, currency=payment.currency, number=payment.display_number,
                   document=document, customer=payment.company.name)
    notify_finance(Message(gettext_noop("Payment %(number)s paid more than was owed"), number=payment.display_number),
                   body, link=f"/console/payments/{payment.pk}/")


def record_bank_transfer(*, actor, amount, reference, order=None, invoice=None, company=None, currency=None) -> Payment:
    """Finance confirms a bank transfer by hand, for an order, an invoice, or just a customer
    (kept as credit). Anything beyond what the invoice owes stays as customer credit."""
    reference = (reference or "").strip()
    if not reference:
        raise InvalidPaymentInput(_("Enter the bank reference of the transfer."), field="reference")
    if invoice is not None:
        company, currency, order = invoice.company, invoice.currency, invoice.order
        if invoice.status == Invoice.Status.VOID:
            raise InvalidPaymentInput(_("Invoice %(number)s is void.") % {"number": invoice.number}, field="invoice")
    elif order is not None:
        company, currency = order.company, order.currency
    if company is None or currency is None:
        raise InvalidPaymentInput(_("Choose the order or invoice the transfer pays."), field="invoice")
    amount = quantize(to_decimal(amount), currency)
    if amount <= 0:
        raise InvalidPaymentInput(_("The amount must be more than zero."), field="amount")
    if Payment.objects.filter(method=Method.BANK_TRANSFER, gateway="bank", gateway_ref=reference).exists():
        raise InvalidPaymentInput(_("A transfer with reference %(ref)s was already recorded.") % {"ref": reference},
                                  field="reference")
    with transaction.atomic():
        payment = Payment.objects.create(
            company=company, order=order, invoice=invoice, method=Method.BANK_TRANSFER, gateway="bank",
            gateway_ref=reference, reference=reference, amount=amount, currency=currency,
            created_by=actor if actor is not None and actor.pk else None,
        )
        payment = lock_payment(payment)
        return mark_paid(actor=actor, payment=payment)


def refund_payment(*, actor, payment, amount, reason) -> Refund:
    """Give back up to what was paid and not yet refunded — the payment row is locked, so two
    refunds at once cannot together exceed it. Money that had paid invoices is taken back from
    them (newest allocation first), reopening them: their orders are no longer paid, so the
    credit check counts them again."""
    reason = (reason or "").strip()
    if not reason:
        raise RefundNotAllowed(_("Give a reason for the refund."), field="reason")
    with transaction.atomic():
        payment = lock_payment(payment)
        amount = quantize(to_decimal(amount), payment.currency)
        if amount <= 0:
            raise RefundNotAllowed(_("The refund must be more than zero."), field="amount")
        if payment.status not in (PaymentStatus.PAID, PaymentStatus.PARTIALLY_PAID, PaymentStatus.PARTIALLY_REFUNDED):
            raise RefundNotAllowed(_("Payment %(number)s is %(status)s: nothing to refund.")
                                   % {"number": payment.display_number, "status": payment.get_status_display().lower()})
        if amount > payment.refundable:
            raise RefundNotAllowed(_("At most %(left)s can still be refunded on payment %(number)s.")
                                   % {"left": payment.refundable, "number": payment.display_number}, field="amount")
        touched = set()
        if amount > payment.unallocated:
            touched = invoicing.release_allocations(payment, amount - payment.unallocated)
        gateway_ref = ""
        gw = get_gateway(payment.gateway) if payment.gateway in enabled_gateways() else None
        if gw is not None:
            try:
                gateway_ref = gw.refund(payment, amount)
            except GatewayError:
                raise
            except Exception as err:  # the gateway's own failure: nothing written yet (rolled back)
                logger.exception("refund failed at %s for payment %s", payment.gateway, payment.pk)
                raise GatewayError(_("The gateway refused the refund: %(err)s") % {"err": err})
        refund = Refund.objects.create(payment=payment, amount=amount, status=Refund.Status.SUCCEEDED, reason=reason[:300],
                                       gateway_ref=gateway_ref, created_by=actor if actor is not None and actor.pk else None)
        payment.amount_refunded += amount
        payment.save(update_fields=["amount_refunded", "updated_at"])
        publish("refund.issued", refund_id=refund.pk, payment_id=payment.pk, company_id=payment.company_id, order_id=payment.order_id, amount=str(refund.amount), currency=payment.currency)
        transition_payment(payment, PaymentStatus.REFUNDED if payment.amount_refunded >= payment.amount
                           else PaymentStatus.PARTIALLY_REFUNDED)
        if payment.order_id and payment.status == PaymentStatus.REFUNDED:
            touched.add(payment.order_id)
        for order in Order.objects.only("pk", "is_paid", "total", "currency").filter(pk__in=touched).order_by("pk"):
            _order_after_refund(actor, order)
        return refund


def _order_after_refund(actor, order):
    """The refund took money back from the order's invoice, or gave back a whole payment of the
    order: when what was paid for the order no longer covers it, it is no longer paid (and the
    credit check counts it again), and its loyalty points follow what is still paid. A refund
    of money no invoice needed (an overpayment, or one of two payments for the same order)
    leaves the flag. Lock order: payment, invoices, then the orders in id order, as in
    mark_paid."""
    from orders.services.workflow import record_payment_refunded

    record_payment_refunded(actor=actor if actor is not None and actor.pk else None, order=order,
                            unpaid=order.is_paid and _order_outstanding(order) > 0)


def cancel_payment(*, actor, payment) -> Payment:
    with transaction.atomic():
        payment = lock_payment(payment)
        return transition_payment(payment, PaymentStatus.CANCELLED)
