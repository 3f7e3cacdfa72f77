"""The reliability promise with real processes: a Celery worker killed in the middle of a
delivery; a new worker delivers the event later, with the same event id."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from integrations.models import WebhookDelivery
from oms.celery import app as celery_app
from oms.events import publish

from .factories import WebhookReceiver, WebhookSubscriptionFactory

ROOT = Path(__file__).resolve().parents[2]
LEASE = 4


@pytest.fixture
def short_lease(monkeypatch, settings):
    """Workers started after this (the `worker` fixture, and ours) lease deliveries for LEASE seconds."""
    monkeypatch.setenv("WEBHOOK_LEASE_SECONDS", str(LEASE))
    settings.WEBHOOK_LEASE_SECONDS = LEASE


def start_worker(queue):
    db = connection.settings_dict
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "oms.settings", "DJANGO_DEBUG": "true", "OMS_TESTING": "true",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "DATABASE_POOL": "false", "REDIS_URL": settings.REDIS_URL, "CELERY_QUEUE": queue,
    }
    cmd = [sys.executable, "-m", "celery", "-A", "oms", "worker", "--pool=solo", "-Q", queue, "-n", f"second-{uuid.uuid4().hex[:6]}@%h",
           "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_for(predicate, timeout=90, step=0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


@pytest.mark.worker
def test_killed_worker_mid_delivery_then_a_new_worker_delivers_with_the_same_event_id(short_lease, worker):
    with WebhookReceiver(statuses=[200], delay=60, slow_requests=1) as hook:  # the first answer never comes in time
        WebhookSubscriptionFactory(url=hook.url, event_types=["order.status_changed"])
        with transaction.atomic():
            publish("order.status_changed", order_id=7, number="SO0000007", from_status="packed", to_status="shipped")
        # after the commit the kick went to the worker, which is now waiting on the slow receiver
        assert hook.started.wait(120), "the worker never POSTed"
        delivery = WebhookDelivery.objects.select_related("event").get()
        assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 1
        assert delivery.claim_token is not None

        worker["proc"].kill()  # SIGKILL in the middle of the HTTP call
        worker["proc"].wait(timeout=30)

        second = start_worker(celery_app.conf.task_default_queue)
        try:
            assert wait_for(lambda: timezone.now() > delivery.next_attempt_at, timeout=LEASE + 5)
            from integrations.tasks import deliver_due_webhooks

            deliver_due_webhooks.delay()  # what beat does every minute
            done = wait_for(lambda: WebhookDelivery.objects.filter(
                pk=delivery.pk, status=WebhookDelivery.Status.SUCCEEDED).exists(), timeout=120)
            if not done:
                second.terminate()
                pytest.fail("not delivered after the restart:\n" + second.communicate(timeout=20)[0][-3000:])
        finally:
            second.terminate()
            try:
                second.wait(timeout=20)
            except subprocess.TimeoutExpired:
                second.kill()
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.delivered_at is not None
    ids = [r["headers"]["X-OMS-Event-Id"] for r in hook.received]
    assert ids == [str(delivery.event.event_id)] * 2
    assert hook.received[0]["body"] == hook.received[1]["body"]
