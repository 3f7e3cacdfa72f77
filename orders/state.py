"""The order state machine, declared as data. orders.services.transitions.transition_order
is the only code that changes Order.status, and it checks this map."""

from .models import Status as S

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.SUBMITTED: frozenset({S.ON_HOLD, S.PENDING_APPROVAL, S.APPROVED, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.SUBMITTED, S.CANCELLED}),
    S.PENDING_APPROVAL: frozenset({S.APPROVED, S.ON_HOLD, S.SUBMITTED, S.CANCELLED}),
    S.APPROVED: frozenset({S.ALLOCATED, S.BACKORDERED, S.ON_HOLD, S.SUBMITTED, S.CANCELLED}),
    S.ALLOCATED: frozenset({S.PICKING, S.BACKORDERED, S.ON_HOLD, S.SUBMITTED, S.CANCELLED}),
    S.BACKORDERED: frozenset({S.ALLOCATED, S.ON_HOLD, S.SUBMITTED, S.CANCELLED}),
    S.PICKING: frozenset({S.PACKED, S.PARTIALLY_SHIPPED, S.ALLOCATED, S.CANCELLED}),
    S.PACKED: frozenset({S.PARTIALLY_SHIPPED, S.SHIPPED, S.PICKING}),
    S.PARTIALLY_SHIPPED: frozenset({S.PICKING, S.PACKED, S.SHIPPED, S.BACKORDERED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.DELIVERED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Statuses in which an order may still be edited or cancelled (nothing has left a warehouse).
EDITABLE = frozenset({S.DRAFT, S.SUBMITTED, S.ON_HOLD, S.PENDING_APPROVAL, S.APPROVED, S.ALLOCATED, S.BACKORDERED})
CANCELLABLE = EDITABLE | {S.PICKING}
# Statuses whose order holds reserved stock.
HOLDS_STOCK = frozenset({S.ALLOCATED, S.BACKORDERED, S.PICKING, S.PACKED, S.PARTIALLY_SHIPPED})
OPEN = frozenset(S) - {S.COMPLETED, S.CANCELLED}


def can_transition(current, target) -> bool:
    return target in ALLOWED_TRANSITIONS.get(current, frozenset())
