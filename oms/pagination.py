"""Keyset pagination: pages cost the same query whatever their depth.

    page = keyset_page(queryset, key="sku", after=request.GET.get("after"), size=50)
    page.items, page.next_after, page.has_next

`key` must be a unique, non-null field the queryset is ordered by; prefix it with "-" for a
descending list (`key="-pk"`: newest first). It may also be a tuple of fields that are unique
together, e.g. `key=("product__sku", "warehouse__code")`: the cursor is then a small JSON list
of the last row's values, and related fields should be select_related so reading them is free.
A cursor that cannot be read (edited by hand) starts the list from the beginning.
A `.values()` queryset pages the same way (its rows are dicts keyed by the lookups)."""

import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q


@dataclass
class KeysetPage:
    items: list
    next_after: str | None
    size: int

    @property
    def has_next(self):
        return self.next_after is not None


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


MAX_PAGE_SIZE = 200


def keyset_page(queryset, *, key, after: str | None = None, size: int = 50, max_size: int = MAX_PAGE_SIZE):
    try:
        size = max(1, min(int(size or 50), max_size))
    except (TypeError, ValueError):
        size = 50
    keys = (key,) if isinstance(key, str) else tuple(key)
    composite = len(keys) > 1
    fields = [(k.removeprefix("-"), k.startswith("-")) for k in keys]
    qs = queryset.order_by(*keys)
    if after:
        values = None
        if composite:
            try:
                values = json.loads(after)
            except ValueError:
                values = None
            if not isinstance(values, list) or len(values) != len(fields):
                values = None
        else:
            values = [after]
        if values is not None:
            try:
                qs = qs.filter(_after_filter(fields, values))
            except (TypeError, ValueError, ValidationError):
                qs = queryset.order_by(*keys)
    rows = list(qs[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    next_after = None
    if has_next and rows:
        last = [_value(rows[-1], name) for name, _desc in fields]
        next_after = json.dumps([_jsonable(v) for v in last], separators=(",", ":")) if composite else str(last[0])
    return KeysetPage(items=rows, next_after=next_after, size=size)
