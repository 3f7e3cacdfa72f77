"""Purchase orders: draft -> sent -> partially received -> received (or cancelled).
Sending puts the quantities in `incoming`; receipts post to the ledger at the line's cost."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oms.errors import ValidationFailed
from oms.sequences import next_number

from .. import locks
from ..errors import IllegalTransition, InactiveProduct
from ..models import PurchaseOrder, PurchaseOrderLine, StockMovement
from . import ledger
from .stock import update_average_cost

S = PurchaseOrder.Status


def _locked(order, allowed):
    order = PurchaseOrder.objects.select_for_update().select_related("supplier", "warehouse").get(pk=order.pk)
    if order.status not in allowed:
        raise IllegalTransition(
            _("Purchase order %(number)s is %(status)s: that cannot be done now.")
            % {"number": order.number, "status": order.get_status_display()}
        )
    return order


def create_purchase_order(*, actor, supplier, warehouse, lines, expected_date=None, notes="", replenishment=False):
    """A draft PO. `lines` are (product, quantity, unit_cost)."""
    merged = {}
    for product, quantity, unit_cost in lines:
        quantity = ledger.check_quantity(quantity)
        if not product.active:
            raise InactiveProduct(_("%(sku)s is inactive.") % {"sku": product.sku}, field="lines")
        if unit_cost is not None and unit_cost < 0:
            raise ValidationFailed(_("The unit cost cannot be negative."), field="lines", code="invalid_cost")
        q0, _c = merged.get(product.pk, (0, unit_cost))
        merged[product.pk] = (q0 + quantity, unit_cost if unit_cost is not None else product.average_cost)
    if not merged:
        raise ValidationFailed(_("Add at least one product to order."), field="lines", code="empty")
    if expected_date is None:
        expected_date = timezone.localdate() + timezone.timedelta(days=supplier.lead_time_days)
    with transaction.atomic():
        order = PurchaseOrder.objects.create(
            number=next_number("purchase_order", "PO"), supplier=supplier, warehouse=warehouse,
            expected_date=expected_date, notes=notes, is_replenishment=replenishment,
            created_by=actor if actor and actor.pk else None,
        )
        PurchaseOrderLine.objects.bulk_create([
            PurchaseOrderLine(order=order, product_id=pid, quantity=q, unit_cost=cost)
            for pid, (q, cost) in sorted(merged.items())
        ])
    return order


def send_purchase_order(*, actor, order):
    """The PO goes to the supplier: its quantities now show as incoming at the warehouse."""
    with transaction.atomic():
        order = _locked(order, {S.DRAFT})
        lines = list(order.lines.all())
        stocks = locks.lock_stocks([(ln.product_id, order.warehouse_id) for ln in lines])
        for ln in lines:
            stocks[(ln.product_id, order.warehouse_id)].incoming += ln.quantity
        ledger.save(stocks.values(), [])
        order.status, order.sent_at = S.SENT, timezone.now()
        order.save(update_fields=["status", "sent_at"])
    return order


def receive_purchase_order(*, actor, order, quantities=None, reason=""):
    """Receive goods against a sent PO. `quantities` maps line id -> units received now."""
    with transaction.atomic():
        order = _locked(order, {S.SENT, S.PARTIALLY_RECEIVED})
        lines = list(order.lines.select_related("product").order_by("pk"))
        receipt = ledger.receipt_quantities(lines, quantities, over_message=_("%(sku)s: %(q)d received but only %(left)d still expected."))
        products = locks.lock_products([ln.product_id for ln in lines if ln.pk in receipt])
        for ln in lines:
            if ln.pk in receipt:
                update_average_cost(products[ln.product_id], receipt[ln.pk], ln.unit_cost)
        stocks = locks.lock_stocks([(ln.product_id, order.warehouse_id) for ln in lines if ln.pk in receipt])
        movements = []
        for ln in lines:
            if ln.pk not in receipt:
                continue
            stock = stocks[(ln.product_id, order.warehouse_id)]
            stock.incoming -= receipt[ln.pk]
            movements.append(ledger.post(stock, StockMovement.Kind.RECEIPT, actor=actor, on_hand=receipt[ln.pk],
                                         reason=reason or _("Purchase order receipt"), ref=("purchase_order", order.number),
                                         unit_cost=ln.unit_cost))
            ln.received_quantity += receipt[ln.pk]
        ledger.save(stocks.values(), movements)
        PurchaseOrderLine.objects.bulk_update(lines, ["received_quantity"])
        order.status = S.RECEIVED if all(ln.outstanding == 0 for ln in lines) else S.PARTIALLY_RECEIVED
        order.save(update_fields=["status"])
    return order


def cancel_purchase_order(*, actor, order):
    """Cancel a draft or sent PO; what was still incoming is no longer expected."""
    with transaction.atomic():
        order = _locked(order, {S.DRAFT, S.SENT, S.PARTIALLY_RECEIVED})
        if order.status != S.DRAFT:
            lines = list(order.lines.all())
            stocks = locks.lock_stocks([(ln.product_id, order.warehouse_id) for ln in lines])
            for ln in lines:
                stocks[(ln.product_id, order.warehouse_id)].incoming -= ln.outstanding
            ledger.save(stocks.values(), [])
        order.status = S.CANCELLED
        order.save(update_fields=["status"])
    return order
