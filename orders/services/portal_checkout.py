"""Portal checkout and the dealer's own approval of a buyer's order.

Checkout turns the user's open cart into an order through the one intake service
(`place_order(channel="portal")`), with the idempotency key the checkout page was rendered
with: the same form sent twice (a double click, a refresh) gives one order. When the company
has a buyer order limit and a buyer's cart is above it, the cart is submitted to the dealer's
approvers instead (status "awaiting approval", the checkout details kept on the cart); an
approver places it for the buyer (who stays `placed_by`) or rejects it with a comment."""

import logging
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop

from customers.models import Address, Company
from oms.errors import DomainError, PermissionDeniedError, ValidationFailed
from oms.i18n import Message
from oms.models import Notification
from oms.money import format_money
from oms.notifications import notify
from oms.permissions import DealerRole, Perm, dealer_account, has_perm

from .. import selectors
from ..models import Cart, Channel, Order, OrderEvent
from .cart import CartInvalid
from .intake import place_order
from .transitions import record_event

logger = logging.getLogger(__name__)
User = get_user_model()
NET_TERMS = {Company.PaymentTerms.NET15: 15, Company.PaymentTerms.NET30: 30, Company.PaymentTerms.NET60: 60}


class CheckoutInvalid(ValidationFailed):
    code = "checkout_invalid"


class StaleCart(DomainError):
    """Someone else decided the cart first."""

    code = "stale_cart"


# --- payment methods -----------------------------------------------------------------------

def payment_methods(company) -> list[tuple[str, str]]:
    """What the company may choose at checkout, from its payment terms, the account's own terms
    first: on account (invoice, pay within the net days) for credit customers, cash on delivery
    for COD customers — both may also pay in advance against a pro-forma invoice — and
    prepayment for prepaid customers (the order then waits for the money).

    Paying in advance makes the order prepaid: it holds its stock and waits for the money
    (the dealer can pay it online from the order page)."""
    terms = company.payment_terms
    advance = ("advance", _("Pay in advance by bank transfer — we send a pro-forma invoice"))
    if terms in NET_TERMS:
        return [("on_account", _("On account — invoice, pay within %(days)d days") % {"days": NET_TERMS[terms]}), advance]
    if terms == Company.PaymentTerms.COD:
        return [("cod", _("Cash on delivery — pay the driver")), advance]
    return [("prepaid", _("Prepay by bank transfer — we ship once the money arrives"))]


def _terms_for(payment_method):
    """The order's payment terms for a checkout choice: paying in advance makes it prepaid."""
    return Company.PaymentTerms.PREPAID if payment_method in ("advance", "prepaid") else None


def _payment_label(company, value):
    return dict(payment_methods(company)).get(value, value)


# --- loyalty (the customers app's services, when they are there) ----------------------------

def loyalty_available():
    try:
        from customers.services import redeem_points  # noqa: F401
        from customers.selectors import loyalty_balance  # noqa: F401
    except ImportError:
        return False
    return True


def _note_redemption(*, actor, points, order):
    """Intake redeemed the points and took their value off the lines; say so on the timeline."""
    record_event(order, OrderEvent.Kind.NOTE, actor=actor,
                 message=Message(gettext_noop("%(points)d loyalty points redeemed for %(amount)s off."),
                                 points=points, amount=format_money(order.loyalty_discount, order.currency)),
                 data={"customer_visible": True, "portal_event": "loyalty", "points": points,
                       "discount": str(order.loyalty_discount)})


# --- checkout --------------------------------------------------------------------------------

@dataclass
class CheckoutResult:
    cart: Cart
    order: Order | None = None
    created: bool = False

    @property
    def awaiting_approval(self):
        return self.order is None and self.cart.status == Cart.Status.AWAITING_APPROVAL


def _replayed(company, key):
    """What an earlier submission with this key produced, or None."""
    order = Order.objects.filter(idempotency_key=key).first()
    cart = Cart.objects.filter(idempotency_key=key).first()
    if (order is not None and order.company_id != company.pk) or (cart is not None and cart.company_id != company.pk):
        raise CheckoutInvalid(_("That checkout belongs to another customer."), field="idempotency_key")
    if order is not None:
        return CheckoutResult(cart=cart or Cart(company=company, status=Cart.Status.ORDERED), order=order)
    if cart is not None:
        return CheckoutResult(cart=cart, order=cart.order)
    return None


