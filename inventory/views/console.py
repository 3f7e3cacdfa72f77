from django.shortcuts import get_object_or_404, render

from oms.pagination import keyset_page
from oms.permissions import Perm, staff_required

from .. import selectors
from ..forms import ProductFilterForm
from ..models import Product


@staff_required(Perm.CATALOG_VIEW)
def product_list(request):
    form = ProductFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.product_search(
        q=filters.get("q") or "", category=filters.get("category") and filters["category"].pk,
        active={"yes": True, "no": False}.get(filters.get("active") or ""),
    )
    page = keyset_page(qs, key="sku", after=request.GET.get("after"), before=request.GET.get("before"))
    template = "inventory/product_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, {"form": form, "page": page})


@staff_required(Perm.CATALOG_VIEW)
def product_detail(request, pk):
    product = get_object_or_404(Product.objects.select_related("category"), pk=pk)
    history = product.history.select_related("history_user").order_by("-history_date")[:20]
    return render(request, "inventory/product_detail.html", {"product": product, "history": history})


@staff_required(Perm.INVENTORY_VIEW)
def warehouse_list(request):
    return render(request, "inventory/warehouse_list.html", {"warehouses": selectors.warehouse_list()})
