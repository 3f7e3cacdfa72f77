from datetime import timedelta

import pytest
from django.utils import timezone

from orders.selectors_console import order_status_counts
from tests.factories import OrderFactory, SlaTargetFactory

pytestmark = pytest.mark.django_db


def test_backlog_counts_stop_at_the_cap_and_count_overdue():
    SlaTargetFactory(status="allocated", hours=24)
    old = timezone.now() - timedelta(hours=30)
    OrderFactory.create_batch(3, status="allocated", status_changed_at=old)
    OrderFactory(status="allocated")
    OrderFactory(status="on_hold")
    OrderFactory.create_batch(2, status="completed")
    counts = order_status_counts(cap=10)
    assert dict((s, (n, late)) for s, _l, n, late in counts["by_status"]) == {"on_hold": (1, 0), "allocated": (4, 3)}
    assert (counts["open"], counts["overdue"], counts["capped"]) == (5, 3, False)
    capped = order_status_counts(cap=2)
    assert dict((s, n) for s, _l, n, _o in capped["by_status"])["allocated"] == 2 and capped["capped"]
