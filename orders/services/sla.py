"""SLA: each status has a target time. Overdue orders are flagged; the responsible role is
reminded once, and a manager is told once the escalation delay has passed too."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from oms.i18n import Message
from oms.models import Notification
from oms.notifications import notify
from oms.permissions import StaffRole

from ..models import Order, OrderEvent, SlaTarget
from .transitions import record_event


def with_due(queryset):
    """Annotate orders with `sla_due`: when their current status becomes overdue."""
    hours = SlaTarget.objects.filter(status=OuterRef("status")).values("hours")[:1]
    return queryset.annotate(sla_hours=Subquery(hours)).annotate(
        sla_due=ExpressionWrapper(F("status_changed_at") + F("sla_hours") * timedelta(hours=1), output_field=DateTimeField())
    )


def overdue_q(now=None):
    """Overdue = in a status longer than its target: one indexed range per status
    (order_status_since_idx), never a computed column over the whole table."""
    now = now or timezone.now()
    condition = Q(pk__in=[])
    for status, hours in SlaTarget.objects.values_list("status", "hours"):
        condition |= Q(status=status, status_changed_at__lt=now - timedelta(hours=hours))
    return condition


def overdue(now=None):
    return with_due(Order.objects.filter(overdue_q(now)))


def check_sla(*, now=None):
    """Returns {"reminded": n, "escalated": n}. Safe to run as often as beat likes."""
    now = now or timezone.now()
    targets = {t.status: t for t in SlaTarget.objects.all()}
    staff_by_role = {}
    for user in get_user_model().objects.filter(is_active=True).exclude(staff_role=""):
        staff_by_role.setdefault(user.staff_role, []).append(user)
    managers = staff_by_role.get(StaffRole.MANAGER, [])
    result = {"reminded": 0, "escalated": 0}
    for order in overdue(now).select_related("company"):
        target = targets[order.status]
        since = order.status_changed_at.isoformat()
        late = now - order.status_changed_at - timedelta(hours=target.hours)
        with transaction.atomic():
            sent = notify(
                recipients=staff_by_role.get(target.responsible_role, []), kind=Notification.Kind.SLA,
                subject=format_lazy(_("Overdue: order {number} has been {status} for over {hours} h"),
                                    number=order.number, status=order.get_status_display().lower(), hours=target.hours),
                link=f"/console/orders/{order.pk}/", dedupe_key=f"sla:{order.pk}:{order.status}:{since}",
            )
            if sent:
                result["reminded"] += 1
                record_event(order, OrderEvent.Kind.SLA,
                             message=Message(gettext_noop("SLA target missed; reminder sent.")),
                             data={"status": order.status, "role": target.responsible_role})
            if late >= timedelta(hours=target.escalate_after_hours):
                sent = notify(
                    recipients=managers, kind=Notification.Kind.SLA,
                    subject=format_lazy(_("Escalation: order {number} is stuck in {status}"),
                                        number=order.number, status=order.get_status_display().lower()),
                    link=f"/console/orders/{order.pk}/", dedupe_key=f"sla-escalation:{order.pk}:{order.status}:{since}",
                )
                if sent:
                    result["escalated"] += 1
                    record_event(order, OrderEvent.Kind.SLA, message=Message(gettext_noop("Escalated to managers.")))
    return result
