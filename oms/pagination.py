"""Keyset pagination: pages cost the same query whatever their depth.

    page = keyset_page(queryset, key="sku", after=request.GET.get("after"),
                       before=request.GET.get("before"), size=50)
    page.items, page.next_after, page.has_next, page.prev_before, page.has_prev

`after` reads the page that follows a row, `before` the page that precedes one (the same
query, ordered the other way and turned back).

`key` must be a unique, non-null field the queryset is ordered by; prefix it with "-" for a
descending list (`key="-pk"`: newest first). It may also be a tuple of fields that are unique
together, e.g. `key=("product__sku", "warehouse__code")`: the cursor is then a small JSON list
of the last row's values, and related fields should be select_related so reading them is free.
A cursor that cannot be read (edited by hand) starts the list from the beginning.
A `.values()` queryset pages the same way (its rows are dicts keyed by the lookups)."""

import json
from dataclasses import dataclass
from decimal import DecimalException

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Q
from django.db.models.expressions import RawSQL


@dataclass
class KeysetPage:
    items: list
    next_after: str | None
    size: int
    prev_before: str | None = None

    @property
    def has_next(self):
        return self.next_after is not None

    @property
    def has_prev(self):
        return self.prev_before is not None


def _value(obj, path):
    if isinstance(obj, dict):  # a .values() queryset: the key is the lookup itself
        return obj[path]
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


def _jsonable(value):
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)


def _after_filter(fields, values):
    """Rows strictly after `values` in the (field, descending) ordering: (a, b) > (x, y) is
    a > x OR (a = x AND b > y)."""
    condition = Q()
    for i, (name, desc) in enumerate(fields):
        step = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[i]})
        for j in range(i):
            step &= Q(**{fields[j][0]: values[j]})
        condition |= step
    return condition


def _row_filter(queryset, fields, values):
    """Rows strictly after `values` as one row comparison, (a, b) < (x, y), when every key is
    a column of the listed model and all run the same way: an index on those columns then
    starts the page at the cursor, however deep (the OR form makes PostgreSQL read and drop
    every row before it). None when the keys do not allow it."""
    model = queryset.model
    if len({desc for _name, desc in fields}) != 1 or any("__" in name for name, _desc in fields):
        return None
    try:
        columns = [model._meta.get_field(name) for name, _desc in fields]
    except Exception:  # an annotation or a reverse relation: no column of its own
        return None
    if any(not getattr(f, "column", None) or f.null for f in columns):
        return None
    params = [f.get_db_prep_value(f.to_python(v), connection) for f, v in zip(columns, values)]
    table = connection.ops.quote_name(model._meta.db_table)
    left = ", ".join(f"{table}.{connection.ops.quote_name(f.column)}" for f in columns)
    op = "<" if fields[0][1] else ">"
    places = ", ".join(["%s"] * len(columns))
    return RawSQL(f"({left}) {op} ({places})", params, output_field=BooleanField())


def _cursor_values(cursor, fields, composite):
    """The key values a cursor holds, or None when it cannot be read."""
    if not cursor or "\x00" in cursor:
        return None
    if not composite:
        return [cursor]
    try:
        values = json.loads(cursor)
    except ValueError:
        return None
    if not isinstance(values, list) or len(values) != len(fields):
        return None
    return None if any(isinstance(v, str) and "\x00" in v for v in values) else values


def _query_after(queryset, keys, fields, values, size):
    """(the query of up to size + 1 rows after `values` in `keys` order, True), or the query of
    the first rows and False when there are no values or they do not fit the key's type."""
    qs = queryset.order_by(*keys)
    if values is not None:
        try:
            condition = (_row_filter(queryset, fields, values) if len(fields) > 1 else None) \
                or _after_filter(fields, values)
            return qs.filter(condition)[: size + 1], True
        except (TypeError, ValueError, ValidationError, DecimalException):
            pass
    return qs[: size + 1], False


def _rows_after(queryset, keys, fields, values, size):
    qs, moved = _query_after(queryset, keys, fields, values, size)
    return list(qs), moved


def _keys(key):
    keys = (key,) if isinstance(key, str) else tuple(key)
    return keys, [(k.removeprefix("-"), k.startswith("-")) for k in keys]


def keyset_query(queryset, *, key, after=None, size=50):
    """The query keyset_page runs for the page after `after` (for EXPLAIN in benchmarks)."""
    keys, fields = _keys(key)
    return _query_after(queryset, keys, fields, _cursor_values(after, fields, len(keys) > 1), size)[0]


MAX_PAGE_SIZE = 200


def keyset_page(queryset, *, key, after: str | None = None, before: str | None = None, size: int = 50,
                max_size: int = MAX_PAGE_SIZE):
    try:
        size = max(1, min(int(size or 50), max_size))
    except (TypeError, ValueError):
        size = 50
    keys, fields = _keys(key)
    composite = len(keys) > 1

    def cursor(row):
        values = [_value(row, name) for name, _desc in fields]
        return json.dumps([_jsonable(v) for v in values], separators=(",", ":")) if composite else str(values[0])

    back = _cursor_values(before, fields, composite) if not after else None
    if back is not None:  # the page before a row: walk the other way, then turn the rows back
        reverse_keys = [k.removeprefix("-") if k.startswith("-") else f"-{k}" for k in keys]
        rows, found = _rows_after(queryset, reverse_keys, [(n, not d) for n, d in fields], back, size)
        has_prev = len(rows) > size
        rows = rows[:size][::-1]
        if found and rows:
            return KeysetPage(items=rows, next_after=cursor(rows[-1]), size=size,
                              prev_before=cursor(rows[0]) if has_prev else None)
        # nothing before it, or an edited cursor: the first page
    rows, moved = _rows_after(queryset, keys, fields, _cursor_values(after, fields, composite), size)
    has_next = len(rows) > size
    rows = rows[:size]
    return KeysetPage(items=rows, next_after=cursor(rows[-1]) if has_next and rows else None, size=size,
                      prev_before=cursor(rows[0]) if moved and rows else None)
