"""The dealer portal's ordering pages: cart, quick order, checkout, the dealer's approvals,
order list and detail (cancel, reorder, packing slips), delivery sign-off.

Every page reads through a selector that takes the dealer's company: another company's order,
shipment or cart is simply not found (404). Each POST binds a form, calls one service and maps
its DomainError onto the form or a message."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from inventory.models import Product
from oms.actions import back_to, run_action
from oms.errors import DomainError
from oms.pagination import keyset_page
from oms.permissions import DealerRole, Perm, dealer_account, dealer_required, has_perm

from .. import documents, selectors
from ..forms import (
    AddToCartForm, CartDecisionForm, CartLineForm, CheckoutForm, ConfirmReceiptForm, DiscrepancyForm,
    PortalCancelForm, PortalOrderFilterForm, QuickOrderForm,
)
from ..models import Cart, Order, Shipment
from ..services import cart as cart_service
from ..services import portal_checkout, portal_delivery, portal_quick_order, workflow
from ..state import CANCELLABLE
from .common import pdf_response, template_for


def _company(request):
    return dealer_account(request.user).company


def _cart_context(request, company, *, ship_to=None):
    cart = cart_service.open_cart(user=request.user, company=company)
    return {
        "company": company, "cart": cart,
        "summary": selectors.cart_summary(cart, company=company, ship_to=ship_to),
        "credit": selectors.available_credit(company),
        "cart_count": selectors.cart_count(user=request.user, company=company),
    }


# --- cart ------------------------------------------------------------------------------------

@dealer_required(Perm.PORTAL_ORDER)
def cart_detail(request):
    company = _company(request)
    context = _cart_context(request, company)
    context["submitted"] = selectors.submitted_carts(company, request.user, limit=5)
    context["line_form"] = CartLineForm()
    return render(request, template_for(request, "orders/portal_cart.html", "cart"), context)


@dealer_required(Perm.PORTAL_ORDER)
@require_POST
def cart_add(request):
    """The catalog's "Add to cart": an htmx swap of the card's note (and the nav badge), or a
    redirect back to the catalog without JavaScript."""
    company = _company(request)
    form = AddToCartForm(request.POST)
    product = None
    if form.is_valid():
        product = Product.objects.filter(pk=form.cleaned_data["product"]).first()
    error, quantity = "", (request.POST.get("quantity") or "").strip()[:12]
    if product is None:
        error = _("Choose a product from the catalog.")
    else:
        try:
            line = cart_service.add_to_cart(actor=request.user, company=company, product=product, quantity=quantity)
        except DomainError as err:
            error = str(err.message)
        else:
            quantity = line.quantity
    if request.htmx:
        return render(request, "orders/portal_cart_added.html", {
            "error": error, "product": product, "in_cart": quantity,
            "cart_count": selectors.cart_count(user=request.user, company=company), "oob": True,
        })
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("%(sku)s added: %(qty)s in your cart.") % {"sku": product.sku, "qty": quantity})
    return back_to(request, "portal:catalog")


def _own_line(request, company, pk):
    if not selectors.own_cart_line_exists(company=company, user=request.user, pk=pk):
        raise Http404  # another user's line, or one already gone


def _cart_response(request, company):
    if request.htmx:
        context = _cart_context(request, company)
        context.update({"line_form": CartLineForm(), "oob": True})
        return render(request, "orders/portal_cart.html#cart", context)
    return redirect("portal:cart")


@dealer_required(Perm.PORTAL_ORDER)
@require_POST
def cart_line_update(request, pk):
    company = _company(request)
    _own_line(request, company, pk)
    form = CartLineForm(request.POST)
    quantity = form.data.get("quantity", "")
    try:
        line = cart_service.update_cart_line(actor=request.user, company=company, line_id=pk, quantity=quantity)
    except DomainError as err:
        messages.error(request, str(err.message))
    else:
        messages.success(request, _("Quantity updated.") if line else _("Line removed."))
    return _cart_response(request, company)


@dealer_required(Perm.PORTAL_ORDER)
@require_POST
def cart_line_remove(request, pk):
    company = _company(request)
    _own_line(request, company, pk)
    run_action(request, lambda: cart_service.remove_cart_line(actor=request.user, company=company, line_id=pk),
               _("Line removed."))
    return _cart_response(request, company)


# --- quick order -----------------------------------------------------------------------------

@dealer_required(Perm.PORTAL_ORDER)
@require_http_methods(["GET", "POST"])
def quick_order(request):
    company = _company(request)
    result = None
    if request.method == "POST":
        form = QuickOrderForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                lines, problems = portal_quick_order.parse_text(form.cleaned_data["lines"])
                upload = form.cleaned_data.get("file")
                if upload:
                    more, more_problems = portal_quick_order.parse_csv(portal_quick_order.read_upload(upload))
                    lines, problems = lines + more, problems + more_problems
                if not lines and not problems:
                    raise portal_quick_order.QuickOrderInvalid(_("No lines found: write the SKU and the quantity."),
                                                               field="lines")
                result = portal_quick_order.quick_order_to_cart(actor=request.user, company=company, lines=lines,
                                                                problems=problems)
            except DomainError as err:
                form.add_domain_error(err)
            else:
                if result.added:
                    messages.success(request, ngettext("%(n)d product added to your cart.",
                                                       "%(n)d products added to your cart.", len(result.added))
                                     % {"n": len(result.added)})
                if result.ok:
                    return redirect("portal:cart")
                # keep only what still needs fixing in the box
                form = QuickOrderForm(initial={"lines": "\n".join(p.text for p in result.problems
                                                                  if not p.text.startswith("#"))})
    else:
        form = QuickOrderForm()
    return render(request, "orders/portal_quick_order.html", {"form": form, "result": result, "company": company})


# --- checkout --------------------------------------------------------------------------------

def _checkout_form(request, company, data=None):
    """The checkout form; the points field only when the company has points to spend."""
    balance = _loyalty_balance(company) if portal_checkout.loyalty_available() else 0
    form = CheckoutForm(
        data, company=company, addresses=selectors.dealer_shipping_addresses(company),
        methods=portal_checkout.payment_methods(company), today=timezone.localdate(), loyalty=balance > 0,
    )
    form.loyalty_balance = balance
    return form


@dealer_required(Perm.PORTAL_ORDER)
@require_http_methods(["GET", "POST"])
def checkout(request):
    company = _company(request)
    form = _checkout_form(request, company, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = portal_checkout.checkout_cart(
                actor=request.user, company=company, ship_to=data["ship_to"], payment_method=data["payment_method"],
                idempotency_key=data["idempotency_key"], requested_date=data.get("requested_date"),
                customer_po=data.get("customer_po", ""), notes=data.get("notes", ""),
                loyalty_points=data.get("loyalty_points") or 0, cart_version=data.get("cart_version", ""))
        except DomainError as err:
            form.add_domain_error(err)
        else:
            if result.awaiting_approval:
                messages.warning(request, _("Your order is above your buyer limit: it was sent to your approver. "
                                            "You will be told when it is decided."))
                return redirect("portal:approval_detail", result.cart.pk)
            if result.cart.status == Cart.Status.REJECTED:
                messages.error(request, _("This order request was rejected."))
                return redirect("portal:approval_detail", result.cart.pk)
            order = result.order
            if result.created:
                order.refresh_from_db(fields=["status"])  # paid from the customer's credit: already sent on
                messages.success(request, _("Thank you! Order %(number)s is placed: %(status)s.")
                                 % {"number": order.number, "status": order.get_status_display().lower()})
            return redirect("portal:order_detail", order.pk)
    ship_to = None
    if form.is_bound and form["ship_to"].value():
        ship_to = selectors.dealer_shipping_addresses(company).filter(pk=_int(form["ship_to"].value())).first()
    else:
        ship_to = selectors.dealer_shipping_addresses(company).first()
    context = _cart_context(request, company, ship_to=ship_to)
    if context["summary"].is_empty and request.method == "GET":
        messages.info(request, _("Your cart is empty: add products first."))
        return redirect("portal:cart")
    account = dealer_account(request.user)
    limit = company.buyer_order_limit
    context.update({
        "form": form, "ship_to": ship_to,
        "needs_approval": account.role == DealerRole.BUYER and limit is not None and context["summary"].total > limit,
        "loyalty_balance": form.loyalty_balance,
    })
    return render(request, "orders/portal_checkout.html", context)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _loyalty_balance(company):
    from customers.selectors import loyalty_balance

    return loyalty_balance(company)


# --- the dealer's approvals ------------------------------------------------------------------

@dealer_required(Perm.PORTAL_APPROVE)
def approval_list(request):
    company = _company(request)
    return render(request, "orders/portal_approvals.html", {
        "company": company, "carts": list(selectors.carts_awaiting_approval(company)),
    })


def _visible_cart(request, company, pk):
    """A submitted cart the user may see: the company's approvers see all, a buyer their own."""
    try:
        cart = selectors.dealer_cart(company, pk)
    except Cart.DoesNotExist:
        raise Http404
    if cart.user_id != request.user.pk and not has_perm(request.user, Perm.PORTAL_APPROVE):
        raise Http404
    return cart


