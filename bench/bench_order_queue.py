"""The console order queue at scale: millions of orders loaded by a fast generator
(queue_data.py), then the queue's first page, a page 10,000 deep and filtered pages through
gunicorn under 8 signed-in clients. Prints the EXPLAIN of each query the view runs."""

import json
import os
import subprocess
from urllib.parse import urlencode

import harness
from harness import figure

ORDERS = int(os.environ.get("BENCH_QUEUE_ORDERS", "5000000"))
CLIENTS = 8
REQUESTS = int(os.environ.get("BENCH_QUEUE_REQUESTS", "20"))
PAGE = 50


def _script(ctx, *args, timeout=1800):
    env = dict(ctx.env, DATABASE_POOL="false")
    proc = subprocess.run([str(harness.VENV_BIN / "python"), "bench/queue_data.py", *args], cwd=ctx.repo, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise harness.BenchError(f"queue_data.py {args[0]} failed:\n{proc.stdout[-2000:]}{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _sql(ctx, query):
    import psycopg

    url = ctx.database_url
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as conn:
        return conn.execute(query).fetchall()


def run(ctx):
    ctx.prepare()
    harness.log(f"order queue: loading {ORDERS:,} orders and {3 * ORDERS:,} lines")
    loaded = _script(ctx, "load", str(ORDERS))
    harness.log(f"order queue: loaded in {loaded['seconds']}s" + (" (reused)" if loaded.get("reused") else ""))
    deep_id = _sql(ctx, f"SELECT id FROM orders_order ORDER BY id DESC OFFSET {PAGE * 10_000 - 1} LIMIT 1")[0][0]
    company_id = _sql(ctx, "SELECT company_id FROM orders_order ORDER BY id DESC LIMIT 1")[0][0]
    number = _sql(ctx, "SELECT number FROM orders_order ORDER BY id LIMIT 1 OFFSET 12345")[0][0]
    sku = _sql(ctx, "SELECT sku FROM inventory_product ORDER BY sku LIMIT 1")[0][0]
    deep_total, deep_total_id = _sql(ctx, f"SELECT total, id FROM orders_order ORDER BY total DESC, id DESC "
                                          f"OFFSET {PAGE * 10_000 - 1} LIMIT 1")[0]
    scenarios = {
        "first_page": {},
        "page_10000": {"after": str(deep_id)},
        "status": {"status": "pending_approval"},
        "customer": {"company": str(company_id)},
        "channel": {"channel": "portal"},
        "tag": {"tag": "rush"},
        "overdue": {"overdue": "true"},
        "search_number": {"q": number},
        "search_sku": {"q": sku},
        "sort_total": {"sort": "total_desc"},
        "sort_total_page_10000": {"sort": "total_desc", "after": json.dumps([str(deep_total), deep_total_id],
                                                                             separators=(",", ":"))},
        "status_sort_oldest": {"status": "pending_approval", "sort": "oldest"},
    }
    explains = _script(ctx, "explain", json.dumps(scenarios))
    for name, plan in explains.items():
        print(f"\n-- EXPLAIN order queue: {name}\n{plan}")
    stats = {}
    with harness.gunicorn(ctx, workers=4, name="gunicorn-queue") as server:
        clients = [harness.Client(server.base_url) for _ in range(CLIENTS)]
        for c in clients:
            c.login("manager", harness.DEMO_PASSWORD)
        for name, params in scenarios.items():
            query = urlencode(params)
            path = "/console/orders/" + (f"?{query}" if query else "")
            harness.load(clients, path, 3, 60)  # warm-up
            stats[name] = harness.load(clients, path, REQUESTS, 120)
        for c in clients:
            c.close()
    figures = {}
    all_ms = sorted(x for s in stats.values() for x in s.latencies_ms)
    overall = harness.percentile(all_ms, 95)
    worst = max(stats, key=lambda n: stats[n].p(95))
    figures["order_queue_p95_ms"] = figure(round(overall, 2), "ms",
                                           f"p95 over {len(all_ms)} GETs of the queue: first page, page 10,000 and "
                                           f"{len(scenarios) - 2} filtered/searched/sorted pages, {CLIENTS} clients, gunicorn 4 workers; worst scenario {worst} "
                                           f"p95 {stats[worst].p(95):.1f} ms")
    for name, s in stats.items():
        figures[f"order_queue_{name}_p95_ms"] = figure(round(s.p(95), 2), "ms", f"/console/orders/ {scenarios[name] or ''}")
    figures["order_queue_orders"] = figure(ORDERS, "orders", f"{3 * ORDERS:,} lines; generated in {loaded['seconds']}s"
                                           + (" (reused from an earlier run)" if loaded.get("reused") else ""))
    figures["order_queue_load_s"] = figure(loaded["seconds"], "s", "INSERT ... SELECT generate_series, indexes rebuilt after")
    return figures
