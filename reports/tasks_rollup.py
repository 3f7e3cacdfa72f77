"""Celery tasks that keep the DailySales rollup current (reports.rollup does the work).

Not in reports/tasks.py: these are small and frequent, so they stay on the default queue
(reports.tasks.* is routed to the heavy reports queue); the nightly rebuild is sent to the
reports queue by its beat entry.

Bursts are folded: an order placed through review, approval and allocation emits several
events in a row, and a busy customer places many orders a day. A refresh is queued per order
only when none is waiting for it, and a (day, customer) recompute only when none is waiting for
that group. A waiting task clears its marker when it starts, before it reads, so an event
arriving later always queues a new one: nothing is missed, and a burst costs one recompute."""

from datetime import date, timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from orders.models import Order

from . import rollup

PENDING_TTL = 10 * 60  # a lost task only delays the refresh: the nightly rebuild catches up


def _key(*parts) -> str:
    # The database name keeps test databases sharing one Redis apart.
    return ":".join(["reports:rollup:pending", settings.DATABASES["default"]["NAME"], *map(str, parts)])


def queue_refresh(order_id: int) -> bool:
    """Queue a refresh of the order's (day, customer) unless one is already waiting."""
    if not cache.add(_key("order", order_id), 1, PENDING_TTL):
        return False
    refresh_sales_rollup.delay(order_id)
    return True


def queue_recompute(day: date, company_id: int) -> bool:
    if not cache.add(_key("day", day.isoformat(), company_id), 1, PENDING_TTL):
        return False
    recompute_sales_rollup_day.delay(day.isoformat(), company_id)
    return True


@shared_task(acks_late=True)
def refresh_sales_rollup(order_id):
    cache.delete(_key("order", order_id))
    found = Order.objects.filter(pk=order_id).values_list("created_at", "company_id").first()
    if found is None:
        return False
    return queue_recompute(rollup.sales_day(found[0]), found[1])


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def recompute_sales_rollup_day(day, company_id):
    # Clear the marker before reading: an event from now on queues a new recompute, and any
    # event before it is covered by this one (it reads after taking the advisory lock).
    day = date.fromisoformat(day)
    cache.delete(_key("day", day.isoformat(), company_id))
    return rollup.recompute_day(day=day, company_id=company_id)


@shared_task(acks_late=True)
def rebuild_sales_rollup(days=7):
    """Rebuild the last `days` days up to today (nightly safety net for missed events)."""
    today = timezone.localdate()
    return rollup.rebuild_range(today - timedelta(days=int(days) - 1), today)
