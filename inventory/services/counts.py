"""Many cycle counts at once (a stock-level import): the same rule as count_stock — counted
units become on hand, the difference is a CYCLE_COUNT ledger row — with one lock query and
bulk writes for the whole batch."""

from django.db import transaction
from django.utils.translation import gettext as _

from oms.errors import DomainError, ValidationFailed

from .. import locks
from ..models import StockMovement
from . import ledger
from .stock import _require_reason


def count_stocks(*, actor, counts, reason) -> list:
    """`counts` are (product, warehouse, counted). Returns the ledger movements in the same
    order. Every problem is collected before any write and raised together as one
    ValidationFailed whose extra["errors"] lists {"index", "field", "message"}."""
    reason = _require_reason(reason)
    errors, checked = [], []
    for index, (product, warehouse, counted) in enumerate(counts):
        try:
            checked.append(ledger.check_quantity(counted, allow_zero=True, field="counted"))
        except DomainError as err:
            errors.append({"index": index, "field": "counted", "message": str(err.message)})
            checked.append(None)
    pairs = [(p.pk, w.pk) for p, w, _c in counts]
    if len(set(pairs)) != len(pairs):
        raise ValueError("one count per product and warehouse")
    with transaction.atomic():
        stocks = locks.lock_stocks(pairs)
        movements = []
        for index, ((product, warehouse, _c), counted) in enumerate(zip(counts, checked)):
            if counted is None:
                continue
            stock = stocks[(product.pk, warehouse.pk)]
            if counted < stock.reserved and not stock.allow_backorder:
                errors.append({"index": index, "field": "counted", "message": str(
                    _("%(reserved)d units are reserved for orders but only %(counted)d were counted: release or "
                      "reallocate those orders first.") % {"reserved": stock.reserved, "counted": counted})})
                continue
            movements.append(ledger.post(stock, StockMovement.Kind.CYCLE_COUNT, actor=actor,
                                         on_hand=counted - stock.on_hand, reason=reason))
        if errors:
            errors.sort(key=lambda e: e["index"])
            raise ValidationFailed(errors[0]["message"], field="counted", code="invalid", extra={"errors": errors})
        ledger.save(list(stocks.values()), movements)
    return movements
