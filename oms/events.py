"""After-commit side effects.

Nothing leaves the process (task, e-mail, webhook) until the transaction that caused it has
committed: if it rolls back, the side effect never happens.

    after_commit(send_invoice_email, invoice.pk)     # a Celery task, queued on commit
    emit("stock.low", product_id=..., warehouse_id=...)  # domain event to subscribers on commit

Values are bound at call time (functools.partial), never captured late by a closure."""

import logging
import threading
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
        if app.conf.task_always_eager and app.conf.task_eager_propagates:
            raise  # in-process under test: this is the task's own error, not the broker's
        logger.exception("broker unreachable: task %s not queued", getattr(task, "name", task))


def subscribe(event_name: str):
    """Register a handler(payload: dict) for a domain event; handlers run after commit."""

    def register(handler):
        _subscribers[event_name].append(handler)
        return handler

    return register


def emit(event_name: str, **payload):
    transaction.on_commit(partial(_dispatch, event_name, dict(payload), _commit_token()))


def _noop():
    pass


def _commit_token():
    """An object shared by the events of one transaction, so handlers can tell which events
    committed together (see first_in_commit). Tied to a no-op on_commit marker — once the
    transaction commits or rolls back the marker is gone and the next event starts a new token —
    and to the innermost savepoint, so events of two savepoint blocks never share one (tests run
    inside one transaction and treat each block's callbacks as a commit of their own)."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        return object()  # autocommit: dispatched at once, alone
    savepoint = next((sid for sid in reversed(conn.savepoint_ids) if sid), None)  # atomic(savepoint=False) adds None
    current = getattr(conn, "_oms_commit_token", None)
    if current is None or current[1] != savepoint or not any(entry[1] is current[0] for entry in conn.run_on_commit):
        current = (partial(_noop), savepoint, object())
        transaction.on_commit(current[0])
        conn._oms_commit_token = current
    return current[2]


_dispatching = threading.local()


def _dispatch(event_name, payload, token=None):
    _dispatching.token = token
    try:
        for handler in list(_subscribers.get(event_name, ())):
            try:
                handler(payload)
            except Exception:  # one broken subscriber must not stop the others
                logger.exception("subscriber %r failed for event %s", handler, event_name)
    finally:
        _dispatching.token = None


def first_in_commit(key) -> bool:
    """For a handler: True the first time `key` is seen among the events that committed
    together (one transaction), False after. Intake moves a new order through three statuses
    in one transaction; a handler that only needs to react once per order uses this to skip
    the repeats. Outside a dispatch it is always True."""
    token = getattr(_dispatching, "token", None)
    if token is None:
        return True
    if getattr(_dispatching, "seen_token", None) is not token:
        _dispatching.seen_token, _dispatching.seen = token, set()
    if key in _dispatching.seen:
        return False
    _dispatching.seen.add(key)
    return True


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
