"""The catalogue of outbound event types (what a subscription may choose) and their payloads.

Every delivery's body is ``{"id": <event uuid>, "type": ..., "occurred_at": ISO-8601, "data": {...}}``.
Ids are integers, amounts are strings (exact decimals), statuses are the machine values."""

from django.utils.translation import gettext_lazy as _

EVENT_TYPES = {
    "order.created": _("Order created (order_id, number, company_id, company_code, channel, external_ref, total, currency, status)"),
    "order.status_changed": _("Order status changed (order_id, number, from_status, to_status)"),
    "shipment.shipped": _("Shipment shipped (shipment_id, number, order_id, order_number, carrier, tracking_number)"),
    "shipment.delivered": _("Shipment delivered (shipment_id, number, order_id, order_number, received_by)"),
    "stock.low": _("Stock below reorder point (product_id, sku, warehouse_id, warehouse_code, available, reorder_point)"),
    "payment.received": _("Payment received (payment_id, number, company_id, order_id, invoice_id, amount, currency)"),
    "refund.issued": _("Refund issued (refund_id, payment_id, amount, currency)"),
    "return.updated": _("Return status changed (return_id, number, order_id, from_status, to_status)"),
    "invoice.issued": _("Invoice issued (invoice_id, number, order_id, company_id, total, currency, due_date)"),
}
TEST_EVENT = "webhook.test"
WILDCARD = "*"


def choices():
    return [(WILDCARD, _("All events (*)"))] + [(k, k) for k in EVENT_TYPES]
