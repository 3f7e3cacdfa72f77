"""Which approvals an order needs, from the rules configured in the admin."""

from decimal import Decimal

from django.utils.translation import gettext_noop

from oms.config_cache import cached
from oms.i18n import Message
from oms.money import format_money

from .models import ApprovalRule
from .review import credit_overrun

C = ApprovalRule.Condition


def discount_percent(order):
    gross = order.subtotal + order.discount_total
    return (order.discount_total / gross * 100) if gross else Decimal(0)


def active_rules():
    """The active rules (a process copy, re-read when the table changes)."""
    return list(cached("approval_rules", lambda: list(ApprovalRule.objects.filter(active=True)
                                                      .order_by("condition", "threshold", "pk"))))


def matching_rules(order, lines, *, rules=None, over=None):
    """[(rule, reason)] for every active rule the order meets (each reason an oms.i18n.Message,
    shown in each reader's language). `rules` (active_rules())
    and `over` (credit_overrun(order)) may be passed in when the caller already has them."""
    found = []
    for rule in active_rules() if rules is None else rules:
        if rule.condition == C.DISCOUNT_ABOVE:
            pct = discount_percent(order)
            if pct > rule.threshold:
                found.append((rule, Message(gettext_noop("Discount %(pct).1f%% is above %(limit)s%%."),
                                            pct=float(pct), limit=str(rule.threshold))))
        elif rule.condition == C.TOTAL_ABOVE:
            if order.total > rule.threshold:
                found.append((rule, Message(gettext_noop("Total %(total)s is above %(limit)s."),
                                            total=format_money(order.total, order.currency),
                                            limit=format_money(rule.threshold, order.currency))))
        elif rule.condition == C.CREDIT_OVERRUN:
            if over is None:
                over = credit_overrun(order)
            if over > 0:
                found.append((rule, Message(gettext_noop("Over the credit limit by %(over)s."),
                                            over=format_money(over, order.currency))))
        elif rule.condition == C.MANUAL_PRICE:
            manual = [ln for ln in lines if ln.manual_price]
            if manual:
                found.append((rule, Message(gettext_noop("Manual price on line(s) %(lines)s."),
                                            lines=", ".join(str(ln.line_no) for ln in manual))))
    return found


def approval_chain(order, lines, *, rules=None, over=None):
    """Ordered [(role, [reasons])]: each matching rule's levels in turn, a role only once."""
    chain = {}
    for rule, why in matching_rules(order, lines, rules=rules, over=over):
        for role in rule.levels:
            chain.setdefault(role, []).append(why)
    return list(chain.items())
