"""Report pages: index filtered by permission, a report page with filters, tables, chart and
download buttons, the run page polling with htmx, my runs, download rights, schedules pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.models import ReportRun, ReportSchedule
from reports.tests import framework_support
from reports.tests.framework_support import ADMIN_SLUG, FIXTURE_SLUG

media = framework_support.media  # fixture: MEDIA_ROOT in a temporary directory


def test_index_lists_only_reports_the_user_may_see(client, staff_user):
    client.force_login(staff_user("sales_manager"))
    page = client.get(reverse("console:report_index")).content.decode()
    assert f'data-report="{FIXTURE_SLUG}"' in page and 'data-report="sales-lines"' in page
    assert ADMIN_SLUG not in page
    client.force_login(staff_user("admin"))
    assert ADMIN_SLUG in client.get(reverse("console:report_index")).content.decode()


def test_users_without_the_reports_permission_are_kept_out(client, staff_user):
    client.force_login(staff_user("warehouse"))
    assert client.get(reverse("console:report_index")).status_code == 403
    client.force_login(staff_user("sales_manager"))
    assert client.get(reverse("console:report_detail", args=[ADMIN_SLUG])).status_code == 404


def test_report_page_shows_filters_table_chart_and_download_buttons(client, staff_user, django_assert_max_num_queries):
    client.force_login(staff_user("sales_manager"))
    url = reverse("console:report_detail", args=[FIXTURE_SLUG])
    with django_assert_max_num_queries(12):
        response = client.get(url, {"date_from": "2026-01-01", "date_to": "2026-01-31", "region": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="date_from"' in page and 'name="region"' in page and 'name="customer"' not in page
    assert "华东 East" in page and "¥12,345.67" in page and "合计 Total" in page
    assert "<svg" in page or 'class="report-chart"' not in page  # chart when the chart helper draws one
    assert 'value="xlsx"' in page and 'value="pdf"' in page and 'value="csv"' in page
    assert 'name="date_from" value="2026-01-01"' in page  # the download form carries the filters


def test_bad_filters_show_a_field_error_not_a_500(client, staff_user):
    client.force_login(staff_user("sales_manager"))
    response = client.get(reverse("console:report_detail", args=[FIXTURE_SLUG]),
                          {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert "The end of the period is before its start." in response.content.decode()


def test_download_button_starts_a_run_and_redirects_to_its_page(client, staff_user, media,
                                                                django_capture_on_commit_callbacks):
    user = staff_user("sales_manager")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("console:report_run_start", args=[FIXTURE_SLUG]),
                               {"date_from": "2026-01-01", "date_to": "2026-01-31", "format": "xlsx"})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("console:report_run_detail", args=[run.pk])
    assert run.requested_by == user and run.params["date_from"] == "2026-01-01" and run.format == "xlsx"

    page = client.get(response["Location"]).content.decode()
    assert reverse("console:report_run_download", args=[run.pk]) in page
    assert "every 2s" not in page  # finished: no more polling

    download = client.get(reverse("console:report_run_download", args=[run.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;") and ".xlsx" in download["Content-Disposition"]
    assert b"".join(download.streaming_content)[:2] == b"PK"

    runs_page = client.get(reverse("console:report_runs")).content.decode()
    assert f'data-run="{run.pk}"' in runs_page


def test_run_page_polls_every_two_seconds_until_finished(client, staff_user):
    user = staff_user("sales_manager")
    run = ReportRun.objects.create(requested_by=user, report=FIXTURE_SLUG, format="xlsx",
                                   status=ReportRun.Status.RUNNING, progress=40)
    client.force_login(user)
    page = client.get(reverse("console:report_run_detail", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and 'value="40"' in page

    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.FAILED, error="Too many rows for a PDF")
    fragment = client.get(reverse("console:report_run_detail", args=[run.pk]), headers={"HX-Request": "true"})
    html = fragment.content.decode()
    assert "<html" not in html and 'id="run-status"' in html
    assert "Too many rows for a PDF" in html and "hx-trigger" not in html


def test_download_only_for_allowed_users_and_not_after_expiry(client, staff_user, media,
                                                              django_capture_on_commit_callbacks):
    from reports import services

    owner = staff_user("finance")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_report_run(actor=owner, slug=FIXTURE_SLUG, params={}, fmt="csv")
    url = reverse("console:report_run_download", args=[run.pk])

    client.force_login(staff_user("finance"))  # someone else's run
    assert client.get(url).status_code == 404
    assert client.get(reverse("console:report_run_detail", args=[run.pk])).status_code == 404
    client.force_login(staff_user("sales_manager"))  # a manager with the report permission
    assert client.get(url).status_code == 200
    client.force_login(owner)
    assert client.get(url).status_code == 200
    ReportRun.objects.filter(pk=run.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(url).status_code == 404


def test_schedule_pages_create_pause_and_delete(client, staff_user):
    manager, finance = staff_user("sales_manager"), staff_user("finance")
    client.force_login(manager)
    form_url = reverse("console:report_schedule_create", args=[FIXTURE_SLUG])
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {
        "date_from": "2026-01-01", "date_to": "2026-01-31", "region": "", "format": "pdf", "frequency": "weekly",
        "weekday": "0", "day_of_month": "1", "hour": "8", "period_days": "7", "recipients": [manager.pk, finance.pk],
    })
    assert response.status_code == 302, response.content.decode()[-2000:]
    schedule = ReportSchedule.objects.get()
    assert schedule.owner == manager and set(schedule.recipients.all()) == {manager, finance}
    assert timezone.localtime(schedule.next_run_at).weekday() == 0 and timezone.localtime(schedule.next_run_at).hour == 8

    listing = client.get(reverse("console:report_schedules")).content.decode()
    assert f'data-schedule="{schedule.pk}"' in listing
    client.post(reverse("console:report_schedule_active", args=[schedule.pk]), {"active": "0"})
    schedule.refresh_from_db()
    assert not schedule.active
    client.post(reverse("console:report_schedule_delete", args=[schedule.pk]))
    assert not ReportSchedule.objects.exists()


def test_schedule_pages_need_the_schedule_permission(client, staff_user):
    client.force_login(staff_user("finance"))
    assert client.get(reverse("console:report_schedules")).status_code == 403


@pytest.mark.parametrize("name", ["report_index", "report_runs"])
def test_pages_render_for_a_manager(client, staff_user, name):
    client.force_login(staff_user("manager"))
    assert client.get(reverse(f"console:{name}")).status_code == 200


def test_my_runs_page_stays_at_a_constant_number_of_queries(client, staff_user, django_assert_max_num_queries):
    user = staff_user("sales_manager")
    for status in ("queued", "running", "done", "failed") * 5:
        ReportRun.objects.create(requested_by=user, report=FIXTURE_SLUG, format="xlsx", status=status)
    ReportRun.objects.create(requested_by=staff_user("finance"), report=FIXTURE_SLUG, format="pdf")
    client.force_login(user)
    with django_assert_max_num_queries(6):
        page = client.get(reverse("console:report_runs")).content.decode()
    assert page.count("data-run=") == 20  # only this user's runs
