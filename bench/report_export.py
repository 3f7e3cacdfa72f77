"""Child process of bench_reports: one report run through the Celery task (executed eagerly
in this process, so its peak memory is this process's), against the bench database.

    python bench/report_export.py period                       -> JSON {date_from, date_to, lines}
    python bench/report_export.py run <slug> <fmt> <params>    -> JSON {status, rows, seconds, peak_mb, ...}
"""

import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oms.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

MIN_LINES = int(os.environ.get("BENCH_EXPORT_MIN_LINES", "1000000"))


def period():
    """The most recent whole days (by local order date) holding at least MIN_LINES counted lines."""
    with connection.cursor() as cur:
        cur.execute("""
            SELECT (o.created_at AT TIME ZONE %s)::date AS day, count(*)
            FROM orders_orderline l JOIN orders_order o ON o.id = l.order_id
            WHERE o.status NOT IN ('draft', 'cancelled')
            GROUP BY 1 ORDER BY 1 DESC""", [str(timezone.get_current_timezone())])
        days = cur.fetchall()
    total = 0
    for day, n in days:
        total += n
        if total >= MIN_LINES:
            return {"date_from": day.isoformat(), "date_to": days[0][0].isoformat(), "lines": total}
    return {"date_from": days[-1][0].isoformat(), "date_to": days[0][0].isoformat(), "lines": total}


def run(slug, fmt, params):
    from django.contrib.auth import get_user_model

    from reports.models import ReportRun
    from reports.tasks import generate_report

    user = get_user_model().objects.filter(staff_role="manager", is_active=True).order_by("pk").first()
    report_run = ReportRun.objects.create(requested_by=user, report=slug, format=fmt, params=params)
    t0 = time.monotonic()
    generate_report.apply(args=[report_run.pk], throw=True)  # the Celery task, executed here
    seconds = time.monotonic() - t0
    report_run.refresh_from_db()
    result = {
        "status": report_run.status, "error": report_run.error, "rows": report_run.row_count or 0,
        "seconds": round(seconds, 2), "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "file_mb": round((report_run.file_size or 0) / 1e6, 1),
    }
    if report_run.file:  # the bench keeps no files
        report_run.file.delete(save=False)
    report_run.delete()
    return result


if __name__ == "__main__":
    if sys.argv[1] == "period":
        print(json.dumps(period()))
    else:
        print(json.dumps(run(sys.argv[2], sys.argv[3], json.loads(sys.argv[4]))))