@dealer_required(Perm.PORTAL_ORDER)
def approval_detail(request, pk):
    company = _company(request)
    cart = _visible_cart(request, company, pk)
    return render(request, "orders/portal_approval.html", {
        "company": company, "cart": cart,
        "summary": selectors.cart_summary(cart, company=company, ship_to=cart.ship_to),
        "can_decide": cart.status == Cart.Status.AWAITING_APPROVAL and has_perm(request.user, Perm.PORTAL_APPROVE),
        "can_restore": cart.status == Cart.Status.REJECTED and cart.user_id == request.user.pk,
        "payment": dict(portal_checkout.payment_methods(company)).get(cart.payment_method, cart.payment_method),
        "decision_form": CartDecisionForm(),
    })


@dealer_required(Perm.PORTAL_APPROVE)
@require_POST
def approval_approve(request, pk):
    company = _company(request)
    cart = _visible_cart(request, company, pk)
    comment = (request.POST.get("comment") or "")[:1000]
    order = run_action(request, lambda: portal_checkout.approve_cart(actor=request.user, company=company, cart_id=cart.pk,
                                                                     comment=comment),
                       lambda o: _("Approved: order %(number)s is placed for %(who)s.") % {"number": o.number, "who": cart.user})
    if order is not None:
        return redirect("portal:order_detail", order.pk)
    return redirect("portal:approval_detail", cart.pk)


