"""The order queue: filters, search, sorts, htmx live filtering, keyset pages."""

from django.shortcuts import render
from django.utils import timezone

from oms.pagination import keyset_page
from oms.permissions import Perm, staff_required

from .. import selectors, selectors_console
from ..filters import QUEUE_SORTS, queue_customer_pool, queue_sort
from ..forms import dress_queue_filters
from .common import customer_results, template_for



@staff_required(Perm.ORDERS_VIEW)
def order_list(request):
    queue_filter, qs = selectors.order_queue(request.GET)
    sort = queue_sort(request.GET)  # newest first by default: the order indexes are (filter, -id)
    page = keyset_page(qs, key=QUEUE_SORTS[sort], after=request.GET.get("after"), before=request.GET.get("before"),
                       size=request.GET.get("size"))
    form = queue_filter.form
    # the picker names the chosen customer even when another filter is invalid, and keeps a
    # typed text that named none
    chosen = form.cleaned_data.get("company") if form.is_bound and "company" not in form.errors else None
    typed = " ".join(str(form.data.get("customer") or "").split())[:200] if form.is_bound else ""
    return render(request, template_for(request, "orders/order_list.html"), {
        "form": dress_queue_filters(form), "page": page, "now": timezone.now(), "sort": sort,
        "customer_label": selectors_console.picker_label(chosen) if chosen else typed,
        "customer_id": chosen.pk if chosen else "",
    })


@staff_required(Perm.ORDERS_VIEW)
def queue_customers(request):
    """htmx: the queue's customer filter — customers (closed ones too) whose code or name holds
    ?customer=. A search box instead of a <select> of every customer, which grows with the
    customer base. Not by contact phone or e-mail: viewing orders does not open the contacts."""
    return customer_results(request, request.GET.get("customer"), among=queue_customer_pool(), contacts=False)
