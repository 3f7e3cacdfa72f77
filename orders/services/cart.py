"""The dealer's server-side cart: add (merging with what is there), change, remove, reorder.

A user has one open cart per company (a partial unique constraint); it lives in the database,
so it survives signing out and is the same on the phone and the desktop. Every write locks the
cart row first, checks the quantities against the product (whole, above zero, a multiple of
the pack size, below intake's ceiling), raises a DomainError before writing, then writes.
Checkout and the dealer's approval are in portal_checkout.py."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from inventory.atp import promise_many
from oms.errors import PermissionDeniedError, ValidationFailed

from ..errors import NoPrice
from ..models import Cart, CartLine, OrderLine
from ..pricing import PricingContext
from .intake import MAX_LINES, MAX_QUANTITY


class CartInvalid(ValidationFailed):
    """A quantity or product the cart cannot take; nothing was changed."""

    code = "cart_invalid"


def _check_company(actor, company):
    from oms.permissions import dealer_account

    account = dealer_account(actor)
    if account is None or account.company_id != company.pk:
        raise PermissionDeniedError(_("This cart belongs to another company."))
    return account


def open_cart(*, user, company) -> Cart:
    """The user's open cart for `company` (created on first use). Reads only when it exists."""
    cart = Cart.objects.filter(company=company, user=user, status=Cart.Status.OPEN).first()
    if cart is not None:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(company=company, user=user)
    except IntegrityError:  # a second tab created it at the same moment
        return Cart.objects.get(company=company, user=user, status=Cart.Status.OPEN)


def lock_open_cart(*, user, company) -> Cart:
    """The user's open cart, locked FOR UPDATE for the rest of the transaction."""
    cart = open_cart(user=user, company=company)
    return Cart.objects.select_for_update().get(pk=cart.pk)


def whole_quantity(value, product, *, field="quantity"):
    """`value` as an int that the product can be ordered in, or CartInvalid naming why not."""
    try:
        text = str(value).strip()
        qty = int(text)
    except (TypeError, ValueError):
        raise CartInvalid(_("The quantity of %(sku)s must be a whole number above zero.") % {"sku": product.sku},
                          field=field, code="bad_quantity")
    if qty <= 0:
        raise CartInvalid(_("The quantity of %(sku)s must be a whole number above zero.") % {"sku": product.sku},
                          field=field, code="bad_quantity")
    if qty > MAX_QUANTITY:
        raise CartInvalid(_("%(qty)d is more than one order may ask for.") % {"qty": qty}, field=field,
                          code="too_many")
    if qty % product.pack_size:
        raise CartInvalid(pack_size_message(product, qty), field=field, code="pack_size")
    return qty


def pack_size_message(product, qty):
    lower = qty // product.pack_size * product.pack_size
    options = f"{lower} / {lower + product.pack_size}" if lower else str(product.pack_size)
    return (_("%(sku)s is sold in packs of %(pack)d; order %(options)s.")
            % {"sku": product.sku, "pack": product.pack_size, "options": options})


def _check_sellable(product):
    if not product.active:
        raise CartInvalid(_("%(sku)s is no longer sold.") % {"sku": product.sku}, field="product", code="inactive")


def add_lines(*, actor, company, lines) -> list[CartLine]:
    """Add [(product, quantity)] to the actor's open cart; a product already there gets the
    quantities added together. All or nothing: one bad line changes nothing."""
    _check_company(actor, company)
    merged: dict[int, list] = {}
    for product, qty in lines:
        _check_sellable(product)
        qty = whole_quantity(qty, product)
        merged.setdefault(product.pk, [product, 0])[1] += qty
    if not merged:
        raise CartInvalid(_("Nothing to add."), field="lines", code="empty")
    with transaction.atomic():
        cart = lock_open_cart(user=actor, company=company)
        existing = {ln.product_id: ln for ln in cart.lines.select_related("product")}
        if len(set(existing) | set(merged)) > MAX_LINES:
            raise CartInvalid(_("A cart holds at most %(n)d products.") % {"n": MAX_LINES}, field="lines",
                              code="too_many_lines")
        to_update, to_create = [], []
        for product_id, (product, qty) in merged.items():
            line = existing.get(product_id)
            if line is not None:
                line.quantity = whole_quantity(line.quantity + qty, product)
                to_update.append(line)
            else:
                to_create.append(CartLine(cart=cart, product=product, quantity=qty))
        if to_update:
            CartLine.objects.bulk_update(to_update, ["quantity"])
        CartLine.objects.bulk_create(to_create)
        cart.save(update_fields=["updated_at"])
        return to_update + to_create


