"""Reads for payments: lists with their related rows, customer credit, statements and the
receivables aging (aggregated in PostgreSQL)."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import ONLINE_METHODS, CreditNote, GatewayEvent, Invoice, Method, Payment, PaymentProfile
from .state import SETTLED

OPEN_INVOICE = (Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID)
BUCKETS = ("current", "d1_30", "d31_60", "d61_90", "d90_plus")


def payment_list(*, status=None, method=None, company=None):
    qs = Payment.objects.select_related("company", "order", "invoice").order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    if method:
        qs = qs.filter(method=method)
    if company:
        qs = qs.filter(company=company)
    return qs


def payment_detail(pk):
    return Payment.objects.select_related("company", "order", "invoice", "created_by").get(pk=pk)


def payment_events(payment):
    return GatewayEvent.objects.filter(payment=payment).order_by("-received_at", "-id")


def invoice_list(*, status=None, company=None, overdue=False, q=""):
    """Invoices, newest first. `q` finds an invoice or order number (or part of one), a
    customer code, or part of a customer's name."""
    qs = Invoice.objects.select_related("company", "order").order_by("-issue_date", "-id")
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(order__number__icontains=q) | Q(company__code__iexact=q)
                       | Q(company__name__icontains=q))
    if status:
        qs = qs.filter(status=status)
    if company is not None:
        qs = qs.filter(company=company)
    if overdue:
        qs = qs.filter(status__in=OPEN_INVOICE, due_date__lt=timezone.localdate())
    return qs


def order_billing(order):
    """The order's invoices (void ones too) and every payment that paid it or was started for
    it, newest first: two queries."""
    invoices = list(Invoice.objects.filter(order=order).order_by("-issue_date", "-id"))
    payments = list(Payment.objects.filter(Q(order=order) | Q(allocations__invoice__order=order)).distinct()
                    .order_by("-created_at", "-id"))
    return {"invoices": invoices, "payments": payments}


def invoice_allocations(invoice):
    return invoice.allocations.select_related("payment", "credit_note").order_by("created_at", "id")


def portal_invoice(company, pk):
    """An invoice of the dealer's company (Invoice.DoesNotExist otherwise: a 404)."""
    return Invoice.objects.select_related("company", "order").get(company=company, pk=pk)


def portal_payment(company, pk):
    return Payment.objects.select_related("order", "invoice").get(company=company, pk=pk)


def unpaid_prepaid_orders(company):
    from orders.models import Order, Status

    return (Order.objects.filter(company=company, payment_terms="prepaid", is_paid=False)
            .exclude(status__in=[Status.DRAFT, Status.CANCELLED]).order_by("-created_at", "-id"))


def customer_credit(company) -> dict[str, Decimal]:
    """Unused money by currency: unallocated payments plus what is left of credit notes."""
    credit: dict[str, Decimal] = {}
    rows = (Payment.objects.filter(company=company, status__in=SETTLED).values("currency")
            .annotate(s=Sum(F("amount") - F("amount_refunded") - F("amount_allocated"))))
    for row in rows:
        credit[row["currency"]] = credit.get(row["currency"], Decimal("0")) + (row["s"] or 0)
    for row in CreditNote.objects.filter(company=company).values("currency").annotate(s=Sum("remaining")):
        credit[row["currency"]] = credit.get(row["currency"], Decimal("0")) + (row["s"] or 0)
    return {cur: amount for cur, amount in credit.items() if amount}


def statement(company):
    """Open invoices, and the customer's balance per currency (owed minus credit)."""
    open_invoices = list(invoice_list(company=company).filter(status__in=OPEN_INVOICE).order_by("due_date", "id"))
    owed: dict[str, Decimal] = {}
    for inv in open_invoices:
        owed[inv.currency] = owed.get(inv.currency, Decimal("0")) + inv.balance
    credit = customer_credit(company)
    currencies = sorted(set(owed) | set(credit))
    balances = [{"currency": c, "owed": owed.get(c, Decimal("0")), "credit": credit.get(c, Decimal("0")),
                 "net": owed.get(c, Decimal("0")) - credit.get(c, Decimal("0"))} for c in currencies]
    return {"invoices": open_invoices, "balances": balances}


def _bucket(condition):
    return Coalesce(Sum(Case(When(condition, then=F("total") - F("amount_paid")), default=Value(Decimal("0")),
                             output_field=DecimalField(max_digits=16, decimal_places=2))),
                    Value(Decimal("0")), output_field=DecimalField(max_digits=16, decimal_places=2))