@dealer_required(Perm.PORTAL_APPROVE)
@require_POST
def approval_reject(request, pk):
    company = _company(request)
    cart = _visible_cart(request, company, pk)
    comment = (request.POST.get("comment") or "")[:1000]
    done = run_action(request, lambda: portal_checkout.reject_cart(actor=request.user, company=company, cart_id=cart.pk,
                                                                   comment=comment),
                      _("Rejected; %(who)s has been told why.") % {"who": cart.user})
    if done:
        return redirect("portal:approvals")
    return redirect("portal:approval_detail", cart.pk)


@dealer_required(Perm.PORTAL_ORDER)
@require_POST
def approval_restore(request, pk):
    company = _company(request)
    cart = _visible_cart(request, company, pk)
    done = run_action(request, lambda: portal_checkout.restore_cart(actor=request.user, company=company, cart_id=cart.pk),
                      _("The products are back in your cart: change them and check out again."))
    return redirect("portal:cart") if done else redirect("portal:approval_detail", cart.pk)


# --- orders ----------------------------------------------------------------------------------

@dealer_required(Perm.PORTAL)
def order_list(request):
    company = _company(request)
    form = PortalOrderFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.dealer_orders(company, status=filters.get("status") or "", q=filters.get("q") or "")
    page = keyset_page(qs, key="-id", after=request.GET.get("after"), before=request.GET.get("before"), size=20)
    return render(request, template_for(request, "orders/portal_order_list.html"), {
        "company": company, "form": form, "page": page,
    })


def _dealer_order(company, pk):
    try:
        return selectors.dealer_order(company, pk)
    except Order.DoesNotExist:
        raise Http404


@dealer_required(Perm.PORTAL)
def order_detail(request, pk):
    company = _company(request)
    try:
        detail = selectors.dealer_order_detail(company, pk)
    except Order.DoesNotExist:
        raise Http404  # another company's order is simply not there
    order = detail["order"]
    may_order = has_perm(request.user, Perm.PORTAL_ORDER)
    return render(request, "orders/portal_order_detail.html", {
        **detail, "company": company,
        "can_cancel": may_order and order.status in CANCELLABLE,
        "can_reorder": may_order,
        "can_sign": may_order,
        "cancel_form": PortalCancelForm(),
    })


@dealer_required(Perm.PORTAL_ORDER)
@require_POST
def order_cancel(request, pk):
    company = _company(request)
    order = _dealer_order(company, pk)
    form = PortalCancelForm(request.POST)
    reason = (form.data.get("reason") or "").strip()[:500]
    run_action(request, lambda: workflow.cancel_order(actor=request.user, order=order, reason=reason),
               _("Order %(number)s is cancelled.") % {"number": order.number})
    return redirect("portal:order_detail", order.pk)


