"""Accounting exports: invoices, payments and credit notes of a date range, for an ERP.

One definition per document — its queryset (one query, streamed with .iterator()) and its
columns (header, value, type) — rendered three ways: CSV (streamed), Excel (one sheet per
document, typed cells, frozen header) and JSON rows for the API. Amounts stay Decimal all the
way: openpyxl writes a Decimal's exact digits into the cell."""

import csv
import datetime
import tempfile
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CHUNK = 2000
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    get: object
    type: str = "text"  # text, money, date, datetime


def _local(dt):
    """Aware, in the local zone; files show it as local wall time (naive), the API with its offset."""
    return timezone.localtime(dt).replace(microsecond=0) if dt else None


def _wall(value):
    return value.replace(tzinfo=None) if isinstance(value, datetime.datetime) else value


def _day_bounds(date_from, date_to):
    """Aware datetimes [start of date_from, start of the day after date_to) in the local zone."""
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


class Export:
    key = ""
    label = ""
    columns: tuple = ()

    def queryset(self, date_from, date_to):
        raise NotImplementedError

    def rows(self, date_from, date_to):
        """Tuples of typed values (Decimal, date, datetime, str), streamed."""
        cols = self.columns
        for obj in self.queryset(date_from, date_to).iterator(chunk_size=CHUNK):
            yield tuple(c.get(obj) for c in cols)

    def records(self, objects):
        """JSON-ready dicts for the API (money as strings, dates ISO)."""
        for obj in objects:
            record = {}
            for c in self.columns:
                value = c.get(obj)
                if value is None:
                    record[c.key] = None
                elif c.type == "money":
                    record[c.key] = format(value, "f")
                elif c.type in ("date", "datetime"):
                    record[c.key] = value.isoformat()
                else:
                    record[c.key] = value
            yield record


class InvoiceExport(Export):
    key = "invoices"
    label = _("Invoices")
    columns = (
        Col("number", _("Invoice"), lambda i: i.number),
        Col("issue_date", _("Issued"), lambda i: i.issue_date, "date"),
        Col("due_date", _("Due"), lambda i: i.due_date, "date"),
        Col("customer_code", _("Customer code"), lambda i: i.company.code),
        Col("customer_name", _("Customer"), lambda i: i.company.name),
        Col("tax_id", _("Tax id"), lambda i: i.company.tax_id),
        Col("order_number", _("Order"), lambda i: i.order.number if i.order_id else ""),
        Col("currency", _("Currency"), lambda i: i.currency),
        Col("subtotal", _("Subtotal"), lambda i: i.subtotal, "money"),
        Col("tax", _("Tax"), lambda i: i.tax, "money"),
        Col("total", _("Total"), lambda i: i.total, "money"),
        Col("amount_paid", _("Paid"), lambda i: i.amount_paid, "money"),
        Col("balance", _("Balance"), lambda i: i.balance, "money"),
        Col("status", _("Status"), lambda i: i.status),
        Col("payment_terms", _("Payment terms"), lambda i: i.payment_terms),
    )

    def queryset(self, date_from, date_to):
        from payments.models import Invoice

        return (Invoice.objects.filter(issue_date__gte=date_from, issue_date__lte=date_to)
                .select_related("company", "order").only(
                    "number", "issue_date", "due_date", "currency", "subtotal", "tax", "total", "amount_paid",
                    "status", "payment_terms", "company__code", "company__name", "company__tax_id", "order__number")
                .order_by("issue_date", "id"))


