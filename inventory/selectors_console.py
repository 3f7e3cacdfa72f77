"""Reads for the console's inventory pages (transfers, purchase orders, replenishment drafts).
Each returns a queryset or list with what its page shows already joined or prefetched, so a
page costs the same number of queries whatever its number of rows."""

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Prefetch, Sum

from .models import PurchaseOrder, PurchaseOrderLine, Transfer, TransferLine


def transfer_list(*, status=""):
    qs = Transfer.objects.select_related("source", "destination", "created_by").annotate(
        line_count=Count("lines"), units=Sum("lines__quantity"), received_units=Sum("lines__received_quantity"),
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def transfer_detail(pk):
    """The transfer with its lines (and their products); raises Transfer.DoesNotExist."""
    return (
        Transfer.objects.select_related("source", "destination", "created_by")
        .prefetch_related(Prefetch("lines", queryset=TransferLine.objects.select_related("product").order_by("pk")))
        .get(pk=pk)
    )


_LINE_VALUE = ExpressionWrapper(F("lines__quantity") * F("lines__unit_cost"),
                                output_field=DecimalField(max_digits=20, decimal_places=4))


def purchase_order_list(*, status=""):
    qs = PurchaseOrder.objects.select_related("supplier", "warehouse", "created_by").annotate(
        line_count=Count("lines"), units=Sum("lines__quantity"), received_units=Sum("lines__received_quantity"),
        value=Sum(_LINE_VALUE),
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def purchase_order_detail(pk):
    """The PO with its lines (and their products); raises PurchaseOrder.DoesNotExist."""
    order = (
        PurchaseOrder.objects.select_related("supplier", "warehouse", "created_by")
        .prefetch_related(Prefetch("lines", queryset=PurchaseOrderLine.objects.select_related("product").order_by("pk")))
        .get(pk=pk)
    )
    for ln in order.lines.all():
        ln.line_value = ln.quantity * ln.unit_cost
    order.total_value = sum((ln.line_value for ln in order.lines.all()), start=0)
    return order


def replenishment_drafts(limit=100):
    """Draft transfers and purchase orders the replenishment job made, oldest first."""
    transfers = list(
        Transfer.objects.filter(status=Transfer.Status.DRAFT, is_replenishment=True)
        .select_related("source", "destination")
        .prefetch_related(Prefetch("lines", queryset=TransferLine.objects.select_related("product").order_by("pk")))
        .order_by("created_at", "pk")[:limit]
    )
    orders = list(
        PurchaseOrder.objects.filter(status=PurchaseOrder.Status.DRAFT, is_replenishment=True)
        .select_related("supplier", "warehouse")
        .prefetch_related(Prefetch("lines", queryset=PurchaseOrderLine.objects.select_related("product").order_by("pk")))
        .order_by("created_at", "pk")[:limit]
    )
    return {"transfers": transfers, "purchase_orders": orders}
