"""Warehouse and customer documents as PDF (WeasyPrint): pick lists (one order, a batch, a
zone, a wave), packing slips and shipping labels with a Code 128 barcode."""

from io import BytesIO

import barcode
from barcode.writer import SVGWriter
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from weasyprint import HTML

from .models import Shipment, ShipmentLine


def code128_svg(value: str) -> str:
    """An inline SVG Code 128 barcode for `value`."""
    out = BytesIO()
    barcode.get("code128", value, writer=SVGWriter()).write(out, options={"module_height": 12, "font_size": 8, "text_distance": 4})
    svg = out.getvalue().decode()
    return mark_safe(svg[svg.index("<svg"):])


def _pdf(template, context):
    html = render_to_string(template, {"company_name": settings.OMS_COMPANY_NAME, "now": timezone.now(), **context})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pick_list(shipments, *, title=""):
    """One pick list for any set of shipments — an order, a batch, a zone or a wave —
    grouped by warehouse, each product once with its total and the orders it serves."""
    shipment_ids = [s.pk for s in shipments]
    lines = (
        ShipmentLine.objects.filter(shipment_id__in=shipment_ids)
        .select_related("shipment__warehouse", "shipment__order", "order_line__product", "order_line__product__category")
        .order_by("shipment__warehouse__code", "order_line__product__category__name", "order_line__product__sku")
    )
    by_wh = {}
    for ln in lines:
        wh = by_wh.setdefault(ln.shipment.warehouse, {})
        row = wh.setdefault(ln.order_line.product.pk, {"product": ln.order_line.product, "quantity": 0, "orders": []})
        row["quantity"] += ln.quantity
        row["orders"].append(f"{ln.shipment.order.number}×{ln.quantity}")
    return _pdf("orders/pdf/pick_list.html", {"groups": by_wh, "title": title, "count": len(shipment_ids)})


def packing_slip(shipment: Shipment):
    shipment = Shipment.objects.select_related("order", "order__company", "warehouse").get(pk=shipment.pk)
    lines = shipment.lines.select_related("order_line__product").order_by("order_line__line_no")
    return _pdf("orders/pdf/packing_slip.html", {"shipment": shipment, "order": shipment.order, "lines": lines})


def shipping_label(shipment: Shipment):
    shipment = Shipment.objects.select_related("order", "order__company", "warehouse").get(pk=shipment.pk)
    code = shipment.tracking_number or shipment.number
    return _pdf("orders/pdf/shipping_label.html", {"shipment": shipment, "order": shipment.order, "barcode": code128_svg(code), "code": code})
