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
    """Queue a Celery task (anything with .delay) once the current transaction commits."""
    transaction.on_commit(partial(task.delay, *args, **kwargs))


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
