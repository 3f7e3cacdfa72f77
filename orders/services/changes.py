"""Changes staff make to an order before it leaves a warehouse: put it on hold, edit its lines.
Both send the order back through review (and approval, where the new order needs it)."""


from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from inventory.services import release_reservations
from oms.errors import ValidationFailed
from oms.i18n import Message

from ..errors import IllegalTransition
from ..models import OrderApproval, OrderEvent, OrderLine, Shipment, ShipmentLine, Status
from ..pricing import PricingContext
from ..review import reason as hold_reason
from ..state import EDITABLE
from .intake import LineInput, _line, _parse_lines, _set_totals
from .transitions import lock_order, record_event, transition_order
from .workflow import RESERVATION_REF, submit_order

HOLDABLE = {Status.SUBMITTED, Status.PENDING_APPROVAL, Status.APPROVED, Status.ALLOCATED, Status.BACKORDERED}


def hold_order(*, actor, order, reason):
    """Stop an order where it is (its reserved stock stays held) until someone releases it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Say why the order is held."), field="reason", code="reason_required")
    with transaction.atomic():
        order = lock_order(order)
        if order.status not in HOLDABLE or order.shipments.exclude(status__in=[Shipment.Status.PENDING, Shipment.Status.CANCELLED]).exists():
            raise IllegalTransition(order, Status.ON_HOLD)
        order.approvals.filter(decision=OrderApproval.Decision.PENDING).delete()
        order.hold_reasons = [hold_reason("manual", Message(gettext_noop("Held by %(who)s: %(reason)s"),
                                                            who=actor, reason=reason))]
        order.save(update_fields=["hold_reasons"])
        transition_order(actor=actor, order=order, to=Status.ON_HOLD, message=reason)
        return order


def edit_order(*, actor, order, lines, reason=""):
    """Replace the order's lines (before any picking). Stock held for the old lines is
    released, the new lines are priced today, and the order is reviewed, approved and
    allocated again as if new."""
    with transaction.atomic():
        order = lock_order(order)
        started = order.shipments.exclude(status__in=[Shipment.Status.PENDING, Shipment.Status.CANCELLED]).exists()
        if order.status not in EDITABLE or started:
            raise ValidationFailed(_("Order %(number)s is %(status)s: it can no longer be edited.")
                                   % {"number": order.number, "status": order.get_status_display().lower()},
                                   code="not_editable")
        parsed = _parse_lines([ln if isinstance(ln, LineInput) else LineInput(**ln) for ln in lines], strict=True)
        pricing = PricingContext(company=order.company, products=[p for p, _q, _m in parsed], on=timezone.localdate(),
                                 region=order.ship_region)
        priced = [pricing.price(p, q, manual_price=m) for p, q, m in parsed]
        before = [{"sku": ln.product.sku, "quantity": ln.quantity, "unit_price": str(ln.unit_price)}
                  for ln in order.lines.select_related("product").order_by("line_no")]
        released = release_reservations(actor=actor, ref_type=RESERVATION_REF, ref_id=order.pk,
                                        reason=_("Order edited"))
        pending = order.shipments.filter(status=Shipment.Status.PENDING)
        ShipmentLine.objects.filter(shipment__in=pending).delete()
        pending.delete()
        order.approvals.filter(decision=OrderApproval.Decision.PENDING).delete()
        OrderLine.objects.filter(order=order).delete()
        OrderLine.objects.bulk_create([_line(order, no, pl) for no, pl in enumerate(priced, start=1)])
        old_total = order.total
        _set_totals(order, priced)
        order.allocation = {}
        order.save(update_fields=["subtotal", "discount_total", "tax_total", "total", "allocation", "updated_at"])
        after = [{"sku": pl.product.sku, "quantity": pl.quantity, "unit_price": str(pl.unit_price)} for pl in priced]
        record_event(order, OrderEvent.Kind.EDIT, actor=actor,
                     message=(reason or _("Lines edited")) + " — " + _("total %(old)s → %(new)s")
                     % {"old": old_total, "new": order.total},
                     data={"before": before, "after": after, "released_units": released, "old_total": str(old_total),
                           "new_total": str(order.total)})
        if order.status != Status.SUBMITTED:
            transition_order(actor=actor, order=order, to=Status.SUBMITTED,
                             message=Message(gettext_noop("Edited: review again.")))
        return submit_order(actor=actor, order=order)


__all__ = ["HOLDABLE", "edit_order", "hold_order"]
