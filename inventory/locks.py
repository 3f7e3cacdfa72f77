"""Row locks for stock, always taken in one order (by primary key) so that two transactions
touching the same rows can never wait on each other in a cycle."""

from .models import Product, Stock


def lock_stocks(pairs) -> dict:
    """Lock the Stock rows for (product_id, warehouse_id) pairs, creating missing rows first.
    Returns {(product_id, warehouse_id): Stock}, locked FOR UPDATE in primary-key order."""
    pairs = sorted(set(pairs))
    if not pairs:
        return {}
    Stock.objects.bulk_create(
        [Stock(product_id=p, warehouse_id=w) for p, w in pairs], ignore_conflicts=True
    )
    product_ids = {p for p, _ in pairs}
    warehouse_ids = {w for _, w in pairs}
    rows = (
        Stock.objects.select_for_update(of=("self",))
        .select_related("product", "warehouse")
        .filter(product_id__in=product_ids, warehouse_id__in=warehouse_ids)
        .order_by("pk")
    )
    wanted = set(pairs)
    return {(s.product_id, s.warehouse_id): s for s in rows if (s.product_id, s.warehouse_id) in wanted}


def lock_products(product_ids) -> dict:
    """Lock Product rows (for average-cost updates), in primary-key order. Taken before any
    stock lock by the services that need both."""
    rows = Product.objects.select_for_update(of=("self",)).filter(pk__in=set(product_ids)).order_by("pk")
    return {p.pk: p for p in rows}
