"""Small reads the portal's shared layout and home page need from orders (the nav's cart
badge, the home page's recent orders), scoped to the signed-in dealer's company."""

from django import template

from oms.permissions import Perm, dealer_account, has_perm

from .. import selectors

register = template.Library()


def _dealer(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None, None
    account = dealer_account(user)
    return (user, account.company) if account is not None else (None, None)


@register.simple_tag(takes_context=True)
def portal_cart_count(context):
    """Products in the user's open cart (one query)."""
    user, company = _dealer(context)
    if company is None or not has_perm(user, Perm.PORTAL_ORDER):
        return 0
    return selectors.cart_count(user=user, company=company)


@register.simple_tag(takes_context=True)
def portal_recent_orders(context, limit=5):
    _user, company = _dealer(context)
    return selectors.dealer_recent_orders(company, limit=limit) if company is not None else []


@register.simple_tag(takes_context=True)
def portal_approvals_waiting(context):
    """Carts waiting for the dealer's approval (0 for users who cannot approve)."""
    user, company = _dealer(context)
    if company is None or not has_perm(user, Perm.PORTAL_APPROVE):
        return 0
    return selectors.carts_awaiting_approval(company).count()
