"""Figures for the console dashboard: small, bounded aggregations in PostgreSQL.

Each function is one query (or a cached result) whatever the number of orders:

- today's orders: `order_created_idx` range scan over today only;
- overdue receivables: the partial index `invoice_open_due` (open invoices by due date);
- low stock: one count over the stock table (one row per product × warehouse);
- 12-month revenue: grouped by month in SQL; past days cached per month and dropped when one
  of their orders changes (see monthly_revenue), today read live, so at millions of orders a
  dashboard view reads at most today's orders.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from oms.events import subscribe
from orders.models import Order, Status

CURRENT_TTL = 60
CLOSED_TTL = 6 * 60 * 60  # a safety net: changes to past days drop their month at once (below)
CACHE_PREFIX = "reports:dashboard:"

# Orders that count as booked business: everything but drafts and cancelled orders.
NOT_BOOKED = (Status.DRAFT, Status.CANCELLED)
BOOKED_STATUSES = tuple(s.value for s in Status if s not in NOT_BOOKED)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min), tz)


def _month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def _next_month(first: date) -> date:
    return _month_start(first, -1)


def booked_orders():
    return Order.objects.exclude(status__in=NOT_BOOKED)


def orders_today(today: date | None = None) -> dict:
    """Booked orders created today: {"count": n, "revenue": [(currency, Decimal)...]}. One query."""
    today = today or timezone.localdate()
    start, end = _day_bounds(today)
    rows = list(
        booked_orders().filter(created_at__gte=start, created_at__lt=end)
        .values("currency").annotate(n=Count("pk"), amount=Sum("total")).order_by("currency")
    )
    return {
        "date": today,
        "count": sum(r["n"] for r in rows),
        "revenue": [(r["currency"], r["amount"] or Decimal("0")) for r in rows],
    }


def _revenue_by_month(start: date, end: date) -> dict[tuple[date, str], Decimal]:
    """{(first of month, currency): total} of booked orders created in [start, end)."""
    lo, _ = _day_bounds(start)
    hi, _ = _day_bounds(end)
    rows = (
        booked_orders().filter(created_at__gte=lo, created_at__lt=hi)
        .annotate(month=TruncMonth("created_at")).values("month", "currency")
        .annotate(amount=Sum("total")).order_by()
    )
    out = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        out[(month, row["currency"])] = row["amount"] or Decimal("0")
    return out


def _month_key(month: date) -> str:
    return f"{CACHE_PREFIX}revenue:{month:%Y-%m}"


def monthly_revenue(months: int = 12, today: date | None = None) -> dict:
    """Revenue of booked orders per month for the last `months` months (this one included),
    per currency: {"currencies": [...], "rows": [{"month": "2026-01", "month_start": date,
    "month_end": date, "CNY": Decimal, ...}]}.

    Past days are cached per month (CLOSED_TTL) and the cache entry of a month is dropped when
    an order created in it before today changes its booked status (forget_revenue_month); today
    is read live (an index range on created_at) and cached for CURRENT_TTL. So a dashboard view
    reads at most today's orders; a cold cache reads the months in one grouped query."""
    today = today or timezone.localdate()
    wanted = [_month_start(today, back) for back in range(months - 1, -1, -1)]
    keys = {m: _month_key(m) for m in wanted}
    cached = cache.get_many(list(keys.values()))
    amounts: dict[tuple[date, str], Decimal] = {}
    missing = []
    for month in wanted:
        through = min(_next_month(month), today)  # closed days: [month, through)
        entry = cached.get(keys[month])
        if entry is None or entry["through"] != through:
            missing.append(month)
        else:
            amounts.update(entry["amounts"])
    if missing:
        lo, hi = missing[0], min(_next_month(missing[-1]), today)
        found = _revenue_by_month(lo, hi) if lo < hi else {}
        fresh = {}
        for month in missing:
            part = {k: v for k, v in found.items() if k[0] == month}
            amounts.update(part)
            fresh[keys[month]] = {"through": min(_next_month(month), today), "amounts": part}
        cache.set_many(fresh, CLOSED_TTL)
    today_key = f"{CACHE_PREFIX}revenue:day:{today.isoformat()}"
    live = cache.get(today_key)
    if live is None:
        live = _revenue_by_month(today, today + timedelta(days=1))
        cache.set(today_key, live, CURRENT_TTL)
    for key, value in live.items():
        amounts[key] = amounts.get(key, Decimal("0")) + value
    currencies = sorted({currency for _m, currency in amounts})
    rows = []
    for month in wanted:
        row = {"month": month.strftime("%Y-%m"), "month_start": month, "month_end": _next_month(month) - timedelta(days=1)}
        for currency in currencies:
            row[currency] = amounts.get((month, currency), Decimal("0"))
        rows.append(row)
    return {"currencies": currencies, "rows": rows}


@subscribe("order.status_changed")
def forget_revenue_month(payload):
    """An order created before today entered or left the booked statuses (or was edited): drop
    the cached revenue of its month. Orders of today need nothing (today is read live).
    Which status moves can change booked revenue is the sales rollup's rule (an edit re-runs
    review, so its moves before picking count; moves along fulfilment do not)."""
    from reports.handlers import affects_sales

    if not affects_sales(payload.get("from_status", ""), payload.get("to_status", "")):
        return
    if payload.get("created_at"):  # the event carries it; older payloads fall back to a query
        created = datetime.fromisoformat(payload["created_at"])
    else:
        created = Order.objects.filter(pk=payload.get("order_id")).values_list("created_at", flat=True).first()
        if created is None:
            return
    day = timezone.localtime(created).date()
    if day < timezone.localdate():
        cache.delete(_month_key(_month_start(day)))


def overdue_receivables(today: date | None = None) -> dict:
    """Open invoices past their due date: {"count": n, "amounts": [(currency, outstanding)...]}.
    One query on the partial index of open invoices by due date."""
    from payments.models import Invoice
    from payments.selectors import OPEN_INVOICE

    today = today or timezone.localdate()
    rows = list(
        Invoice.objects.filter(status__in=OPEN_INVOICE, due_date__lt=today)
        .values("currency").annotate(n=Count("pk"), amount=Sum(F("total") - F("amount_paid"))).order_by("currency")
    )
    return {
        "count": sum(r["n"] for r in rows),
        "amounts": [(r["currency"], r["amount"] or Decimal("0")) for r in rows],
    }


def low_stock_count() -> int:
    """Stock rows at or below their reorder point (the rows the low-stock page lists). Cached."""
    from inventory.services.replenishment import low_stock

    key = f"{CACHE_PREFIX}low_stock"
    count = cache.get(key)
    if count is None:
        count = low_stock().order_by().count()
        cache.set(key, count, CURRENT_TTL)
    return count
