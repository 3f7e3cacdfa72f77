"""Financial reports: revenue, payments received, refunds, returns, AR aging (SPEC §G, issue #7).

Money never mixes currencies: every money section is one currency (its title says which), with
its own chart and totals."""

from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from oms.permissions import Perm
from payments.models import Method
from reports.queries import financial as q
from reports.queries._ops import month_label, months, percent
from reports.registry import Chart, Column, ColumnKind as K, Report, Section, register
from returns.models import Reason

FILTERS = ("period", "customer", "region")
ZERO = Decimal("0")


def _label(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def _currencies(found):
    return sorted(found) or [settings.OMS_DEFAULT_CURRENCY]


@register
class FinancialRevenue(Report):
    slug = "financial-revenue"
    title = _("Revenue")
    description = _("Invoiced by month and currency: invoices issued in the period minus credit notes.")
    perm = Perm.PAYMENTS_VIEW
    filters = FILTERS

    def compute(self, params, progress):
        data = q.revenue(**params)
        progress(80)
        periods = months(params["date_from"], params["date_to"])
        keys = ("invoices", "subtotal", "tax", "invoiced", "credit_notes", "credited", "net")
        sections = []
        for cur in _currencies(data):
            found = data.get(cur, {})
            rows = []
            for m in periods:
                c = found.get(m) or {"invoices": 0, "subtotal": ZERO, "tax": ZERO, "invoiced": ZERO, "credit_notes": 0,
                                     "credited": ZERO, "net": ZERO}
                rows.append({"month": month_label(m), "currency": cur, **{k: c[k] for k in keys}})
            totals = {"month": gettext("Total"), "currency": cur,
                      **{k: sum((r[k] for r in rows), 0 if k in ("invoices", "credit_notes") else ZERO) for k in keys}}
            sections.append(Section(f"revenue_{cur.lower()}", gettext("Revenue (%(currency)s)") % {"currency": cur}, [
                Column("month", gettext("Month")), Column("invoices", gettext("Invoices"), K.INT),
                Column("subtotal", gettext("Net of tax"), K.MONEY, cur), Column("tax", gettext("Tax"), K.MONEY, cur),
                Column("invoiced", gettext("Invoiced"), K.MONEY, cur), Column("credit_notes", gettext("Credit notes"), K.INT),
                Column("credited", gettext("Credited"), K.MONEY, cur), Column("net", gettext("Net revenue"), K.MONEY, cur),
            ], rows, Chart("bar", "month", ("invoiced", "net"), gettext("Revenue by month (%(currency)s)") % {"currency": cur}),
                totals=totals,
                note=gettext("Invoices (not void) by issue date; credit notes by the day they were issued. "
                        "Net revenue = invoiced − credited, tax included.")))
        return self.result(params, sections)


@register
class FinancialPayments(Report):
    slug = "financial-payments"
    title = _("Payments received")
    description = _("Money received by month and by payment method, per currency.")
    perm = Perm.PAYMENTS_VIEW
    filters = FILTERS

    def compute(self, params, progress):
        by_month, by_method = q.payments_received(**params)
        progress(80)
        periods = months(params["date_from"], params["date_to"])
        sections = []
        for cur in _currencies({r["currency"] for r in by_month}):
            found = {r["month"]: r for r in by_month if r["currency"] == cur}
            rows = [{"month": month_label(m), "currency": cur, "payments": found[m]["n"] if m in found else 0,
                     "amount": found[m]["amount"] if m in found else ZERO,
                     "refunded": found[m]["refunded"] if m in found else ZERO} for m in periods]
            for r in rows:
                r["kept"] = r["amount"] - r["refunded"]
            total = sum((r["amount"] for r in rows), ZERO)
            sections.append(Section(f"by_month_{cur.lower()}", gettext("By month (%(currency)s)") % {"currency": cur}, [
                Column("month", gettext("Month")), Column("payments", gettext("Payments"), K.INT),
                Column("amount", gettext("Received"), K.MONEY, cur), Column("refunded", gettext("Refunded since"), K.MONEY, cur),
                Column("kept", gettext("Kept"), K.MONEY, cur),
            ], rows, Chart("bar", "month", ("amount",), gettext("Received by month (%(currency)s)") % {"currency": cur}),
                totals={"month": gettext("Total"), "currency": cur, "payments": sum(r["payments"] for r in rows),
                        "amount": total, "refunded": sum((r["refunded"] for r in rows), ZERO),
                        "kept": sum((r["kept"] for r in rows), ZERO)},
                note=gettext("Payments whose money arrived (paid, partly paid or later refunded), by the day they were paid. "
                        "Refunded since = refunded from these payments up to now.")))
            methods = [{"method": _label(Method, r["method"]), "currency": cur, "payments": r["n"], "amount": r["amount"],
                        "share": percent(r["amount"], total)} for r in by_method if r["currency"] == cur]
            sections.append(Section(f"by_method_{cur.lower()}", gettext("By method (%(currency)s)") % {"currency": cur}, [
                Column("method", gettext("Method")), Column("payments", gettext("Payments"), K.INT),
                Column("amount", gettext("Received"), K.MONEY, cur), Column("share", gettext("Share"), K.PERCENT),
            ], methods, Chart("bar", "method", ("amount",), gettext("Received by method (%(currency)s)") % {"currency": cur}),
                totals={"method": gettext("Total"), "currency": cur, "payments": sum(r["payments"] for r in methods),
                        "amount": total, "share": Decimal("100.0") if methods else None}))
        return self.result(params, sections)


@register
class FinancialRefunds(Report):
    slug = "financial-refunds"
    title = _("Refunds")
    description = _("Refunds paid back, by month and by payment method, per currency.")
    perm = Perm.PAYMENTS_VIEW
    filters = FILTERS

    def compute(self, params, progress):
        by_month, by_method = q.refunds(**params)
        progress(80)
        periods = months(params["date_from"], params["date_to"])
        sections = []
        for cur in _currencies({r["payment__currency"] for r in by_month}):
            found = {r["month"]: r for r in by_month if r["payment__currency"] == cur}
            rows = [{"month": month_label(m), "currency": cur, "refunds": found[m]["n"] if m in found else 0,
                     "amount": found[m]["amount"] if m in found else ZERO} for m in periods]
            total = sum((r["amount"] for r in rows), ZERO)
            sections.append(Section(f"by_month_{cur.lower()}", gettext("By month (%(currency)s)") % {"currency": cur}, [
                Column("month", gettext("Month")), Column("refunds", gettext("Refunds"), K.INT),
                Column("amount", gettext("Refunded"), K.MONEY, cur),
            ], rows, Chart("bar", "month", ("amount",), gettext("Refunded by month (%(currency)s)") % {"currency": cur}),
                totals={"month": gettext("Total"), "currency": cur, "refunds": sum(r["refunds"] for r in rows), "amount": total},
                note=gettext("Refunds that succeeded, by the day they were made, in the currency of the payment refunded.")))
            methods = [{"method": _label(Method, r["payment__method"]), "currency": cur, "refunds": r["n"],
                        "amount": r["amount"]} for r in by_method if r["payment__currency"] == cur]
            sections.append(Section(f"by_method_{cur.lower()}", gettext("By method (%(currency)s)") % {"currency": cur}, [
                Column("method", gettext("Method")), Column("refunds", gettext("Refunds"), K.INT),
                Column("amount", gettext("Refunded"), K.MONEY, cur),
            ], methods, totals={"method": gettext("Total"), "currency": cur, "refunds": sum(r["refunds"] for r in methods),
                                "amount": total}))
        return self.result(params, sections)


@register
class FinancialReturns(Report):
    slug = "financial-returns"
    title = _("Returns")
    description = _("Returns (RMAs) opened in the period by reason code, units and credited amounts.")
    perm = Perm.PAYMENTS_VIEW
    filters = FILTERS

    def compute(self, params, progress):
        raw = q.returns_by_reason(**params)
        progress(80)
        unit_keys = ("lines", "requested", "received", "restocked", "scrapped")
        by_reason: dict[str, dict] = {}
        for r in raw:
            row = by_reason.setdefault(r["reason"], {"reason": _label(Reason, r["reason"]), "returns": 0,
                                                     **{k: 0 for k in unit_keys}})
            row["returns"] += r["returns"]  # an RMA is in one currency: no double count across currencies
            for k in unit_keys:
                row[k] += int(r[k])
        reasons = [by_reason[k] for k in sorted(by_reason)]
        sections = [Section("by_reason", gettext("By reason"), [
            Column("reason", gettext("Reason")), Column("returns", gettext("Returns"), K.INT), Column("lines", gettext("Lines"), K.INT),
            Column("requested", gettext("Units requested"), K.INT), Column("received", gettext("Units received"), K.INT),
            Column("restocked", gettext("Units restocked"), K.INT), Column("scrapped", gettext("Units scrapped"), K.INT),
        ], reasons, Chart("bar", "reason", ("requested", "received"), gettext("Units returned by reason")),
            note=gettext("A return with lines of several reasons counts once under each of them."))]
        for cur in _currencies({r["currency"] for r in raw}):
            rows = [{"reason": _label(Reason, r["reason"]), "currency": cur, "refunded": r["refunded"],
                     "credit_noted": r["credit_noted"], "credited": r["refunded"] + r["credit_noted"]}
                    for r in raw if r["currency"] == cur]
            sections.append(Section(f"credited_{cur.lower()}", gettext("Credited (%(currency)s)") % {"currency": cur}, [
                Column("reason", gettext("Reason")), Column("refunded", gettext("Refunded"), K.MONEY, cur),
                Column("credit_noted", gettext("Credit notes"), K.MONEY, cur), Column("credited", gettext("Credited"), K.MONEY, cur),
            ], rows, Chart("bar", "reason", ("credited",), gettext("Credited by reason (%(currency)s)") % {"currency": cur}),
                totals={"reason": gettext("Total"), "currency": cur,
                        **{k: sum((r[k] for r in rows), ZERO) for k in ("refunded", "credit_noted", "credited")}},
                note=gettext("Returns resolved by refund or credit note; each received line is valued at what was paid "
                        "for it (line total per unit × units received, rounded per line), as the return was.")))
        return self.result(params, sections)


BUCKET_COLUMNS = (("current", _("Current")), ("d1_30", _("1–30 days")), ("d31_60", _("31–60 days")),
                  ("d61_90", _("61–90 days")), ("d90_plus", _("Over 90 days")), ("total", _("Total")))


@register
class FinancialArAging(Report):
    slug = "financial-ar-aging"
    title = _("Receivables aging")
    description = _("Open invoices per customer by days past due, per currency — the figures of the AR aging page.")
    perm = Perm.PAYMENTS_VIEW
    filters = ("customer", "region")

    def compute(self, params, progress):
        rows, totals, today = q.ar_aging(**params)
        progress(80)
        sections = []
        for cur in _currencies(totals):
            cur_rows = [{"customer_code": r["company__code"], "customer": r["company__name"], "currency": cur,
                         **{k: r[k] for k, _l in BUCKET_COLUMNS}} for r in rows if r["currency"] == cur]
            t = totals.get(cur) or {k: ZERO for k, _l in BUCKET_COLUMNS}
            buckets = [{"bucket": str(label), "currency": cur, "amount": t[k]} for k, label in BUCKET_COLUMNS[:-1]]
            sections.append(Section(f"buckets_{cur.lower()}", gettext("Buckets (%(currency)s)") % {"currency": cur}, [
                Column("bucket", gettext("Days past due")), Column("amount", gettext("Open"), K.MONEY, cur),
            ], buckets, Chart("bar", "bucket", ("amount",), gettext("Open receivables by age (%(currency)s)") % {"currency": cur}),
                totals={"bucket": gettext("Total"), "currency": cur, "amount": t["total"]}))
            sections.append(Section(f"customers_{cur.lower()}", gettext("By customer (%(currency)s)") % {"currency": cur}, [
                Column("customer_code", gettext("Code")), Column("customer", gettext("Customer")),
                *[Column(k, str(label), K.MONEY, cur) for k, label in BUCKET_COLUMNS],
            ], cur_rows, totals={"customer_code": gettext("Total"), "customer": "", "currency": cur, **t},
                note=gettext("As of %(today)s: open and partly paid invoices by days past their due date.") % {"today": today}))
        return self.result(params, sections)
