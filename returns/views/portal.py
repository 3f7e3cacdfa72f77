"""Portal pages of returns: my returns, one return's timeline, asking to return items of a
delivered order, withdrawing a request. Every read is filtered by the dealer's company, so
another company's return or order is simply not found (404)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.views.portal import attachment_response
from oms.actions import run_action
from oms.pagination import keyset_page
from oms.errors import DomainError
from oms.permissions import Perm, dealer_account, dealer_required, has_perm
from orders.models import Order

from .. import selectors, services
from ..forms import ReturnRequestForm
from ..models import ALLOWED_TRANSITIONS, ReturnPhoto, ReturnRequest, Status


def _company(request):
    return dealer_account(request.user).company


def _rma(request, pk):
    try:
        return selectors.dealer_return(_company(request), pk)
    except ReturnRequest.DoesNotExist:
        raise Http404


@dealer_required(Perm.PORTAL)
def return_list(request):
    status = request.GET.get("status", "")
    page = keyset_page(selectors.dealer_returns(_company(request), status=status), key=selectors.DESK_KEY,
                       after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
    return render(request, "returns/portal_list.html", {"page": page, "status": status, "statuses": Status.choices})


@dealer_required(Perm.PORTAL)
def return_detail(request, pk):
    rma = _rma(request, pk)
    return render(request, "returns/portal_detail.html", {
        "rma": rma, "lines": list(rma.lines.all()),
        "can_cancel": has_perm(request.user, Perm.PORTAL_ORDER) and rma.status == Status.REQUESTED
        and Status.CANCELLED in ALLOWED_TRANSITIONS[rma.status],
    })


@dealer_required(Perm.PORTAL_ORDER)
@require_POST
def return_cancel(request, pk):
    rma = _rma(request, pk)
    if rma.status != Status.REQUESTED:
        messages.error(request, _("Only a return still waiting for our review can be withdrawn."))
    else:
        run_action(request, lambda: services.cancel_return(actor=request.user, rma=rma, comment=_("Withdrawn by the dealer.")),
                   _("Return %(number)s withdrawn.") % {"number": rma.number})
    return redirect("portal:return_detail", rma.pk)


@dealer_required(Perm.PORTAL_ORDER)
def return_create(request, order_pk):
    company = _company(request)
    try:
        order = selectors.dealer_order(company, order_pk)
    except Order.DoesNotExist:
        raise Http404
    room = services.returnable(order)
    form = ReturnRequestForm(request.POST if request.method == "POST" else None, request.FILES or None, lines=selectors.order_lines(order), room=room)
    if request.method == "POST" and form.is_valid():
        try:
            rma = services.request_return(actor=request.user, company=company, order=order, lines=form.line_inputs(),
                                          notes=form.cleaned_data["notes"], photos=form.cleaned_data["photos"],
                                          source="portal")
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Return %(number)s requested. We will tell you when it is authorized.")
                             % {"number": rma.number})
            return redirect("portal:return_detail", rma.pk)
    return render(request, "returns/portal_form.html", {"order": order, "form": form},
                  status=422 if form.errors else 200)


@dealer_required(Perm.PORTAL)
def return_photo(request, pk, photo_pk):
    rma = _rma(request, pk)
    try:
        photo = selectors.photo(rma, photo_pk)
    except ReturnPhoto.DoesNotExist:
        raise Http404
    return attachment_response(photo)
