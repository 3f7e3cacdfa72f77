"""Return blocks shown on other apps' console pages (customers never imports returns; its
customer page loads this tag instead)."""

from django import template

from ..selectors import dealer_returns

register = template.Library()


@register.inclusion_tag("returns/_customer_returns.html")
def customer_returns(company, limit=5):
    """{% customer_returns company %}: the customer's latest returns on the customer page."""
    return {"company": company, "returns": list(dealer_returns(company)[:limit])}
