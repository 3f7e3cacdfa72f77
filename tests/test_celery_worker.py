"""Round trip through a real Celery worker on Redis: a task queued after commit is picked up
by a separate worker process, which reads the database and sends the e-mail."""

import time

import pytest

from oms.models import Notification
from oms.notifications import notify
from oms.tasks import ping
from tests.factories import UserFactory

pytestmark = [pytest.mark.worker]


def test_ping_round_trip(worker):
    assert ping.delay().get(timeout=60) == "pong"


def test_notification_email_is_sent_by_the_worker_after_commit(worker):
    user = UserFactory(email="warehouse@example.com")
    [note] = notify(recipients=[user], subject="Low stock: PPR-001 at SH01", body="12 left, reorder point 20")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        note.refresh_from_db()
        if note.emailed_at:
            break
        assert worker["proc"].poll() is None, worker["proc"].stdout.read()
        time.sleep(0.3)
    assert note.emailed_at is not None, "the worker did not deliver the e-mail within 60 s"
    sent = "".join(p.read_text() for p in worker["mail_dir"].iterdir())
    assert "Low stock: PPR-001 at SH01" in sent and "warehouse@example.com" in sent
    assert Notification.objects.get(pk=note.pk).emailed_at == note.emailed_at
