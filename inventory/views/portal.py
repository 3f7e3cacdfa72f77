from django.shortcuts import render

from oms.pagination import keyset_page
from oms.permissions import Perm, dealer_account, dealer_required


@dealer_required(Perm.PORTAL)
def catalog(request):
    # The company's own prices come from the orders app's pricing engine (the one intake uses),
    # so the catalog shows exactly what an order will charge; inventory itself stays ignorant
    # of orders — only this portal view, the page that composes both, reaches across.
    from orders.selectors import catalog_offers, catalog_products

    company = dealer_account(request.user).company
    q = (request.GET.get("q") or "")[:100]
    page = keyset_page(catalog_products(q=q), key="sku", after=request.GET.get("after"), before=request.GET.get("before"), size=30)
    offers = catalog_offers(company, page.items)
    rows = [{"product": p, "offer": offers.get(p.pk)} for p in page.items]
    template = "inventory/portal_catalog.html"
    if request.htmx and request.GET.get("availability"):
        template += "#availability_updates"  # the badges alone, swapped out of band
    elif request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, {"page": page, "rows": rows, "q": q, "company": company})
