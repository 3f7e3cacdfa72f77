"""The approvals inbox: steps whose turn it is for the user's role, oldest order first, with
approve / reject inline (they post to the order's own decision views)."""

from django.http import HttpResponse
from django.shortcuts import render

from oms.pagination import keyset_page
from oms.permissions import Perm, staff_required

from .. import selectors_console
from ..forms import DecisionForm
from ..services.workflow import approvals_waiting_for
from .common import template_for

INBOX_KEY = ("order__created_at", "id")


@staff_required(Perm.ORDERS_APPROVE)
def approval_list(request):
    page = keyset_page(approvals_waiting_for(request.user), key=INBOX_KEY, after=request.GET.get("after"), before=request.GET.get("before"),
                       size=request.GET.get("size"))
    return render(request, template_for(request, "orders/approval_list.html"),
                  {"page": page, "decision_form": DecisionForm()})


@staff_required(Perm.ORDERS_APPROVE)
def approvals_badge(request):
    """htmx, loaded by the sidebar: how many approvals wait for this user (one query)."""
    count = selectors_console.approvals_waiting_count(request.user)
    if not count:
        return HttpResponse("")
    return render(request, "orders/_approvals_badge.html", {"count": count})