def add_to_cart(*, actor, company, product, quantity) -> CartLine:
    """Add one product (the catalog's button); merges with the same product in the cart."""
    return add_lines(actor=actor, company=company, lines=[(product, quantity)])[0]


def _lock_line(actor, company, line_id):
    cart = lock_open_cart(user=actor, company=company)
    line = CartLine.objects.select_related("product").filter(cart=cart, pk=line_id).first()
    if line is None:  # another user's line, a closed cart's line, or already removed
        raise CartInvalid(_("That line is no longer in your cart."), field="line", code="no_line")
    return cart, line


def update_cart_line(*, actor, company, line_id, quantity) -> CartLine | None:
    """Set a line's quantity; 0 removes the line (returns None then)."""
    _check_company(actor, company)
    with transaction.atomic():
        cart, line = _lock_line(actor, company, line_id)
        if str(quantity).strip() == "0":
            line.delete()
            cart.save(update_fields=["updated_at"])
            return None
        line.quantity = whole_quantity(quantity, line.product)
        line.save(update_fields=["quantity"])
        cart.save(update_fields=["updated_at"])
        return line


def remove_cart_line(*, actor, company, line_id) -> None:
    _check_company(actor, company)
    with transaction.atomic():
        cart, line = _lock_line(actor, company, line_id)
        line.delete()
        cart.save(update_fields=["updated_at"])


def clear_cart(*, actor, company) -> int:
    _check_company(actor, company)
    with transaction.atomic():
        cart = lock_open_cart(user=actor, company=company)
        deleted, _rows = cart.lines.all().delete()
        cart.save(update_fields=["updated_at"])
        return deleted


# --- reorder -------------------------------------------------------------------------------

@dataclass
class ReorderResult:
    added: list = field(default_factory=list)  # [(product, quantity)]
    adjusted: list = field(default_factory=list)  # [(sku, message)]: added, but changed
    skipped: list = field(default_factory=list)  # [(sku, message)]: not added
    later: list = field(default_factory=list)  # [(sku, delivery date)]: added, not in stock today


def reorder_to_cart(*, actor, company, order, today=None) -> ReorderResult:
    """Put a past order's lines in the actor's cart at today's prices. Products no longer sold
    or without a price for the company are reported and left out; a quantity that no longer
    fits a changed pack size is rounded up to the next pack; availability is checked again
    (lines that would not ship from stock today are reported with their promised date)."""
    _check_company(actor, company)
    if order.company_id != company.pk:
        raise PermissionDeniedError(_("That order belongs to another company."))
    today = today or timezone.localdate()
    result = ReorderResult()
    lines = list(OrderLine.objects.filter(order=order).select_related("product", "product__category",
                                                                         "product__category__parent").order_by("line_no"))
    wanted: dict[int, list] = {}
    for ln in lines:
        product = ln.product
        if not product.active:
            result.skipped.append((product.sku, _("no longer sold")))
            continue
        qty = ln.quantity
        if qty % product.pack_size:
            qty = (qty // product.pack_size + 1) * product.pack_size
            result.adjusted.append((product.sku, _("rounded up from %(old)d to %(new)d (packs of %(pack)d)")
                                    % {"old": ln.quantity, "new": qty, "pack": product.pack_size}))
        wanted.setdefault(product.pk, [product, 0])[1] += qty
    if wanted:
        region = order.ship_region or company.region
        pricing = PricingContext(company=company, products=[p for p, _q in wanted.values()], on=today, region=region)
        for pk, (product, qty) in list(wanted.items()):
            try:
                pricing.price(product, qty)
            except NoPrice:
                result.skipped.append((product.sku, _("no price for your account")))
                del wanted[pk]
    if wanted:
        promises = promise_many(items=[(p, q) for p, q in wanted.values()], region=order.ship_region or company.region,
                                today=today)
        for product, qty in wanted.values():
            promise = promises.get(product.pk)
            if promise is not None and promise.source != "stock":
                result.later.append((product.sku, promise.delivery_date))
        add_lines(actor=actor, company=company, lines=[(p, q) for p, q in wanted.values()])
        result.added = [(p, q) for p, q in wanted.values()]
    return result
