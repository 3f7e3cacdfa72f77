"""The one way an order changes status: lock, check the map, update, write the event."""

from django.db import transaction
from django.utils import timezone

from oms.events import publish
from oms.i18n import with_message

from ..errors import IllegalTransition
from ..models import Order, OrderEvent
from ..state import can_transition


def lock_order(order_or_pk) -> Order:
    """The order row, locked FOR UPDATE for the rest of the transaction."""
    pk = getattr(order_or_pk, "pk", order_or_pk)
    order = Order.objects.select_for_update(of=("self",)).select_related("company").get(pk=pk)
    order._locked = True
    return order


def defer_writes(order):
    """For an order created in this transaction (intake): collect its status changes, field
    updates and events, and write them with flush_writes — one UPDATE and one INSERT instead
    of a pair of statements for every step of the way. Nobody else can see the order yet."""
    order._locked = True
    order._deferred_events = []
    order._dirty_fields = set()
    order._new_shipments = []  # made by allocation: intake hands them back with the order


def flush_writes(order):
    events, fields = order.__dict__.pop("_deferred_events"), order.__dict__.pop("_dirty_fields")
    if fields:
        order.save(update_fields=sorted(fields | {"updated_at"}))
    OrderEvent.objects.bulk_create(events)


def is_new(order):
    """Created in this very transaction (writes deferred): it has no shipments, approvals... yet."""
    return getattr(order, "_deferred_events", None) is not None


def save_order(order, fields):
    """order.save(update_fields=fields), or later in one go when writes are deferred."""
    if getattr(order, "_dirty_fields", None) is not None:
        order._dirty_fields.update(fields)
    else:
        order.save(update_fields=fields)


def record_event(order, kind, *, actor=None, message="", data=None, from_status="", to_status="", source=""):
    """Append to the order's timeline. `message`: a text, or an oms.i18n.Message that each
    reader sees in their language."""
    message, data = with_message(message, data)
    event = OrderEvent(
        order=order, kind=kind, actor=actor if actor is not None and actor.pk else None, message=message[:2000],
        data=data or {}, from_status=from_status, to_status=to_status, source=source[:60],
    )
    if getattr(order, "_deferred_events", None) is not None:
        order._deferred_events.append(event)
    else:
        event.save(force_insert=True)
    return event


def transition_order(*, actor, order, to, message="", data=None, source="") -> Order:
    """Move `order` to status `to` if the map allows it, inside the caller's transaction
    (or a new one). Raises IllegalTransition before writing anything otherwise."""
    with transaction.atomic(savepoint=False):  # part of the caller's transaction: no savepoint needed
        locked = order if getattr(order, "_locked", False) else lock_order(order)
        current = locked.status
        allowed = can_transition(current, to)
        if allowed:
            locked.status = to
            locked.status_changed_at = timezone.now()
            save_order(locked, ["status", "status_changed_at", "updated_at"])
            record_event(locked, OrderEvent.Kind.STATUS, actor=actor, message=message, data=data,
                         from_status=current, to_status=to, source=source)
            publish("order.status_changed", order_id=locked.pk, number=locked.number, company_id=locked.company_id,
                    created_at=locked.created_at.isoformat(), from_status=current, to_status=str(to))
    if not allowed:  # raised outside the block: nothing was written, the caller's transaction stays usable
        raise IllegalTransition(locked, to)
    if locked is not order:
        order.status, order.status_changed_at = locked.status, locked.status_changed_at
    return locked
