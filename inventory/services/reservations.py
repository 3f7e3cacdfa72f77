"""Reservations: hold stock for a document (an order), release it, or ship it.

The hot path is one conditional UPDATE per line — `reserved = reserved + q WHERE available
>= q` — taken in a fixed order (product, warehouse), inside one transaction: either every
line is held or the transaction rolls back and nothing is. The database check constraint
`stock_never_oversold` stands behind it."""

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oms.errors import ValidationFailed

from .. import locks
from ..errors import InsufficientStock
from ..models import Reservation, Stock, StockMovement
from . import ledger

# One statement per line: the conditional update, its ledger row and the reservation row.
# When the condition fails nothing is updated or inserted and no row comes back.
_RESERVE_SQL = """
WITH held AS (
    UPDATE inventory_stock SET reserved = reserved + %(q)s, updated_at = %(now)s
    WHERE product_id = %(product)s AND warehouse_id = %(warehouse)s
      AND (allow_backorder OR on_hand - reserved >= %(q)s)
    RETURNING id, on_hand, reserved
), ledger AS (
    INSERT INTO inventory_stockmovement
        (stock_id, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reason, ref_type, ref_id,
         user_id, created_at)
    SELECT id, 'reservation', 0, %(q)s, on_hand, reserved, '', %(ref_type)s, %(ref_id)s, %(user)s, %(now)s FROM held
)
INSERT INTO inventory_reservation
    (stock_id, quantity, original_quantity, ref_type, ref_id, status, expires_at, created_at, updated_at)
SELECT id, %(q)s, %(q)s, %(ref_type)s, %(ref_id)s, 'open', %(expires)s, %(now)s, %(now)s FROM held
RETURNING id, stock_id
"""


# Several lines: lock their rows in id order first, then one statement updates them all and
# writes the ledger and reservation rows — all of them, or none when any line falls short (the
# `enough` count is read under the locks just taken, so the check and the update agree). No
# savepoint is needed: a refused reservation has written nothing.
_LOCK_MANY_SQL = """
SELECT s.id FROM inventory_stock s
JOIN unnest(%(products)s::bigint[], %(warehouses)s::bigint[]) AS v(product_id, warehouse_id)
  ON s.product_id = v.product_id AND s.warehouse_id = v.warehouse_id
ORDER BY s.id FOR UPDATE OF s
"""
_RESERVE_MANY_SQL = """
WITH wanted AS (
    SELECT * FROM unnest(%(products)s::bigint[], %(warehouses)s::bigint[], %(quantities)s::int[]) AS v(product_id, warehouse_id, q)
), enough AS (
    SELECT count(*) AS n FROM inventory_stock s JOIN wanted w ON s.product_id = w.product_id AND s.warehouse_id = w.warehouse_id
    WHERE s.allow_backorder OR s.on_hand - s.reserved >= w.q
), held AS (
    UPDATE inventory_stock s SET reserved = s.reserved + w.q, updated_at = %(now)s
    FROM wanted w
    WHERE s.product_id = w.product_id AND s.warehouse_id = w.warehouse_id
      AND (SELECT n FROM enough) = %(lines)s
    RETURNING s.id, s.product_id, s.warehouse_id, s.on_hand, s.reserved, w.q
), ledger AS (
    INSERT INTO inventory_stockmovement
        (stock_id, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reason, ref_type, ref_id,
         user_id, created_at)
    SELECT id, 'reservation', 0, q, on_hand, reserved, '', %(ref_type)s, %(ref_id)s, %(user)s, %(now)s FROM held
)
INSERT INTO inventory_reservation
    (stock_id, quantity, original_quantity, ref_type, ref_id, status, expires_at, created_at, updated_at)
SELECT id, q, q, %(ref_type)s, %(ref_id)s, 'open', %(expires)s, %(now)s, %(now)s FROM held
RETURNING id, stock_id, quantity
"""


