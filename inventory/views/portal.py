from django.shortcuts import render

from customers import selectors as customer_selectors
from oms.pagination import keyset_page
from oms.permissions import Perm, dealer_account, dealer_required

from .. import selectors


@dealer_required(Perm.PORTAL)
def catalog(request):
    company = dealer_account(request.user).company
    q = (request.GET.get("q") or "")[:100]
    page = keyset_page(selectors.product_search(q=q, active=True), key="sku", after=request.GET.get("after"), size=30)
    prices = customer_selectors.list_prices(company, [p.pk for p in page.items])
    rows = [{"product": p, "prices": prices.get(p.pk, [])} for p in page.items]
    template = "inventory/portal_catalog.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, {"page": page, "rows": rows, "q": q, "company": company})
