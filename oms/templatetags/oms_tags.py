from django import template

from oms.money import format_money

register = template.Library()


@register.filter
def money(amount, currency):
    """{{ amount|money:"CNY" }} -> ¥1,234.50, rounded by the one money rule."""
    if amount is None or amount == "":
        return "—"
    return format_money(amount, currency)
