"""Demand history and stock position for the demand forecast report (aggregated in PostgreSQL).

Demand = ordered quantity on booked orders (neither draft nor cancelled), by the month the
order was created (local time). With a warehouse filter, demand is the quantity on that
warehouse's shipments (not cancelled) of booked orders — order lines not yet routed to a
warehouse have no warehouse to count against.

Every function is one query whatever the number of SKUs (product ids come in as a list).
"""

from datetime import date, datetime, time

from django.db.models import F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from inventory.models import Product, Stock
from orders.models import OrderLine, Shipment, ShipmentLine, Status

from ._ops import category_ids

NOT_BOOKED = (Status.DRAFT, Status.CANCELLED)


def month_start(day: date, back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """First days of the months from `first` to `last` inclusive (both firsts of months)."""
    out, cur = [], first
    while cur <= last:
        out.append(cur)
        cur = month_start(cur, -1)
    return out


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _demand_lines(start: date, end: date, *, warehouse=None, category=None):
    """(queryset, product field, quantity field, order-created field) of the demand rows in
    [start, end) local dates."""
    lo, hi = _aware(start), _aware(end)
    cats = category_ids(category)
    if warehouse:
        qs = ShipmentLine.objects.filter(
            shipment__warehouse_id=warehouse,
            order_line__order__created_at__gte=lo, order_line__order__created_at__lt=hi,
        ).exclude(shipment__status=Shipment.Status.CANCELLED).exclude(order_line__order__status__in=NOT_BOOKED)
        if cats:
            qs = qs.filter(order_line__product__category_id__in=cats)
        return qs, "order_line__product_id", "quantity", "order_line__order__created_at"
    qs = OrderLine.objects.filter(order__created_at__gte=lo, order__created_at__lt=hi).exclude(
        order__status__in=NOT_BOOKED)
    if cats:
        qs = qs.filter(product__category_id__in=cats)
    return qs, "product_id", "quantity", "order__created_at"


def top_products(start: date, end: date, *, limit: int, warehouse=None, category=None) -> list[dict]:
    """The `limit` products with the most demand in [start, end): [{"product_id", "quantity"}],
    largest first (ties by product id)."""
    qs, product, qty, _created = _demand_lines(start, end, warehouse=warehouse, category=category)
    rows = (qs.values(pid=F(product)).annotate(quantity=Sum(qty))
            .order_by("-quantity", "pid")[:limit])
    return [{"product_id": r["pid"], "quantity": int(r["quantity"] or 0)} for r in rows]


def monthly_demand(product_ids: list[int], start: date, end: date, *, warehouse=None) -> dict[int, dict[date, int]]:
    """{product_id: {first of month: quantity}} for the products, over [start, end)."""
    if not product_ids:
        return {}
    qs, product, qty, created = _demand_lines(start, end, warehouse=warehouse)
    rows = (qs.filter(**{f"{product}__in": product_ids})
            .annotate(month=TruncMonth(created)).values("month", pid=F(product))
            .annotate(quantity=Sum(qty)).order_by())
    out: dict[int, dict[date, int]] = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime) else month
        out.setdefault(row["pid"], {})[month] = int(row["quantity"] or 0)
    return out


def products(product_ids: list[int]) -> dict[int, dict]:
    """{product_id: {"sku", "name", "pack_size", "lead_time_days" (None without a supplier)}}."""
    rows = Product.objects.filter(pk__in=product_ids).values(
        "pk", "sku", "name", "pack_size", lead_time_days=F("supplier__lead_time_days"))
    return {r.pop("pk"): r for r in rows}


def stock_positions(product_ids: list[int], *, warehouse=None) -> dict[int, dict]:
    """{product_id: {"free", "incoming", "in_transit", "safety_stock"}} summed over the active
    warehouses (or the one warehouse). Free = on hand − reserved."""
    qs = Stock.objects.filter(product_id__in=product_ids)
    qs = qs.filter(warehouse_id=warehouse) if warehouse else qs.filter(warehouse__active=True)
    rows = qs.values("product_id").annotate(
        free=Sum(F("on_hand") - F("reserved")), incoming=Sum("incoming"), in_transit=Sum("in_transit"),
        safety_stock=Sum("safety_stock"),
    ).order_by()
    return {r.pop("product_id"): {k: int(v or 0) for k, v in r.items()} for r in rows}


def history_window(today: date, months: int) -> tuple[date, date]:
    """[first day, day after the end) of the `months` complete months before today's month."""
    this_month = month_start(today)
    return month_start(today, months), this_month

