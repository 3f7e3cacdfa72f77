"""The replenishment job: find stock at or below its reorder point, alert the people who
buy and move stock, and draft a transfer from a warehouse with surplus or else a purchase
order to the product's supplier. Running it twice drafts nothing twice and alerts once a day."""

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from oms.events import publish
from oms.models import Notification
from oms.notifications import notify
from oms.permissions import STAFF_PERMISSIONS, Perm

from ..models import PurchaseOrder, PurchaseOrderLine, Stock, Transfer, TransferLine
from .purchasing import create_purchase_order
from .transfers import create_transfer

_LOCK_KEY = 731_001  # pg advisory lock: one replenishment run at a time
OPEN_TRANSFER = [Transfer.Status.DRAFT, Transfer.Status.IN_TRANSIT, Transfer.Status.PARTIALLY_RECEIVED]
OPEN_PO = [PurchaseOrder.Status.DRAFT, PurchaseOrder.Status.SENT, PurchaseOrder.Status.PARTIALLY_RECEIVED]


def low_stock():
    """Stock rows whose position (available + incoming + in transit) is at or below the
    reorder point."""
    return (
        Stock.objects.select_related("product", "product__supplier", "warehouse")
        .filter(reorder_point__gt=0, product__active=True, warehouse__active=True)
        .annotate(position=F("on_hand") - F("reserved") + F("incoming") + F("in_transit"))
        .filter(position__lte=F("reorder_point"))
        .order_by("warehouse__priority", "product__sku")
    )


def _already_covered():
    """(product_id, warehouse_id) pairs that already have replenishment on the way or drafted."""
    covered = set(
        TransferLine.objects.filter(transfer__status__in=OPEN_TRANSFER)
        .values_list("product_id", "transfer__destination_id")
    )
    covered |= set(
        PurchaseOrderLine.objects.filter(order__status__in=OPEN_PO).values_list("product_id", "order__warehouse_id")
    )
    return covered


def _donor(stock, need, surplus_by_product):
    """The warehouse with the most surplus above its own reorder point and safety stock, if
    it can cover the whole need."""
    best = None
    for other in surplus_by_product.get(stock.product_id, []):
        if other.warehouse_id == stock.warehouse_id:
            continue
        surplus = other.on_hand - other.reserved - other.reorder_point - other.safety_stock
        if surplus >= need and (best is None or surplus > best[1]):
            best = (other, surplus)
    return best[0] if best else None


def _alert_recipients():
    roles = [r for r, perms in STAFF_PERMISSIONS.items() if {Perm.INVENTORY_MANAGE, Perm.PURCHASING_MANAGE} & perms]
    return list(get_user_model().objects.filter(staff_role__in=roles, is_active=True))


def run_replenishment(*, actor=None, today=None):
    """Returns {"low": n, "transfers": [...], "purchase_orders": [...], "alerts": n}."""
    today = today or timezone.localdate()
    result = {"low": 0, "transfers": [], "purchase_orders": [], "alerts": 0}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_LOCK_KEY])
            if not cursor.fetchone()[0]:
                return result  # another run is at work
        low = list(low_stock())
        result["low"] = len(low)
        if not low:
            return result
        covered = _already_covered()
        product_ids = {s.product_id for s in low}
        surplus_by_product = {}
        for s in Stock.objects.filter(product_id__in=product_ids, warehouse__active=True).select_related("warehouse"):
            surplus_by_product.setdefault(s.product_id, []).append(s)

        po_lines = {}  # (supplier, warehouse) -> [(product, qty, cost)]
        recipients = _alert_recipients()
        for stock in low:
            need = max(stock.reorder_quantity, stock.reorder_point + stock.safety_stock - stock.position, 1)
            plan = ""
            if (stock.product_id, stock.warehouse_id) not in covered:
                donor = _donor(stock, need, surplus_by_product)
                if donor is not None:
                    transfer = create_transfer(
                        actor=actor, source=donor.warehouse, destination=stock.warehouse,
                        lines=[(stock.product, need)], replenishment=True,
                        reason=gettext_noop("Replenishment: below reorder point"),  # shown translated
                    )
                    result["transfers"].append(transfer)
                    plan = format_lazy(_("Drafted transfer {number} of {qty} from {source}."),
                                       number=transfer.number, qty=need, source=donor.warehouse.code)
                elif stock.product.supplier_id:
                    key = (stock.product.supplier, stock.warehouse)
                    po_lines.setdefault(key, []).append((stock.product, need, stock.product.average_cost))
                    plan = format_lazy(_("Purchase of {qty} drafted from {supplier}."),
                                       qty=need, supplier=stock.product.supplier.name)
                else:
                    plan = _("No warehouse has surplus and the product has no supplier: order it by hand.")
            else:
                plan = _("Replenishment is already drafted or on its way.")
            sent = notify(
                actor=actor, recipients=recipients, kind=Notification.Kind.STOCK,
                subject=format_lazy(_("Low stock: {sku} at {warehouse}"), sku=stock.product.sku, warehouse=stock.warehouse.code),
                body=format_lazy(_("{available} available, {incoming} incoming, {in_transit} in transit; reorder point {point}. {plan}"),
                                 available=stock.available, incoming=stock.incoming, in_transit=stock.in_transit,
                                 point=stock.reorder_point, plan=plan),
                link=f"/console/inventory/products/{stock.product_id}/stock/",
                dedupe_key=f"low-stock:{stock.pk}:{today.isoformat()}",
            )
            result["alerts"] += len(sent)
            publish("stock.low", dedupe_key=f"stock.low:{stock.pk}:{today.isoformat()}", product_id=stock.product_id, sku=stock.product.sku, warehouse_id=stock.warehouse_id, warehouse_code=stock.warehouse.code, available=stock.available, reorder_point=stock.reorder_point)
        for (supplier, warehouse), lines in sorted(po_lines.items(), key=lambda kv: (kv[0][0].pk, kv[0][1].pk)):
            result["purchase_orders"].append(create_purchase_order(
                actor=actor, supplier=supplier, warehouse=warehouse, lines=lines, replenishment=True,
                notes=str(_("Drafted by replenishment")),
            ))
    return result
