"""Console pages for stock: the overview, a product's stock card, the low-stock board and the
receive / adjust / count forms. Thin views: bind a form, call one service, map its errors."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oms.errors import DomainError
from oms.pagination import keyset_page
from oms.permissions import Perm, staff_required

from .. import selectors, selectors_console, services
from ..forms import AdjustStockForm, CountStockForm, ReceiveStockForm, StockFilterForm
from ..models import Product
from ..services.replenishment import low_stock as low_stock_rows

STOCK_KEY = ("product__sku", "warehouse__code")
LOW_STOCK_KEY = ("warehouse__priority", "warehouse__code", "product__sku")


def _currency():
    return settings.OMS_DEFAULT_CURRENCY


@staff_required(Perm.INVENTORY_VIEW)
def stock_list(request):
    form = StockFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.stock_overview(
        q=filters.get("q") or "", warehouse=filters.get("warehouse"), category=filters.get("category"),
        low_only=bool(filters.get("low")),
    )
    page = keyset_page(qs, key=STOCK_KEY, after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
    context = {"form": form, "page": page, "currency": _currency()}
    template = "inventory/stock_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    else:
        context["valuation"] = selectors.stock_value_by_warehouse()
        context["valuation_total"] = sum((row["value"] or 0 for row in context["valuation"]), start=0)
    return render(request, template, context)


@staff_required(Perm.INVENTORY_VIEW)
def stock_card(request, pk):
    product = get_object_or_404(Product.objects.select_related("category", "supplier"), pk=pk)
    card = selectors.product_stock_card(product)
    for s in card["stocks"]:
        s.value = s.on_hand * product.average_cost
    return render(request, "inventory/stock_card.html", {"product": product, "currency": _currency(), **card})


def _initial(request):
    """?product=SKU&warehouse=ID from the stock card's links."""
    initial = {}
    if product := request.GET.get("product", "").strip():
        initial["product"] = product[:40]
    if (warehouse := request.GET.get("warehouse", "")).isdigit():
        initial["warehouse"] = int(warehouse)
    return initial


def _bind(request, form_class):
    """A bound form for a POST; for a GET, an empty one prefilled from the query string."""
    if request.method == "POST":
        return form_class(request.POST)
    return form_class(initial=_initial(request))


def _render_entry(request, form, *, title, intro, submit):
    sku = form["product"].value()
    card_product = Product.objects.filter(sku=sku).only("pk", "sku").first() if isinstance(sku, str) and sku else None
    return render(request, "inventory/stock_entry.html", {
        "form": form, "title": title, "intro": intro, "submit": submit, "card_product": card_product,
    })


@staff_required(Perm.INVENTORY_MANAGE)
def stock_receive(request):
    form = _bind(request, ReceiveStockForm)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.receive_stock(actor=request.user, product=d["product"], warehouse=d["warehouse"],
                                   quantity=d["quantity"], unit_cost=d["unit_cost"], reason=d["reason"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Received %(qty)d × %(sku)s at %(warehouse)s.")
                             % {"qty": d["quantity"], "sku": d["product"].sku, "warehouse": d["warehouse"].code})
            return redirect("console:stock_card", d["product"].pk)
    return _render_entry(request, form, title=_("Receive stock"), submit=_("Receive"),
                         intro=_("Goods that arrived without a purchase order or transfer."))


@staff_required(Perm.INVENTORY_MANAGE)
def stock_adjust(request):
    form = _bind(request, AdjustStockForm)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        kind, quantity = form.movement()
        try:
            movement = services.adjust_stock(actor=request.user, product=d["product"], warehouse=d["warehouse"],
                                             kind=kind, quantity=quantity, reason=d["reason"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("%(kind)s of %(qty)+d × %(sku)s at %(warehouse)s recorded.") % {
                "kind": movement.get_kind_display(), "qty": movement.on_hand_delta, "sku": d["product"].sku,
                "warehouse": d["warehouse"].code})
            return redirect("console:stock_card", d["product"].pk)
    return _render_entry(request, form, title=_("Adjust stock"), submit=_("Record adjustment"),
                         intro=_("Correct on-hand stock: found, lost, damaged, quarantined, scrapped or restocked units."))


@staff_required(Perm.INVENTORY_MANAGE)
def stock_count(request):
    form = _bind(request, CountStockForm)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            movement = services.count_stock(actor=request.user, product=d["product"], warehouse=d["warehouse"],
                                            counted=d["counted"], reason=d["reason"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Counted %(counted)d × %(sku)s at %(warehouse)s (%(delta)+d on hand).") % {
                "counted": d["counted"], "sku": d["product"].sku, "warehouse": d["warehouse"].code,
                "delta": movement.on_hand_delta})
            return redirect("console:stock_card", d["product"].pk)
    return _render_entry(request, form, title=_("Count stock"), submit=_("Record count"),
                         intro=_("A cycle count: what is on the shelf becomes the on-hand quantity."))


@staff_required(Perm.INVENTORY_VIEW)
def low_stock(request):
    page = keyset_page(low_stock_rows(), key=LOW_STOCK_KEY, after=request.GET.get("after"), before=request.GET.get("before"),
                       size=request.GET.get("size"))
    return render(request, "inventory/low_stock.html", {
        "page": page, "currency": _currency(), **selectors_console.replenishment_drafts(),
    })


@staff_required(Perm.PURCHASING_MANAGE)
@require_POST
def low_stock_replenish(request):
    result = services.run_replenishment(actor=request.user)
    messages.success(request, _(
        "Replenishment checked %(low)d stock rows at or below their reorder point: %(transfers)d transfers and "
        "%(orders)d purchase orders drafted."
    ) % {"low": result["low"], "transfers": len(result["transfers"]), "orders": len(result["purchase_orders"])})
    return redirect("console:low_stock")