def _normalise(lines):
    """[(product_id, warehouse_id, qty)] -> sorted, merged, validated."""
    merged = {}
    for product_id, warehouse_id, quantity in lines:
        quantity = ledger.check_quantity(quantity)
        key = (int(product_id), int(warehouse_id))
        merged[key] = merged.get(key, 0) + quantity
    if not merged:
        raise ValidationFailed(_("Nothing to reserve."), code="empty")
    return sorted(merged.items())


def reserve_stock(*, actor=None, ref_type: str, ref_id, lines, expires_at=None):
    """Reserve every line or none. `lines` are (product_id, warehouse_id, quantity).
    Raises InsufficientStock naming the first line that cannot be held. The number of SQL
    statements does not grow with the number of lines."""
    lines = _normalise(lines)
    now = timezone.now()
    params = {"now": now, "ref_type": ref_type, "ref_id": str(ref_id), "expires": expires_at,
              "user": actor.pk if actor is not None and actor.pk else None}
    # Both statements write all or nothing, so no savepoint: a refusal leaves the caller's
    # transaction usable (allocation retries or backorders) with nothing to undo.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if len(lines) == 1:
            [((product_id, warehouse_id), quantity)] = lines
            cursor.execute(_RESERVE_SQL, {**params, "q": quantity, "product": product_id, "warehouse": warehouse_id})
            rows = [(*row, quantity) for row in cursor.fetchall()]
        else:
            arrays = {"products": [p for (p, _w), _q in lines], "warehouses": [w for (_p, w), _q in lines],
                      "quantities": [q for _k, q in lines]}
            cursor.execute(_LOCK_MANY_SQL, arrays)
            cursor.execute(_RESERVE_MANY_SQL, {**params, **arrays, "lines": len(lines)})
            rows = cursor.fetchall()
    if not rows:  # some line could not be held: nothing was written; name the first short line
        _raise_insufficient(lines)
    return [
        Reservation(pk=pk, stock_id=stock_id, quantity=q, original_quantity=q, ref_type=ref_type, ref_id=str(ref_id),
                    status=Reservation.Status.OPEN, expires_at=expires_at, created_at=now, updated_at=now)
        for pk, stock_id, q in rows
    ]


def _raise_insufficient(lines):
    stocks = {(s.product_id, s.warehouse_id): s for s in Stock.objects.select_related("product", "warehouse").filter(
        product_id__in=[p for (p, _w), _q in lines], warehouse_id__in=[w for (_p, w), _q in lines])}
    for (product_id, warehouse_id), quantity in lines:
        stock = stocks.get((product_id, warehouse_id))
        if stock is None or not (stock.allow_backorder or stock.on_hand - stock.reserved >= quantity):
            _raise_short(product_id, warehouse_id, quantity, stock)
    (product_id, warehouse_id), quantity = lines[0]  # stock moved since (a single line holds no lock)
    _raise_short(product_id, warehouse_id, quantity, stocks.get((product_id, warehouse_id)))


def _raise_short(product_id, warehouse_id, quantity, stock):
    if stock is None:
        from ..models import Product, Warehouse

        sku = Product.objects.filter(pk=product_id).values_list("sku", flat=True).first() or str(product_id)
        code = Warehouse.objects.filter(pk=warehouse_id).values_list("code", flat=True).first() or str(warehouse_id)
        raise InsufficientStock(sku=sku, warehouse=code, requested=quantity, available=0)
    raise InsufficientStock(sku=stock.product.sku, warehouse=stock.warehouse.code, requested=quantity,
                            available=stock.on_hand - stock.reserved)


def _open_reservations(ref_type, ref_id, expired_by=None):
    qs = Reservation.objects.select_for_update(of=("self",)).filter(
        ref_type=ref_type, ref_id=str(ref_id), status=Reservation.Status.OPEN)
    if expired_by is not None:  # re-checked under the lock: a hold extended a moment ago is kept
        qs = qs.filter(expires_at__lte=expired_by)
    return list(qs.order_by("stock_id", "pk"))


