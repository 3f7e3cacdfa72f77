"""Invoices (gapless numbers per year), allocation of payments and credit notes to them, and
credit notes. Lock order everywhere: payments, credit notes, then invoices, each by pk."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Company
from oms.events import publish
from oms.money import CURRENCIES, quantize, to_decimal
from oms.sequences import next_number
from orders.models import Order, Status

from ..errors import AllocationNotAllowed, InvalidPaymentInput, InvoiceNotAllowed
from ..models import CreditNote, Invoice, Payment, PaymentAllocation
from ..state import SETTLED

TERM_DAYS = {
    Company.PaymentTerms.PREPAID: 0,
    Company.PaymentTerms.COD: 0,
    Company.PaymentTerms.NET15: 15,
    Company.PaymentTerms.NET30: 30,
    Company.PaymentTerms.NET60: 60,
}
NOT_INVOICEABLE = frozenset({Status.DRAFT, Status.CANCELLED})


def due_date_for(terms, issue_date):
    return issue_date + timedelta(days=TERM_DAYS.get(terms, 30))


def invoice_number(issue_date) -> str:
    """INV-2026-000001: one gapless counter per calendar year (oms.sequences.next_number)."""
    return next_number(f"invoice-{issue_date.year}", f"INV-{issue_date.year}")


def credit_note_number(day) -> str:
    return next_number(f"credit_note-{day.year}", f"CN-{day.year}")


def live_invoice(order):
    return Invoice.objects.filter(order=order).exclude(status=Invoice.Status.VOID).first()


def _invoice_status(invoice):
    if invoice.amount_paid >= invoice.total:
        return Invoice.Status.PAID
    if invoice.amount_paid > 0:
        return Invoice.Status.PARTIALLY_PAID
    return Invoice.Status.OPEN


def _snapshot_lines(order):
    return [
        {"line_no": ln.line_no, "sku": ln.product.sku, "name": ln.product.name, "quantity": ln.quantity,
         "unit_price": str(ln.unit_price), "discount": str(ln.discount_amount), "tax_rate": str(ln.tax_rate),
         "tax": str(ln.tax_amount), "net": str(ln.net_amount), "total": str(ln.total_amount)}
        for ln in order.lines.select_related("product").order_by("line_no")
    ]


def issue_invoice(*, actor, order, apply_credit=True) -> Invoice:
    """Invoice `order` (at shipment for credit terms, when paid for prepaid): lines snapshot,
    due date from the order's payment terms, a gapless number. Customer credit (unallocated
    payments, credit notes) in the same currency is applied at once."""
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).select_related("company").get(pk=order.pk)
        if order.status in NOT_INVOICEABLE:
            raise InvoiceNotAllowed(_("Order %(number)s is %(status)s: it cannot be invoiced.")
                                    % {"number": order.number, "status": order.get_status_display().lower()})
        if live_invoice(order) is not None:
            raise InvoiceNotAllowed(_("Order %(number)s already has an invoice.") % {"number": order.number})
        today = timezone.localdate()
        total = quantize(order.total, order.currency)
        tax = quantize(order.tax_total, order.currency)
        company = order.company
        invoice = Invoice.objects.create(
            number=invoice_number(today), company=company, order=order, issue_date=today,
            due_date=due_date_for(order.payment_terms, today), payment_terms=order.payment_terms,
            lines=_snapshot_lines(order), subtotal=total - tax, tax=tax, total=total, currency=order.currency,
            bill_to={"name": company.name, "code": company.code, "tax_id": company.tax_id},
            created_by=actor if actor is not None and actor.pk else None,
        )
        publish("invoice.issued", invoice_id=invoice.pk, number=invoice.number, order_id=order.pk, company_id=company.pk, total=str(invoice.total), currency=invoice.currency, due_date=invoice.due_date.isoformat())
        if apply_credit:
            apply_customer_credit(actor=actor, invoice=invoice)
            invoice.refresh_from_db()
        return invoice


def _lock_invoice(invoice_or_pk):
    return Invoice.objects.select_for_update().get(pk=getattr(invoice_or_pk, "pk", invoice_or_pk))


def _after_invoice_paid(actor, invoice):
    """The invoice is settled: mark its order paid (which releases a prepaid order)."""
    if invoice.status == Invoice.Status.PAID and invoice.order_id:
        order = Order.objects.only("pk", "is_paid").get(pk=invoice.order_id)
        if not order.is_paid:
            from orders.services.workflow import record_payment_received

            record_payment_received(actor=actor, order=order)


def _paid_on_invoice(invoice, delta):
    """Record `delta` more (or less) paid on a locked invoice, and on its order: the credit
    check counts an unpaid order for what it still owes (Order.amount_paid; migration
    orders 0016). The order row is written after the invoice's, the lock order of mark_paid."""
    invoice.amount_paid += delta
    invoice.status = _invoice_status(invoice) if invoice.status != Invoice.Status.VOID else invoice.status
    invoice.save(update_fields=["amount_paid", "status"])
    if invoice.order_id and delta:
        Order.objects.filter(pk=invoice.order_id).update(amount_paid=F("amount_paid") + delta)


