"""Transfers between warehouses: draft -> in transit -> (partially) received, or cancelled."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oms.errors import ValidationFailed
from oms.sequences import next_number

from .. import locks
from ..errors import IllegalTransition, InactiveProduct, InsufficientStock
from ..models import StockMovement, Transfer, TransferLine
from . import ledger

S = Transfer.Status


def _locked(transfer, allowed):
    transfer = Transfer.objects.select_for_update().select_related("source", "destination").get(pk=transfer.pk)
    if transfer.status not in allowed:
        raise IllegalTransition(
            _("Transfer %(number)s is %(status)s: that cannot be done now.")
            % {"number": transfer.number, "status": transfer.get_status_display()}
        )
    return transfer


def create_transfer(*, actor, source, destination, lines, reason="", replenishment=False):
    """A draft transfer. `lines` are (product, quantity); the same product twice is merged."""
    if source.pk == destination.pk:
        raise ValidationFailed(_("A transfer goes between two different warehouses."), field="destination",
                               code="same_warehouse")
    merged = {}
    for product, quantity in lines:
        quantity = ledger.check_quantity(quantity)
        if not product.active:
            raise InactiveProduct(_("%(sku)s is inactive.") % {"sku": product.sku}, field="lines")
        merged[product.pk] = merged.get(product.pk, 0) + quantity
    if not merged:
        raise ValidationFailed(_("Add at least one product to transfer."), field="lines", code="empty")
    with transaction.atomic():
        transfer = Transfer.objects.create(
            number=next_number("transfer", "TR"), source=source, destination=destination, reason=reason[:200],
            is_replenishment=replenishment, created_by=actor if actor and actor.pk else None,
        )
        TransferLine.objects.bulk_create(
            [TransferLine(transfer=transfer, product_id=pid, quantity=q) for pid, q in sorted(merged.items())]
        )
    return transfer


def ship_transfer(*, actor, transfer):
    """Goods leave the source: its on hand goes down (transfer out) and the destination shows
    them in transit."""
    with transaction.atomic():
        transfer = _locked(transfer, {S.DRAFT})
        lines = list(transfer.lines.all())
        pairs = [(ln.product_id, transfer.source_id) for ln in lines] + [(ln.product_id, transfer.destination_id) for ln in lines]
        stocks = locks.lock_stocks(pairs)
        movements = []
        for ln in lines:
            src = stocks[(ln.product_id, transfer.source_id)]
            if src.on_hand - src.reserved < ln.quantity:
                raise InsufficientStock(sku=src.product.sku, warehouse=transfer.source.code,
                                        requested=ln.quantity, available=src.on_hand - src.reserved)
        for ln in lines:
            src = stocks[(ln.product_id, transfer.source_id)]
            movements.append(ledger.post(src, StockMovement.Kind.TRANSFER_OUT, actor=actor, on_hand=-ln.quantity,
                                         reason=transfer.reason, ref=("transfer", transfer.number)))
            stocks[(ln.product_id, transfer.destination_id)].in_transit += ln.quantity
        ledger.save(stocks.values(), movements)
        transfer.status, transfer.shipped_at = S.IN_TRANSIT, timezone.now()
        transfer.save(update_fields=["status", "shipped_at"])
    return transfer


def receive_transfer(*, actor, transfer, quantities=None):
    """Goods arrive at the destination. `quantities` maps line id -> units received now
    (partial receipt); by default everything outstanding."""
    with transaction.atomic():
        transfer = _locked(transfer, {S.IN_TRANSIT, S.PARTIALLY_RECEIVED})
        lines = list(transfer.lines.select_related("product").order_by("pk"))
        receipt = ledger.receipt_quantities(lines, quantities, over_message=_("%(sku)s: %(q)d received but only %(left)d still on the way."))
        stocks = locks.lock_stocks([(ln.product_id, transfer.destination_id) for ln in lines if ln.pk in receipt])
        movements = []
        for ln in lines:
            if ln.pk not in receipt:
                continue
            dest = stocks[(ln.product_id, transfer.destination_id)]
            dest.in_transit -= receipt[ln.pk]
            movements.append(ledger.post(dest, StockMovement.Kind.TRANSFER_IN, actor=actor, on_hand=receipt[ln.pk],
                                         reason=transfer.reason, ref=("transfer", transfer.number)))
            ln.received_quantity += receipt[ln.pk]
        ledger.save(stocks.values(), movements)
        TransferLine.objects.bulk_update(lines, ["received_quantity"])
        done = all(ln.outstanding == 0 for ln in lines)
        transfer.status = S.RECEIVED if done else S.PARTIALLY_RECEIVED
        transfer.received_at = timezone.now() if done else None
        transfer.save(update_fields=["status", "received_at"])
    return transfer


def cancel_transfer(*, actor, transfer):
    """Only a draft can be cancelled; goods already on the road must be received."""
    with transaction.atomic():
        transfer = _locked(transfer, {S.DRAFT})
        transfer.status = S.CANCELLED
        transfer.save(update_fields=["status"])
    return transfer
