"""Report runs through a real Celery worker on the reports queue: progress to 100, row count,
a downloadable file; a run that cannot be generated ends failed with a readable error."""

import time
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse

from reports import services, tasks
from reports.models import ReportRun
from tests.factories import OrderFactory, OrderLineFactory

pytestmark = [pytest.mark.worker]


@pytest.fixture
def shared_media(monkeypatch, settings, tmp_path):
    """The worker (started after this fixture) and the test read and write the same MEDIA_ROOT."""
    root = tmp_path / "media"
    monkeypatch.setenv("MEDIA_ROOT", str(root))
    settings.MEDIA_ROOT = root
    return root


def wait_finished(run, proc, timeout=300):  # the worker process starts slowly on a loaded machine
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.is_finished:
            return run
        assert proc.poll() is None, proc.stdout.read()
        time.sleep(0.3)
    proc.terminate()
    pytest.fail(f"run still {run.status} after {timeout} s; worker said: {proc.communicate(timeout=20)[0][-3000:]}")


def test_a_queued_run_is_generated_by_the_worker(shared_media, worker, staff_user, client):
    manager = staff_user("sales_manager")
    order = OrderFactory(status="shipped", created_at=datetime(2026, 1, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    OrderLineFactory(order=order, line_no=1, quantity=2, unit_price=Decimal("5.00"), total_amount=Decimal("11.30"))
    OrderLineFactory(order=order, line_no=2, quantity=1, unit_price=Decimal("7.00"), total_amount=Decimal("7.91"))

    run = services.start_report_run(actor=manager, slug="sales-lines", fmt="xlsx",
                                    params={"date_from": "2026-01-01", "date_to": "2026-01-31"})
    run = wait_finished(run, worker["proc"])

    assert run.status == ReportRun.Status.DONE, run.error
    assert run.progress == 100 and run.row_count == 1 + 2 and run.duration is not None
    client.force_login(manager)
    response = client.get(reverse("console:report_run_download", args=[run.pk]))
    assert response.status_code == 200
    path = shared_media / "download.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    detail = list(openpyxl.load_workbook(path)["Detail"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[10]) for r in detail] == [(order.number, 2), (order.number, 1)]


def test_a_run_that_cannot_be_generated_fails_readably(shared_media, worker, staff_user):
    run = ReportRun.objects.create(requested_by=staff_user("sales_manager"), report="no-such-report", format="pdf")
    tasks.generate_report.delay(run.pk)
    run = wait_finished(run, worker["proc"])
    assert run.status == ReportRun.Status.FAILED
    assert run.error == "This report no longer exists."