def release_reservations(*, actor=None, ref_type: str, ref_id, reason="", expired_by=None):
    """Give back everything still held for the document (cancel, edit), or with `expired_by`
    only what had expired by then (the expiry job)."""
    with transaction.atomic():
        held = _open_reservations(ref_type, ref_id, expired_by)
        if not held:
            return 0
        stocks = locks.lock_stocks([(r.stock.product_id, r.stock.warehouse_id) for r in held])
        by_id = {s.pk: s for s in stocks.values()}
        movements = []
        for r in held:
            movements.append(ledger.post(by_id[r.stock_id], StockMovement.Kind.RELEASE, actor=actor,
                                         reserved=-r.quantity, reason=reason, ref=(ref_type, ref_id)))
            r.quantity, r.status, r.updated_at = 0, Reservation.Status.RELEASED, timezone.now()
        ledger.save(by_id.values(), movements)
        Reservation.objects.bulk_update(held, ["quantity", "status", "updated_at"])
        return sum(m.reserved_delta for m in movements) * -1


def keep_reservations(*, ref_type: str, ref_id):
    """The document's open holds no longer expire (e.g. the prepaid order was paid). Returns
    how many were still open; 0 means they had lapsed already."""
    return Reservation.objects.filter(ref_type=ref_type, ref_id=str(ref_id), status=Reservation.Status.OPEN).update(
        expires_at=None, updated_at=timezone.now())


def consume_reservations(*, actor=None, ref_type: str, ref_id, lines=None, reason=""):
    """Ship held stock: on hand and reserved both go down. `lines` limits it to
    (product_id, warehouse_id, quantity) for a partial shipment; by default all is shipped."""
    with transaction.atomic():
        held = _open_reservations(ref_type, ref_id)
        stocks = locks.lock_stocks([(r.stock.product_id, r.stock.warehouse_id) for r in held])
        by_id = {s.pk: s for s in stocks.values()}
        wanted = None
        if lines is not None:
            wanted = {(p, w): q for (p, w), q in _normalise(lines)}
            for (p, w), q in wanted.items():
                have = sum(r.quantity for r in held if (by_id[r.stock_id].product_id, by_id[r.stock_id].warehouse_id) == (p, w))
                if q > have:
                    raise ValidationFailed(
                        _("Cannot ship %(q)d: only %(have)d reserved for this document.") % {"q": q, "have": have},
                        code="ship_more_than_reserved", field="quantity",
                    )
        movements, now = [], timezone.now()
        for r in held:
            stock = by_id[r.stock_id]
            key = (stock.product_id, stock.warehouse_id)
            take = r.quantity if wanted is None else min(r.quantity, wanted.get(key, 0))
            if take == 0:
                continue
            if wanted is not None:
                wanted[key] -= take
            movements.append(ledger.post(stock, StockMovement.Kind.SHIPMENT, actor=actor, on_hand=-take,
                                         reserved=-take, reason=reason, ref=(ref_type, ref_id), now=now))
            r.quantity -= take
            r.updated_at = now
            if r.quantity == 0:
                r.status = Reservation.Status.CONSUMED
        ledger.save(by_id.values(), movements)
        Reservation.objects.bulk_update(held, ["quantity", "status", "updated_at"])
        return movements


def release_expired_reservations(*, now=None):
    """Release every document's reservations whose hold has expired (e.g. an unpaid prepaid
    order) and announce each with the `inventory.reservation_expired` event, which the owner
    of the document (orders) subscribes to. Returns the released (ref_type, ref_id) pairs."""
    from oms.events import emit

    now = now or timezone.now()
    refs = list(
        Reservation.objects.filter(status=Reservation.Status.OPEN, expires_at__lte=now)
        .order_by("ref_type", "ref_id").values_list("ref_type", "ref_id").distinct()
    )
    for ref_type, ref_id in refs:
        with transaction.atomic():
            if release_reservations(ref_type=ref_type, ref_id=ref_id, reason=_("Reservation expired"), expired_by=now):
                emit("inventory.reservation_expired", ref_type=ref_type, ref_id=ref_id)
    return refs
