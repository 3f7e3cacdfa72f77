"""Payments listens to orders: an order that ships is invoiced (credit terms, COD)."""

import logging

from oms.events import subscribe

logger = logging.getLogger("payments")
INVOICE_ON = frozenset({"shipped", "partially_shipped"})


@subscribe("order.status_changed")
def invoice_shipped_order(payload):
    if payload.get("to_status") not in INVOICE_ON:
        return
    from customers.models import Company
    from orders.models import Order

    from .errors import InvoiceNotAllowed
    from .services import issue_invoice, live_invoice

    order = Order.objects.filter(pk=payload["order_id"]).first()
    if order is None or order.payment_terms == Company.PaymentTerms.PREPAID or live_invoice(order) is not None:
        return
    try:
        issue_invoice(actor=None, order=order)
    except InvoiceNotAllowed:  # a concurrent shipment's handler was first
        logger.info("order %s already invoiced", order.pk)
