from datetime import timedelta

import pytest
from django.utils import timezone

from oms.models import Notification
from orders.models import OrderEvent, SlaTarget
from orders.services.sla import overdue
from orders.tasks import check_sla
from tests.factories import OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_overdue_orders_remind_then_escalate_once():
    SlaTarget.objects.create(status="pending_approval", hours=4, responsible_role="sales_manager", escalate_after_hours=8)
    approver, boss = StaffFactory(staff_role="sales_manager"), StaffFactory(staff_role="manager")
    fresh = OrderFactory(status="pending_approval", status_changed_at=timezone.now() - timedelta(hours=1))
    late = OrderFactory(status="pending_approval", status_changed_at=timezone.now() - timedelta(hours=5))
    stuck = OrderFactory(status="pending_approval", status_changed_at=timezone.now() - timedelta(hours=20))
    assert set(overdue()) == {late, stuck}

    assert check_sla.delay().get() == {"reminded": 2, "escalated": 1}
    assert check_sla.delay().get() == {"reminded": 0, "escalated": 0}  # once only
    assert Notification.objects.filter(recipient=approver, kind="sla").count() == 2
    assert Notification.objects.filter(recipient=boss, subject__contains=stuck.number).count() == 1
    assert not Notification.objects.filter(subject__contains=fresh.number).exists()
    assert OrderEvent.objects.filter(order=stuck, kind="sla").count() == 2
