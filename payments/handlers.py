"""Payments listens to orders: an order that ships is invoiced (credit terms, COD); a prepaid
order is invoiced as soon as it waits for its payment, so the dealer has a document to pay."""

import logging

from oms.events import subscribe

logger = logging.getLogger("payments")
INVOICE_ON = frozenset({"shipped", "partially_shipped"})


@subscribe("order.status_changed")
def invoice_shipped_order(payload):
    to_status = payload.get("to_status")
    if to_status not in INVOICE_ON and to_status != "on_hold":
        return
    from customers.models import Company
    from orders.models import Order
    from orders.review import only_awaiting_payment

    from .errors import InvoiceNotAllowed
    from .services import issue_invoice, live_invoice

    order = Order.objects.filter(pk=payload["order_id"]).first()
    if order is None or live_invoice(order) is not None:
        return
    prepaid = order.payment_terms == Company.PaymentTerms.PREPAID
    if to_status == "on_hold":  # invoice a prepaid order that waits only for its money
        if not prepaid or order.is_paid or not only_awaiting_payment(order.hold_reasons):
            return
    elif prepaid:
        return
    try:
        issue_invoice(actor=None, order=order)
    except InvoiceNotAllowed:  # a concurrent shipment's handler was first
        logger.info("order %s already invoiced", order.pk)
