"""Console pages for purchase orders: list, create, detail with send / cancel / receive."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oms.actions import back_to, run_action
from oms.errors import DomainError
from oms.pagination import keyset_page
from oms.permissions import Perm, staff_required

from .. import selectors_console, services
from ..forms import PurchaseOrderFilterForm, PurchaseOrderForm, PurchaseOrderLineFormSet, ReceiveLinesForm
from ..models import PurchaseOrder

RECEIVABLE = (PurchaseOrder.Status.SENT, PurchaseOrder.Status.PARTIALLY_RECEIVED)


def _load(pk):
    try:
        return selectors_console.purchase_order_detail(pk)
    except PurchaseOrder.DoesNotExist:
        raise Http404


@staff_required(Perm.INVENTORY_VIEW)
def purchase_order_list(request):
    form = PurchaseOrderFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    page = keyset_page(selectors_console.purchase_order_list(status=status), key="-pk", after=request.GET.get("after"), before=request.GET.get("before"))
    template = "inventory/purchase_order_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, {"form": form, "page": page})


@staff_required(Perm.PURCHASING_MANAGE)
def purchase_order_create(request):
    if request.method == "POST":
        form, lines = PurchaseOrderForm(request.POST), PurchaseOrderLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and lines.is_valid():
            d = form.cleaned_data
            try:
                order = services.create_purchase_order(
                    actor=request.user, supplier=d["supplier"], warehouse=d["warehouse"], lines=lines.lines(),
                    expected_date=d["expected_date"], notes=d["notes"],
                )
            except DomainError as err:
                form.add_domain_error(err)
            else:
                messages.success(request, _("Purchase order %(number)s drafted: send it to the supplier when it is "
                                            "ready.") % {"number": order.number})
                return redirect("console:purchase_order_detail", order.pk)
    else:
        initial = {}
        if (warehouse := request.GET.get("warehouse", "")).isdigit():
            initial["warehouse"] = int(warehouse)
        form = PurchaseOrderForm(initial=initial)
        product = request.GET.get("product", "").strip()[:40]
        lines = PurchaseOrderLineFormSet(prefix="lines", initial=[{"product": product}] if product else None)
    return render(request, "inventory/purchase_order_form.html", {"form": form, "lines": lines})


def _detail(request, order, receive_form=None):
    if receive_form is None and order.status in RECEIVABLE:
        receive_form = ReceiveLinesForm(lines=order.lines.all(), with_reason=True)
    return render(request, "inventory/purchase_order_detail.html", {
        "order": order, "receive_form": receive_form, "receivable": order.status in RECEIVABLE,
        "currency": order.currency or settings.OMS_DEFAULT_CURRENCY,
    })


@staff_required(Perm.INVENTORY_VIEW)
def purchase_order_detail(request, pk):
    return _detail(request, _load(pk))


@staff_required(Perm.PURCHASING_MANAGE)
@require_POST
def purchase_order_send(request, pk):
    order = _load(pk)
    run_action(request, lambda: services.send_purchase_order(actor=request.user, order=order),
               _("Purchase order %(number)s sent to %(supplier)s: its quantities now show as incoming at %(warehouse)s.")
               % {"number": order.number, "supplier": order.supplier.name, "warehouse": order.warehouse.code})
    return back_to(request, "console:purchase_order_detail", order.pk)


@staff_required(Perm.PURCHASING_MANAGE)
@require_POST
def purchase_order_cancel(request, pk):
    order = _load(pk)
    run_action(request, lambda: services.cancel_purchase_order(actor=request.user, order=order),
               _("Purchase order %(number)s cancelled.") % {"number": order.number})
    return back_to(request, "console:purchase_order_detail", order.pk)


@staff_required(Perm.PURCHASING_MANAGE)
@require_POST
def purchase_order_receive(request, pk):
    order = _load(pk)
    form = ReceiveLinesForm(request.POST, lines=order.lines.all(), with_reason=True)
    if form.is_valid():
        try:
            order = services.receive_purchase_order(actor=request.user, order=order, quantities=form.quantities(),
                                                    reason=form.cleaned_data.get("reason", ""))
        except DomainError as err:
            form.add_domain_error(err)
        else:
            if order.status == PurchaseOrder.Status.RECEIVED:
                msg = _("Purchase order %(number)s fully received at %(warehouse)s.")
            else:
                msg = _("Receipt recorded at %(warehouse)s; purchase order %(number)s still has lines to come.")
            messages.success(request, msg % {"number": order.number, "warehouse": order.warehouse.code})
            return redirect("console:purchase_order_detail", order.pk)
    return _detail(request, order, receive_form=form)
