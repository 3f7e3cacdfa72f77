"""Console pages of returns: the returns desk, one return with its timeline and the actions
the role may take, and opening a return for a customer. Thin: bind a form, call one service,
map its DomainError onto the form."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.views.portal import attachment_response
from oms.errors import DomainError
from oms.pagination import keyset_page
from oms.permissions import Perm, has_perm, staff_required

from .. import selectors, services
from ..forms import (
    AuthorizeForm, CancelForm, DeskFilterForm, InspectForm, OrderPickForm, ReceiveForm, RejectForm, ResolveForm,
    ReturnRequestForm,
)
from ..models import ALLOWED_TRANSITIONS, ReturnPhoto, ReturnRequest, Status


def _template(request, template):
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return f"{template}#results"
    return template


@staff_required(Perm.RETURNS_VIEW)
def return_desk(request):
    form = DeskFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.desk_returns(status=filters.get("status", ""), company=filters.get("company", ""),
                                reason=filters.get("reason", ""))
    page = keyset_page(qs, key=selectors.DESK_KEY, after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
    return render(request, _template(request, "returns/desk.html"), {"form": form, "page": page})


def _rma(pk) -> ReturnRequest:
    try:
        return selectors.return_detail(pk)
    except ReturnRequest.DoesNotExist:
        raise Http404


def _detail(request, rma, status=200, **forms):
    lines = list(rma.lines.all())
    can_manage = has_perm(request.user, Perm.RETURNS_MANAGE)
    nxt = ALLOWED_TRANSITIONS.get(rma.status, set())
    context = {
        "rma": rma, "lines": lines, "can_manage": can_manage,
        "quarantine_left": sum(ln.quarantine_left for ln in lines),
        "can_decide": can_manage and Status.AUTHORIZED in nxt,
        "can_receive": can_manage and Status.RECEIVED in nxt,
        "can_inspect": can_manage and Status.INSPECTED in nxt,
        "can_resolve": can_manage and Status.RESOLVED in nxt,
        "can_cancel": can_manage and Status.CANCELLED in nxt,
        "authorize_form": forms.get("authorize_form") or AuthorizeForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "receive_form": forms.get("receive_form") or ReceiveForm(lines=lines),
        "inspect_form": forms.get("inspect_form") or InspectForm(lines=lines),
        "resolve_form": forms.get("resolve_form") or ResolveForm(),
        "value": services.return_value(rma, lines),
    }
    return render(request, "returns/detail.html", context, status=status)


@staff_required(Perm.RETURNS_VIEW)
def return_detail(request, pk):
    return _detail(request, _rma(pk))


def _act(request, pk, form_name, make_form, call, success):
    """Bind the action's form, call its service; on a mistake show the page again with the
    errors beside the fields (422)."""
    rma = _rma(pk)
    form = make_form(rma)
    if form.is_valid():
        try:
            call(rma, form)
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, success % {"number": rma.number})
            return redirect("console:return_detail", rma.pk)
    return _detail(request, selectors.return_detail(rma.pk), status=422, **{form_name: form})


@staff_required(Perm.RETURNS_MANAGE)
@require_POST
def return_authorize(request, pk):
    return _act(request, pk, "authorize_form", lambda rma: AuthorizeForm(request.POST),
                lambda rma, f: services.authorize_return(actor=request.user, rma=rma, comment=f.cleaned_data["comment"]),
                _("Return %(number)s authorized."))


@staff_required(Perm.RETURNS_MANAGE)
@require_POST
def return_reject(request, pk):
    return _act(request, pk, "reject_form", lambda rma: RejectForm(request.POST),
                lambda rma, f: services.reject_return(actor=request.user, rma=rma, reason=f.cleaned_data["reason"]),
                _("Return %(number)s rejected."))


@staff_required(Perm.RETURNS_MANAGE)
@require_POST
def return_cancel(request, pk):
    return _act(request, pk, "cancel_form", lambda rma: CancelForm(request.POST),
                lambda rma, f: services.cancel_return(actor=request.user, rma=rma, comment=f.cleaned_data["comment"]),
                _("Return %(number)s cancelled."))


@staff_required(Perm.RETURNS_MANAGE)
@require_POST
def return_receive(request, pk):
    return _act(request, pk, "receive_form", lambda rma: ReceiveForm(request.POST, lines=list(rma.lines.all())),
                lambda rma, f: services.receive_return(actor=request.user, rma=rma, warehouse=f.cleaned_data["warehouse"],
                                                       quantities=f.quantities()),
                _("Return %(number)s received."))


@staff_required(Perm.RETURNS_MANAGE)
@require_POST
def return_inspect(request, pk):
    return _act(request, pk, "inspect_form", lambda rma: InspectForm(request.POST, lines=list(rma.lines.all())),
                lambda rma, f: services.inspect_return(actor=request.user, rma=rma, outcomes=f.outcomes()),
                _("Return %(number)s inspected; stock updated."))


@staff_required(Perm.RETURNS_MANAGE)
@require_POST
def return_resolve(request, pk):
    return _act(request, pk, "resolve_form", lambda rma: ResolveForm(request.POST),
                lambda rma, f: services.resolve_return(actor=request.user, rma=rma, resolution=f.cleaned_data["resolution"],
                                                       comment=f.cleaned_data["comment"]),
                _("Return %(number)s resolved."))


@staff_required(Perm.RETURNS_VIEW)
def return_photo(request, pk, photo_pk):
    rma = _rma(pk)
    try:
        photo = selectors.photo(rma, photo_pk)
    except ReturnPhoto.DoesNotExist:
        raise Http404
    return attachment_response(photo)


@staff_required(Perm.RETURNS_MANAGE)
def return_create(request):
    """Open a return for a customer (phone / e-mail): find the order, then the same line
    form the dealer sees."""
    pick = OrderPickForm(request.GET or None)
    order = selectors.order_by_number(pick.cleaned_data["order"]) if pick.is_valid() else None
    if pick.is_valid() and order is None:
        pick.add_error("order", _("No order has that number."))
    form = None
    if order is not None:
        room = services.returnable(order)
        form = ReturnRequestForm(request.POST if request.method == "POST" else None, request.FILES or None, lines=selectors.order_lines(order), room=room)
        if request.method == "POST" and form.is_valid():
            try:
                rma = services.request_return(actor=request.user, company=order.company, order=order,
                                              lines=form.line_inputs(), notes=form.cleaned_data["notes"],
                                              photos=form.cleaned_data["photos"], source="console")
            except DomainError as err:
                form.add_domain_error(err)
            else:
                messages.success(request, _("Return %(number)s opened.") % {"number": rma.number})
                return redirect("console:return_detail", rma.pk)
    bad = bool(pick.errors or (form is not None and form.errors))
    return render(request, "returns/create.html", {"pick": pick, "order": order, "form": form},
                  status=422 if bad else 200)