class PaymentExport(Export):
    key = "payments"
    label = _("Payments")
    columns = (
        Col("id", _("Payment id"), lambda p: str(p.pk)),
        Col("paid_at", _("Paid"), lambda p: _local(p.paid_at), "datetime"),
        Col("customer_code", _("Customer code"), lambda p: p.company.code),
        Col("customer_name", _("Customer"), lambda p: p.company.name),
        Col("method", _("Method"), lambda p: p.method),
        Col("gateway", _("Gateway"), lambda p: p.gateway),
        Col("reference", _("Reference"), lambda p: p.reference or p.gateway_ref),
        Col("order_number", _("Order"), lambda p: p.order.number if p.order_id else ""),
        Col("invoice_number", _("Invoice"), lambda p: p.invoice.number if p.invoice_id else ""),
        Col("currency", _("Currency"), lambda p: p.currency),
        Col("amount", _("Amount"), lambda p: p.amount, "money"),
        Col("amount_refunded", _("Refunded"), lambda p: p.amount_refunded, "money"),
        Col("status", _("Status"), lambda p: p.status),
    )

    def queryset(self, date_from, date_to):
        from payments.models import Payment

        start, end = _day_bounds(date_from, date_to)
        return (Payment.objects.filter(paid_at__gte=start, paid_at__lt=end)
                .select_related("company", "order", "invoice").only(
                    "paid_at", "method", "gateway", "reference", "gateway_ref", "currency", "amount",
                    "amount_refunded", "status", "company__code", "company__name", "order__number", "invoice__number")
                .order_by("paid_at", "id"))


class CreditNoteExport(Export):
    key = "credit_notes"
    label = _("Credit notes")
    columns = (
        Col("number", _("Credit note"), lambda c: c.number),
        Col("date", _("Date"), lambda c: timezone.localdate(c.created_at), "date"),
        Col("customer_code", _("Customer code"), lambda c: c.company.code),
        Col("customer_name", _("Customer"), lambda c: c.company.name),
        Col("currency", _("Currency"), lambda c: c.currency),
        Col("amount", _("Amount"), lambda c: c.amount, "money"),
        Col("remaining", _("Remaining"), lambda c: c.remaining, "money"),
        Col("reason", _("Reason"), lambda c: c.reason),
        Col("source_ref", _("Source"), lambda c: c.source_ref),
    )

    def queryset(self, date_from, date_to):
        from payments.models import CreditNote

        start, end = _day_bounds(date_from, date_to)
        return (CreditNote.objects.filter(created_at__gte=start, created_at__lt=end)
                .select_related("company").only(
                    "number", "created_at", "currency", "amount", "remaining", "reason", "source_ref",
                    "company__code", "company__name")
                .order_by("created_at", "id"))


EXPORTS = {e.key: e for e in (InvoiceExport(), PaymentExport(), CreditNoteExport())}


# --- CSV ---------------------------------------------------------------------------------------------

class _Echo:
    def write(self, value):
        return value


def csv_lines(export, date_from, date_to):
    """The CSV text, line by line (UTF-8 with BOM so Excel opens Chinese names correctly)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([c.key for c in export.columns])
    for row in export.rows(date_from, date_to):
        yield writer.writerow(["" if v is None else format(v, "f") if c.type == "money" else
                               _wall(v).isoformat(sep=" ") if c.type == "datetime" else
                               v.isoformat() if c.type == "date" else v
                               for c, v in zip(export.columns, row)])


# --- Excel -------------------------------------------------------------------------------------------

def write_workbook(exports, date_from, date_to):
    """An .xlsx file (a temporary file, rewound) with one sheet per export: bold frozen header,
    money as numbers with two decimals, dates as dates. Rows are streamed (write-only mode)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    formats = {"money": MONEY_FORMAT, "date": DATE_FORMAT, "datetime": DATETIME_FORMAT}
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for export in exports:
        sheet = workbook.create_sheet(title=str(export.label)[:31])
        sheet.freeze_panes = "A2"
        for i, c in enumerate(export.columns):
            sheet.column_dimensions[_letter(i)].width = 14 if c.type != "text" else 20
        header = []
        for c in export.columns:
            cell = WriteOnlyCell(sheet, value=str(c.label))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in export.rows(date_from, date_to):
            cells = []
            for c, value in zip(export.columns, row):
                cell = WriteOnlyCell(sheet, value=_wall(value))
                if c.type in formats and value is not None:
                    cell.number_format = formats[c.type]
                cells.append(cell)
            sheet.append(cells)
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(handle)
    handle.seek(0)
    return handle


def _letter(index):
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def template_workbook(columns):
    """An import template: the header row and one example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "import"
    sheet.append([c.name for c in columns])
    sheet.append([c.example for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for i, _c in enumerate(columns):
        sheet.column_dimensions[_letter(i)].width = 18
    handle = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    workbook.save(handle)
    handle.seek(0)
    return handle
