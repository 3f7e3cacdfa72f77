"""Import jobs end to end: the console pages and their permissions, templates, large files
through Celery with progress, and a job applied exactly once."""

import io
import time

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from integrations.imports.services import apply_import, progress_of, start_import
from integrations.models import ImportJob
from inventory.models import Product
from tests.concurrency import race
from tests.factories import CategoryFactory

from .factories import csv_upload
from . import imports_support

eager_celery = imports_support.eager_celery
media = imports_support.media

HEADER = ["sku", "name", "category"]


def _products(n, prefix="P"):
    return [HEADER] + [[f"{prefix}-{i:04d}", f"Product {i}", "valves"] for i in range(n)]


@pytest.mark.django_db
def test_large_file_is_checked_and_applied_by_celery_with_progress(media, eager_celery, staff_user, settings,
                                                                   django_capture_on_commit_callbacks):
    settings.IMPORT_SYNC_MAX_ROWS = 5
    CategoryFactory(slug="valves")
    admin = staff_user("admin")

    with django_capture_on_commit_callbacks(execute=True) as queued:
        job = start_import(actor=admin, kind="products", upload=csv_upload(_products(12)))
        assert job.status == ImportJob.Status.PENDING  # not checked in the request
    assert len(queued) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY and job.dry_run["counts"] == {"create": 12}
    assert progress_of(job)["percent"] == 100

    with django_capture_on_commit_callbacks(execute=True) as queued:
        job = apply_import(actor=admin, job=job)
        assert job.status == ImportJob.Status.APPLYING
    assert len(queued) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED and job.applied_by == admin
    assert Product.objects.filter(sku__startswith="P-").count() == 12


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_apply_the_job_once(media, staff_user):
    CategoryFactory(slug="valves")
    admin = staff_user("admin")
    job = start_import(actor=admin, kind="products", upload=csv_upload(_products(3)))

    results = race(2, lambda i: apply_import(actor=admin, job=ImportJob.objects.get(pk=job.pk)).status)

    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    assert [r[1] for r in results if r[0] == "ok"] == [ImportJob.Status.APPLIED]
    assert "already been applied" in next(r[1] for r in results if r[0] == "refused")
    assert Product.objects.filter(sku__startswith="P-").count() == 3
    assert ImportJob.objects.get(pk=job.pk).applied_at is not None


@pytest.mark.worker
def test_a_real_worker_checks_and_applies_a_large_file(media, worker, staff_user, settings):
    settings.IMPORT_SYNC_MAX_ROWS = 3
    CategoryFactory(slug="valves")
    admin = staff_user("admin")
    job = start_import(actor=admin, kind="products", upload=csv_upload(_products(8, prefix="W")))

    def wait_for(status):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status == status:
                return
            assert worker["proc"].poll() is None, worker["proc"].stdout.read()
            time.sleep(0.3)
        raise AssertionError(f"job still {job.status}, wanted {status}")

    wait_for(ImportJob.Status.READY)
    assert job.dry_run["counts"] == {"create": 8}
    apply_import(actor=admin, job=job)
    wait_for(ImportJob.Status.APPLIED)
    assert Product.objects.filter(sku__startswith="W-").count() == 8


# --- console pages ---------------------------------------------------------------------------------

