"""Shared helpers for the benchmarks under bench/.

A benchmark module (bench/bench_<name>.py) gets a `Context` and typically does::

    with harness.gunicorn(ctx) as server:
        clients = [harness.Client(server.base_url) for _ in range(8)]
        for c in clients:
            c.login("manager", harness.DEMO_PASSWORD)
        stats = harness.load(clients, "/console/")

Everything runs against a separate database (`oms_bench`), never the development one, and
only talks to 127.0.0.1.
"""

import http.client
import math
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "bench"
RESULTS_DIR = BENCH_DIR / "results"
VENV_BIN = REPO / ".venv" / "bin"
BENCH_DB_NAME = "oms_bench"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/oms"  # same default as oms/settings.py
DEMO_PASSWORD = "oms-demo-2026"
HOST = "127.0.0.1"


class BenchError(Exception):
    """A benchmark could not produce trustworthy figures (bad status, server died, ...)."""


def log(msg):
    """Progress line on stderr, so stdout stays the results table."""
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def figure(value, unit, note=""):
    """One result entry, in the shape written to latest.json."""
    return {"value": value, "unit": unit, "note": note}


# ---- Environment and database ---------------------------------------------------------------


def bench_database_url(database_url):
    """The same server as `database_url`, but the `oms_bench` database."""
    parts = urllib.parse.urlsplit(database_url)
    if parts.path.strip("/") == BENCH_DB_NAME:
        return database_url
    return urllib.parse.urlunsplit(parts._replace(path="/" + BENCH_DB_NAME))


def production_env(base_env):
    """Environment for manage.py and gunicorn: production settings (DEBUG off) over plain
    HTTP on localhost, the bench database, and Redis keys/queues apart from development's."""
    env = dict(base_env)
    source_url = env.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    env.update(
        DATABASE_URL=env.get("BENCH_DATABASE_URL") or bench_database_url(source_url),
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-" + secrets.token_urlsafe(48),
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        CACHE_KEY_PREFIX="oms-bench",  # shared Redis: keep bench cache keys apart
        CELERY_QUEUE="oms-bench",  # ... and any task the app enqueues away from dev workers
        PYTHONUNBUFFERED="1",
    )
    if urllib.parse.urlsplit(env["DATABASE_URL"]).path.strip("/") == urllib.parse.urlsplit(source_url).path.strip("/"):
        raise BenchError("refusing to benchmark against the development database")
    return env


def drop_database(database_url):
    """DROP the bench database if it exists. Refuses any name without "bench" in it."""
    import psycopg  # from the project's venv
    from psycopg import sql

    parts = urllib.parse.urlsplit(database_url)
    name = urllib.parse.unquote(parts.path.strip("/"))
    if "bench" not in name:
        raise BenchError(f"refusing to drop database {name!r}: not a bench database")
    params = {"host": parts.hostname, "port": parts.port, "user": parts.username and urllib.parse.unquote(parts.username),
              "password": parts.password and urllib.parse.unquote(parts.password)}
    with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **params) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@dataclass
