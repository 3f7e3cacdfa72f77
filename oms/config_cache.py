"""Small configuration tables that every order reads (tax rates, active warehouses, approval
rules, webhook subscriptions), kept in each process and re-read only after they change.

Each watched table has a trigger (added by its app's migration with `watch_table`) that, for
any INSERT, UPDATE, DELETE or TRUNCATE — ORM saves, queryset updates, the admin, raw SQL —
stamps the table's row in `oms_config_generation` with a fresh number from a sequence. A reader
asks for that number (one primary-key read) and reuses its copy while the number is the one
it loaded under. The stamp is transactional, so nobody sees it before the change commits, and
numbers are never reused, so a rolled-back change cannot make an old copy look current.

    rules = cached("approval_rules", lambda: list(ApprovalRule.objects.filter(active=True)))

Cached values are shared by every caller in the process: treat them as read-only."""

import threading
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connection, migrations

_copies: dict = {}
_lock = threading.Lock()
_read_once: ContextVar = ContextVar("config_generations", default=None)

GENERATION_SQL = "SELECT generation FROM oms_config_generation WHERE name = %s"
ALL_GENERATIONS_SQL = "SELECT name, generation FROM oms_config_generation"


@contextmanager
def read_once():
    """Inside this block, the first generation asked for reads every table's in one statement
    and later ones reuse that read: a unit of work that needs several config tables (intake
    reads five) sees them all as they were when it started, for one round trip."""
    if _read_once.get() is not None:  # nested: the outer block's read serves
        yield
        return
    token = _read_once.set({})
    try:
        yield
    finally:
        _read_once.reset(token)


def generation(name: str):
    generations = _read_once.get()
    if generations is not None:
        if not generations:
            with connection.cursor() as cursor:
                cursor.execute(ALL_GENERATIONS_SQL)
                generations.update(cursor.fetchall())
            generations.setdefault(None, None)  # marks the read done, even with no table watched
        return generations.get(name)
    with connection.cursor() as cursor:
        cursor.execute(GENERATION_SQL, [name])
        row = cursor.fetchone()
    return row[0] if row else None


def cached(name: str, loader, key: str = ""):
    """loader()'s value, from this process's copy unless the table changed since it was read.
    `key` tells apart several copies read from the same table (say, active rows and all)."""
    current = generation(name)
    slot = f"{name}:{key}" if key else name
    copy = _copies.get(slot)
    if copy is not None and current is not None and copy[0] == current:
        return copy[1]
    value = loader()  # read after the generation: a change in between only causes a re-read later
    if current is not None:
        with _lock:
            _copies[slot] = (current, value)
    return value


def forget():
    """Drop every copy (tests that swap tables underneath)."""
    with _lock:
        _copies.clear()


def watch_table(table: str, name: str):
    """Migration operation: stamp `name`'s generation whenever `table` changes."""
    trigger = f"oms_config_{name}"
    return migrations.RunSQL(
        sql=[
            ("INSERT INTO oms_config_generation (name, generation) VALUES (%s, nextval('oms_config_generation_seq')) "
             "ON CONFLICT (name) DO NOTHING", [name]),
            f"CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION oms_bump_config_generation('{name}')",
        ],
        reverse_sql=[f"DROP TRIGGER IF EXISTS {trigger} ON {table}", ("DELETE FROM oms_config_generation WHERE name = %s", [name])],
    )