def _apply(actor, invoice, amount, *, payment=None, credit_note=None):
    """Write one allocation (rows already locked and checked by the caller)."""
    PaymentAllocation.objects.create(invoice=invoice, payment=payment, credit_note=credit_note, amount=amount,
                                     created_by=actor if actor is not None and actor.pk else None)
    _paid_on_invoice(invoice, amount)
    if payment is not None:
        Payment.objects.filter(pk=payment.pk).update(amount_allocated=F("amount_allocated") + amount)
        payment.amount_allocated += amount
    else:
        CreditNote.objects.filter(pk=credit_note.pk).update(remaining=F("remaining") - amount)
        credit_note.remaining -= amount
    _after_invoice_paid(actor, invoice)


def allocate_payment(*, actor, payment, invoice, amount=None) -> PaymentAllocation | None:
    """Apply (part of) a received payment to an invoice. Without `amount`: as much as both
    allow. What is left of the payment stays as customer credit."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        invoice = _lock_invoice(invoice)
        if payment.status not in SETTLED:
            raise AllocationNotAllowed(_("Payment %(number)s has not been received.") % {"number": payment.display_number})
        if payment.company_id != invoice.company_id or payment.currency != invoice.currency:
            raise AllocationNotAllowed(_("The payment and the invoice must be of the same customer and currency."))
        if invoice.status == Invoice.Status.VOID:
            raise AllocationNotAllowed(_("Invoice %(number)s is void.") % {"number": invoice.number})
        limit = min(payment.unallocated, invoice.balance)
        amount = limit if amount is None else quantize(amount, invoice.currency)
        if amount <= 0:
            if limit <= 0:
                return None
            raise AllocationNotAllowed(_("The amount must be more than zero."), field="amount")
        if amount > limit:
            raise AllocationNotAllowed(_("At most %(limit)s can be applied: what is left of the payment or of the invoice.")
                                       % {"limit": limit}, field="amount")
        _apply(actor, invoice, amount, payment=payment)
        return invoice.allocations.order_by("-pk").first()


def apply_payment_to_open_invoices(*, actor, payment) -> list[PaymentAllocation]:
    """Spread a received payment over the customer's open invoices, oldest due first; any
    overpayment stays as customer credit."""
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        ids = list(Invoice.objects.filter(company_id=payment.company_id, currency=payment.currency,
                                          status__in=[Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID])
                   .order_by("due_date", "pk").values_list("pk", flat=True))
        made = []
        for pk in ids:
            if payment.unallocated <= 0:
                break
            alloc = allocate_payment(actor=actor, payment=payment, invoice=pk)
            payment.refresh_from_db()
            if alloc:
                made.append(alloc)
        return made


def apply_customer_credit(*, actor, invoice) -> Decimal:
    """Use the customer's credit (unallocated payments first, then credit notes, oldest first)
    on `invoice`. Returns the amount applied."""
    with transaction.atomic():
        invoice_pk = invoice.pk
        payments = list(Payment.objects.select_for_update().filter(
            company_id=invoice.company_id, currency=invoice.currency, status__in=SETTLED,
            amount__gt=F("amount_allocated") + F("amount_refunded")).order_by("pk"))
        notes = list(CreditNote.objects.select_for_update().filter(
            company_id=invoice.company_id, currency=invoice.currency, remaining__gt=0).order_by("pk"))
        invoice = _lock_invoice(invoice_pk)
        if invoice.status == Invoice.Status.VOID:
            raise AllocationNotAllowed(_("Invoice %(number)s is void.") % {"number": invoice.number})
        applied = Decimal("0")
        for source in payments + notes:
            if invoice.balance <= 0:
                break
            available = source.unallocated if isinstance(source, Payment) else source.remaining
            amount = min(available, invoice.balance)
            if amount <= 0:
                continue
            if isinstance(source, Payment):
                _apply(actor, invoice, amount, payment=source)
            else:
                _apply(actor, invoice, amount, credit_note=source)
            applied += amount
        return applied


def issue_credit_note(*, actor, company, amount, currency, reason, source_ref="") -> CreditNote:
    """A credit for the customer (a return, a price correction...): gapless CN number, the
    whole amount remaining until it is applied to invoices."""
    if currency not in CURRENCIES:
        raise InvalidPaymentInput(_("Unknown currency “%(code)s”.") % {"code": currency}, field="currency")
    amount = quantize(to_decimal(amount), currency)
    if amount <= 0:
        raise InvalidPaymentInput(_("A credit note must be for more than zero."), field="amount")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidPaymentInput(_("Give a reason for the credit note."), field="reason")
    with transaction.atomic():
        return CreditNote.objects.create(
            number=credit_note_number(timezone.localdate()), company=company, amount=amount, currency=currency,
            reason=reason[:300], source_ref=(source_ref or "")[:80], remaining=amount,
            created_by=actor if actor is not None and actor.pk else None,
        )


def void_invoice(*, actor, invoice, reason) -> Invoice:
    """Finance cancels an issued invoice that nothing was paid on: it stays (its gapless number
    too) with status void, the reason and who voided it; receivables, statements and reminders
    skip it, and its order may be invoiced afresh. Refused once any payment or credit note is
    allocated to it. The invoice row is locked, so a payment allocated at the same moment
    either lands first (and the void is refused) or finds the invoice void."""
    reason = (reason or "").strip()
    if not reason:
        raise InvoiceNotAllowed(_("Give a reason for voiding the invoice."), field="reason")
    with transaction.atomic():
        invoice = _lock_invoice(invoice)
        if invoice.status == Invoice.Status.VOID:
            raise InvoiceNotAllowed(_("Invoice %(number)s is already void.") % {"number": invoice.number})
        if invoice.amount_paid > 0 or invoice.allocations.exists():
            raise InvoiceNotAllowed(_("Invoice %(number)s has payments or credit allocated to it: it cannot be voided.")
                                    % {"number": invoice.number})
        return _mark_void(invoice, actor=actor, reason=reason)


def _mark_void(invoice, *, actor, reason):
    """Write the void on a locked invoice that nothing is allocated to any more."""
    invoice.status = Invoice.Status.VOID
    _paid_on_invoice(invoice, -invoice.amount_paid)
    invoice.void_reason = reason[:300]
    invoice.voided_at = timezone.now()
    invoice.voided_by = actor if actor is not None and actor.pk else None
    invoice.save(update_fields=["void_reason", "voided_at", "voided_by"])
    return invoice


def void_for_cancelled_order(*, actor, order, reason):
    """The order is being cancelled (called by orders before it locks the order): its invoice
    is voided, and what was paid on it, by payments or credit notes, goes back to the customer
    as credit, for another invoice or a refund. Locks the payments and credit notes on the
    invoice (id order), then the invoice: the order mark_paid and apply_customer_credit take.
    Returns (the voided invoice, the amount given back as credit), or (None, 0) when the order
    has no live invoice."""
    invoice = live_invoice(order)
    if invoice is None:
        return None, Decimal("0")
    sources = list(invoice.allocations.values_list("payment_id", "credit_note_id"))
    list(Payment.objects.select_for_update().filter(pk__in=[p for p, _n in sources if p]).order_by("pk").values("pk"))
    list(CreditNote.objects.select_for_update().filter(pk__in=[n for _p, n in sources if n]).order_by("pk").values("pk"))
    invoice = _lock_invoice(invoice)
    if invoice.status == Invoice.Status.VOID:
        return None, Decimal("0")
    credited = Decimal("0")
    for alloc in invoice.allocations.order_by("pk"):
        if alloc.payment_id:
            Payment.objects.filter(pk=alloc.payment_id).update(amount_allocated=F("amount_allocated") - alloc.amount)
        else:
            CreditNote.objects.filter(pk=alloc.credit_note_id).update(remaining=F("remaining") + alloc.amount)
        credited += alloc.amount
        alloc.delete()
    return _mark_void(invoice, actor=actor, reason=_("Order cancelled: %(reason)s") % {"reason": reason}), credited


def release_allocations(payment, amount):
    """Take `amount` of a payment's allocations back (newest first), reopening the invoices:
    used when a refund gives back money that had paid invoices. Payment row already locked.
    Returns the ids of the orders whose invoices it took money from."""
    left, touched = amount, set()
    for alloc in payment.allocations.select_related(None).order_by("-pk"):
        if left <= 0:
            break
        invoice = _lock_invoice(alloc.invoice_id)
        take = min(left, alloc.amount)
        if take == alloc.amount:
            alloc.delete()
        else:
            PaymentAllocation.objects.filter(pk=alloc.pk).update(amount=F("amount") - take)
        _paid_on_invoice(invoice, -take)
        if invoice.order_id:
            touched.add(invoice.order_id)
        payment.amount_allocated -= take
        left -= take
    Payment.objects.filter(pk=payment.pk).update(amount_allocated=payment.amount_allocated)
    return touched
