"""Reads of orders for the console (the portal's live in the portal issue, always scoped
to the dealer's company)."""

from django.db.models import Prefetch

from inventory.models import Reservation

from .models import Order, OrderApproval, OrderEvent, OrderLine, Shipment, ShipmentLine
from .services.sla import with_due


def order_queue(params=None):
    """(filterset, queryset) for the queue: newest first, with what a row shows."""
    from .filters import OrderQueueFilter

    base = with_due(Order.objects.select_related("company"))
    f = OrderQueueFilter(params or None, queryset=base)
    qs = f.qs if f.is_valid() else base
    return f, qs.order_by("-created_at", "-id")


def order_detail(pk):
    order = Order.objects.select_related("company", "company__sales_rep", "placed_by", "ship_to").get(pk=pk)
    lines = list(OrderLine.objects.filter(order=order).select_related("product").order_by("line_no"))
    shipments = list(
        Shipment.objects.filter(order=order).select_related("warehouse").prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line__product")))
        .order_by("created_at", "pk")
    )
    events = list(OrderEvent.objects.filter(order=order).select_related("actor").order_by("created_at", "id"))
    approvals = list(OrderApproval.objects.filter(order=order).select_related("decided_by").order_by("round", "step"))
    reservations = list(
        Reservation.objects.filter(ref_type="order", ref_id=str(order.pk)).select_related("stock__product", "stock__warehouse")
        .order_by("pk")
    )
    return {"order": order, "lines": lines, "shipments": shipments, "events": events, "approvals": approvals,
            "reservations": reservations}


def shipments_to_work(*, warehouse=None, status=None):
    qs = Shipment.objects.select_related("order", "order__company", "warehouse").exclude(status__in=["shipped", "delivered", "cancelled"])
    if warehouse:
        qs = qs.filter(warehouse=warehouse)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "pk")
