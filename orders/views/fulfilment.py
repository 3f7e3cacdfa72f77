"""Warehouse screens: shipments to work (start picking a batch or wave, pick lists), a
shipment's packing screen with scan-to-verify, the ship form, the PDFs, and carrier tracking
(events typed on the shipment page, or a carrier's CSV file uploaded)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from inventory.models import Warehouse
from oms.errors import DomainError
from oms.pagination import keyset_page
from oms.actions import back_to
from oms.permissions import Perm, staff_required

from .. import documents, selectors_console
from ..forms import CARRIERS, TRACKING_CSV_COLUMNS, ScanForm, ShipForm, ShipmentFilterForm, TrackingCsvForm, TrackingEventForm, UnpackForm
from ..models import Order, Shipment
from ..services import fulfilment, tracking
from .common import ints, pdf_response, template_for

LIST_KEY = ("created_at", "id")


@staff_required(Perm.INVENTORY_MANAGE)
def shipment_list(request):
    form = ShipmentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors_console.fulfilment_shipments(warehouse=filters.get("warehouse"), status=filters.get("status") or None)
    page = keyset_page(qs, key=LIST_KEY, after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
    return render(request, template_for(request, "orders/fulfilment.html"), {
        "form": form, "page": page, "warehouse": filters.get("warehouse"),
    })


@staff_required(Perm.INVENTORY_MANAGE)
@require_POST
def start_picking(request):
    """Send the selected shipments to the floor as one wave."""
    ids = ints(request.POST.getlist("shipment"))
    chosen = list(Shipment.objects.filter(pk__in=ids).select_related("order", "warehouse").order_by("pk"))
    pending = [s for s in chosen if s.status == Shipment.Status.PENDING]
    if not pending:
        messages.error(request, _("Select at least one shipment that is still to pick."))
        return back_to(request, "console:fulfilment")
    try:
        started = fulfilment.start_picking(actor=request.user, shipments=pending)
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        numbers = ", ".join(s.number for s in started)
        messages.success(request, ngettext("Picking started for %(n)d shipment: %(numbers)s.",
                                           "Picking started for %(n)d shipments: %(numbers)s.", len(started))
                         % {"n": len(started), "numbers": numbers})
        if skipped := len(chosen) - len(pending):
            messages.warning(request, ngettext(
                "%(n)d selected shipment was not waiting to be picked and was left as it is.",
                "%(n)d selected shipments were not waiting to be picked and were left as they are.",
                skipped) % {"n": skipped})
    return back_to(request, "console:fulfilment")


@staff_required(Perm.INVENTORY_MANAGE)
@require_http_methods(["GET", "POST"])
def pick_list(request):
    """One PDF for a wave (the selected shipments), one order, a zone (a warehouse's shipments
    to pick) or the whole batch still to pick."""
    params = request.POST if request.method == "POST" else request.GET
    if "shipment" in params:
        shipments = selectors_console.shipments_for_pick_list(ids=ints(params.getlist("shipment")))
        title = ngettext("Wave of %(n)d shipment", "Wave of %(n)d shipments", len(shipments)) % {"n": len(shipments)}
    elif (order_id := params.get("order", "")).isdigit():
        order = Order.objects.filter(pk=int(order_id)).only("pk", "number").first()
        if order is None:
            raise Http404
        shipments = selectors_console.shipments_for_pick_list(order=order)
        title = _("Order %(number)s") % {"number": order.number}
    elif (warehouse_id := params.get("warehouse", "")).isdigit():
        warehouse = Warehouse.objects.filter(pk=int(warehouse_id)).first()
        if warehouse is None:
            raise Http404
        shipments = selectors_console.shipments_for_pick_list(warehouse=warehouse)
        title = _("Zone %(code)s") % {"code": warehouse.code}
    else:
        shipments = selectors_console.shipments_for_pick_list()
        title = _("Batch")
    if not shipments:
        messages.error(request, _("Nothing to pick: select shipments first."))
        return back_to(request, "console:fulfilment")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return pdf_response(documents.pick_list(shipments, title=title), f"pick-list-{stamp}.pdf")


def _load(pk):
    try:
        return selectors_console.shipment_for_packing(pk)
    except Shipment.DoesNotExist:
        raise Http404


def _packing_context(shipment, *, scan_form=None, ship_form=None, scan_error="", scan_ok=""):
    return {
        "shipment": shipment, "order": shipment.order, "lines": list(shipment.lines.all()),
        "scan_form": scan_form or ScanForm(), "ship_form": ship_form or ShipForm(), "carriers": CARRIERS,
        "scan_error": scan_error, "scan_ok": scan_ok,
    }


def _page_context(shipment, *, tracking_form=None, **kwargs):
    """The whole shipment page: packing, shipping and the carrier's tracking events."""
    context = _packing_context(shipment, **kwargs)
    context.update({
        "tracking_events": selectors_console.shipment_tracking(shipment)
        if shipment.status in tracking.TRACKABLE else [],
        "tracking_form": tracking_form or TrackingEventForm(),
    })
    return context


@staff_required(Perm.INVENTORY_MANAGE)
def shipment_detail(request, pk):
    return render(request, "orders/shipment_detail.html", _page_context(_load(pk)))


