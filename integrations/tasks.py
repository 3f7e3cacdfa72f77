"""Celery tasks for integrations: webhook delivery (kicked after commit, swept every minute by
beat) and SMS notices. Tasks take ids and call services; running one twice is harmless."""

import time

from celery import shared_task

SWEEP_BUDGET_SECONDS = 50  # stay inside the one-minute beat period


@shared_task(ignore_result=True)
def deliver_event_webhooks(event_pks=None):
    """Deliver the due deliveries of these events (an id or a list; all due ones when None)."""
    from .webhooks.dispatcher import deliver_due

    return deliver_due(event_pk=event_pks, limit=100)


@shared_task(ignore_result=True)
def deliver_due_webhooks():
    """Beat, every minute: everything due — kicks lost to a broker outage, retries after backoff,
    deliveries whose worker died (their lease ran out)."""
    from .webhooks.dispatcher import deliver_due

    started, total = time.monotonic(), 0
    while time.monotonic() - started < SWEEP_BUDGET_SECONDS:
        counts = deliver_due(limit=20)
        if not counts:
            break
        total += sum(counts.values())
    return total


@shared_task(ignore_result=True)
def send_shipment_sms(shipment_id, kind):
    """Text the shipped/delivered notice to the order's dealer users who opted in."""
    from .notices import send_shipment_sms as run

    return run(shipment_id=shipment_id, kind=kind)


@shared_task(ignore_result=True)
def purge_webhook_events():
    """Beat, daily: drop delivered events older than WEBHOOK_KEEP_DAYS."""
    from .webhooks.dispatcher import purge_delivered

    return purge_delivered()
