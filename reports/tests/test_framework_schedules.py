"""Report schedules: next-run arithmetic, who may schedule and receive, beat picking due
schedules exactly once (also with overlapping beats), and the recipients' notification."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from oms.errors import DomainError
from oms.models import Notification
from reports import services
from reports.models import ReportRun, ReportSchedule
from reports.tests import framework_support
from reports.tests.framework_support import FIXTURE_SLUG
from tests.concurrency import race

SH = ZoneInfo("Asia/Shanghai")
PARAMS = {"date_from": "2026-01-01", "date_to": "2026-01-31", "region": ""}

media = framework_support.media  # fixture: MEDIA_ROOT in a temporary directory


def at(*args):
    return datetime(*args, tzinfo=SH)


@pytest.mark.parametrize("frequency, extra, after, expected", [
    ("daily", {}, at(2026, 3, 2, 6, 0), at(2026, 3, 2, 7, 0)),
    ("daily", {}, at(2026, 3, 2, 7, 0), at(2026, 3, 3, 7, 0)),
    ("weekly", {"weekday": 0}, at(2026, 3, 4, 12, 0), at(2026, 3, 9, 7, 0)),  # Wed -> next Monday
    ("weekly", {"weekday": 0}, at(2026, 3, 9, 6, 59), at(2026, 3, 9, 7, 0)),
    ("monthly", {"day_of_month": 28}, at(2026, 12, 28, 8, 0), at(2027, 1, 28, 7, 0)),
    ("monthly", {"day_of_month": 1}, at(2026, 2, 15, 0, 0), at(2026, 3, 1, 7, 0)),
])
def test_following_run(settings, frequency, extra, after, expected):
    settings.TIME_ZONE = "Asia/Shanghai"
    schedule = ReportSchedule(frequency=frequency, hour=7, **extra)
    assert schedule.following_run(after) == expected


def make_schedule(owner, recipients, **kwargs):
    values = {"fmt": "csv", "frequency": "daily", "hour": 7, "params": PARAMS, **kwargs}
    return services.create_schedule(actor=owner, slug=FIXTURE_SLUG, recipients=recipients, **values)


def test_only_schedulers_schedule_and_only_report_readers_receive(staff_user):
    manager = staff_user("sales_manager")
    with pytest.raises(DomainError):
        make_schedule(staff_user("finance"), [])  # may see reports, may not schedule them
    with pytest.raises(DomainError) as err:
        make_schedule(manager, [manager, staff_user("warehouse", username="wh1")])
    assert "wh1" in str(err.value)
    schedule = make_schedule(manager, [manager, staff_user("finance")])
    assert schedule.next_run_at > timezone.now() and schedule.active


def test_due_schedule_runs_once_advances_and_notifies_recipients(staff_user, media, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.OMS_BASE_URL = "https://oms.example.com"
    manager, finance = staff_user("sales_manager"), staff_user("finance", email="fin@example.com")
    schedule = make_schedule(manager, [finance])
    ReportSchedule.objects.filter(pk=schedule.pk).update(next_run_at=timezone.now() - timedelta(minutes=1))
    later = make_schedule(manager, [finance])  # not due yet

    with django_capture_on_commit_callbacks(execute=True):
        started = services.run_due_schedules()

    assert len(started) == 1
    run = ReportRun.objects.get(pk=started[0])
    assert run.status == ReportRun.Status.DONE and run.schedule_id == schedule.pk and run.requested_by == manager
    schedule.refresh_from_db()
    assert schedule.next_run_at > timezone.now() and schedule.last_run == run
    assert services.run_due_schedules() == []  # advanced: not run again
    assert not later.runs.exists()

    note = Notification.objects.get(recipient=finance)
    assert run.report_title in note.subject
    assert f"https://oms.example.com/console/reports/runs/{run.pk}/download/" in note.body
    assert services.can_download(finance, run)  # a recipient may fetch the file
    assert any(f"/console/reports/runs/{run.pk}/download/" in m.body for m in mail.outbox)


def test_rolling_period_covers_the_days_up_to_yesterday(staff_user, media, django_capture_on_commit_callbacks):
    manager = staff_user("sales_manager")
    schedule = make_schedule(manager, [manager], period_days=7)
    ReportSchedule.objects.filter(pk=schedule.pk).update(next_run_at=timezone.now() - timedelta(minutes=1))
    now = datetime(2026, 3, 10, 9, 0, tzinfo=SH)
    ReportSchedule.objects.filter(pk=schedule.pk).update(next_run_at=now - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        [run_id] = services.run_due_schedules(now=now)

    params = ReportRun.objects.get(pk=run_id).params
    assert (params["date_from"], params["date_to"]) == ("2026-03-03", "2026-03-09")


def test_paused_schedules_do_not_run(staff_user, media):
    manager = staff_user("sales_manager")
    schedule = make_schedule(manager, [manager])
    services.set_schedule_active(actor=manager, schedule_id=schedule.pk, active=False)
    ReportSchedule.objects.filter(pk=schedule.pk).update(next_run_at=timezone.now() - timedelta(minutes=1))
    assert services.run_due_schedules() == []


@pytest.mark.django_db(transaction=True)
def test_overlapping_beats_never_run_a_schedule_twice(staff_user, media):
    manager = staff_user("sales_manager")
    schedules = [make_schedule(manager, [manager]) for _ in range(3)]
    ReportSchedule.objects.update(next_run_at=timezone.now() - timedelta(minutes=1))

    results = race(4, lambda i: services.run_due_schedules())

    assert all(kind == "ok" for kind, _ in results), results
    started = [pk for _, ids in results for pk in ids]
    assert len(started) == len(set(started)) == 3
    assert sorted(ReportRun.objects.values_list("schedule_id", flat=True)) == sorted(s.pk for s in schedules)
