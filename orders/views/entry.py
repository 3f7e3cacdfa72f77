"""Phone / e-mail order entry: a sales rep keys an order for a customer. The intake service
decides everything (SKUs, quantities, pack sizes, address, prices, review, approval); the form
only carries the input and shows what the service says."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from oms.errors import DomainError
from oms.permissions import Perm, staff_required

from .. import selectors_console
from ..forms import OrderEntryForm, OrderLineForm, line_formset
from ..models import Channel, Status
from ..services.intake import MAX_LINES, place_order
from .common import customer_results, hold_reasons_text, show_line_errors

TEMPLATE = "orders/order_form.html"
LINES_TEMPLATE = "orders/_order_lines.html"  # the line rows, shared with the edit page


def _initial(request):
    """?company=ID from a customer page's "new order" link."""
    company = request.GET.get("company", "")
    return {"company": int(company)} if company.isdigit() else {}


def _placed_message(order, created):
    status = order.get_status_display().lower()
    if not created:
        return _("%(number)s was already placed from this form (it was sent twice): %(status)s.") % {
            "number": order.number, "status": status}
    text = _("%(number)s placed: %(status)s") % {"number": order.number, "status": status}
    held = hold_reasons_text(order)
    return f"{text} — {held}" if held else text


@staff_required(Perm.ORDERS_MANAGE)
def order_create(request):
    line_errors = []
    if request.method == "POST":
        form, lines = OrderEntryForm(request.POST), line_formset(request.POST)
        if form.is_valid() and lines.is_valid():
            d = form.cleaned_data
            try:
                order, created = place_order(
                    actor=request.user, company=d["company"], lines=lines.lines(), channel=Channel.CONSOLE,
                    ship_to=d["ship_to"], idempotency_key=d["idempotency_key"], customer_po=d["customer_po"],
                    requested_date=d["requested_date"], notes=d["notes"], tags=d["tags"], source="console",
                )
            except DomainError as err:
                line_errors, lines = show_line_errors(form, lines, err)
            else:
                level = messages.SUCCESS if order.status != Status.ON_HOLD else messages.WARNING
                messages.add_message(request, level, _placed_message(order, created))
                return redirect("console:order_detail", order.pk)
    else:
        form, lines = OrderEntryForm(initial=_initial(request)), line_formset()
    return render(request, TEMPLATE, {"form": form, "lines": lines, "line_errors": line_errors, "max_lines": MAX_LINES})


@staff_required(Perm.ORDERS_MANAGE)
def entry_addresses(request):
    """htmx: the ship-to select for the customer just chosen."""
    form = OrderEntryForm(initial={"company": request.GET.get("company") or None})
    return render(request, f"{TEMPLATE}#ship_to", {"form": form})


@staff_required(Perm.ORDERS_MANAGE)
def entry_line(request):
    """htmx: one more line row, and the formset's raised row count (out of band). Serves the
    entry and the edit page alike (both name their rows `lines-N-...`)."""
    try:
        index = int(request.GET.get("lines-TOTAL_FORMS", ""))
    except ValueError:
        index = 0
    index = max(index, 0)
    if index >= MAX_LINES:
        return render(request, f"{LINES_TEMPLATE}#line_limit", {"max_lines": MAX_LINES})
    form = OrderLineForm(prefix=f"lines-{index}", empty_permitted=True, use_required_attribute=False)
    return render(request, f"{LINES_TEMPLATE}#new_line", {"f": form, "row": index, "total_forms": index + 1})


@staff_required(Perm.ORDERS_MANAGE)
def entry_preview(request):
    """htmx: what a line's SKU is, this customer's price for the quantity and the units free
    now. Reads the row's own inputs (`lines-N-sku`, `lines-N-quantity`) or plain `sku`."""
    row = request.GET.get("row", "")
    prefix = f"lines-{row}-" if row.isdigit() else ""
    code = (request.GET.get(f"{prefix}sku") or request.GET.get("sku") or "").strip()[:40]
    if not code:
        return render(request, "orders/_line_preview.html", {"preview": None})
    quantity = request.GET.get(f"{prefix}quantity") or request.GET.get("quantity")
    company = ship_to = None
    if (company_id := request.GET.get("company", "")).isdigit():
        company = selectors_console.entry_customers().filter(pk=int(company_id)).first()
    if company is not None and (address_id := request.GET.get("ship_to", "")).isdigit():
        ship_to = selectors_console.shipping_addresses(company).filter(pk=int(address_id)).first()
    preview = selectors_console.sku_preview(code=code, company=company, quantity=quantity,
                                            region=ship_to.region if ship_to else None)
    return render(request, "orders/_line_preview.html", {"preview": preview, "company": company})


@staff_required(Perm.ORDERS_MANAGE)
def entry_customers(request):
    """htmx: the customer picker's results for ?q= (code, name, contact phone or e-mail)."""
    return customer_results(request, request.GET.get("q") or request.GET.get("customer"))


@staff_required(Perm.ORDERS_MANAGE)
def entry_products(request):
    """htmx: a line's SKU autocomplete for ?q= (SKU, name or barcode) with this customer's
    price (?company=, ?ship_to= for the region's tax) for the row's quantity or the pack size,
    and the stock free now. Reads a row's own inputs (`lines-N-sku`, `lines-N-quantity`) too."""
    row = request.GET.get("row", "")
    prefix = f"lines-{row}-" if row.isdigit() else ""
    q = (request.GET.get("q") or request.GET.get(f"{prefix}sku") or "").strip()[:40]
    quantity = request.GET.get("quantity") or request.GET.get(f"{prefix}quantity")
    company = ship_to = None
    if (company_id := request.GET.get("company", "")).isdigit():
        company = selectors_console.entry_customers().select_related("price_list").filter(pk=int(company_id)).first()
    if company is not None and (address_id := request.GET.get("ship_to", "")).isdigit():
        ship_to = selectors_console.shipping_addresses(company).filter(pk=int(address_id)).first()
    choices = selectors_console.product_choices(q=q, company=company, quantity=quantity,
                                                region=ship_to.region if ship_to else None)
    return render(request, f"{LINES_TEMPLATE}#sku_results", {
        "choices": choices, "q": q, "row": row if row.isdigit() else "", "company": company,
        "too_short": len(q) < selectors_console.PICKER_MIN_CHARS})
