"""The order queue: filters, search, htmx live filtering, keyset pages newest first."""

from django.shortcuts import render
from django.utils import timezone

from oms.pagination import keyset_page
from oms.permissions import Perm, staff_required

from .. import selectors
from ..forms import dress_queue_filters
from .common import template_for

QUEUE_KEY = "-id"  # newest first; the order indexes are (filter, -id) and bench/queue_data.py pages the same way


@staff_required(Perm.ORDERS_VIEW)
def order_list(request):
    queue_filter, qs = selectors.order_queue(request.GET)
    page = keyset_page(qs, key=QUEUE_KEY, after=request.GET.get("after"), size=request.GET.get("size"))
    return render(request, template_for(request, "orders/order_list.html"), {
        "form": dress_queue_filters(queue_filter.form), "page": page, "now": timezone.now(),
    })
