"""Every write in payments. Other apps (returns) call these:

    issue_credit_note(*, actor, company, amount, currency, reason, source_ref="") -> CreditNote
    refund_payment(*, actor, payment, amount, reason) -> Refund

Dealers pay online with start_payment(method=card|alipay|wechat), among the methods the
customer may use (selectors.allowed_methods, set_payment_methods); finance voids an unpaid
invoice with void_invoice; cancelling an order voids its invoice through void_for_cancelled_order.
"""

from .core import (  # noqa: F401
    cancel_payment, lock_payment, mark_paid, order_outstanding, record_bank_transfer, refund_payment, start_payment,
    transition_payment,
)
from .invoices import (  # noqa: F401
    allocate_payment, apply_customer_credit, apply_payment_to_open_invoices, due_date_for, issue_credit_note,
    issue_invoice, live_invoice, void_for_cancelled_order, void_invoice,
)
from .methods import set_payment_methods  # noqa: F401,E402