def _check_details(*, company, ship_to, requested_date, payment_method, loyalty_points, today):
    if ship_to is None:
        raise CheckoutInvalid(_("Choose where to ship."), field="ship_to")
    if not isinstance(ship_to, Address) or ship_to.company_id != company.pk or ship_to.kind != Address.Kind.SHIPPING:
        raise CheckoutInvalid(_("Choose one of your shipping addresses."), field="ship_to")
    if requested_date is not None:
        if not isinstance(requested_date, date) or requested_date < today:
            raise CheckoutInvalid(_("The requested delivery date cannot be in the past."), field="requested_date")
    if payment_method not in dict(payment_methods(company)):
        raise CheckoutInvalid(_("Choose a payment method your account allows."), field="payment_method")
    if loyalty_points:
        if loyalty_points < 0:
            raise CheckoutInvalid(_("Enter a positive number of points."), field="loyalty_points")
        if not loyalty_available():
            raise CheckoutInvalid(_("Loyalty points cannot be redeemed yet."), field="loyalty_points")
        from customers.selectors import loyalty_balance

        balance = loyalty_balance(company)
        if loyalty_points > balance:
            raise CheckoutInvalid(_("You have %(balance)d points; %(points)d cannot be redeemed.")
                                  % {"balance": balance, "points": loyalty_points}, field="loyalty_points")


def _order_lines(cart):
    return [{"sku": ln.product.sku, "quantity": ln.quantity} for ln in cart.lines.select_related("product").order_by("added_at", "pk")]


def _after_placing(*, actor, company, order, payment_method, loyalty_points, approved_by=None, comment=""):
    """What the portal adds to a fresh order: who approved it, the payment choice, points."""
    if approved_by is not None:
        record_event(order, OrderEvent.Kind.APPROVAL, actor=approved_by,
                     message=Message(gettext_noop("Approved in the portal by %(who)s. %(comment)s"),
                                     who=approved_by, comment=comment),
                     data={"customer_visible": True, "portal_event": "dealer_approval"})
    default = payment_methods(company)[0][0]
    if payment_method and payment_method != default:
        record_event(order, OrderEvent.Kind.NOTE, actor=actor,
                     message=Message(gettext_noop("Payment chosen at checkout: %(method)s"),
                                     method=_payment_label(company, payment_method)),
                     data={"payment_method": payment_method})
    if loyalty_points:
        _note_redemption(actor=approved_by or actor, points=loyalty_points, order=order)


def checkout_cart(*, actor, company, ship_to, payment_method, idempotency_key, requested_date=None, customer_po="",
                  notes="", loyalty_points=0, today=None, cart_version="") -> CheckoutResult:
    """Place the actor's cart as a portal order, or submit it to the dealer's approvers when
    a buyer's total is above the company's buyer order limit. Replaying the same key returns
    the first result and changes nothing. `cart_version`: the cart's fingerprint as the
    checkout page showed it; a cart changed since (another tab, a colleague's device) is
    refused. Raises CheckoutInvalid / CartInvalid / OrderInvalid (from intake) before anything
    is written."""
    account = dealer_account(actor)
    if account is None or account.company_id != company.pk or not has_perm(actor, Perm.PORTAL_ORDER):
        raise PermissionDeniedError(_("Your role does not allow ordering."))
    key = (idempotency_key or "").strip()[:80]
    if not key:
        raise CheckoutInvalid(_("This checkout page has expired: open it again."), field="idempotency_key")
    replay = _replayed(company, key)
    if replay is not None:
        return replay
    today = today or timezone.localdate()
    loyalty_points = int(loyalty_points or 0)
    _check_details(company=company, ship_to=ship_to, requested_date=requested_date, payment_method=payment_method,
                   loyalty_points=loyalty_points, today=today)
    from .cart import lock_open_cart

    with transaction.atomic():
        cart = lock_open_cart(user=actor, company=company)
        replay = _replayed(company, key)  # a twin request waited for our lock and finished first
        if replay is not None:
            return replay
        summary = selectors.cart_summary(cart, company=company, ship_to=ship_to, today=today)
        if summary.is_empty:
            raise CartInvalid(_("Your cart is empty."), field="lines", code="empty")
        if cart_version and cart_version != summary.fingerprint:
            raise CartInvalid(_("Your cart changed since this page was opened: check it below and place the order "
                                "again."), field="lines", code="cart_changed")
        if summary.has_problems:
            problems = [f"{r.product.sku}: {r.problem}" for r in summary.rows if r.problem]
            raise CartInvalid(_("Fix the cart first: %(problems)s") % {"problems": "; ".join(problems)}, field="lines",
                              extra={"lines": problems})
        cart.ship_to, cart.requested_date, cart.customer_po = ship_to, requested_date, (customer_po or "")[:60]
        cart.notes, cart.payment_method, cart.loyalty_points = notes or "", payment_method, loyalty_points
        cart.idempotency_key, cart.total, cart.currency = key, summary.total, company.currency
        limit = company.buyer_order_limit
        if account.role == DealerRole.BUYER and limit is not None and summary.total > limit:
            cart.status, cart.submitted_at = Cart.Status.AWAITING_APPROVAL, timezone.now()
            cart.save()
            _ask_approvers(cart, company)
            return CheckoutResult(cart=cart)
        order, created = place_order(
            actor=actor, company=company, lines=_order_lines(cart), channel=Channel.PORTAL, ship_to=ship_to,
            idempotency_key=key, customer_po=cart.customer_po, requested_date=requested_date, notes=cart.notes,
            source="portal", today=today, payment_terms=_terms_for(payment_method), loyalty_points=loyalty_points)
        if created:
            _after_placing(actor=actor, company=company, order=order, payment_method=payment_method,
                           loyalty_points=loyalty_points)
        cart.status, cart.order = Cart.Status.ORDERED, order
        cart.save()
        return CheckoutResult(cart=cart, order=order, created=created)