class Context:
    """What run.py hands to every benchmark module's run(ctx)."""

    env: dict = field(default_factory=lambda: production_env(os.environ))
    repo: Path = REPO
    results_dir: Path = RESULTS_DIR
    _prepared: bool = False

    @property
    def database_url(self):
        return self.env["DATABASE_URL"]

    def manage(self, *args, timeout=600):
        """Run `manage.py <args>` with the bench environment; raise if it fails."""
        cmd = [str(VENV_BIN / "python"), "manage.py", *args]
        proc = subprocess.run(cmd, cwd=self.repo, env=self.env, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise BenchError(f"manage.py {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
        return proc.stdout

    def prepare(self):
        """Rebuild the bench database from scratch (migrate + seed_demo) and collect static
        files, once per run. A fresh database keeps figures comparable between runs and
        survives rewritten migrations; BENCH_REUSE_DB=1 keeps the existing one instead."""
        if self._prepared:
            return
        db = urllib.parse.urlsplit(self.database_url)
        reuse = self.env.get("BENCH_REUSE_DB", "").lower() in ("1", "true", "yes")
        log(f"preparing database {db.path.strip('/')!r} on {db.hostname}:{db.port or 5432}"
            + (" (reusing it)" if reuse else " (from scratch)"))
        t0 = time.monotonic()
        if not reuse:
            drop_database(self.database_url)
        # Production settings use WhiteNoise's manifest storage, and oms/urls.py resolves a
        # static URL at import time: collect first, or every later command fails.
        self.manage("collectstatic", "--noinput")
        self.manage("ensure_database")
        self.manage("migrate", "--noinput")
        self.manage("seed_demo")
        log(f"prepared in {time.monotonic() - t0:.1f}s")
        self._prepared = True


# ---- Gunicorn -------------------------------------------------------------------------------


def free_port():
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def child_pids(pid):
    """Direct children of `pid`, read from /proc."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # Field 4 (ppid) comes after the ")" that closes the command name.
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            kids.append(int(entry))
    return kids


def peak_rss_kb(pid):
    """VmHWM (peak resident set size) of one process in kB, 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Server:
    """A running gunicorn: its URL, its master process and its log file."""

    def __init__(self, proc, port, log_path, workers):
        self.proc = proc
        self.port = port
        self.log_path = log_path
        self.workers = workers
        self.base_url = f"http://{HOST}:{port}"

    @property
    def pid(self):
        return self.proc.pid

    def worker_pids(self):
        return child_pids(self.pid)

    def peak_rss_by_pid(self):
        """{pid: VmHWM in kB} for the master and every worker."""
        return {p: peak_rss_kb(p) for p in [self.pid, *self.worker_pids()]}

    def peak_rss_mb(self):
        """Sum of VmHWM over master and workers, in MB. Shared pages count once per process,
        so this is an upper bound on the real peak footprint."""
        return sum(self.peak_rss_by_pid().values()) / 1024

    def reset_peak_rss(self):
        """Reset VmHWM of master and workers to their current RSS (Linux clear_refs "5"),
        so a later peak_rss_mb() covers only what happened after this call."""
        for p in [self.pid, *self.worker_pids()]:
            try:
                Path(f"/proc/{p}/clear_refs").write_text("5")
            except OSError as exc:
                raise BenchError(f"cannot reset peak RSS of pid {p}: {exc}") from exc

    def log_tail(self, lines=30):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


@contextmanager
def gunicorn(ctx, workers=4, worker_class="sync", threads=1, name="gunicorn", ready_path="/_bench/hello"):
    """Start `gunicorn oms.wsgi:application` on a free 127.0.0.1 port against the bench
    database, wait until it answers, yield a Server, and always stop it afterwards."""
    ctx.prepare()
    port = free_port()
    log_path = ctx.results_dir / f"{name}.log"
    cmd = [
        str(VENV_BIN / "gunicorn"), "oms.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        "--worker-class", worker_class,
        "--threads", str(threads),
        "--timeout", "30",
        "--graceful-timeout", "5",
        "--no-control-socket",  # else it claims ~/.gunicorn/gunicorn.ctl, shared with any other gunicorn
    ]
    log(f"starting gunicorn on {HOST}:{port} ({workers} {worker_class} workers, {threads} thread(s)); log: {log_path}")
    with open(log_path, "w") as log_file:
        proc = subprocess.Popen(cmd, cwd=ctx.repo, env=ctx.env, stdout=log_file, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Server(proc, port, log_path, workers)
    try:
        wait_until_ready(server, ready_path)
        yield server
    except Exception:
        if server.proc.poll() is not None:  # the real cause is in gunicorn's log, not the client's error
            log(f"gunicorn had exited ({server.proc.returncode}); end of {log_path}:\n{server.log_tail()}")
        raise
    finally:
        stop(server)


def wait_until_ready(server, path, timeout=30):
    """Poll `path` until it returns 200; fail if gunicorn exits or never gets there."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.proc.returncode}:\n{server.log_tail()}")
        try:
            status, _, _ = Client(server.base_url, timeout=2).get(path)
            if status == 200:
                return
            last = f"HTTP {status}"
        except OSError as exc:
            last = str(exc)
        time.sleep(0.2)
    raise BenchError(f"gunicorn not ready after {timeout}s ({last}):\n{server.log_tail()}")


def stop(server):
    """SIGTERM the gunicorn master (graceful), SIGKILL its process group if it lingers."""
    proc = server.proc
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            log("gunicorn did not stop in 15s; killing it")
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # its own session: only gunicorn and its workers
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait(timeout=5)
    log(f"gunicorn stopped (exit {proc.returncode})")


# ---- HTTP client ----------------------------------------------------------------------------


class Client:
    """A minimal HTTP client with its own cookie store.

    Cookies are kept by hand because production settings mark the session and CSRF cookies
    Secure, which http.cookiejar would refuse to send back over plain http."""

    def __init__(self, base_url, timeout=10):
        parts = urllib.parse.urlsplit(base_url)
        if parts.hostname != HOST:
            raise BenchError(f"benchmarks only talk to {HOST}, not {parts.hostname}")
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        """Send one request; return (status, headers, body bytes). Follows no redirects."""
        hdrs = dict(headers or {})
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(method, path, body=body, headers=hdrs)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        if resp.getheader("Connection", "").lower() == "close":
            self.conn.close()  # reopened automatically by the next request
        for value in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, resp.headers, data

    def get(self, path):
        return self.request("GET", path)

    def login(self, username, password, login_path="/console/login/", check_path="/console/"):
        """Sign in through the staff form (CSRF token and all) and check that `check_path`
        then answers 200."""
        status, _, body = self.get(login_path)
        if status != 200:
            raise BenchError(f"GET {login_path} -> {status}")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        token = match.group(1).decode() if match else self.cookies.get("csrftoken")
        if not token or "csrftoken" not in self.cookies:
            raise BenchError("login page set no CSRF token")
        form = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
        status, headers, _ = self.request(
            "POST", login_path, body=form,
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://{HOST}{login_path}"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise BenchError(f"login as {username!r} failed: POST {login_path} -> {status}")
        status, _, _ = self.get(check_path)
        if status != 200:
            raise BenchError(f"after login, GET {check_path} -> {status}")

    def close(self):
        self.conn.close()


# ---- Load generation and statistics ---------------------------------------------------------


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class LoadStats:
    path: str
    latencies_ms: list
    errors: list
    elapsed_s: float
    planned: int
    timed_out: bool

    @property
    def count(self):
        return len(self.latencies_ms)

    def p(self, q):
        return percentile(sorted(self.latencies_ms), q)

    @property
    def rps(self):
        return self.count / self.elapsed_s if self.elapsed_s else 0.0

    def summary(self):
        return (f"{self.path}: {self.count}/{self.planned} ok in {self.elapsed_s:.1f}s, "
                f"p50 {self.p(50):.1f} ms, p95 {self.p(95):.1f} ms, max {max(self.latencies_ms, default=0):.1f} ms, "
                f"{self.rps:.1f} req/s, {len(self.errors)} error(s)")


def load(clients, path, requests_per_client=60, max_seconds=60, expect_status=200, check=True):
    """Each client (distinct Client objects, one thread apiece) GETs `path` up to `requests_per_client` times, all
    starting together; no new request starts after `max_seconds` (`timed_out` then says the
    run was cut short). Returns LoadStats; with `check`, raises if any request failed."""
    latencies, errors = [], []
    lock = threading.Lock()
    start = threading.Barrier(len(clients) + 1)
    deadline = [0.0]

    def worker(client):
        mine, bad = [], []
        start.wait()
        for _ in range(requests_per_client):
            if time.monotonic() >= deadline[0]:
                break
            t0 = time.perf_counter()
            try:
                status, _, _ = client.get(path)
            except (OSError, http.client.HTTPException) as exc:
                bad.append(f"{type(exc).__name__}: {exc}")
                continue
            if status == expect_status:
                mine.append((time.perf_counter() - t0) * 1000)
            else:
                bad.append(f"HTTP {status}")
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=worker, args=(c,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    deadline[0] = time.monotonic() + max_seconds
    t0 = time.perf_counter()
    start.wait()
    for t in threads:
        t.join(timeout=max(0.0, deadline[0] - time.monotonic()) + 15)  # + one request timeout
    elapsed = time.perf_counter() - t0
    planned = requests_per_client * len(clients)
    if any(t.is_alive() for t in threads):
        raise BenchError(f"GET {path}: client threads still busy {max_seconds}s + 15s after the start")
    stats = LoadStats(path, latencies, errors, elapsed, planned, timed_out=len(latencies) + len(errors) < planned)
    log(stats.summary() + (f" (time limit {max_seconds}s reached)" if stats.timed_out else ""))
    if check and stats.errors:
        raise BenchError(f"GET {path}: {len(stats.errors)} failed request(s), e.g. {stats.errors[:3]}")
    return stats
