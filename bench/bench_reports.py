"""Report exports at scale: the sales-lines export of >= 1,000,000 order lines to Excel through
the Celery task (executed eagerly in a child process whose peak RSS is the figure), the same
rows as CSV as the baseline, and a 12-month sales PDF with charts.

Data: the order-queue generator (queue_data.py, BENCH_QUEUE_ORDERS orders, 3 lines each, one
order every 6 s of history); the period is the most recent days holding >= 1M counted lines."""

import json
import os
import subprocess
from datetime import date, timedelta

import harness
from harness import figure

ORDERS = int(os.environ.get("BENCH_QUEUE_ORDERS", "5000000"))


def _child(ctx, *args, timeout=1800):
    env = dict(ctx.env, DATABASE_POOL="false", MEDIA_ROOT=str(ctx.repo / ".local" / "bench-media"))
    proc = subprocess.run([str(harness.VENV_BIN / "python"), *args], cwd=ctx.repo, env=env, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise harness.BenchError(f"{args} failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _export(ctx, slug, fmt, params):
    result = _child(ctx, "bench/report_export.py", "run", slug, fmt, json.dumps(params))
    if result["status"] != "done":
        raise harness.BenchError(f"{slug} {fmt} run {result['status']}: {result['error']}")
    return result


def _sales_pdf_slug(ctx):
    """The sales report's slug if the sales definitions are there, else the sales-lines summary."""
    listing = subprocess.run(
        [str(harness.VENV_BIN / "python"), "-c",
         "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'oms.settings'); django.setup();"
         "import reports.definitions; from reports.registry import REPORTS; print(' '.join(REPORTS))"],
        cwd=ctx.repo, env=dict(ctx.env), capture_output=True, text=True, timeout=300)
    slugs = listing.stdout.split()
    for preferred in ("sales-by-period", "sales-overview", "sales", "sales-by-product"):
        if preferred in slugs:
            return preferred
    return next((s for s in slugs if s.startswith("sales-") and s != "sales-lines"), "sales-lines")


def run(ctx):
    ctx.prepare()
    harness.log(f"reports: order data ({ORDERS:,} orders, {3 * ORDERS:,} lines)")
    loaded = _child(ctx, "bench/queue_data.py", "load", str(ORDERS), timeout=7200)
    harness.log("reports: loaded" + (" (reused)" if loaded.get("reused") else f" in {loaded['seconds']}s"))
    period = _child(ctx, "bench/report_export.py", "period")
    params = {"date_from": period["date_from"], "date_to": period["date_to"]}
    harness.log(f"reports: period {params['date_from']} – {params['date_to']}: {period['lines']:,} lines")

    harness.log("reports: sales-lines to Excel")
    excel = _export(ctx, "sales-lines", "xlsx", params)
    harness.log(f"reports: excel {excel}")
    harness.log("reports: sales-lines to CSV")
    csv = _export(ctx, "sales-lines", "csv", params)
    harness.log(f"reports: csv {csv}")

    end = date.fromisoformat(period["date_to"])
    year = {"date_from": (end.replace(day=1) - timedelta(days=335)).replace(day=1).isoformat(), "date_to": end.isoformat()}
    slug, pdf, pdf_note = _sales_pdf_slug(ctx), None, ""
    if slug != "sales-lines":
        try:
            harness.log(f"reports: rebuilding the sales rollup for {year}")
            ctx.manage("rebuild_sales_rollup", "--from", year["date_from"], "--to", year["date_to"], timeout=3600)
            harness.log(f"reports: 12-month PDF of {slug} {year}")
            _export(ctx, slug, "pdf", year)  # warm-up: fonts, templates
            pdf = _export(ctx, slug, "pdf", year)
        except harness.BenchError as exc:
            pdf_note = f"; {slug} failed ({str(exc).splitlines()[0][:120]}), measured sales-lines instead"
            harness.log(f"reports: {slug} PDF failed, falling back to sales-lines: {exc}")
            slug = "sales-lines"
    if pdf is None:
        harness.log(f"reports: 12-month PDF of {slug} {year}")
        _export(ctx, slug, "pdf", year)  # warm-up: fonts, templates
        pdf = _export(ctx, slug, "pdf", year)
    harness.log(f"reports: pdf {pdf}")

    source = f"{period['lines']:,} counted order lines ({params['date_from']} – {params['date_to']}) of {ORDERS:,} orders"
    return {
        "excel_export_rows": figure(excel["rows"], "rows", f"sales-lines Excel through the Celery task; {source}"),
        "excel_export_s": figure(excel["seconds"], "s",
                                 f"task time: compute summary + stream {excel['rows']:,} rows x 17 columns into "
                                 f"xlsx (rustpy-xlsxwriter), {excel['file_mb']} MB file; aim <= 30 s"),
        "excel_export_peak_mb": figure(excel["peak_mb"], "MB", "peak RSS of the process running the task, "
                                                              "incl. Django itself; aim <= 250 MB"),
        "csv_export_s": figure(csv["seconds"], "s", f"same rows as CSV, same task (baseline); peak {csv['peak_mb']} MB"),
        "pdf_sales_report_s": figure(pdf["seconds"], "s", f"{slug} PDF over 12 months with charts, through the task "
                                                         f"({pdf['rows']} summary rows){pdf_note}; aim <= 3 s"),
    }
