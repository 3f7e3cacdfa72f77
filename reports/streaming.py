"""Stream a big read-only query for an export: a PostgreSQL server-side cursor on a dedicated
connection, fetched in chunks by a background thread while the caller writes the file.

    columns, rows = DETAIL_COLUMNS, stream_queryset(queryset.values_list(...))

Why not `queryset.iterator()`: outside a transaction Django declares the cursor WITH HOLD, so
PostgreSQL materializes the whole result before the first row arrives; inside one, the run's
progress updates (same connection) would stay invisible until the end. A dedicated connection
in its own read-only transaction streams lazily, and the prefetch thread overlaps the server's
work and the network with the caller's rendering. Memory stays bounded: at most `prefetch`
chunks wait in the queue. The connection goes to the database the queryset reads from (the read
replica inside `reporting()`, see routers.py)."""

import queue
import threading

import psycopg
from django.db import connections

_DONE = object()


def _connect(alias):
    params = connections[alias].get_connection_params()
    keep = ("dbname", "user", "password", "host", "port", "options", "sslmode", "sslrootcert", "sslcert", "sslkey",
            "connect_timeout", "application_name")
    return psycopg.connect(**{k: v for k, v in params.items() if k in keep and v not in (None, "")})


def stream_queryset(qs, *, chunk=5000, prefetch=4):
    """Rows (tuples) of a values_list() queryset, straight from the database driver: no model
    instances and no Django per-row converters (so select plain columns and casts)."""
    sql, params = qs.query.sql_with_params()
    return stream_sql(qs.db, sql, params, chunk=chunk, prefetch=prefetch)


def stream_sql(alias, sql, params=(), *, chunk=5000, prefetch=4):
    if connections[alias].in_atomic_block:
        # the caller's open transaction (and its uncommitted rows) must be what we read
        return _stream_in_transaction(alias, sql, params, chunk)
    chunks: queue.Queue = queue.Queue(maxsize=prefetch)
    stop = threading.Event()

    def produce():
        try:
            with _connect(alias) as conn:
                conn.read_only = True
                with conn.transaction(), conn.cursor(name="report_export") as cur:
                    cur.itersize = chunk
                    cur.execute(sql, params)
                    while not stop.is_set():
                        rows = cur.fetchmany(chunk)
                        if not rows:
                            break
                        chunks.put(rows)
        except BaseException as exc:  # handed to the consumer, raised there
            chunks.put(exc)
        finally:
            chunks.put(_DONE)

    def consume():
        worker = threading.Thread(target=produce, name="report-export-fetch", daemon=True)
        worker.start()
        try:
            while True:
                item = chunks.get()
                if item is _DONE:
                    break
                if isinstance(item, BaseException):
                    raise item
                yield from item
        finally:
            stop.set()
            while worker.is_alive():  # unblock a producer waiting on a full queue
                try:
                    chunks.get(timeout=0.1)
                except queue.Empty:
                    pass
            worker.join()

    return consume()


def _stream_in_transaction(alias, sql, params, chunk):
    conn = connections[alias]
    conn.ensure_connection()
    with conn.connection.cursor(name="report_export_tx") as cur:
        cur.itersize = chunk
        cur.execute(sql, params)
        while rows := cur.fetchmany(chunk):
            yield from rows
