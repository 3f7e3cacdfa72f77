"""Round trip through a real Celery worker on Redis: a task queued after commit is picked up
by a separate worker process, which reads the database and sends the e-mail."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from oms.celery import app as celery_app
from oms.models import Notification
from oms.notifications import notify
from oms.tasks import ping
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.worker]


@pytest.fixture
def worker(transactional_db, tmp_path):
    if not settings.REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must run the worker test: REDIS_URL is empty (is redis-server installed?)")
        pytest.skip("no Redis here (embedded mode): the real-worker round trip needs REDIS_URL")
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "oms.settings",
        "DJANGO_DEBUG": "true",
        "OMS_TESTING": "true",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "DATABASE_POOL": "false",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "EMAIL_BACKEND": "file",
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    cmd = [sys.executable, "-m", "celery", "-A", "oms", "worker", "--pool=solo", "-Q", queue,
           "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "WARNING"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    saved = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield {"mail_dir": tmp_path / "mail", "proc": proc}
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = saved
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


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
