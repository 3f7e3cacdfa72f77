"""Staff dashboard (GET /console/) against the bare /_bench/hello baseline, through a real
gunicorn under 8 concurrent signed-in clients."""

import os

import harness
from harness import figure

CLIENTS = 8
REQUESTS_PER_CLIENT = 60
WARMUP_PER_CLIENT = 10
MAX_SECONDS = 60
WORKERS = 4  # sync workers; the machine has 2 cores
USERNAME = "manager"

PAGES = {"console_home": "/console/", "hello": "/_bench/hello"}


def run(ctx):
    with harness.gunicorn(ctx, workers=WORKERS, worker_class="sync", name="gunicorn-console") as server:
        clients = [harness.Client(server.base_url) for _ in range(CLIENTS)]
        for client in clients:
            client.login(USERNAME, harness.DEMO_PASSWORD)
        # Argon2 (memory_cost 100 MiB) makes each sign-in spike a worker's RSS: keep the
        # peak so far, then restart the count so the pages' own peak is visible too.
        login_peaks = server.peak_rss_by_pid()
        server.reset_peak_rss()

        load_avg = os.getloadavg()[0]  # other work on the host skews every figure: record it
        harness.log(f"warm-up: {CLIENTS} clients x {WARMUP_PER_CLIENT} requests per page (host load {load_avg:.2f})")
        for path in PAGES.values():
            harness.load(clients, path, WARMUP_PER_CLIENT, MAX_SECONDS)

        stats = {name: harness.load(clients, path, REQUESTS_PER_CLIENT, MAX_SECONDS) for name, path in PAGES.items()}

        workers = server.worker_pids()
        if len(workers) != WORKERS:
            raise harness.BenchError(f"expected {WORKERS} gunicorn workers at the end, found {len(workers)} "
                                     f"(a worker died or was restarted):\n{server.log_tail()}")
        page_peaks = server.peak_rss_by_pid()
        if set(page_peaks) != set(login_peaks):
            raise harness.BenchError("gunicorn processes changed during the run")
        pages_rss_mb = sum(page_peaks.values()) / 1024
        rss_mb = sum(max(login_peaks[p], page_peaks[p]) for p in page_peaks) / 1024
        for client in clients:
            client.close()

    setup = (f"{CLIENTS} clients signed in as {USERNAME}, gunicorn {WORKERS} sync workers, DEBUG=false, "
             f"db oms_bench, after {WARMUP_PER_CLIENT}/client warm-up, host load avg {load_avg:.2f} at start")
    figures = {}
    for name, s in stats.items():
        run_note = f"{s.count} GETs {PAGES[name]}"
        if s.timed_out:
            run_note += f" (of {s.planned} planned: {MAX_SECONDS}s limit reached)"
        figures[f"{name}_p95_ms"] = figure(round(s.p(95), 2), "ms", f"p95 of {run_note}; {setup}")
        figures[f"{name}_p50_ms"] = figure(round(s.p(50), 2), "ms", f"p50 of {run_note}; {setup}")
        figures[f"{name}_rps"] = figure(round(s.rps, 1), "req/s", f"{run_note} / wall time; {setup}")
    rss_note = (f"sum over gunicorn master + {WORKERS} workers of each one's VmHWM "
                "(shared pages counted per process: an upper bound)")
    figures["gunicorn_peak_rss_mb"] = figure(
        round(rss_mb, 1), "MB", f"{rss_note}; whole run, including {CLIENTS} Argon2 sign-ins",
    )
    figures["gunicorn_pages_peak_rss_mb"] = figure(
        round(pages_rss_mb, 1), "MB", f"{rss_note}; warm-up and measured runs only, peaks reset after sign-in",
    )
    return figures
