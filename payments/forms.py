import csv

from django import forms
from django.utils.translation import gettext_lazy as _

from oms import money
from oms.csv_upload import form_csv_reader
from oms.forms import AmountField, DomainErrorForm

from .models import Invoice, Method, PaymentStatus


class RefundForm(DomainErrorForm):
    amount = AmountField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0.01)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class BankTransferForm(DomainErrorForm):
    document = forms.CharField(label=_("Order or invoice number"), max_length=30,
                               help_text=_("For example SO-0000123 or INV-2026-000045."))
    amount = AmountField(label=_("Amount received"), max_digits=14, decimal_places=2, min_value=0.01)
    reference = forms.CharField(label=_("Bank reference"), max_length=120)
    field_aliases = {"invoice": "document", "order": "document"}


class PaymentFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status"))] + PaymentStatus.choices)
    method = forms.ChoiceField(label=_("Method"), required=False, choices=[("", _("Any method"))] + Method.choices)


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100, strip=True, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": _("Invoice, order or customer"), "aria-label": _("Search invoices")}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status"))] + Invoice.Status.choices)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)


STATEMENT_MAX_BYTES = 2 * 1024 * 1024
STATEMENT_MAX_ROWS = 2000
STATEMENT_COLUMNS = ("date", "amount", "currency", "reference", "description")
STATEMENT_REQUIRED = ("amount", "reference")


class BankStatementForm(forms.Form):
    """A bank statement export: CSV (UTF-8 or GB18030) with a header naming at least amount and
    reference; date, currency and description are optional. Credits (positive amounts) only."""

    file = forms.FileField(label=_("Bank statement (CSV)"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
                           error_messages={"required": _("Choose the CSV file to upload."), "empty": _("The file is empty.")})

    def clean_file(self):
        from decimal import Decimal, InvalidOperation

        upload = self.cleaned_data["file"]
        reader = form_csv_reader(upload, max_bytes=STATEMENT_MAX_BYTES)
        rows, problems = [], []
        try:
            header = [h.strip().lower().replace(" ", "_") for h in next(reader, [])]
            missing = [c for c in STATEMENT_REQUIRED if c not in header]
            if missing:
                raise forms.ValidationError(_("The header line must name the columns %(needed)s (missing: %(missing)s).")
                                            % {"needed": ", ".join(STATEMENT_REQUIRED), "missing": ", ".join(missing)})
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                row = {c: "" for c in STATEMENT_COLUMNS}
                row.update({col: v.strip() for col, v in zip(header, values) if col in STATEMENT_COLUMNS})
                row["line"] = reader.line_num
                try:
                    row["amount"] = Decimal(row["amount"].replace(",", ""))
                except InvalidOperation:
                    problems.append(_("Line %(line)d: “%(v)s” is not an amount.") % {"line": row["line"], "v": row["amount"]})
                    continue
                if row["amount"] <= 0:
                    continue  # debits are not payments received
                rows.append(row)
                if len(rows) > STATEMENT_MAX_ROWS:
                    raise forms.ValidationError(_("A file may hold at most %(n)d lines.") % {"n": STATEMENT_MAX_ROWS})
        except csv.Error as err:
            raise forms.ValidationError(_("Line %(line)d cannot be read as CSV: %(error)s") % {"line": reader.line_num, "error": err})
        if problems:
            raise forms.ValidationError(problems)
        if not rows:
            raise forms.ValidationError(_("The file has no incoming payments under its header line."))
        self.rows = rows
        return upload


class CreditNoteForm(DomainErrorForm):
    company = forms.CharField(label=_("Customer code"), max_length=20)
    amount = AmountField(label=_("Amount"), max_digits=14, decimal_places=2, min_value=0.01)
    currency = forms.ChoiceField(label=_("Currency"), choices=money.CURRENCY_CHOICES, initial="CNY")
    reason = forms.CharField(label=_("Reason"), max_length=300)
    source_ref = forms.CharField(label=_("Source (RMA, order...)"), max_length=80, required=False)


class VoidInvoiceForm(DomainErrorForm):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=300)


class PaymentMethodsForm(DomainErrorForm):
    methods = forms.MultipleChoiceField(
        label=_("Allowed payment methods"), choices=Method.choices, widget=forms.CheckboxSelectMultiple, required=False,
        help_text=_("Card, Alipay and WeChat Pay are paid online in the portal; bank transfers are confirmed by "
                    "finance; credit terms and cash on delivery follow the customer's payment terms."))


class PayMethodForm(DomainErrorForm):
    """The dealer's choice among the online methods allowed for the company (choices set by the view)."""

    method = forms.ChoiceField(label=_("Pay with"), widget=forms.RadioSelect)
    field_aliases = {"gateway": "method"}

    def __init__(self, *args, methods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = list(methods)
        if methods:
            self.fields["method"].initial = methods[0][0]