@pytest.mark.django_db
def test_console_upload_dry_run_page_and_apply(media, client, staff_user):
    CategoryFactory(slug="valves")
    admin = staff_user("admin")
    client.force_login(admin)

    index = client.get(reverse("console:import_index"))
    assert index.status_code == 200 and b'data-kind="orders"' in index.content

    response = client.post(reverse("console:import_upload", args=["products"]),
                           {"file": csv_upload([HEADER, ["UI-1", "From the page", "valves"], ["UI-2", "", "pumps"]])})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("console:import_job", args=[job.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b'data-error-row="3"' in page.content and b"Apply import" not in page.content

    client.post(reverse("console:import_upload", args=["products"]),
                {"file": csv_upload([HEADER, ["UI-1", "From the page", "valves"]])})
    job = ImportJob.objects.order_by("-pk").first()
    page = client.get(reverse("console:import_job", args=[job.pk]))
    assert b"Apply import" in page.content and b'data-action="create"' in page.content
    response = client.post(reverse("console:import_apply", args=[job.pk]), follow=True)
    assert b"Import applied: 1 created" in response.content
    assert Product.objects.filter(sku="UI-1").exists()
    again = client.post(reverse("console:import_apply", args=[job.pk]), follow=True)
    assert b"already been applied" in again.content

    history = client.get(reverse("console:import_history"), {"kind": "products"})
    assert history.status_code == 200 and f'data-import-job="{job.pk}"'.encode() in history.content


@pytest.mark.django_db
def test_bad_file_shows_the_error_on_the_form(media, client, staff_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff_user("admin"))
    response = client.post(reverse("console:import_upload", args=["products"]),
                           {"file": SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")})
    assert response.status_code == 422
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_busy_job_is_polled_with_htmx(media, client, staff_user, settings):
    settings.IMPORT_SYNC_MAX_ROWS = 1
    CategoryFactory(slug="valves")
    admin = staff_user("admin")
    client.force_login(admin)
    job = start_import(actor=admin, kind="products", upload=csv_upload(_products(3)))  # queued: callbacks not run

    page = client.get(reverse("console:import_job", args=[job.pk]))
    assert b'hx-trigger="every 2s"' in page.content
    poll = client.get(reverse("console:import_job", args=[job.pk]), headers={"HX-Request": "true"})
    assert poll.status_code == 200 and b'id="import-status"' in poll.content and b"<html" not in poll.content
    assert "HX-Refresh" not in poll


@pytest.mark.django_db
@pytest.mark.parametrize("role, kind, allowed", [
    ("warehouse", "stock", True), ("warehouse", "products", False), ("warehouse", "orders", False),
    ("sales", "orders", True), ("sales", "customers", False), ("sales_manager", "customers", True),
    ("finance", "orders", False), ("admin", "products", True),
])
def test_each_kind_needs_its_permission(client, staff_user, role, kind, allowed):
    client.force_login(staff_user(role))
    response = client.get(reverse("console:import_upload", args=[kind]))
    assert response.status_code == (200 if allowed else 403)


@pytest.mark.django_db
def test_a_role_without_any_import_permission_gets_no_index(client, staff_user):
    client.force_login(staff_user("finance"))
    assert client.get(reverse("console:import_index")).status_code == 403


@pytest.mark.django_db
def test_templates_have_the_header_and_an_example_row(client, staff_user):
    client.force_login(staff_user("admin"))
    csv_response = client.get(reverse("console:import_template", args=["orders", "csv"]))
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("external_ref,customer,sku,quantity") and lines[1].startswith("ERP-2024-0001,")

    xlsx = client.get(reverse("console:import_template", args=["stock", "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert [c.value for c in sheet[1]] == ["sku", "warehouse", "counted", "reason"]
    assert [c.value for c in sheet[2]][:2] == ["VALVE-25", "SH"]
    assert sheet.freeze_panes == "A2"


@pytest.mark.django_db
def test_when_the_broker_is_down_the_job_goes_back_to_ready(media, staff_user, settings, monkeypatch,
                                                            django_capture_on_commit_callbacks):
    from integrations.imports import tasks

    CategoryFactory(slug="valves")
    admin = staff_user("admin")
    job = start_import(actor=admin, kind="products", upload=csv_upload(_products(4)))
    settings.IMPORT_SYNC_MAX_ROWS = 2

    def broker_down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(tasks.apply_import_job, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        apply_import(actor=admin, job=job)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY and job.applied_by is None
    assert not Product.objects.filter(sku__startswith="P-").exists()


# --- lost tasks ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_check_and_an_apply_whose_tasks_were_lost_are_queued_again_and_done_once(
        media, eager_celery, staff_user, settings, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from integrations.imports.services import requeue_stuck_jobs

    settings.IMPORT_SYNC_MAX_ROWS = 1
    CategoryFactory(slug="valves")
    admin = staff_user("admin")
    with django_capture_on_commit_callbacks(execute=False):  # the broker lost the check's message
        job = start_import(actor=admin, kind="products", upload=csv_upload(_products(3, prefix="L")))
    assert requeue_stuck_jobs() == {"applying": 0, "checking": 0}  # not stuck yet: only slow
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_jobs() == {"applying": 0, "checking": 1}
    job.refresh_from_db()
    assert job.status == ImportJob.Status.READY

    with django_capture_on_commit_callbacks(execute=False):  # ... and then the apply's
        apply_import(actor=admin, job=job)
    ImportJob.objects.filter(pk=job.pk).update(claimed_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stuck_jobs() == {"applying": 1, "checking": 0}
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert Product.objects.filter(sku__startswith="L-").count() == 3
    assert requeue_stuck_jobs() == {"applying": 0, "checking": 0}


@pytest.mark.django_db(transaction=True)
def test_a_job_being_applied_right_now_is_not_queued_again(media, staff_user, settings):
    import threading
    from datetime import timedelta

    from django.db import connections, transaction
    from django.utils import timezone

    from integrations.imports.services import requeue_stuck_jobs

    CategoryFactory(slug="valves")
    admin = staff_user("admin")
    job = start_import(actor=admin, kind="products", upload=csv_upload(_products(2)))
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.APPLYING,
                                               claimed_at=timezone.now() - timedelta(hours=2))
    locked, done = threading.Event(), threading.Event()

    def long_apply():  # holds the job's row lock as run_apply does for the whole apply
        try:
            with transaction.atomic():
                ImportJob.objects.select_for_update().get(pk=job.pk)
                locked.set()
                done.wait(10)
        finally:
            connections.close_all()

    t = threading.Thread(target=long_apply)
    t.start()
    try:
        assert locked.wait(10)
        assert requeue_stuck_jobs() == {"applying": 0, "checking": 0}
    finally:
        done.set()
        t.join()