@staff_required(Perm.INVENTORY_MANAGE)
@require_POST
def shipment_scan(request, pk):
    """One scan: pack one item (or `quantity` of it) if it belongs in this shipment."""
    shipment = _load(pk)
    form = ScanForm(request.POST)
    scan_error = scan_ok = ""
    if form.is_valid():
        code = form.cleaned_data["code"]
        try:
            line = fulfilment.pack_item(actor=request.user, shipment=shipment, code=code,
                                        quantity=form.cleaned_data["quantity"] or 1)
        except DomainError as err:
            scan_error = str(err.message)
        else:
            scan_ok = _("Packed %(sku)s: %(packed)d of %(quantity)d.") % {
                "sku": line.order_line.product.sku, "packed": line.packed_quantity, "quantity": line.quantity}
    else:
        scan_error = _form_error_text(form)
    return _packing_response(request, pk, scan_error, scan_ok)


def _form_error_text(form):
    return " ".join(e for errors in form.errors.values() for e in errors)


def _packing_response(request, pk, scan_error, scan_ok):
    """After a scan or a take-out: the packing block again (htmx), or the page with a message."""
    if not request.htmx:
        if scan_error:
            messages.error(request, scan_error)
        else:
            messages.success(request, scan_ok)
        return redirect("console:shipment_detail", pk)
    context = {**_packing_context(_load(pk), scan_error=scan_error, scan_ok=scan_ok), "oob": True}
    return render(request, "orders/shipment_detail.html#packing", context)


@staff_required(Perm.INVENTORY_MANAGE)
@require_POST
def shipment_unpack(request, pk):
    """Take units of one line back out of the box."""
    shipment = _load(pk)
    form = UnpackForm(request.POST)
    scan_error = scan_ok = ""
    if form.is_valid():
        try:
            line = fulfilment.unpack_item(actor=request.user, shipment=shipment, line_id=form.cleaned_data["line"],
                                          quantity=form.cleaned_data["quantity"])
        except DomainError as err:
            scan_error = str(err.message)
        else:
            scan_ok = _("Took out %(n)d %(sku)s: %(packed)d of %(quantity)d packed.") % {
                "n": form.cleaned_data["quantity"], "sku": line.order_line.product.sku,
                "packed": line.packed_quantity, "quantity": line.quantity}
    else:
        scan_error = _form_error_text(form)
    return _packing_response(request, pk, scan_error, scan_ok)


@staff_required(Perm.INVENTORY_MANAGE)
@require_POST
def shipment_ship(request, pk):
    shipment = _load(pk)
    form = ShipForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            shipment = fulfilment.ship_shipment(actor=request.user, shipment=shipment, carrier=d["carrier"],
                                                tracking_number=d["tracking_number"], service=d["service"],
                                                cost=d["cost"], box=d["box"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("%(number)s shipped with %(carrier)s, tracking number %(tracking)s.") % {
                "number": shipment.number, "carrier": shipment.carrier, "tracking": shipment.tracking_number})
            return redirect("console:shipment_detail", pk)
    return render(request, "orders/shipment_detail.html", _page_context(shipment, ship_form=form))


@staff_required(Perm.INVENTORY_MANAGE)
@require_POST
def shipment_deliver(request, pk):
    """Proof of delivery from the carrier (the dealer's own sign-off comes through the portal)."""
    shipment = _load(pk)
    received_by = (request.POST.get("received_by") or "").strip()
    if not received_by:
        messages.error(request, _("Enter who received the goods."))
        return redirect("console:shipment_detail", pk)
    try:
        fulfilment.record_delivery(actor=request.user, shipment=shipment, received_by=received_by)
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        messages.success(request, _("%(number)s delivered.") % {"number": shipment.number})
    return redirect("console:shipment_detail", pk)


@staff_required(Perm.INVENTORY_MANAGE)
@require_POST
def shipment_tracking(request, pk):
    """Add a tracking event the carrier reported (by phone, on its website...)."""
    shipment = _load(pk)
    form = TrackingEventForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            event = tracking.record_tracking_event(
                actor=request.user, shipment=shipment, status=d["status"], occurred_at=d["occurred_at"],
                location=d["location"], description=d["description"], source="console")
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Tracking event recorded: %(status)s.") % {"status": event.get_status_display()})
            return redirect("console:shipment_detail", pk)
    return render(request, "orders/shipment_detail.html", _page_context(_load(pk), tracking_form=form))


@staff_required(Perm.INVENTORY_MANAGE)
@require_http_methods(["GET", "POST"])
def tracking_upload(request):
    """Upload a carrier's tracking file (CSV): each row is recorded or its error shown."""
    result = None
    if request.method == "POST":
        form = TrackingCsvForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = tracking.import_tracking_events(actor=request.user, rows=form.rows, source="carrier")
            except DomainError as err:
                form.add_error("file", str(err.message))
            else:
                form = TrackingCsvForm()
    else:
        form = TrackingCsvForm()
    return render(request, "orders/tracking_upload.html", {
        "form": form, "result": result, "columns": TRACKING_CSV_COLUMNS, "max_rows": tracking.MAX_IMPORT_ROWS,
    })


@staff_required(Perm.INVENTORY_MANAGE)
def packing_slip(request, pk):
    shipment = _load(pk)
    return pdf_response(documents.packing_slip(shipment), f"packing-slip-{shipment.number}.pdf")


@staff_required(Perm.INVENTORY_MANAGE)
def shipping_label(request, pk):
    shipment = _load(pk)
    return pdf_response(documents.shipping_label(shipment), f"label-{shipment.number}.pdf")
