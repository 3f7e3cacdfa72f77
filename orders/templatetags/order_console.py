"""Order blocks shown on other apps' console pages (customers never imports orders; its
templates load these tags instead)."""

from django import template

from ..selectors_console import customer_orders_summary

register = template.Library()


@register.inclusion_tag("orders/_customer_orders.html")
def customer_orders(company):
    """{% customer_orders company %}: recent orders and open receivables on the customer page."""
    return customer_orders_summary(company)