@dealer_required(Perm.PORTAL_ORDER)
@require_POST
def order_reorder(request, pk):
    company = _company(request)
    order = _dealer_order(company, pk)
    try:
        result = cart_service.reorder_to_cart(actor=request.user, company=company, order=order)
    except DomainError as err:
        messages.error(request, str(err.message))
        return redirect("portal:order_detail", order.pk)
    if result.added:
        messages.success(request, ngettext("%(n)d product from %(number)s is in your cart at today's price.",
                                           "%(n)d products from %(number)s are in your cart at today's prices.",
                                           len(result.added)) % {"n": len(result.added), "number": order.number})
    for sku, why in result.adjusted:
        messages.info(request, f"{sku}: {why}")
    for sku, when in result.later:
        messages.warning(request, _("%(sku)s is not in stock today: expected delivery %(date)s.")
                         % {"sku": sku, "date": when.isoformat()})
    if result.skipped:
        messages.warning(request, _("Not added: %(lines)s.") % {"lines": "; ".join(f"{s} ({w})" for s, w in result.skipped)})
    if not result.added:
        return redirect("portal:order_detail", order.pk)
    return redirect("portal:cart")


# --- shipments: documents and delivery sign-off ----------------------------------------------

def _dealer_shipment(company, pk):
    try:
        return selectors.dealer_shipment(company, pk)
    except Shipment.DoesNotExist:
        raise Http404


@dealer_required(Perm.PORTAL)
def packing_slip(request, pk):
    shipment = _dealer_shipment(_company(request), pk)
    if shipment.status == Shipment.Status.CANCELLED:
        raise Http404
    return pdf_response(documents.packing_slip(shipment), f"packing-slip-{shipment.number}.pdf")


def _receipt_initial(request):
    return {"received_by": request.user.get_full_name() or request.user.username,
            "received_at": timezone.localtime().replace(second=0, microsecond=0)}


@dealer_required(Perm.PORTAL_ORDER)
@require_http_methods(["GET", "POST"])
def delivery_confirm(request, pk):
    company = _company(request)
    shipment = _dealer_shipment(company, pk)
    form = ConfirmReceiptForm(request.POST or None, initial=_receipt_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            portal_delivery.confirm_receipt(
                actor=request.user, company=company, shipment=shipment, received_by=data.get("received_by", ""),
                received_at=data.get("received_at"), signature_text=data.get("signature_text", ""),
                signature_image=data.get("signature_image", ""))
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Thank you: receipt of %(number)s is confirmed.") % {"number": shipment.number})
            return redirect("portal:order_detail", shipment.order_id)
    return render(request, "orders/portal_delivery_confirm.html", {
        "company": company, "shipment": shipment, "order": shipment.order, "form": form,
        "can_sign": shipment.status == Shipment.Status.SHIPPED,
    })


@dealer_required(Perm.PORTAL_ORDER)
@require_http_methods(["GET", "POST"])
def delivery_discrepancy(request, pk):
    company = _company(request)
    shipment = _dealer_shipment(company, pk)
    lines = list(shipment.lines.all())
    if request.method == "POST":
        form = DiscrepancyForm(request.POST, request.FILES, shipment_lines=lines, initial=_receipt_initial(request))
    else:
        form = DiscrepancyForm(shipment_lines=lines, initial=_receipt_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = portal_delivery.report_discrepancy(
                actor=request.user, company=company, shipment=shipment, received_by=data.get("received_by", ""),
                received_at=data.get("received_at"), received_quantities=form.received_quantities(),
                description=data.get("description", ""), photos=data.get("photos") or [])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            ticket = getattr(result.ticket, "number", "")
            text = _("The discrepancy on %(number)s is recorded.") % {"number": shipment.number}
            if ticket:
                text += " " + _("Claim %(ticket)s is open; we will be in touch.") % {"ticket": ticket}
            messages.success(request, text)
            return redirect("portal:order_detail", shipment.order_id)
    return render(request, "orders/portal_delivery_discrepancy.html", {
        "company": company, "shipment": shipment, "order": shipment.order, "form": form,
        "can_sign": shipment.status == Shipment.Status.SHIPPED,
    })

