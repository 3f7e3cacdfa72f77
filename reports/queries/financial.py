"""Financial report queries: revenue (invoiced − credited), payments received, refunds,
returns by reason, AR aging. All money is grouped by currency (never added across currencies),
aggregated in PostgreSQL, a fixed number of queries per report.

Dating: invoices by issue date; credit notes, refunds and returns by their creation time;
payments by when they were paid (paid_at, or their creation time when the gateway did not stamp
it) — all in the configured time zone.
"""

from decimal import Decimal

from django.db.models import Count, DateField, Sum
from django.db.models.functions import Coalesce, TruncMonth

from customers.models import Company
from orders.models import OrderLine
from payments import selectors as payment_selectors
from payments.models import CreditNote, Invoice, Payment, Refund
from payments.state import SETTLED
from reports.routers import replica_alias
from returns.models import ReturnLine, ReturnRequest

from ._ops import bounds, fetch, round_sql

ZERO = Decimal("0")


def _company_filter(qs, prefix, customer=None, region=""):
    if customer:
        qs = qs.filter(**{f"{prefix}company_id": customer})
    if region:
        qs = qs.filter(**{f"{prefix}company__region": region})
    return qs


def revenue(*, date_from, date_to, customer=None, region="", **_ignored):
    """{currency: {month: {...}}}: invoices issued (not void) and credit notes issued, by month."""
    db = replica_alias()
    inv = _company_filter(Invoice.objects.using(db).exclude(status=Invoice.Status.VOID)
                          .filter(issue_date__gte=date_from, issue_date__lte=date_to), "", customer, region)
    invoiced = (inv.annotate(month=TruncMonth("issue_date", output_field=DateField())).values("currency", "month")
                .annotate(n=Count("pk"), subtotal=Sum("subtotal"), tax=Sum("tax"), total=Sum("total")))
    start, end = bounds(date_from, date_to)
    notes = _company_filter(CreditNote.objects.using(db).filter(created_at__gte=start, created_at__lt=end), "", customer, region)
    credited = (notes.annotate(month=TruncMonth("created_at", output_field=DateField())).values("currency", "month")
                .annotate(n=Count("pk"), total=Sum("amount")))
    out: dict[str, dict] = {}

    def cell(currency, month):
        return out.setdefault(currency, {}).setdefault(month, {
            "invoices": 0, "subtotal": ZERO, "tax": ZERO, "invoiced": ZERO, "credit_notes": 0, "credited": ZERO})

    for r in invoiced:
        c = cell(r["currency"], r["month"])
        c.update(invoices=r["n"], subtotal=r["subtotal"], tax=r["tax"], invoiced=r["total"])
    for r in credited:
        c = cell(r["currency"], r["month"])
        c.update(credit_notes=r["n"], credited=r["total"])
    for months in out.values():
        for c in months.values():
            c["net"] = c["invoiced"] - c["credited"]
    return out


def _paid_at():
    return Coalesce("paid_at", "created_at")


def payments_received(*, date_from, date_to, customer=None, region="", **_ignored):
    """Settled payments (money arrived, even if refunded later) by currency × month and by
    currency × method: count and amount received (gross of refunds)."""
    start, end = bounds(date_from, date_to)
    qs = (_company_filter(Payment.objects.using(replica_alias()).filter(status__in=SETTLED), "", customer, region)
          .annotate(at=_paid_at()).filter(at__gte=start, at__lt=end))
    by_month = list(qs.annotate(month=TruncMonth("at", output_field=DateField())).values("currency", "month")
                    .annotate(n=Count("pk"), amount=Sum("amount"), refunded=Sum("amount_refunded")).order_by())
    by_method = list(qs.values("currency", "method").annotate(n=Count("pk"), amount=Sum("amount")).order_by("currency", "method"))
    return by_month, by_method


def refunds(*, date_from, date_to, customer=None, region="", **_ignored):
    """Succeeded refunds, in their payment's currency, by month and by payment method."""
    start, end = bounds(date_from, date_to)
    qs = _company_filter(Refund.objects.using(replica_alias()).filter(
        status=Refund.Status.SUCCEEDED, created_at__gte=start, created_at__lt=end), "payment__", customer, region)
    by_month = list(qs.annotate(month=TruncMonth("created_at", output_field=DateField()))
                    .values("payment__currency", "month").annotate(n=Count("pk"), amount=Sum("amount")).order_by())
    by_method = list(qs.values("payment__currency", "payment__method").annotate(n=Count("pk"), amount=Sum("amount"))
                     .order_by("payment__currency", "payment__method"))
    return by_month, by_method


def returns_by_reason(*, date_from, date_to, customer=None, region="", **_ignored):
    """Return lines of RMAs opened in the period, by reason code (and currency): returns, lines,
    units requested / received / restocked / scrapped, and what was credited — each received line
    valued as returns.services.return_value does (line total per unit × units received, rounded
    per line), for RMAs resolved by refund or credit note."""
    start, end = bounds(date_from, date_to)
    rl, r, ol, c = (ReturnLine._meta.db_table, ReturnRequest._meta.db_table, OrderLine._meta.db_table,
                    Company._meta.db_table)
    value = round_sql("ol.total_amount * rl.received_quantity / NULLIF(ol.quantity, 0)", "r.currency")
    where, params = ["r.created_at >= %(start)s", "r.created_at < %(end)s"], {"start": start, "end": end}
    if customer:
        where.append("r.company_id = %(customer)s")
        params["customer"] = customer
    if region:
        where.append("c.region = %(region)s")
        params["region"] = region
    sql = f"""
    SELECT rl.reason, r.currency,
           COUNT(DISTINCT r.id) AS returns, COUNT(*) AS lines,
           SUM(rl.quantity) AS requested, SUM(rl.received_quantity) AS received,
           SUM(rl.restock_quantity) AS restocked, SUM(rl.scrap_quantity) AS scrapped,
           COALESCE(SUM({value}) FILTER (WHERE r.resolution = 'refund' AND rl.received_quantity > 0), 0) AS refunded,
           COALESCE(SUM({value}) FILTER (WHERE r.resolution = 'credit_note' AND rl.received_quantity > 0), 0) AS credit_noted
    FROM {rl} rl JOIN {r} r ON r.id = rl.rma_id JOIN {ol} ol ON ol.id = rl.order_line_id
         JOIN {c} c ON c.id = r.company_id
    WHERE {' AND '.join(where)}
    GROUP BY rl.reason, r.currency
    ORDER BY rl.reason, r.currency
    """
    return fetch(sql, params)


def ar_aging(*, customer=None, region="", today=None, **_ignored):
    """payments.selectors.ar_aging (the console AR aging page's figures), narrowed to a customer
    or a region, with totals per currency recomputed over the rows kept."""
    data = payment_selectors.ar_aging(today=today)
    rows = data["rows"]
    if customer:
        rows = [r for r in rows if r["company_id"] == customer]
    if region:
        ids = set(Company.objects.using(replica_alias()).filter(region=region).values_list("pk", flat=True))
        rows = [r for r in rows if r["company_id"] in ids]
    keys = (*payment_selectors.BUCKETS, "total")
    totals: dict[str, dict] = {}
    for r in rows:
        t = totals.setdefault(r["currency"], {k: ZERO for k in keys})
        for k in keys:
            t[k] += r[k]
    return rows, totals, data["today"]