# --- the dealer's approval ------------------------------------------------------------------

def _approvers(company):
    return list(User.objects.filter(dealer_account__company=company, dealer_account__is_active=True, is_active=True,
                                    dealer_account__role__in=[DealerRole.APPROVER, DealerRole.ADMIN]))


def _ask_approvers(cart, company):
    recipients = _approvers(company)
    if recipients:
        notify(recipients=recipients, kind=Notification.Kind.APPROVAL,
               subject=format_lazy(gettext_lazy("{who} asks you to approve an order of {total}"),
                                   who=cart.user, total=format_money(cart.total, cart.currency)),
               body=format_lazy(gettext_lazy("Above your buyer order limit of {limit}."),
                                limit=format_money(company.buyer_order_limit, company.currency)),
               link=reverse("portal:approval_detail", args=[cart.pk]))


def _lock_awaiting(*, actor, company, cart_id):
    account = dealer_account(actor)
    if account is None or account.company_id != company.pk or not has_perm(actor, Perm.PORTAL_APPROVE):
        raise PermissionDeniedError(_("Only your company's approvers may decide this."))
    cart = Cart.objects.select_for_update().filter(company=company, pk=cart_id).exclude(status=Cart.Status.OPEN).first()
    if cart is None:
        raise PermissionDeniedError(_("That order request belongs to another company."))
    if cart.status != Cart.Status.AWAITING_APPROVAL:
        who = cart.decided_by or _("someone else")
        raise StaleCart(_("This order request was already decided by %(who)s; nothing was changed.") % {"who": who})
    return cart


def approve_cart(*, actor, company, cart_id, comment="") -> Order:
    """Place the waiting cart as the buyer's order (the buyer stays `placed_by`; the approval
    is on the order's timeline) and tell the buyer."""
    comment = (comment or "").strip()[:1000]
    with transaction.atomic():
        cart = _lock_awaiting(actor=actor, company=company, cart_id=cart_id)
        if cart.ship_to is None:
            raise CheckoutInvalid(_("The ship-to address was deleted: reject the request and ask for a new one."),
                                  field="ship_to")
        buyer = cart.user
        order, created = place_order(
            actor=buyer, company=company, lines=_order_lines(cart), channel=Channel.PORTAL, ship_to=cart.ship_to,
            idempotency_key=cart.idempotency_key, customer_po=cart.customer_po, requested_date=cart.requested_date,
            notes=cart.notes, source="portal approval", payment_terms=_terms_for(cart.payment_method),
            loyalty_points=cart.loyalty_points)
        if created:
            _after_placing(actor=buyer, company=company, order=order, payment_method=cart.payment_method,
                           loyalty_points=cart.loyalty_points, approved_by=actor, comment=comment)
        cart.status, cart.order = Cart.Status.ORDERED, order
        cart.decided_by, cart.decided_at, cart.decision_comment = actor, timezone.now(), comment
        cart.save(update_fields=["status", "order", "decided_by", "decided_at", "decision_comment", "updated_at"])
        notify(recipients=[buyer], kind=Notification.Kind.ORDER,
               subject=format_lazy(gettext_lazy("{who} approved your order {number}"), who=actor, number=order.number),
               body=comment, link=reverse("portal:order_detail", args=[order.pk]))
        return order


def reject_cart(*, actor, company, cart_id, comment) -> Cart:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed(_("Say why the order is rejected."), field="comment", code="comment_required")
    with transaction.atomic():
        cart = _lock_awaiting(actor=actor, company=company, cart_id=cart_id)
        cart.status = Cart.Status.REJECTED
        cart.decided_by, cart.decided_at, cart.decision_comment = actor, timezone.now(), comment[:1000]
        cart.save(update_fields=["status", "decided_by", "decided_at", "decision_comment", "updated_at"])
        notify(recipients=[cart.user], kind=Notification.Kind.ORDER,
               subject=format_lazy(gettext_lazy("{who} rejected your order request of {total}"),
                                   who=actor, total=format_money(cart.total, cart.currency)),
               body=comment, link=reverse("portal:approval_detail", args=[cart.pk]))
        return cart


def restore_cart(*, actor, company, cart_id):
    """Put a rejected request's lines back in the buyer's open cart to change and send again."""
    from .cart import add_lines

    cart = Cart.objects.filter(company=company, user=actor, pk=cart_id).first()
    if cart is None:
        raise PermissionDeniedError(_("That order request is not yours."))
    if cart.status != Cart.Status.REJECTED:
        raise StaleCart(_("Only a rejected request can go back to the cart."))
    lines = [(ln.product, ln.quantity) for ln in cart.lines.select_related("product") if ln.product.active]
    if not lines:
        raise CartInvalid(_("None of its products is still sold."), field="lines")
    return add_lines(actor=actor, company=company, lines=lines)
