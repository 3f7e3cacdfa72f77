"""Every pair of statuses, against a table written out independently of orders.state."""

import pytest

from orders.errors import IllegalTransition
from orders.models import OrderEvent, Status
from orders.services.transitions import transition_order
from orders.state import ALLOWED_TRANSITIONS, can_transition

S = Status
EXPECTED = {
    S.DRAFT: {S.SUBMITTED, S.CANCELLED},
    S.SUBMITTED: {S.ON_HOLD, S.PENDING_APPROVAL, S.APPROVED, S.CANCELLED},
    S.ON_HOLD: {S.SUBMITTED, S.CANCELLED},
    S.PENDING_APPROVAL: {S.APPROVED, S.ON_HOLD, S.SUBMITTED, S.CANCELLED},
    S.APPROVED: {S.ALLOCATED, S.BACKORDERED, S.ON_HOLD, S.SUBMITTED, S.CANCELLED},
    S.ALLOCATED: {S.PICKING, S.BACKORDERED, S.ON_HOLD, S.SUBMITTED, S.CANCELLED},
    S.BACKORDERED: {S.ALLOCATED, S.ON_HOLD, S.SUBMITTED, S.CANCELLED},
    S.PICKING: {S.PACKED, S.PARTIALLY_SHIPPED, S.ALLOCATED, S.CANCELLED},
    S.PACKED: {S.PARTIALLY_SHIPPED, S.SHIPPED, S.PICKING},
    S.PARTIALLY_SHIPPED: {S.PICKING, S.PACKED, S.SHIPPED, S.BACKORDERED},
    S.SHIPPED: {S.DELIVERED},
    S.DELIVERED: {S.COMPLETED},
    S.COMPLETED: set(),
    S.CANCELLED: set(),
}
PAIRS = [(a, b) for a in S for b in S]


def test_map_covers_every_status():
    assert set(ALLOWED_TRANSITIONS) == set(S) == set(EXPECTED)


@pytest.mark.parametrize("current,target", PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_pair(current, target):
    assert can_transition(current, target) is (target in EXPECTED[current])


@pytest.mark.django_db
@pytest.mark.parametrize("current,target", [(S.SUBMITTED, S.APPROVED), (S.SHIPPED, S.CANCELLED), (S.COMPLETED, S.SUBMITTED),
                                            (S.DRAFT, S.SHIPPED)])
def test_transition_service_enforces_the_map_and_writes_events(current, target):
    from tests.factories import OrderFactory

    order = OrderFactory(status=current)
    if target in EXPECTED[current]:
        transition_order(actor=None, order=order, to=target, message="why")
        order.refresh_from_db()
        assert order.status == target
        event = OrderEvent.objects.get(order=order)
        assert (event.from_status, event.to_status, event.message) == (current, target, "why")
    else:
        with pytest.raises(IllegalTransition) as err:
            transition_order(actor=None, order=order, to=target)
        assert order.number in str(err.value)
        order.refresh_from_db()
        assert order.status == current and not OrderEvent.objects.filter(order=order).exists()
