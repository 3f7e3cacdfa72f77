"""Console pages for transfers between warehouses: list, create, detail with ship / cancel /
receive. Each action view binds its input, calls one service and maps its DomainError."""

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
from ..forms import ReceiveLinesForm, TransferFilterForm, TransferForm, TransferLineFormSet
from ..models import Transfer


def _load(pk):
    try:
        return selectors_console.transfer_detail(pk)
    except Transfer.DoesNotExist:
        raise Http404


@staff_required(Perm.INVENTORY_VIEW)
def transfer_list(request):
    form = TransferFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_valid() else ""
    page = keyset_page(selectors_console.transfer_list(status=status), key="-pk", after=request.GET.get("after"), before=request.GET.get("before"))
    template = "inventory/transfer_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, {"form": form, "page": page})


@staff_required(Perm.INVENTORY_MANAGE)
def transfer_create(request):
    if request.method == "POST":
        form, lines = TransferForm(request.POST), TransferLineFormSet(request.POST, prefix="lines")
        if form.is_valid() and lines.is_valid():
            d = form.cleaned_data
            try:
                transfer = services.create_transfer(actor=request.user, source=d["source"], destination=d["destination"],
                                                    lines=lines.lines(), reason=d["reason"])
            except DomainError as err:
                form.add_domain_error(err)
            else:
                messages.success(request, _("Transfer %(number)s drafted: ship it when the goods leave.")
                                 % {"number": transfer.number})
                return redirect("console:transfer_detail", transfer.pk)
    else:
        initial = {}
        if (source := request.GET.get("source", "")).isdigit():
            initial["source"] = int(source)
        form = TransferForm(initial=initial)
        product = request.GET.get("product", "").strip()[:40]
        lines = TransferLineFormSet(prefix="lines", initial=[{"product": product}] if product else None)
    return render(request, "inventory/transfer_form.html", {"form": form, "lines": lines})


def _detail(request, transfer, receive_form=None):
    receivable = transfer.status in (Transfer.Status.IN_TRANSIT, Transfer.Status.PARTIALLY_RECEIVED)
    if receive_form is None and receivable:
        receive_form = ReceiveLinesForm(lines=transfer.lines.all())
    return render(request, "inventory/transfer_detail.html",
                  {"transfer": transfer, "receive_form": receive_form, "receivable": receivable})


@staff_required(Perm.INVENTORY_VIEW)
def transfer_detail(request, pk):
    return _detail(request, _load(pk))


@staff_required(Perm.INVENTORY_MANAGE)
@require_POST
def transfer_ship(request, pk):
    transfer = _load(pk)
    run_action(request, lambda: services.ship_transfer(actor=request.user, transfer=transfer),
               _("Transfer %(number)s shipped: %(source)s's stock is on its way to %(destination)s.")
               % {"number": transfer.number, "source": transfer.source.code, "destination": transfer.destination.code})
    return back_to(request, "console:transfer_detail", transfer.pk)


@staff_required(Perm.INVENTORY_MANAGE)
@require_POST
def transfer_cancel(request, pk):
    transfer = _load(pk)
    run_action(request, lambda: services.cancel_transfer(actor=request.user, transfer=transfer),
               _("Transfer %(number)s cancelled.") % {"number": transfer.number})
    return back_to(request, "console:transfer_detail", transfer.pk)


@staff_required(Perm.INVENTORY_MANAGE)
@require_POST
def transfer_receive(request, pk):
    transfer = _load(pk)
    form = ReceiveLinesForm(request.POST, lines=transfer.lines.all())
    if form.is_valid():
        try:
            transfer = services.receive_transfer(actor=request.user, transfer=transfer, quantities=form.quantities())
        except DomainError as err:
            form.add_domain_error(err)
        else:
            if transfer.status == Transfer.Status.RECEIVED:
                msg = _("Transfer %(number)s fully received at %(destination)s.")
            else:
                msg = _("Receipt recorded at %(destination)s; transfer %(number)s is still partly on its way.")
            messages.success(request, msg % {"number": transfer.number, "destination": transfer.destination.code})
            return redirect("console:transfer_detail", transfer.pk)
    return _detail(request, transfer, receive_form=form)
