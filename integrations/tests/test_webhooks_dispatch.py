"""Delivering outbox events to a real local HTTP receiver: signature, retries with backoff,
failure after the limit, manual retry, stable event ids, one sender per delivery."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from integrations.models import OutboxEvent, WebhookDelivery
from integrations.webhooks import dispatcher, signing
from integrations.webhooks.services import DeliveryNotRetryable, retry_delivery
from oms.events import publish
from tests.concurrency import race

from .factories import WebhookReceiver, WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db
S = WebhookDelivery.Status


def publish_order_event(number="SO0000001"):
    with transaction.atomic():
        publish("order.status_changed", order_id=1, number=number, from_status="submitted", to_status="approved")
    return OutboxEvent.objects.latest("pk")


def test_receiver_verifies_the_signature_over_timestamp_and_body(settings):
    with WebhookReceiver(statuses=[200]) as hook:
        sub = WebhookSubscriptionFactory(url=hook.url, event_types=["order.status_changed"], secret="s3cret")
        event = publish_order_event()
        assert dispatcher.deliver_due() == {S.SUCCEEDED: 1}
    got = hook.received[0]
    headers, body = got["headers"], got["body"]
    assert signing.verify("s3cret", headers["X-OMS-Timestamp"], body, headers["X-OMS-Signature"])
    assert not signing.verify("wrong", headers["X-OMS-Timestamp"], body, headers["X-OMS-Signature"])
    assert not signing.verify("s3cret", headers["X-OMS-Timestamp"], body + b" ", headers["X-OMS-Signature"])
    assert headers["X-OMS-Signature"].startswith("sha256=")
    assert headers["X-OMS-Event-Id"] == str(event.event_id) and headers["X-OMS-Event-Type"] == "order.status_changed"
    doc = json.loads(body)
    assert doc["id"] == str(event.event_id) and doc["type"] == "order.status_changed"
    assert doc["data"] == {"order_id": 1, "number": "SO0000001", "from_status": "submitted", "to_status": "approved"}
    delivery = WebhookDelivery.objects.get(subscription=sub)
    assert delivery.status == S.SUCCEEDED and delivery.attempts == 1 and delivery.last_status_code == 200
    assert delivery.delivered_at is not None


def test_stale_timestamps_are_refused():
    body = b'{"a":1}'
    old = 1_700_000_000
    headers = signing.signed_headers("k", body, timestamp=old)
    assert signing.verify("k", headers["X-OMS-Timestamp"], body, headers["X-OMS-Signature"], now=old + 10)
    assert not signing.verify("k", headers["X-OMS-Timestamp"], body, headers["X-OMS-Signature"], now=old + 3600)


def test_a_500_is_retried_with_growing_backoff_then_delivered_with_the_same_event_id(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 60
    with WebhookReceiver(statuses=[500, 500, 200]) as hook:
        WebhookSubscriptionFactory(url=hook.url)
        event = publish_order_event()
        now = timezone.now()
        assert dispatcher.deliver_due(now=now) == {S.PENDING: 1}
        d = WebhookDelivery.objects.get()
        first_wait = d.next_attempt_at - now
        assert timedelta(seconds=48) <= first_wait <= timedelta(seconds=72)  # 60 s ± 20 % jitter
        assert d.last_status_code == 500 and d.last_error == "HTTP 500" and d.attempts == 1
        assert dispatcher.deliver_due(now=now + first_wait - timedelta(seconds=1)) == {}  # not due yet

        now2 = d.next_attempt_at
        assert dispatcher.deliver_due(now=now2) == {S.PENDING: 1}
        d.refresh_from_db()
        second_wait = d.next_attempt_at - now2
        assert timedelta(seconds=96) <= second_wait <= timedelta(seconds=144)  # 120 s ± 20 %
        assert dispatcher.deliver_due(now=d.next_attempt_at) == {S.SUCCEEDED: 1}
    d.refresh_from_db()
    assert d.status == S.SUCCEEDED and d.attempts == 3
    ids = {r["headers"]["X-OMS-Event-Id"] for r in hook.received}
    bodies = {r["body"] for r in hook.received}
    assert ids == {str(event.event_id)} and len(bodies) == 1 and len(hook.received) == 3


def test_after_the_last_attempt_the_delivery_is_failed_and_staff_can_retry_it(settings, staff_user):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    with WebhookReceiver(statuses=[503, 503, 503, 200]) as hook:
        WebhookSubscriptionFactory(url=hook.url)
        publish_order_event()
        now = timezone.now()
        for _ in range(3):
            dispatcher.deliver_due(now=now)
            now = WebhookDelivery.objects.get().next_attempt_at
        d = WebhookDelivery.objects.get()
        assert d.status == S.FAILED and d.attempts == 3 and d.last_status_code == 503
        assert dispatcher.deliver_due(now=now + timedelta(days=1)) == {}  # failed rows are left alone

        retry_delivery(actor=staff_user("admin"), delivery=d)
        d.refresh_from_db()
        assert d.status == S.PENDING and d.attempts == 0
        assert dispatcher.deliver_due() == {S.SUCCEEDED: 1}
    d.refresh_from_db()
    assert d.status == S.SUCCEEDED and len(hook.received) == 4
    with pytest.raises(DeliveryNotRetryable):
        retry_delivery(actor=staff_user("admin"), delivery=d)


def test_unreachable_receiver_is_an_error_not_a_crash(settings):
    WebhookSubscriptionFactory(url="http://127.0.0.1:9/nothing-listens")
    publish_order_event()
    assert dispatcher.deliver_due() == {S.PENDING: 1}
    d = WebhookDelivery.objects.get()
    assert d.last_status_code is None and "ConnectionError" in d.last_error


def test_an_expired_lease_makes_a_claimed_delivery_due_again_with_the_same_event_id(settings):
    """What a killed worker leaves behind: claimed (attempt counted, lease set), never recorded."""
    settings.WEBHOOK_LEASE_SECONDS = 120
    with WebhookReceiver(statuses=[200]) as hook:
        WebhookSubscriptionFactory(url=hook.url)
        event = publish_order_event()
        now = timezone.now()
        [(pk, stale_token)] = dispatcher.claim_due(now=now)  # ...and the worker dies here
        assert dispatcher.deliver_due(now=now + timedelta(seconds=60)) == {}  # leased: nobody else sends it
        assert dispatcher.deliver_due(now=now + timedelta(seconds=121)) == {S.SUCCEEDED: 1}
        d = WebhookDelivery.objects.get(pk=pk)
        assert d.status == S.SUCCEEDED and d.attempts == 2
        assert dispatcher.record_outcome(d, stale_token, ok=False, error="late") is None  # a zombie cannot undo it
    d.refresh_from_db()
    assert d.status == S.SUCCEEDED
    assert [r["headers"]["X-OMS-Event-Id"] for r in hook.received] == [str(event.event_id)]


@pytest.mark.django_db(transaction=True)
def test_concurrent_dispatchers_send_each_delivery_once():
    with WebhookReceiver(statuses=[200], delay=0.3, slow_requests=100) as hook:
        for _ in range(3):
            WebhookSubscriptionFactory(url=hook.url)
        for n in range(4):
            publish_order_event(number=f"SO{n:07d}")
        results = race(6, lambda i: dispatcher.deliver_due(limit=2))
        dispatcher.deliver_due(limit=50)  # whatever a thread did not get to
    assert all(kind == "ok" for kind, _r in results), results
    assert WebhookDelivery.objects.filter(status=S.SUCCEEDED).count() == 12
    pairs = [(r["headers"]["X-OMS-Event-Id"], r["headers"]["X-OMS-Signature"]) for r in hook.received]
    assert len(hook.received) == 12
    per_event = {}
    for r in hook.received:
        per_event.setdefault(r["headers"]["X-OMS-Event-Id"], 0)
        per_event[r["headers"]["X-OMS-Event-Id"]] += 1
    assert sorted(per_event.values()) == [3, 3, 3, 3] and len(pairs) == 12


def test_a_paused_subscription_holds_its_deliveries(settings):
    with WebhookReceiver(statuses=[200]) as hook:
        sub = WebhookSubscriptionFactory(url=hook.url)
        publish_order_event()
        sub.active = False
        sub.save()
        assert dispatcher.deliver_due() == {}
        sub.active = True
        sub.save()
        assert dispatcher.deliver_due() == {S.SUCCEEDED: 1}
    assert len(hook.received) == 1


def test_old_delivered_events_are_purged_failed_ones_kept(settings):
    settings.WEBHOOK_KEEP_DAYS = 30
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    with WebhookReceiver(statuses=[200, 500]) as hook:
        WebhookSubscriptionFactory(url=hook.url)
        delivered = publish_order_event("SO1")
        dispatcher.deliver_due()
        failed = publish_order_event("SO2")
        dispatcher.deliver_due()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {S.SUCCEEDED, S.FAILED}
    assert dispatcher.purge_delivered(now=timezone.now() + timedelta(days=29)) == 0
    dispatcher.purge_delivered(now=timezone.now() + timedelta(days=31))
    assert list(OutboxEvent.objects.values_list("pk", flat=True)) == [failed.pk]
    assert not OutboxEvent.objects.filter(pk=delivered.pk).exists()
