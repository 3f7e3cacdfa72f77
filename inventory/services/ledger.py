"""The one place stock quantities change: apply a delta to a locked Stock row and write the
matching ledger row. Callers lock rows first (inventory.locks), check their rules, then post."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import InvalidQuantity
from ..models import Stock, StockMovement

MAX_QUANTITY = 1_000_000  # anything larger in one go is a typo, not a business event


def check_quantity(quantity, *, allow_zero=False, field="quantity"):
    """Quantities are whole units, positive (or zero where a count allows it), and sane."""
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        try:
            as_int = int(str(quantity))
        except (TypeError, ValueError):
            raise InvalidQuantity(_("Quantities are whole numbers of units."), field=field)
        quantity = as_int
    if quantity < 0 or (quantity == 0 and not allow_zero):
        raise InvalidQuantity(_("The quantity must be more than zero."), field=field)
    if quantity > MAX_QUANTITY:
        raise InvalidQuantity(
            _("%(quantity)d is more than the %(max)d units one entry may move.") % {"quantity": quantity, "max": MAX_QUANTITY},
            field=field,
        )
    return quantity


def post(stock: Stock, kind, *, actor=None, on_hand=0, reserved=0, reason="", ref=("", ""), unit_cost=None, now=None):
    """Apply the deltas to the (locked, in-memory) stock row and return the unsaved movement."""
    stock.on_hand += on_hand
    stock.reserved += reserved
    return StockMovement(
        stock=stock, kind=kind, on_hand_delta=on_hand, reserved_delta=reserved,
        on_hand_after=stock.on_hand, reserved_after=stock.reserved, reason=reason[:200],
        ref_type=ref[0], ref_id=str(ref[1]), unit_cost=unit_cost, user=actor if actor and actor.pk else None,
        created_at=now or timezone.now(),
    )


def save(stocks, movements, fields=("on_hand", "reserved", "incoming", "in_transit")):
    """Write the changed stock rows and their ledger rows."""
    stocks = list({s.pk: s for s in stocks}.values())
    now = timezone.now()
    for s in stocks:
        s.updated_at = now
    if stocks:
        Stock.objects.bulk_update(stocks, [*fields, "updated_at"])
    if movements:
        StockMovement.objects.bulk_create(movements)


def receipt_quantities(lines, quantities, *, over_message):
    """{line id: units received now} for document lines with an `outstanding` quantity
    (purchase-order or transfer lines). `quantities` maps line id -> units; None receives
    everything outstanding. `over_message` is the text for receiving more than is left."""
    from oms.errors import ValidationFailed

    receipt = {}
    for ln in lines:
        q = ln.outstanding if quantities is None else quantities.get(ln.pk, 0)
        if q == 0:
            continue
        q = check_quantity(q)
        if q > ln.outstanding:
            raise ValidationFailed(over_message % {"sku": ln.product.sku, "q": q, "left": ln.outstanding},
                                   field="quantities", code="over_receipt")
        receipt[ln.pk] = q
    if not receipt:
        raise ValidationFailed(_("Enter the quantity received for at least one line."), field="quantities", code="empty")
    return receipt
