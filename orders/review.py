"""Automatic review: the checks of SPEC §B. Returns readable reasons; the intake service
puts an order with reasons on hold, and staff fix and release it."""

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.models import Company
from oms.i18n import Message, with_message
from oms.money import format_money

from .errors import CreditChanged
from .models import CreditBalance, CreditChange, Order, Status

# Orders whose value counts against the customer's credit until paid: completed ones too, since
# delivered is not paid. What counts is what the order still owes (total less amount_paid).
# The database's orders_credit_counted (migrations 0013, 0015 and 0016), which keeps
# CreditBalance, says the same: a test holds the two together.
CREDIT_STATUSES = [s for s in Status if s not in (Status.DRAFT, Status.CANCELLED)]


AWAITING_PAYMENT = "awaiting_payment"


def reason(code, message):
    """A hold reason as stored on the order: its code, its text in the writer's language and,
    for an oms.i18n.Message, the message itself, shown in each reader's language."""
    text, data = with_message(message, {"code": code})
    return {**data, "message": text}


def only_awaiting_payment(reasons) -> bool:
    """True when the one thing holding an order is its prepayment (hold reasons as stored)."""
    return {r["code"] for r in reasons} == {AWAITING_PAYMENT}


# The customer's balance as committed (CreditBalance), plus what this transaction changed and
# has not committed yet (its own CreditChange rows: other transactions' are never visible),
# less what the order being checked already counts for as this transaction sees it.
_OPEN_RECEIVABLES_SQL = (
    f"SELECT COALESCE((SELECT amount FROM {CreditBalance._meta.db_table} WHERE company_id = %(company)s), 0)"
    f" + COALESCE((SELECT SUM(amount) FROM {CreditChange._meta.db_table}"
    " WHERE txid = txid_current_if_assigned() AND company_id = %(company)s), 0)"
    f" - COALESCE((SELECT orders_credit_counted(status, is_paid, total, amount_paid) FROM {Order._meta.db_table} WHERE id = %(order)s), 0)"
)

# Orders placed together must not jointly overrun a customer's credit limit. Review reads the
# open receivables without a lock; an order that passed then confirms it at the very end of its
# transaction (confirm_credit) under a lock on the customer's row that lasts until commit: a
# second order of the same customer waits there, then reads (in a new statement, so with a
# new snapshot) a balance that includes the first. FOR NO KEY UPDATE leaves the foreign-key
# checks of new orders free. The lock is not the balance row's: a transaction that places
# several orders (an import) holds it to its end, and payments, cancellations and edits of the
# customer's orders, which fold into the balance at commit, must not queue behind it.
_LOCK_CREDIT_SQL = f"SELECT 1 FROM {Company._meta.db_table} WHERE id = %s FOR NO KEY UPDATE"


def open_receivables(company, exclude_order=None):
    """The total of the customer's unpaid orders still counting against credit, without
    `exclude_order`: a running balance kept by database triggers (see CreditBalance and
    migration 0013), so it costs the same for a customer with fifty thousand open orders
    as for one with none."""
    exclude = exclude_order.pk if exclude_order is not None and exclude_order.pk else 0
    with connection.cursor() as cursor:
        cursor.execute(_OPEN_RECEIVABLES_SQL, {"company": company.pk, "order": exclude})
        return cursor.fetchone()[0]


def credit_overrun(order):
    """How far open receivables plus this order go past the credit limit (0 if within, or
    prepaid). Read without a lock: see confirm_credit."""
    company = order.company
    if order.payment_terms == Company.PaymentTerms.PREPAID:
        return 0
    exposure = open_receivables(company, exclude_order=order) + order.total
    return max(0, exposure - company.credit_limit)


def review_order(order, lines) -> list[dict]:
    """Reasons to hold the order (empty when it may go on)."""
    reasons = []
    company = order.company
    if company.status != Company.Status.ACTIVE:
        msgid = (gettext_noop("Customer %(code)s is closed.") if company.status == Company.Status.CLOSED
                 else gettext_noop("Customer %(code)s is on hold."))
        reasons.append(reason("customer_on_hold", Message(msgid, code=company.code)))
    for line in lines:
        p = line.product
        if not p.active:
            reasons.append(reason("inactive_product", Message(gettext_noop("Line %(no)d: %(sku)s is no longer sold."),
                                                              no=line.line_no, sku=p.sku)))
        if line.quantity % p.pack_size:
            reasons.append(reason("pack_size", Message(
                gettext_noop("Line %(no)d: %(sku)s is sold in packs of %(pack)d; %(qty)d is not a multiple."),
                no=line.line_no, sku=p.sku, pack=p.pack_size, qty=line.quantity)))
    missing = [label for label, value in (
        (_("recipient"), order.ship_recipient), (_("phone"), order.ship_phone), (_("address"), order.ship_line1),
        (_("city"), order.ship_city), (_("province"), order.ship_province), (_("region"), order.ship_region),
    ) if not value]
    if missing:
        reasons.append(reason("address_incomplete", _("The ship-to address lacks: %(fields)s.") % {"fields": ", ".join(map(str, missing))}))
    if order.payment_terms == Company.PaymentTerms.PREPAID and not order.is_paid:
        reasons.append(reason(AWAITING_PAYMENT, Message(gettext_noop("Prepaid order: waiting for payment."))))
    return reasons


def confirm_credit(order, over):
    """The last step of reviewing `order` (inside its transaction): if review found it within
    the limit (`over` == 0), lock the customer's credit until commit and check again. Raises
    CreditChanged, so the transaction rolls back, when an order committed meanwhile used it."""
    if over or order.payment_terms == Company.PaymentTerms.PREPAID or not connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_CREDIT_SQL, [order.company_id])
    if credit_overrun(order) > 0:
        raise CreditChanged(_("Another order of %(code)s used its credit at the same moment; nothing was saved. "
                              "Please try again.") % {"code": order.company.code})


def credit_reason(order, over=None):
    if over is None:
        over = credit_overrun(order)
    if over > 0:
        return reason("credit_limit", Message(
            gettext_noop("Over the credit limit of %(limit)s by %(over)s (open receivables included)."),
            limit=format_money(order.company.credit_limit, order.currency), over=format_money(over, order.currency)))
    return None
