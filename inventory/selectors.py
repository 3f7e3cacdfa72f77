from django.db import models
from django.db.models import F, Q

from oms.config_cache import cached

from .models import Category, Product, Warehouse


def product_search(*, q: str = "", category: int | None = None, active: bool | None = None):
    qs = Product.objects.select_related("category", "category__parent")
    if q:
        qs = qs.filter(Q(sku__icontains=q) | Q(name__icontains=q) | Q(barcode=q))
    if category:
        qs = qs.filter(Q(category_id=category) | Q(category__parent_id=category))
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def category_choices():
    return Category.objects.select_related("parent").order_by("parent__name", "name")


def warehouse_choices():
    """[(id, "CODE — Name")] of every warehouse by code, for filter bars: a process copy,
    re-read when the warehouse table changes (oms.config_cache)."""
    return cached("warehouses", lambda: [(w.pk, str(w)) for w in Warehouse.objects.order_by("code")], key="choices")


def warehouse_list():
    return Warehouse.objects.order_by("priority", "code")


def catalog_counts():
    return {
        "products_active": Product.objects.filter(active=True).count(),
        "products_inactive": Product.objects.filter(active=False).count(),
        "warehouses_active": Warehouse.objects.filter(active=True).count(),
        "categories": Category.objects.count(),
    }


# --- stock --------------------------------------------------------------------------------

def stock_drift():
    """Stock rows whose on hand differs from the sum of their ledger, or whose reserved
    differs from their open reservations. One query over all rows."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    from .models import Reservation, Stock, StockMovement

    ledger_sum = (
        StockMovement.objects.filter(stock=OuterRef("pk")).order_by().values("stock")
        .annotate(total=models.Sum("on_hand_delta")).values("total")
    )
    held_sum = (
        Reservation.objects.filter(stock=OuterRef("pk"), status=Reservation.Status.OPEN).order_by().values("stock")
        .annotate(total=models.Sum("quantity")).values("total")
    )
    rows = (
        Stock.objects.select_related("product", "warehouse")
        .annotate(
            ledger_on_hand=Coalesce(Subquery(ledger_sum, output_field=IntegerField()), 0),
            held=Coalesce(Subquery(held_sum, output_field=IntegerField()), 0),
        )
        .exclude(on_hand=F("ledger_on_hand"), reserved=F("held"))
        .order_by("pk")
    )
    return list(rows)


def stock_overview(*, q="", warehouse=None, category=None, low_only=False):
    from .models import Stock

    qs = Stock.objects.select_related("product", "product__category", "warehouse").annotate(
        available_qty=F("on_hand") - F("reserved"),
        position=F("on_hand") - F("reserved") + F("incoming") + F("in_transit"),
    )
    if q:
        qs = qs.filter(Q(product__sku__icontains=q) | Q(product__name__icontains=q) | Q(product__barcode=q))
    if warehouse:
        qs = qs.filter(warehouse=warehouse)
    if category:
        qs = qs.filter(Q(product__category=category) | Q(product__category__parent=category))
    if low_only:
        qs = qs.filter(reorder_point__gt=0, position__lte=F("reorder_point"))
    return qs


def product_stock_card(product):
    """Per-warehouse figures, the latest ledger rows and open reservations of a product."""
    from .models import Reservation, Stock, StockMovement

    stocks = list(Stock.objects.filter(product=product).select_related("warehouse").order_by("warehouse__priority"))
    movements = list(
        StockMovement.objects.filter(stock__product=product).select_related("stock__warehouse", "user")
        .order_by("-created_at", "-id")[:100]
    )
    reservations = list(
        Reservation.objects.filter(stock__product=product, status=Reservation.Status.OPEN)
        .select_related("stock__warehouse").order_by("-created_at")[:100]
    )
    totals = {k: sum(getattr(s, k) for s in stocks) for k in ("on_hand", "reserved", "incoming", "in_transit")}
    totals["available"] = totals["on_hand"] - totals["reserved"]
    return {"stocks": stocks, "movements": movements, "reservations": reservations, "totals": totals,
            "value": product.average_cost * totals["on_hand"]}


def stock_value_by_warehouse():
    """Stock value (on hand × moving average cost) per warehouse, summed in PostgreSQL."""
    from django.db.models import DecimalField, ExpressionWrapper, Sum

    from .models import Stock

    value = ExpressionWrapper(F("on_hand") * F("product__average_cost"), output_field=DecimalField(max_digits=20, decimal_places=4))
    return list(
        Stock.objects.values("warehouse__code", "warehouse__name").annotate(units=Sum("on_hand"), value=Sum(value))
        .order_by("warehouse__code")
    )
