"""Available-to-promise: when and from where can `quantity` of a product ship to a region?

For each active warehouse, the earliest of: now (if available covers it), the expected date
of enough incoming purchase-order quantity, or the supplier's lead time — plus the transit
time to the ship-to region. The earliest arrival wins; ties go to the warehouse priority."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F
from django.utils import timezone

from oms.config_cache import cached

from .models import PurchaseOrder, PurchaseOrderLine, Stock, Warehouse

SAME_REGION_DAYS = 1
OTHER_REGION_DAYS = 3
DEFAULT_LEAD_DAYS = 14


@dataclass(frozen=True)
class Promise:
    warehouse: Warehouse
    ship_date: date
    delivery_date: date
    source: str  # "stock", "incoming" or "lead_time"


def transit_days(warehouse, region):
    return SAME_REGION_DAYS if warehouse.region == region else OTHER_REGION_DAYS


def available_to_promise(*, product, quantity: int, region: str, today: date | None = None) -> Promise | None:
    return promise_many(items=[(product, quantity)], region=region, today=today).get(product.pk)


@dataclass(frozen=True)
class StockSnapshot:
    warehouses: list  # active, by priority
    stocks: dict  # {(product_id, warehouse_id): Stock}

    def available(self):
        return {key: s.on_hand - s.reserved for key, s in self.stocks.items()}


def active_warehouses() -> list:
    """The active warehouses by priority (a process copy, re-read when the table changes)."""
    return list(cached("warehouses", lambda: list(Warehouse.objects.filter(active=True).order_by("priority", "code"))))


def stock_snapshot(product_ids) -> StockSnapshot:
    """The active warehouses and these products' stock rows, read once (two queries) so a
    caller can both promise dates and plan allocation from the same figures."""
    return StockSnapshot(active_warehouses(),
                         {(s.product_id, s.warehouse_id): s for s in Stock.objects.filter(product_id__in=list(product_ids))})


def promise_many(*, items, region: str, today: date | None = None, snapshot: StockSnapshot | None = None) -> dict:
    """{product_id: Promise} for [(product, quantity)] in a fixed number of queries."""
    from .models import Supplier

    today = today or timezone.localdate()
    ids = [p.pk for p, _q in items]
    snapshot = snapshot or stock_snapshot(ids)
    warehouses, stocks = snapshot.warehouses, snapshot.stocks
    if not warehouses or not items:
        return {}

    def free(product, wh):
        stock = stocks.get((product.pk, wh.pk))
        return (stock.on_hand - stock.reserved) if stock else 0

    # Incoming purchase orders and lead times matter only where stock falls short.
    short = [p for p, q in items if any(free(p, wh) < q for wh in warehouses)]
    incoming, leads = {}, {}
    if short:
        lines = (
            PurchaseOrderLine.objects.filter(
                product_id__in=[p.pk for p in short],
                order__status__in=[PurchaseOrder.Status.SENT, PurchaseOrder.Status.PARTIALLY_RECEIVED],
                received_quantity__lt=F("quantity"),
            )
            .select_related("order").order_by("order__expected_date", "pk")
        )
        for ln in lines:
            incoming.setdefault((ln.product_id, ln.order.warehouse_id), []).append((ln.order.expected_date or today, ln.outstanding))
        leads = dict(Supplier.objects.filter(pk__in={p.supplier_id for p in short if p.supplier_id})
                     .values_list("pk", "lead_time_days"))

    promises = {}
    for product, quantity in items:
        lead = leads.get(product.supplier_id, DEFAULT_LEAD_DAYS)
        best = None
        for wh in warehouses:
            available = free(product, wh)
            if available >= quantity:
                ship, source = today, "stock"
            else:
                ship, source, running = None, "", available
                for when, qty in incoming.get((product.pk, wh.pk), []):
                    running += qty
                    if running >= quantity:
                        ship, source = max(when, today), "incoming"
                        break
                if ship is None:
                    ship, source = today + timedelta(days=lead), "lead_time"
            promise = Promise(wh, ship, ship + timedelta(days=transit_days(wh, region)), source)
            if best is None or promise.delivery_date < best.delivery_date:
                best = promise
        promises[product.pk] = best
    return promises
