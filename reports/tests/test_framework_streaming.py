"""Streaming a big query for exports: a dedicated connection, chunked, errors surface in the
caller, and stopping early releases the fetching thread."""

import threading

import pytest
import psycopg
from django.db import connection, transaction

from reports.streaming import stream_sql

pytestmark = pytest.mark.django_db(transaction=True)


def test_rows_arrive_in_order_across_chunks():
    rows = list(stream_sql("default", "SELECT g, g * 2 FROM generate_series(1, %s) g", [12_345], chunk=1000))
    assert len(rows) == 12_345 and rows[0] == (1, 2) and rows[-1] == (12_345, 24_690)


def test_a_failing_query_raises_in_the_caller():
    with pytest.raises(psycopg.Error):
        list(stream_sql("default", "SELECT 1 / (g - 5) FROM generate_series(1, 10) g", chunk=2))


def test_stopping_early_ends_the_fetching_thread():
    rows = stream_sql("default", "SELECT g FROM generate_series(1, 1000000) g", chunk=1000, prefetch=2)
    assert next(rows) == (1,)
    rows.close()
    assert not [t for t in threading.enumerate() if t.name == "report-export-fetch"]


def test_inside_a_transaction_the_callers_own_rows_are_read():
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("CREATE TEMP TABLE t_stream (n int) ON COMMIT DROP")
            cur.execute("INSERT INTO t_stream SELECT generate_series(1, 7)")
        assert [n for (n,) in stream_sql("default", "SELECT n FROM t_stream ORDER BY n")] == list(range(1, 8))
