"""Pick, pack (scan to verify), ship, deliver. The order's status follows its shipments."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop

from inventory.services import consume_reservations
from oms.errors import DomainError, ValidationFailed
from oms.events import publish
from oms.i18n import Message
from oms.money import quantize

from ..errors import IllegalTransition
from ..models import OrderEvent, OrderLine, Shipment, ShipmentLine, Status
from .transitions import lock_order, record_event, transition_order
from .workflow import RESERVATION_REF, _dealer_contacts, _tell

SS = Shipment.Status


class WrongItem(DomainError):
    code = "wrong_item"


def _lock_shipment(shipment, allowed):
    shipment = Shipment.objects.select_for_update().select_related("order", "warehouse").get(pk=shipment.pk)
    if shipment.status not in allowed:
        raise DomainError(_("Shipment %(number)s is %(status)s: that cannot be done now.")
                          % {"number": shipment.number, "status": shipment.get_status_display()}, code="shipment_state")
    return shipment


def _follow_shipments(*, actor, order):
    """Move the order to the status its shipments add up to."""
    shipments = [s for s in order.shipments.all() if s.status != SS.CANCELLED]
    lines = list(order.lines.all())
    if lines and all(ln.shipped_quantity == ln.quantity for ln in lines):
        target = Status.SHIPPED
    elif any(ln.shipped_quantity for ln in lines):
        target = Status.PARTIALLY_SHIPPED
    elif shipments and all(s.status == SS.PACKED for s in shipments):
        target = Status.PACKED
    elif any(s.status in (SS.PICKING, SS.PACKED) for s in shipments):
        target = Status.PICKING
    else:
        return order
    if target != order.status:
        transition_order(actor=actor, order=order, to=target)
    return order


def start_picking(*, actor, shipments):
    """Send shipments to the floor (one order, a batch, a zone or a wave)."""
    started = []
    for shipment in sorted(shipments, key=lambda s: s.order_id):
        with transaction.atomic():
            order = lock_order(shipment.order_id)
            if order.status in (Status.ON_HOLD, Status.CANCELLED):
                raise IllegalTransition(order, Status.PICKING)
            shipment = _lock_shipment(shipment, {SS.PENDING})
            shipment.status = SS.PICKING
            shipment.save(update_fields=["status"])
            record_event(order, OrderEvent.Kind.SHIPMENT, actor=actor,
                         message=Message(gettext_noop("Picking started for %(number)s at %(wh)s."),
                                         number=shipment.number, wh=shipment.warehouse.code))
            _follow_shipments(actor=actor, order=order)
            started.append(shipment)
    return started


def confirm_picked(*, actor, shipment):
    with transaction.atomic():
        shipment = _lock_shipment(shipment, {SS.PICKING})
        ShipmentLine.objects.filter(shipment=shipment).update(picked_quantity=F("quantity"))
        return shipment


def pack_item(*, actor, shipment, code, quantity=1):
    """Scan (or type) a barcode or SKU into the box. A product that is not in this shipment,
    or already fully packed, is refused."""
    code = (code or "").strip()
    if not code:
        raise ValidationFailed(_("Scan or type a barcode or SKU."), field="code", code="empty")
    if quantity < 1:
        raise ValidationFailed(_("The quantity must be more than zero."), field="quantity", code="invalid_quantity")
    with transaction.atomic():
        order = lock_order(shipment.order_id)
        shipment = _lock_shipment(shipment, {SS.PICKING})
        lines = list(shipment.lines.select_related("order_line__product").order_by("pk"))
        match = [ln for ln in lines if code.upper() in (ln.order_line.product.sku.upper(), ln.order_line.product.barcode)]
        if not match:
            raise WrongItem(_("“%(code)s” is not in shipment %(number)s: put it back.") % {"code": code, "number": shipment.number},
                            field="code")
        line = next((ln for ln in match if ln.packed_quantity < ln.quantity), None)
        sku = match[0].order_line.product.sku
        if line is None:
            raise WrongItem(_("%(sku)s is already fully packed (%(n)d).") % {"sku": sku, "n": match[0].quantity}, field="code")
        if line.packed_quantity + quantity > line.quantity:
            raise WrongItem(_("Only %(left)d more %(sku)s go in this shipment (%(packed)d of %(n)d packed): put the rest back.")
                            % {"left": line.quantity - line.packed_quantity, "sku": sku, "packed": line.packed_quantity,
                               "n": line.quantity}, field="quantity")
        line.packed_quantity += quantity
        line.picked_quantity = max(line.picked_quantity, line.packed_quantity)
        line.save(update_fields=["packed_quantity", "picked_quantity"])
        if all(ln.packed_quantity == ln.quantity for ln in lines):
            shipment.status = SS.PACKED
            shipment.save(update_fields=["status"])
            record_event(order, OrderEvent.Kind.SHIPMENT, actor=actor,
                         message=Message(gettext_noop("Shipment %(number)s packed."), number=shipment.number))
            _follow_shipments(actor=actor, order=order)
        return line


def unpack_item(*, actor, shipment, line_id, quantity=1):
    """Take units of one line back out of the box (a wrong count, a damaged unit swapped).
    A packed shipment goes back to packing, and its order with it; once shipped, nothing can
    be taken out."""
    if quantity < 1:
        raise ValidationFailed(_("The quantity must be more than zero."), field="quantity", code="invalid_quantity")
    with transaction.atomic():
        order = lock_order(shipment.order_id)
        shipment = _lock_shipment(shipment, {SS.PICKING, SS.PACKED})
        line = (ShipmentLine.objects.select_for_update().select_related("order_line__product")
                .filter(shipment=shipment, pk=line_id).first())
        if line is None:
            raise WrongItem(_("That line is not in shipment %(number)s.") % {"number": shipment.number})
        sku = line.order_line.product.sku
        if quantity > line.packed_quantity:
            raise WrongItem(_("Only %(packed)d %(sku)s are in the box.") % {"packed": line.packed_quantity, "sku": sku},
                            field="quantity")
        line.packed_quantity -= quantity
        line.save(update_fields=["packed_quantity"])
        record_event(order, OrderEvent.Kind.SHIPMENT, actor=actor,
                     message=Message(gettext_noop("%(n)d × %(sku)s taken out of shipment %(number)s."),
                                     n=quantity, sku=sku, number=shipment.number))
        if shipment.status == SS.PACKED:
            shipment.status = SS.PICKING
            shipment.save(update_fields=["status"])
            _follow_shipments(actor=actor, order=order)
        return line


def ship_shipment(*, actor, shipment, carrier, tracking_number, service="", cost=None, box=""):
    """Hand the packed shipment to the carrier: the reservation is consumed in the ledger."""
    if not (carrier or "").strip():
        raise ValidationFailed(_("Choose the carrier."), field="carrier", code="required")
    if not (tracking_number or "").strip():
        raise ValidationFailed(_("Enter the tracking number."), field="tracking_number", code="required")
    with transaction.atomic():
        order = lock_order(shipment.order_id)
        shipment = _lock_shipment(shipment, {SS.PACKED})
        lines = list(shipment.lines.select_related("order_line"))
        consume_reservations(actor=actor, ref_type=RESERVATION_REF, ref_id=order.pk, reason=shipment.number,
                             lines=[(ln.order_line.product_id, shipment.warehouse_id, ln.quantity) for ln in lines])
        for ln in lines:
            ln.order_line.shipped_quantity += ln.quantity
        OrderLine.objects.bulk_update([ln.order_line for ln in lines], ["shipped_quantity"])
        shipment.status, shipment.shipped_at = SS.SHIPPED, timezone.now()
        shipment.carrier, shipment.service, shipment.tracking_number = carrier.strip(), service.strip(), tracking_number.strip()
        shipment.box = box
        shipment.cost = quantize(cost, order.currency) if cost not in (None, "") else None
        shipment.save()
        publish("shipment.shipped", shipment_id=shipment.pk, number=shipment.number, order_id=order.pk, order_number=order.number, carrier=shipment.carrier, tracking_number=shipment.tracking_number, warehouse_id=shipment.warehouse_id)
        record_event(order, OrderEvent.Kind.SHIPMENT, actor=actor,
                     message=Message(gettext_noop("Shipped %(number)s with %(carrier)s, tracking %(tracking)s."),
                                     number=shipment.number, carrier=shipment.carrier, tracking=shipment.tracking_number),
                     data={"shipment": shipment.number, "tracking": shipment.tracking_number, "carrier": shipment.carrier})
        _follow_shipments(actor=actor, order=order)
        _tell(_dealer_contacts(order), order,
              format_lazy(gettext_lazy("Order {number} shipped"), number=order.number),
              format_lazy(gettext_lazy("{carrier} tracking number {tracking}"), carrier=shipment.carrier, tracking=shipment.tracking_number),
              category="shipments")
        return shipment


def record_delivery(*, actor, shipment, received_by="", at=None):
    """The goods arrived (the dealer's sign-off or a carrier's proof of delivery)."""
    with transaction.atomic():
        order = lock_order(shipment.order_id)
        shipment = _lock_shipment(shipment, {SS.SHIPPED})
        shipment.status, shipment.delivered_at, shipment.received_by = SS.DELIVERED, at or timezone.now(), received_by[:120]
        shipment.save(update_fields=["status", "delivered_at", "received_by"])
        publish("shipment.delivered", shipment_id=shipment.pk, number=shipment.number, order_id=order.pk, order_number=order.number, received_by=shipment.received_by, delivered_at=shipment.delivered_at.isoformat())
        record_event(order, OrderEvent.Kind.TRACKING, actor=actor,
                     message=Message(gettext_noop("%(number)s delivered, received by %(who)s."),
                                     number=shipment.number, who=received_by or "—"))
        active = [s for s in order.shipments.all() if s.status != SS.CANCELLED]
        if order.status == Status.SHIPPED and all(s.status == SS.DELIVERED for s in active):
            transition_order(actor=actor, order=order, to=Status.DELIVERED)
        return shipment


def complete_order(*, actor, order, comment=""):
    """Close a delivered order (nothing left to ship, the customer has the goods)."""
    with transaction.atomic():
        order = lock_order(order)
        order = transition_order(actor=actor, order=order, to=Status.COMPLETED,
                                 message=comment or Message(gettext_noop("Order completed.")))
        return order
