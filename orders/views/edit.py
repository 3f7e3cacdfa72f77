"""Editing an order's lines before picking: the entry form's line rows (SKU preview, one more
row) prefilled with the order's lines. The changes service decides whether the order may still
change and whether the new lines are valid; a refusal writes nothing and comes back on the form."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from oms.errors import DomainError
from oms.permissions import Perm, staff_required

from .. import selectors_console
from ..forms import OrderEditForm, line_formset
from ..models import Order, Status
from ..services.changes import edit_order
from ..state import EDITABLE
from .common import show_line_errors, status_text

TEMPLATE = "orders/order_edit.html"


@staff_required(Perm.ORDERS_MANAGE)
def order_edit(request, pk):
    try:
        order, rows = selectors_console.order_for_edit(pk)
    except Order.DoesNotExist:
        raise Http404
    if request.method != "POST" and (order.status not in EDITABLE or order.picking_started):
        messages.error(request, _("%(number)s is %(status)s: its lines can no longer be edited.") % {
            "number": order.number, "status": order.get_status_display().lower()})
        return redirect("console:order_detail", order.pk)
    line_errors = []
    if request.method == "POST":
        form, lines = OrderEditForm(request.POST), line_formset(request.POST)
        if form.is_valid() and lines.is_valid():
            try:
                order = edit_order(actor=request.user, order=order, lines=lines.lines(),
                                   reason=form.cleaned_data["reason"])
            except DomainError as err:
                line_errors, lines = show_line_errors(form, lines, err)
            else:
                level = messages.SUCCESS if order.status != Status.ON_HOLD else messages.WARNING
                messages.add_message(request, level, _("Lines saved. %(status)s") % {"status": status_text(order)})
                return redirect("console:order_detail", order.pk)
    else:
        form, lines = OrderEditForm(), line_formset(initial=rows)
    return render(request, TEMPLATE, {"order": order, "form": form, "lines": lines, "line_errors": line_errors})
