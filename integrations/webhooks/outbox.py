"""The outbox: oms.events.publish() calls record_event inside the publisher's transaction.

Decision: an event row (and one delivery row per interested subscription) is written only when
at least one active subscription wants that type. The outbox exists to deliver, not to be an
audit log (the order timeline, payment and return events are that), and the hot paths (order
intake) then pay one indexed read of a tiny table instead of an insert per event when nobody
listens. A subscription therefore receives the events that happen after it is created.

After commit the dispatcher is kicked through Celery for just this event; if the broker is
down the kick is logged and dropped — the committed delivery rows stay due and the beat sweeper
(integrations.tasks.deliver_due_webhooks, every minute) sends them later."""

import logging
import time
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from oms.config_cache import cached
from oms.events import on_publish

from ..models import OutboxEvent, WebhookDelivery, WebhookSubscription
from .events import EVENT_TYPES

logger = logging.getLogger("integrations.webhooks")


def _noop():
    pass


def active_subscriptions():
    """The active subscriptions (oms.config_cache), looked up once per transaction: a service
    that publishes several events (intake: created + each status step) pays one query. The cache is tied to a no-op
    on_commit marker, which Django drops on commit or rollback (of its savepoint too), and to
    the savepoints open when it was filled, so the next transaction (or the next sibling
    savepoint block) reads afresh."""
    conn = transaction.get_connection()
    memo = getattr(conn, "_oms_webhook_subscriptions", None)
    if (conn.in_atomic_block and memo and set(memo[1]) <= set(conn.savepoint_ids)
            and any(entry[1] is memo[0] for entry in conn.run_on_commit)):
        return memo[2]
    subs = cached("webhook_subscriptions",
                  lambda: list(WebhookSubscription.objects.filter(active=True).only("pk", "event_types").order_by("pk")))
    if conn.in_atomic_block:
        marker = partial(_noop)
        transaction.on_commit(marker)
        conn._oms_webhook_subscriptions = (marker, list(conn.savepoint_ids), subs)
    return subs


def forget_subscriptions():
    """Drop the per-transaction cache (after a subscription changed)."""
    transaction.get_connection()._oms_webhook_subscriptions = None


def interested_subscriptions(event_type):
    return [s for s in active_subscriptions() if s.wants(event_type)]


def write_event(event_type, payload, *, subscriptions, dedupe_key=None, now=None):
    """Insert the event and its deliveries in the current transaction; queue the kick on commit.
    Returns the event, or None when `dedupe_key` was already recorded."""
    now = now or timezone.now()
    event = OutboxEvent(event_type=event_type, payload=payload, dedupe_key=dedupe_key or None, occurred_at=now)
    with transaction.atomic(savepoint=False):  # the caller's transaction, or one of its own
        if dedupe_key:
            try:
                with transaction.atomic():
                    event.save(force_insert=True)
            except IntegrityError:
                return None
        else:
            event.save(force_insert=True)
        WebhookDelivery.objects.bulk_create([WebhookDelivery(event=event, subscription_id=s.pk, next_attempt_at=now,
                                                             created_at=now) for s in subscriptions])
        _kick_on_commit(event.pk)
    return event


def _kick_on_commit(event_pk):
    """One kick per transaction, naming all its events (a service publishing four events
    queues one task, not four)."""
    conn = transaction.get_connection()
    pending = getattr(conn, "_oms_webhook_kick", None)
    if conn.in_atomic_block and pending and any(entry[1] is pending for entry in conn.run_on_commit):
        pending.args[0].append(event_pk)
        return
    pending = partial(kick, [event_pk])
    conn._oms_webhook_kick = pending
    transaction.on_commit(pending)


@on_publish
def record_event(event_type, payload, dedupe_key=None):
    if event_type not in EVENT_TYPES:
        return None
    subscriptions = interested_subscriptions(event_type)
    if not subscriptions:
        return None
    return write_event(event_type, payload, subscriptions=subscriptions, dedupe_key=dedupe_key)


_broker_down_until = 0.0  # monotonic time; while the broker was just found down, do not wait on it again
BROKER_PAUSE_SECONDS = 30


def kick(event_pks=None):
    """Ask a worker to deliver now (best effort: the sweeper covers a lost kick). After a failure
    the process skips kicks for BROKER_PAUSE_SECONDS, so an outage costs one slow request per
    process and half-minute, not one per event."""
    global _broker_down_until
    from ..tasks import deliver_event_webhooks

    if time.monotonic() < _broker_down_until:
        logger.info("broker recently down: webhook events %s left to the sweeper", event_pks)
        return
    try:
        deliver_event_webhooks.apply_async((event_pks,), retry=False)
    except Exception:  # broker down (or an eager run failing): the rows wait for the sweeper
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("could not queue webhook delivery for events %s; the sweeper will send them", event_pks,
                       exc_info=True)
