"""Reservation throughput through inventory.services against a plain-SQL baseline measured in
the same run, plus the oversell checks (see reserve_load.py)."""

import json
import subprocess

import harness
from harness import figure


def run(ctx):
    ctx.prepare()
    env = dict(ctx.env, DATABASE_POOL_MAX="80", DATABASE_POOL_TIMEOUT="60")
    harness.log("reservations: spread, hot SKU, raw SQL, oversell checks")
    proc = subprocess.run([str(harness.VENV_BIN / "python"), "bench/reserve_load.py"], cwd=ctx.repo, env=env,
                          capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        raise harness.BenchError(f"reserve_load.py failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    f, n, ops = data["figures"], data["notes"], data["ops_per_worker"]
    base = f"16 threads x {ops} single-line reservations of 1-3 units, one connection each"
    return {
        "reserve_spread_per_s": figure(round(f["reserve_spread_per_s"], 1), "reservations/s",
                                       f"{base}, random SKU of 200 at one warehouse, through inventory.services"),
        "reserve_spread_p95_ms": figure(round(f["reserve_spread_p95_ms"], 2), "ms", f"p95 latency of the spread run"),
        "reserve_hot_sku_per_s": figure(round(f["reserve_hot_sku_per_s"], 1), "reservations/s", f"{base}, all on one SKU"),
        "reserve_hot_sku_p95_ms": figure(round(f["reserve_hot_sku_p95_ms"], 2), "ms", "p95 latency of the hot-SKU run"),
        "reserve_raw_sql_per_s": figure(round(f["reserve_raw_sql_per_s"], 1), "reservations/s",
                                        f"baseline: the spread run as plain psycopg (conditional UPDATE + ledger INSERT), same run"),
        "reserve_service_vs_raw_pct": figure(round(100 * f["service_vs_raw_ratio"], 1), "%",
                                             "reserve_spread_per_s / reserve_raw_sql_per_s (target >= 50%)"),
        "oversold_units": figure(f["oversold_units"], "units",
                                 f"must be 0: every run above, plus 50 clients x 15 on one SKU holding 500 "
                                 f"({n['fifty_reserved']} reserved) and 1,000 opposite-order (A,B)/(B,A) pairs "
                                 f"({n['pair_errors']} errors reached callers)"),
        "naive_oversold_units": figure(f["naive_oversold_units"], "units",
                                       "control: a read-then-write reservation under 20 threads; > 0 shows the check detects overselling"),
    }
