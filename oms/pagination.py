"""Keyset pagination: pages cost the same query whatever their depth.

    page = keyset_page(queryset, key="sku", after=request.GET.get("after"), size=50)
    page.items, page.next_after, page.has_next

`key` must be a unique, non-null field the queryset is ordered by."""

from dataclasses import dataclass


@dataclass
class KeysetPage:
    items: list
    next_after: str | None
    size: int

    @property
    def has_next(self):
        return self.next_after is not None


def keyset_page(queryset, *, key: str, after: str | None = None, size: int = 50, max_size: int = 200):
    size = max(1, min(int(size or 50), max_size))
    qs = queryset.order_by(key)
    if after:
        qs = qs.filter(**{f"{key}__gt": after})
    rows = list(qs[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    next_after = str(getattr(rows[-1], key)) if has_next and rows else None
    return KeysetPage(items=rows, next_after=next_after, size=size)
