"""An order's page, and one small POST view per action on it. Each action binds its form,
calls one workflow service and goes back with the service's message."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from customers.models import Company
from oms.actions import back_to, run_action
from oms.permissions import Perm, StaffRole, perms_of, staff_required

from .. import selectors, selectors_console
from ..forms import CancelForm, CommentForm, DecisionForm, HoldForm, NoteForm, TagsForm
from ..models import Order, OrderApproval, Shipment, Status
from ..services import changes, fulfilment, workflow
from ..state import CANCELLABLE, EDITABLE
from .common import status_text


def current_step(order, approvals):
    """The approval step whose turn it is (the lowest pending step of the latest round)."""
    if order.status != Status.PENDING_APPROVAL:
        return None
    pending = [a for a in approvals if a.decision == OrderApproval.Decision.PENDING]
    return min(pending, key=lambda a: (a.round, a.step), default=None)


def allowed_actions(user, order, approvals, shipments=()):
    """What this user's role may do to the order now: the page shows only these."""
    perms = perms_of(user)
    manage = Perm.ORDERS_MANAGE in perms
    step = current_step(order, approvals)
    started = selectors_console.picking_started(shipments)
    may_decide = (step is not None and Perm.ORDERS_APPROVE in perms
                  and user.staff_role in (step.role, StaffRole.ADMIN))
    return {
        "current_step": step,
        "can_release": manage and order.status == Status.ON_HOLD,
        "can_decide": may_decide,
        "can_cancel": manage and order.status in CANCELLABLE,
        "can_complete": manage and order.status == Status.DELIVERED,
        "can_hold": manage and order.status in changes.HOLDABLE and not started,
        "can_edit": manage and order.status in EDITABLE and not started,
        "can_edit_tags": manage,
        "can_add_note": manage,
        "can_fulfil": Perm.INVENTORY_MANAGE in perms,
        "can_pick": Perm.INVENTORY_MANAGE in perms and any(
            s.status in (Shipment.Status.PENDING, Shipment.Status.PICKING) for s in shipments),
    }


@staff_required(Perm.ORDERS_VIEW)
def order_detail(request, pk):
    try:
        detail = selectors.order_detail(pk)
    except Order.DoesNotExist:
        raise Http404
    order = detail["order"]
    selectors_console.attach_latest_tracking(detail["shipments"])  # one query for all shipments
    selectors_console.attach_tracking_times(detail["events"])
    context = {**detail, **allowed_actions(request.user, order, detail["approvals"], detail["shipments"])}
    context.update({
        "tags_form": TagsForm(initial={"tags": order.tags}), "decision_form": DecisionForm(),
        "cancel_form": CancelForm(), "note_form": NoteForm(), "release_form": CommentForm(),
        "complete_form": CommentForm(auto_id="id_complete_%s"),
        "hold_form": HoldForm(auto_id="id_hold_%s"),  # its own ids: the cancel form has a `reason` too
        "payment_terms": dict(Company.PaymentTerms.choices).get(order.payment_terms, order.payment_terms),
    })
    if Perm.PAYMENTS_VIEW in perms_of(request.user):
        from payments.selectors import order_billing

        context["billing"] = order_billing(order)
    return render(request, "orders/order_detail.html", context)


def _order(pk):
    return get_object_or_404(Order.objects.select_related("company"), pk=pk)


def _cleaned(form):
    form.is_valid()
    return getattr(form, "cleaned_data", {})


@staff_required(Perm.ORDERS_MANAGE)
@require_POST
def order_release(request, pk):
    order = _order(pk)
    data = _cleaned(CommentForm(request.POST))
    if order.status != Status.ON_HOLD:
        # release_hold does not check this itself: on an order that is not held it would
        # send the order back through review (and allocation) a second time.
        messages.error(request, _("%(number)s is not on hold: there is nothing to release.") % {"number": order.number})
        return back_to(request, "console:order_detail", pk)
    run_action(request, lambda: workflow.release_hold(actor=request.user, order=order, comment=data.get("comment", "")),
               lambda o: _("Released from hold. %(status)s") % {"status": status_text(o)},
               level=lambda o: messages.WARNING if o.status == Status.ON_HOLD else messages.SUCCESS)
    return back_to(request, "console:order_detail", pk)


def _decide(request, pk, *, approve):
    order = _order(pk)
    data = _cleaned(DecisionForm(request.POST))
    decide = workflow.approve_order if approve else workflow.reject_order
    done = _("Approved.") if approve else _("Rejected.")
    run_action(request, lambda: decide(actor=request.user, order=order, approval_id=data.get("approval_id"),
                                       comment=data.get("comment", "")),
               lambda o: f"{done} {status_text(o)}")
    return back_to(request, "console:order_detail", pk)


@staff_required(Perm.ORDERS_APPROVE)
@require_POST
def order_approve(request, pk):
    return _decide(request, pk, approve=True)


@staff_required(Perm.ORDERS_APPROVE)
@require_POST
def order_reject(request, pk):
    return _decide(request, pk, approve=False)


@staff_required(Perm.ORDERS_MANAGE)
@require_POST
def order_cancel(request, pk):
    order = _order(pk)
    data = _cleaned(CancelForm(request.POST))
    run_action(request, lambda: workflow.cancel_order(actor=request.user, order=order, reason=data.get("reason", "")),
               _("%(number)s cancelled; its reserved stock was released.") % {"number": order.number})
    return back_to(request, "console:order_detail", pk)


@staff_required(Perm.ORDERS_MANAGE)
@require_POST
def order_complete(request, pk):
    """Close a delivered order: the customer has everything; an unpaid one still counts
    against credit until its invoice is paid."""
    order = _order(pk)
    data = _cleaned(CommentForm(request.POST))
    run_action(request, lambda: fulfilment.complete_order(actor=request.user, order=order,
                                                          comment=data.get("comment", "")),
               _("%(number)s completed.") % {"number": order.number})
    return back_to(request, "console:order_detail", pk)


@staff_required(Perm.ORDERS_MANAGE)
@require_POST
def order_hold(request, pk):
    order = _order(pk)
    data = _cleaned(HoldForm(request.POST))
    run_action(request, lambda: changes.hold_order(actor=request.user, order=order, reason=data.get("reason", "")),
               lambda o: _("Put on hold. %(status)s") % {"status": status_text(o)}, level=messages.WARNING)
    return back_to(request, "console:order_detail", pk)


@staff_required(Perm.ORDERS_MANAGE)
@require_POST
def order_tags(request, pk):
    order = _order(pk)
    form = TagsForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose tags from the list."))
        return back_to(request, "console:order_detail", pk)
    run_action(request, lambda: workflow.set_tags(actor=request.user, order=order, tags=form.cleaned_data["tags"]),
               _("Tags saved."))
    return back_to(request, "console:order_detail", pk)


@staff_required(Perm.ORDERS_MANAGE)
@require_POST
def order_note(request, pk):
    order = _order(pk)
    data = _cleaned(NoteForm(request.POST))
    run_action(request, lambda: workflow.add_note(actor=request.user, order=order, text=data.get("text", "")),
               _("Note added to the timeline."))
    return back_to(request, "console:order_detail", pk)
