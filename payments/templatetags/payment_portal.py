"""Payment blocks shown on other apps' portal pages (orders never imports payments; its order
page loads this tag instead)."""

from django import template

from ..gateways import enabled_gateways
from ..services import live_invoice

register = template.Library()


@register.inclusion_tag("payments/_order_payment.html")
def order_payment(order):
    """{% order_payment order %}: the order's invoice (PDF) and, while something is owed on an
    order that is not cancelled, a Pay now button."""
    invoice = live_invoice(order)
    owed = invoice.balance if invoice is not None else (0 if order.is_paid else order.total)
    return {"order": order, "invoice": invoice, "owed": owed, "can_pay": bool(enabled_gateways()) and owed > 0
            and order.status != "cancelled"}
