"""Helpers shared by the inventory, financial and fulfilment report queries (helper "rops").

Periods are local dates, inclusive: [date_from 00:00, date_to + 1 day 00:00) in the configured
time zone. Raw SQL runs on the reporting alias (the read replica inside reports.routers.reporting()).
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connections
from django.utils import timezone

from reports.routers import replica_alias


def bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """Aware datetimes [start, end) of an inclusive local-date period."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=tz)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def tz_name() -> str:
    return str(timezone.get_current_timezone())


def months(date_from: date, date_to: date) -> list[date]:
    """First days of every month the period touches, in order."""
    out, cur = [], date(date_from.year, date_from.month, 1)
    while cur <= date_to:
        out.append(cur)
        cur = date(cur.year + (cur.month == 12), cur.month % 12 + 1, 1)
    return out


def month_label(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def category_ids(category_id: int | None) -> list[int] | None:
    """The category and all its descendants (one query over the small category table)."""
    if not category_id:
        return None
    from inventory.models import Category

    children: dict[int | None, list[int]] = {}
    for pk, parent in Category.objects.using(replica_alias()).values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    out, todo = [], [category_id]
    while todo:
        pk = todo.pop()
        if pk in out:
            continue
        out.append(pk)
        todo.extend(children.get(pk, ()))
    return out


def fetch(sql: str, params) -> list[dict]:
    """Rows of a raw query as dicts."""
    with connections[replica_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def ratio(numerator, denominator, places=2) -> Decimal | None:
    """numerator / denominator as a Decimal rounded half-up, None when the denominator is 0."""
    if not denominator:
        return None
    from decimal import ROUND_HALF_UP

    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def percent(part, whole, places=1) -> Decimal | None:
    return ratio(Decimal(part) * 100, whole, places) if whole else None


def round_sql(expr: str, currency_col: str) -> str:
    """SQL rounding `expr` half-up to the minor unit of the row's currency (oms.money.CURRENCIES)."""
    from oms.money import CURRENCIES

    cases = " ".join(f"WHEN '{code}' THEN ROUND({expr}, {digits})" for code, (digits, _sym) in CURRENCIES.items())
    return f"(CASE {currency_col} {cases} ELSE ROUND({expr}, 2) END)"