def ar_aging(today=None):
    """Open receivables per customer and currency in buckets by days past due: current (not
    yet due), 1–30, 31–60, 61–90, over 90 — one GROUP BY in PostgreSQL. Returns rows and
    totals per currency."""
    today = today or timezone.localdate()
    d = lambda n: today - timedelta(days=n)  # noqa: E731
    rows = list(
        Invoice.objects.filter(status__in=OPEN_INVOICE)
        .values("company_id", "company__code", "company__name", "currency")
        .annotate(
            current=_bucket(Q(due_date__gte=today)),
            d1_30=_bucket(Q(due_date__lt=today, due_date__gte=d(30))),
            d31_60=_bucket(Q(due_date__lt=d(30), due_date__gte=d(60))),
            d61_90=_bucket(Q(due_date__lt=d(60), due_date__gte=d(90))),
            d90_plus=_bucket(Q(due_date__lt=d(90))),
            total=Coalesce(Sum(F("total") - F("amount_paid")), Value(Decimal("0")),
                           output_field=DecimalField(max_digits=16, decimal_places=2)),
        )
        .order_by("currency", "company__code")
    )
    totals: dict[str, dict] = {}
    for row in rows:
        t = totals.setdefault(row["currency"], {k: Decimal("0") for k in (*BUCKETS, "total")})
        for k in (*BUCKETS, "total"):
            t[k] += row[k]
    return {"rows": rows, "totals": [{"currency": c, **v} for c, v in sorted(totals.items())], "today": today}


def overdue_invoices(days=0, today=None):
    today = today or timezone.localdate()
    return Invoice.objects.filter(status__in=OPEN_INVOICE, due_date__lt=today - timedelta(days=days))


def propose_statement_matches(rows):
    """For each bank statement line, the open invoice (or unpaid order) it most likely pays:
    a document number named in the reference or description whose balance equals the amount is
    a strong match; a named number with another amount, or one open invoice of exactly that
    amount, is a weak one. Lines already recorded (same bank reference) are flagged."""
    import re

    from orders.models import Order

    pattern = re.compile(r"\b(INV-\d{4}-\d{6}|SO-[A-Z0-9]+)\b", re.I)
    open_invoices = {i.number: i for i in Invoice.objects.filter(status__in=OPEN_INVOICE).select_related("company")}
    by_amount: dict = {}
    for inv in open_invoices.values():
        by_amount.setdefault(inv.balance, []).append(inv)
    named_orders = set()
    for row in rows:
        named_orders.update(m.upper() for m in pattern.findall(f"{row['reference']} {row['description']}") if m.upper().startswith("SO-"))
    orders = {o.number: o for o in Order.objects.filter(number__in=named_orders, is_paid=False).select_related("company")}
    seen = set(Payment.objects.filter(method="bank_transfer", gateway_ref__in=[r["reference"] for r in rows])
               .values_list("gateway_ref", flat=True))
    proposals = []
    for row in rows:
        found = [m.upper() for m in pattern.findall(f"{row['reference']} {row['description']}")]
        document, strength = None, ""
        for number in found:
            doc = open_invoices.get(number) or orders.get(number)
            if doc is not None:
                owed = doc.balance if isinstance(doc, Invoice) else doc.total
                document, strength = doc, ("strong" if owed == row["amount"] else "weak")
                break
        if document is None and len(by_amount.get(row["amount"], [])) == 1:
            document, strength = by_amount[row["amount"]][0], "weak"
        proposals.append({**row, "document": document, "strength": strength, "duplicate": row["reference"] in seen})
    return proposals


def portal_credit_notes(company):
    """The company's credit notes, newest first (returns, goodwill), with what is left to use."""
    return CreditNote.objects.filter(company=company).order_by("-created_at", "-id")


def default_methods(company) -> list[str]:
    methods = [Method.CARD, Method.ALIPAY, Method.WECHAT, Method.BANK_TRANSFER]
    if company.payment_terms == "cod":
        methods.append(Method.COD)
    elif company.payment_terms != "prepaid":
        methods.append(Method.CREDIT_TERMS)
    return [str(m) for m in methods]


def allowed_methods(company) -> list[str]:
    """The payment methods `company` may use, in Method order: its PaymentProfile, or the defaults."""
    profile = PaymentProfile.objects.filter(company=company).values_list("methods", flat=True).first()
    chosen = set(profile) if profile is not None else set(default_methods(company))
    return [m.value for m in Method if m.value in chosen]


def payable_online_methods(company) -> list[tuple[str, str]]:
    """(value, label) of the methods the dealer can pay with online now: allowed for the
    company and taken by a live gateway."""
    from .gateways import online_methods

    live = online_methods()
    allowed = set(allowed_methods(company))
    return [(m.value, m.label) for m in ONLINE_METHODS if m.value in allowed and m.value in live]
