"""Side effects leave the process only after the transaction commits."""

import pytest
from django.db import transaction

from oms import events


class FakeTask:
    def __init__(self):
        self.calls = []

    def delay(self, *args, **kwargs):
        self.calls.append((args, kwargs))


@pytest.mark.django_db(transaction=True)
def test_task_is_queued_only_after_commit():
    task = FakeTask()
    with transaction.atomic():
        events.after_commit(task, 42, reason="x")
        assert task.calls == []
    assert task.calls == [((42,), {"reason": "x"})]


@pytest.mark.django_db(transaction=True)
def test_nothing_is_queued_when_the_transaction_rolls_back():
    task = FakeTask()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            events.after_commit(task, 1)
            raise RuntimeError("boom")
    assert task.calls == []


@pytest.mark.django_db(transaction=True)
def test_values_are_bound_when_emitted_not_when_run():
    task = FakeTask()
    with transaction.atomic():
        for i in range(3):
            events.after_commit(task, i)
    assert [c[0][0] for c in task.calls] == [0, 1, 2]


@pytest.mark.django_db(transaction=True)
def test_domain_event_reaches_subscribers_after_commit_and_survives_a_broken_one():
    seen = []

    @events.subscribe("test.thing_happened")
    def broken(payload):
        raise ValueError("subscriber bug")

    @events.subscribe("test.thing_happened")
    def good(payload):
        seen.append(payload)

    try:
        with transaction.atomic():
            events.emit("test.thing_happened", thing_id=7)
            assert seen == []
        assert seen == [{"thing_id": 7}]
    finally:
        events._subscribers.pop("test.thing_happened")


@pytest.mark.parametrize("failure", [
    "kombu", "result-backend",
])
@pytest.mark.django_db(transaction=True)
def test_an_unreachable_broker_does_not_undo_or_fail_the_committed_write(caplog, failure):
    from kombu.exceptions import OperationalError

    from oms.models import User

    error = (OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.") if failure == "kombu"
             else RuntimeError("Retry limit exceeded while trying to reconnect to the Celery redis result store backend."))

    class DownTask:
        name = "oms.tasks.example"

        def delay(self, *args, **kwargs):
            raise error

    from oms.celery import app

    eager, app.conf.task_always_eager = app.conf.task_always_eager, False  # a deployment with a broker
    try:
        with transaction.atomic():
            User.objects.create(username="kept-after-broker-failure")
            events.after_commit(DownTask(), 1)
    finally:
        app.conf.task_always_eager = eager
    assert User.objects.filter(username="kept-after-broker-failure").exists()
    assert "not queued" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_handler_can_react_once_to_the_events_that_committed_together():
    firsts = []

    @events.subscribe("test.order_moved")
    def once_per_order(payload):
        firsts.append((payload["step"], events.first_in_commit(("moved", payload["order"]))))

    try:
        with transaction.atomic():
            for step in ("submitted", "approved", "allocated"):
                events.emit("test.order_moved", order=1, step=step)
            events.emit("test.order_moved", order=2, step="submitted")
        with transaction.atomic():  # a later transaction: a new batch, order 1 counts again
            events.emit("test.order_moved", order=1, step="picking")
        events.emit("test.order_moved", order=1, step="packed")  # autocommit: alone
    finally:
        events._subscribers["test.order_moved"].remove(once_per_order)
    assert firsts == [("submitted", True), ("approved", False), ("allocated", False), ("submitted", True),
                      ("picking", True), ("packed", True)]
    assert events.first_in_commit("anything") is True  # outside a dispatch


@pytest.mark.django_db(transaction=True)
def test_in_process_a_failing_task_is_logged_not_raised_into_the_committed_request(settings, caplog):
    """Embedded mode (no Redis) in production: Celery runs the e-mail task in-process after the
    commit. An SMTP server that refuses must not turn the person's saved change into an error
    page; the notification stays in the inbox, not marked e-mailed, and the failure is logged."""
    import socket

    from oms.celery import app
    from oms.models import Notification, User
    from oms.notifications import notify

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2}}}
    user = User.objects.create(username="mail-down", email="mail-down@example.com")
    assert app.conf.task_always_eager
    propagates, app.conf.task_eager_propagates = app.conf.task_eager_propagates, False  # as in production
    try:
        with transaction.atomic():
            notify(recipients=[user], subject="Order SO0000001 is on hold")
    finally:
        app.conf.task_eager_propagates = propagates
    note = Notification.objects.get(recipient=user)
    assert note.email and note.emailed_at is None
    assert "ConnectionRefusedError" in caplog.text

