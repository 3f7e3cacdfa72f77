"""Delivering outbox events: claim due deliveries, POST them signed, record the outcome.

Claim with a lease: in one short transaction the due rows are locked (SKIP LOCKED, so two
dispatchers never take the same row), their attempt counter goes up, they get a fresh
claim_token, and next_attempt_at moves one lease ahead. The HTTP call happens after that
transaction; only the holder of the token may record the outcome. A worker killed mid-delivery
leaves the row pending with next_attempt_at at the lease's end: it becomes due again and is
sent later with the same event id."""

import json
import logging
import random
import uuid
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import WebhookDelivery
from . import signing
from .targets import BlockedTarget, check_target

logger = logging.getLogger("integrations.webhooks")
Status = WebhookDelivery.Status
EXCERPT = 500


def max_attempts():
    return settings.WEBHOOK_MAX_ATTEMPTS


def lease():
    return timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)


def backoff(attempt: int, *, rng=random) -> timedelta:
    """Wait after failed attempt number `attempt` (1-based): base × 2^(attempt-1), capped,
    with ±20 % jitter so a receiver coming back is not hit by every retry at once."""
    base = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempt - 1, 0)
    seconds = min(base, settings.WEBHOOK_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds * rng.uniform(0.8, 1.2))


def body_of(event) -> bytes:
    """The JSON body, identical for every attempt of the event."""
    doc = {"id": str(event.event_id), "type": event.event_type, "occurred_at": event.occurred_at.isoformat(),
           "data": event.payload}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def claim_due(*, limit=20, event_pk=None, delivery_pk=None, now=None):
    """Lock and lease up to `limit` due deliveries; returns [(delivery_pk, claim_token)]."""
    now = now or timezone.now()
    claimed = []
    with transaction.atomic():
        qs = (WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
              .filter(status=Status.PENDING, next_attempt_at__lte=now, subscription__active=True))
        if isinstance(event_pk, (list, tuple)):
            qs = qs.filter(event_id__in=event_pk)
        elif event_pk is not None:
            qs = qs.filter(event_id=event_pk)
        if delivery_pk is not None:
            qs = qs.filter(pk=delivery_pk)
        rows = list(qs.order_by("next_attempt_at", "pk")[:limit])
        for row in rows:
            if row.attempts >= max_attempts():  # its last attempt's worker died before recording
                row.status, row.claim_token = Status.FAILED, None
                row.last_error = (row.last_error + "\n" if row.last_error else "") + "worker lost during the last attempt"
                continue
            row.attempts += 1
            row.claim_token = uuid.uuid4()
            row.last_attempt_at = now
            row.next_attempt_at = now + lease()
            claimed.append((row.pk, row.claim_token))
        WebhookDelivery.objects.bulk_update(rows, ["status", "attempts", "claim_token", "last_attempt_at",
                                                   "next_attempt_at", "last_error"])
    return claimed


def send(delivery_pk, token, *, now=None):
    """POST one claimed delivery and record what happened. Returns the delivery's new status."""
    delivery = WebhookDelivery.objects.select_related("event", "subscription").get(pk=delivery_pk)
    event, sub = delivery.event, delivery.subscription
    body = body_of(event)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "OMS-Webhooks/1",
        signing.EVENT_ID_HEADER: str(event.event_id),
        signing.EVENT_TYPE_HEADER: event.event_type,
        **signing.signed_headers(sub.secret, body),
    }
    code, error, excerpt = None, "", ""
    try:
        check_target(sub.url)
        response = requests.post(sub.url, data=body, headers=headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
                                 allow_redirects=False)
        code, excerpt = response.status_code, response.text[:EXCERPT]
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except requests.RequestException as exc:
        error = f"{type(exc).__name__}: {exc}"[:EXCERPT]
    except BlockedTarget as exc:
        error = str(exc)[:EXCERPT]
    return record_outcome(delivery, token, ok=not error, code=code, error=error, excerpt=excerpt, now=now)


def record_outcome(delivery, token, *, ok, code=None, error="", excerpt="", now=None):
    now = now or timezone.now()
    fields = {"last_status_code": code, "response_excerpt": excerpt, "claim_token": None}
    if ok:
        fields.update(status=Status.SUCCEEDED, delivered_at=now, last_error="")
    elif delivery.attempts >= max_attempts():
        fields.update(status=Status.FAILED, last_error=error)
    else:
        fields.update(next_attempt_at=now + backoff(delivery.attempts), last_error=error)
    updated = WebhookDelivery.objects.filter(pk=delivery.pk, claim_token=token, status=Status.PENDING).update(**fields)
    if not updated:  # our lease ran out and someone else took it over: their outcome counts
        logger.warning("webhook delivery %s: outcome of a stale claim dropped", delivery.pk)
        return None
    if not ok:
        logger.info("webhook delivery %s attempt %s failed: %s", delivery.pk, delivery.attempts, error)
    return fields.get("status", Status.PENDING)


def deliver_due(*, limit=20, event_pk=None, delivery_pk=None, now=None):
    """Claim a batch and send it; returns {status: count} for the batch."""
    counts = {}
    for pk, token in claim_due(limit=limit, event_pk=event_pk, delivery_pk=delivery_pk, now=now):
        try:
            status = send(pk, token, now=now)
        except Exception:  # a bug for one row must not stop the batch; its lease makes it due again
            logger.exception("webhook delivery %s crashed", pk)
            status = "error"
        counts[status] = counts.get(status, 0) + 1
    return counts


def purge_delivered(*, now=None):
    """Delete events older than WEBHOOK_KEEP_DAYS whose every delivery succeeded (failed and
    waiting ones stay visible until someone deals with them). Returns the number deleted."""
    from ..models import OutboxEvent

    cutoff = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_KEEP_DAYS)
    old = OutboxEvent.objects.filter(created_at__lt=cutoff).exclude(
        deliveries__status__in=[Status.PENDING, Status.FAILED])
    deleted, _ = OutboxEvent.objects.filter(pk__in=old.values("pk")[:10_000]).delete()
    return deleted
