"""After-commit side effects.

Nothing leaves the process (task, e-mail, webhook) until the transaction that caused it has
committed: if it rolls back, the side effect never happens.

    after_commit(send_invoice_email, invoice.pk)     # a Celery task, queued on commit
    emit("stock.low", product_id=..., warehouse_id=...)  # domain event to subscribers on commit

Values are bound at call time (functools.partial), never captured late by a closure."""

import logging
from collections import defaultdict
from functools import partial

from django.db import transaction

logger = logging.getLogger("oms.events")
_subscribers: dict[str, list] = defaultdict(list)


def after_commit(task, *args, **kwargs):
    """Queue a Celery task (anything with .delay) once the current transaction commits.
    The change is committed either way: if the broker is unreachable the task is logged as
    lost (never a 500 for a write that succeeded); work that must not be lost goes through a
    table a beat job sweeps (the webhook outbox, reminders, re-allocation)."""
    transaction.on_commit(partial(_queue, task, args, kwargs))


def _queue(task, args, kwargs):
    from oms.celery import app

    try:
        task.delay(*args, **kwargs)
    except Exception:  # the broker or result backend (kombu, redis-py) is unreachable
        if app.conf.task_always_eager:
            raise  # in-process: this is the task's own error, not the broker's
        logger.exception("broker unreachable: task %s not queued", getattr(task, "name", task))


def subscribe(event_name: str):
    """Register a handler(payload: dict) for a domain event; handlers run after commit."""

    def register(handler):
        _subscribers[event_name].append(handler)
        return handler

    return register


def emit(event_name: str, **payload):
    transaction.on_commit(partial(_dispatch, event_name, dict(payload)))


def _dispatch(event_name, payload):
    for handler in list(_subscribers.get(event_name, ())):
        try:
            handler(payload)
        except Exception:  # one broken subscriber must not stop the others
            logger.exception("subscriber %r failed for event %s", handler, event_name)


# --- Integration events (issue #8) -------------------------------------------------------------
# publish() is emit() plus in-transaction recorders: integrations registers one that writes the
# webhook outbox row in the caller's transaction (so a rolled-back change leaves no event and a
# committed one cannot lose its event). Apps call publish(); they never import integrations.
_recorders: list = []


def on_publish(recorder):
    """Register recorder(event_type, payload, dedupe_key=None), called inside the publisher's
    transaction. A recorder that raises rolls the change back with it."""
    _recorders.append(recorder)
    return recorder


def publish(event_type: str, dedupe_key: str | None = None, **payload):
    """An event for the outside world (webhooks) and for in-process subscribers (after commit).
    `dedupe_key` records the event once per key (e.g. one stock.low per stock row and day)."""
    for recorder in list(_recorders):
        recorder(event_type, dict(payload), dedupe_key=dedupe_key)
    emit(event_type, **payload)
