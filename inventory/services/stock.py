"""Receipts, adjustments and cycle counts at one warehouse."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from oms.errors import ValidationFailed

from .. import locks
from ..errors import BelowReserved, InactiveProduct, InvalidQuantity
from ..models import Product, Stock, StockMovement
from . import ledger

COST_PLACES = Decimal("0.0001")

# Adjustment kinds a person may post, and the sign each allows.
ADJUSTMENT_KINDS = {
    StockMovement.Kind.ADJUSTMENT: (-1, 1),
    StockMovement.Kind.RETURN_RESTOCK: (1,),
    StockMovement.Kind.QUARANTINE: (-1,),
    StockMovement.Kind.SCRAP: (-1,),
}


def _require_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason: it goes into the stock ledger."), field="reason", code="reason_required")
    return reason


def _require_active(product: Product):
    if not product.active:
        raise InactiveProduct(_("%(sku)s is inactive: activate it before moving its stock.") % {"sku": product.sku}, field="product")


def update_average_cost(product: Product, received: int, unit_cost: Decimal):
    """Moving average cost over all warehouses: (old value + receipt value) / new quantity.
    The product row must be locked by the caller (locks.lock_products)."""
    if unit_cost is None:
        return
    unit_cost = Decimal(unit_cost)
    if unit_cost < 0:
        raise ValidationFailed(_("The unit cost cannot be negative."), field="unit_cost", code="invalid_cost")
    held = Stock.objects.filter(product=product).aggregate(n=Sum("on_hand"))["n"] or 0
    held = max(held, 0)
    total = held + received
    if total <= 0:
        return
    average = ((product.average_cost * held) + (unit_cost * received)) / total
    product.average_cost = average.quantize(COST_PLACES)
    Product.objects.filter(pk=product.pk).update(average_cost=product.average_cost)


def receive_stock(*, actor, product: Product, warehouse, quantity, unit_cost=None, reason="", ref=("", "")):
    """Goods arrive at a warehouse: on hand goes up, the average cost moves with the receipt."""
    quantity = ledger.check_quantity(quantity)
    reason = _require_reason(reason)
    with transaction.atomic():
        product = locks.lock_products([product.pk])[product.pk]
        _require_active(product)
        update_average_cost(product, quantity, unit_cost)
        stock = locks.lock_stocks([(product.pk, warehouse.pk)])[(product.pk, warehouse.pk)]
        movement = ledger.post(stock, StockMovement.Kind.RECEIPT, actor=actor, on_hand=quantity, reason=reason,
                               ref=ref, unit_cost=unit_cost)
        ledger.save([stock], [movement])
    return movement


def adjust_stock(*, actor, product: Product, warehouse, kind, quantity, reason):
    """A correction: found, damaged, quarantined, scrapped or restocked units. `quantity` is
    signed for a plain adjustment and positive for the others (their sign is implied)."""
    kind = StockMovement.Kind(kind)
    if kind not in ADJUSTMENT_KINDS:
        raise ValidationFailed(_("That is not an adjustment."), field="kind", code="invalid_kind")
    signs = ADJUSTMENT_KINDS[kind]
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        raise InvalidQuantity(_("Quantities are whole numbers of units."), field="quantity")
    delta = quantity if len(signs) == 2 else signs[0] * ledger.check_quantity(quantity)
    ledger.check_quantity(abs(delta))
    reason = _require_reason(reason)
    with transaction.atomic():
        stock = locks.lock_stocks([(product.pk, warehouse.pk)])[(product.pk, warehouse.pk)]
        _require_active(stock.product)
        after = stock.on_hand + delta
        if after < 0:
            raise BelowReserved(
                _("Only %(on_hand)d on hand at %(warehouse)s: cannot take out %(n)d.")
                % {"on_hand": stock.on_hand, "warehouse": warehouse.code, "n": -delta}, field="quantity",
            )
        if after < stock.reserved and not stock.allow_backorder:
            raise BelowReserved(
                _("%(reserved)d units are reserved for orders: on hand cannot go below that (it would be %(after)d).")
                % {"reserved": stock.reserved, "after": after}, field="quantity",
            )
        movement = ledger.post(stock, kind, actor=actor, on_hand=delta, reason=reason)
        ledger.save([stock], [movement])
    return movement


def count_stock(*, actor, product: Product, warehouse, counted, reason):
    """A cycle count: what is on the shelf becomes on hand; the difference is the movement."""
    counted = ledger.check_quantity(counted, allow_zero=True, field="counted")
    reason = _require_reason(reason)
    with transaction.atomic():
        stock = locks.lock_stocks([(product.pk, warehouse.pk)])[(product.pk, warehouse.pk)]
        if counted < stock.reserved and not stock.allow_backorder:
            raise BelowReserved(
                _("%(reserved)d units are reserved for orders but only %(counted)d were counted: release or "
                  "reallocate those orders first.") % {"reserved": stock.reserved, "counted": counted},
                field="counted",
            )
        movement = ledger.post(stock, StockMovement.Kind.CYCLE_COUNT, actor=actor,
                               on_hand=counted - stock.on_hand, reason=reason)
        ledger.save([stock], [movement])
    return movement


def load_opening_stock(*, actor, rows, reason="Opening balance"):
    """Opening balances for stock rows that do not exist yet: `rows` are
    (product, warehouse, quantity, unit_cost, settings) with settings a dict of reorder
    fields. Existing rows are left alone, so loading twice adds nothing. Returns the count."""
    with transaction.atomic():
        existing = set(Stock.objects.values_list("product_id", "warehouse_id"))
        new = [r for r in rows if (r[0].pk, r[1].pk) not in existing]
        stocks = [Stock(product=p, warehouse=w, **(extra or {})) for p, w, _q, _c, extra in new]
        Stock.objects.bulk_create(stocks)
        movements = []
        for stock, (product, _w, quantity, unit_cost, _e) in zip(stocks, new):
            if quantity:
                movements.append(ledger.post(stock, StockMovement.Kind.RECEIPT, actor=actor,
                                             on_hand=ledger.check_quantity(quantity), reason=reason, unit_cost=unit_cost))
        ledger.save(stocks, movements)
        costs = {}
        for product, _w, _q, unit_cost, _e in new:
            if unit_cost is not None and not product.average_cost:
                costs[product.pk] = Decimal(unit_cost).quantize(COST_PLACES)
        for pk, cost in costs.items():
            Product.objects.filter(pk=pk, average_cost=0).update(average_cost=cost)
    return len(new)
