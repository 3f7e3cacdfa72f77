"""REST API order intake: orders POSTed to /api/v1/orders/ (bearer token, Idempotency-Key,
3 lines each) by 16 concurrent clients against a real gunicorn (sync workers sized for
2 cores, Django's connection pool on), and the bare /_bench/hello view in the same run as
the baseline.

Figures: api_place_order_per_s, api_place_order_p95_ms (+ p50), api_hello_per_s."""

import http.client
import json
import os
import random
import subprocess
import threading
import time
import uuid

import harness
from harness import figure

CLIENTS = 16
ORDERS_PER_CLIENT = 40
WARMUP_PER_CLIENT = 3
HELLO_PER_CLIENT = 100
MAX_SECONDS = 90
# 2-core machine: 4 processes x 4 threads, so 16 requests can be in flight while others wait
# on PostgreSQL (row locks, commits); Django's pool gives each process its connections.
WORKERS = int(os.environ.get("BENCH_API_WORKERS", "4"))
THREADS = int(os.environ.get("BENCH_API_THREADS", "4"))


def _setup_data(ctx):
    """Products with plenty of stock and a customer (bench/order_load.py setup), and a
    full-scope API client whose rate limit does not get in the way."""
    env = dict(ctx.env, DJANGO_SETTINGS_MODULE="oms.settings")
    proc = subprocess.run([str(harness.VENV_BIN / "python"), "bench/order_load.py", "setup"], cwd=ctx.repo, env=env,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise harness.BenchError(f"order_load.py setup failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    token = ctx.manage("create_api_client", f"bench-{uuid.uuid4().hex[:8]}", "--scopes", "all",
                       "--rate-limit", "100000000").strip().splitlines()[-1]
    return data["skus"], data["company"], token


def post_orders(clients, token, skus, company, per_client, max_seconds, seed):
    """Each client POSTs `per_client` orders, all starting together. Returns LoadStats."""
    latencies, errors = [], []
    lock = threading.Lock()
    start = threading.Barrier(len(clients) + 1)
    deadline = [0.0]
    run_id = uuid.uuid4().hex[:10]

    def worker(n, client):
        rng = random.Random(seed * 1000 + n)
        mine, bad = [], []
        start.wait()
        for i in range(per_client):
            if time.monotonic() >= deadline[0]:
                break
            body = json.dumps({"customer": company, "external_ref": f"B-{n}-{i}",
                               "lines": [{"sku": s, "quantity": rng.randint(1, 5)} for s in rng.sample(skus, 3)]})
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                       "Idempotency-Key": f"bench-{run_id}-{n}-{i}"}
            t0 = time.perf_counter()
            try:
                status, _, data = client.request("POST", "/api/v1/orders/", body=body, headers=headers)
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{type(exc).__name__}: {exc}")
                continue
            if status == 201:
                mine.append((time.perf_counter() - t0) * 1000)
            else:
                bad.append(f"HTTP {status}: {data[:200]!r}")
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=worker, args=(n, c), daemon=True) for n, c in enumerate(clients)]
    for t in threads:
        t.start()
    deadline[0] = time.monotonic() + max_seconds
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join(timeout=max(0.0, deadline[0] - time.monotonic()) + 30)
    elapsed = time.perf_counter() - t0
    if any(t.is_alive() for t in threads):
        raise harness.BenchError("POST /api/v1/orders/: client threads still busy after the time limit")
    planned = per_client * len(clients)
    stats = harness.LoadStats("POST /api/v1/orders/", latencies, errors, elapsed, planned,
                              timed_out=len(latencies) + len(errors) < planned)
    harness.log(stats.summary())
    if stats.errors:
        raise harness.BenchError(f"POST /api/v1/orders/: {len(errors)} failed request(s), e.g. {errors[:3]}")
    return stats


def run(ctx):
    with harness.gunicorn(ctx, workers=WORKERS, worker_class="gthread" if THREADS > 1 else "sync",
                          threads=THREADS, name="gunicorn-api") as server:
        skus, company, token = _setup_data(ctx)
        def fresh_clients():
            # new keep-alive connections per phase: gthread workers close idle ones after 2 s
            return [harness.Client(server.base_url, timeout=30) for _ in range(CLIENTS)]

        load_avg = os.getloadavg()[0]
        harness.log(f"warm-up: {CLIENTS} clients x {WARMUP_PER_CLIENT} orders (host load {load_avg:.2f})")
        post_orders(fresh_clients(), token, skus, company, WARMUP_PER_CLIENT, MAX_SECONDS, seed=1)
        harness.load(fresh_clients(), "/_bench/hello", 10, MAX_SECONDS)
        orders = post_orders(fresh_clients(), token, skus, company, ORDERS_PER_CLIENT, MAX_SECONDS, seed=2)
        hello = harness.load(fresh_clients(), "/_bench/hello", HELLO_PER_CLIENT, MAX_SECONDS)

    setup = (f"{CLIENTS} concurrent clients, gunicorn {WORKERS} workers x {THREADS} thread(s), DB connection pool on, "
             "DEBUG=false, "
             f"host load avg {load_avg:.2f} at start")
    note = f"{orders.count} orders (3 lines each, bearer token, Idempotency-Key) POSTed to /api/v1/orders/"
    if orders.timed_out:
        note += f" (of {orders.planned} planned: {MAX_SECONDS}s limit reached)"
    return {
        "api_place_order_per_s": figure(round(orders.rps, 1), "orders/s", f"{note} / wall time; {setup}"),
        "api_place_order_p95_ms": figure(round(orders.p(95), 1), "ms", f"p95 of {note}; {setup}"),
        "api_place_order_p50_ms": figure(round(orders.p(50), 1), "ms", f"p50 of {note}; {setup}"),
        "api_hello_per_s": figure(round(hello.rps, 1), "req/s", f"{hello.count} GETs /_bench/hello in the same run; {setup}"),
    }
