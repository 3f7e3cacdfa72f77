"""Input shape only for the console's order pages. Whether an order is valid (SKUs, whole
quantities, pack sizes, address, prices) is decided by orders.services; its DomainError comes
back to the form through `DomainErrorForm.add_domain_error`."""

import csv
import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Address, Company
from inventory.models import Warehouse
from inventory.selectors import warehouse_choices
from oms.csv_upload import form_csv_reader
from oms.forms import AmountField, DomainErrorForm

from . import selectors_console
from .models import Shipment, Tag, TrackingEvent
from .services.intake import MAX_LINES

# --- the queue's filters -------------------------------------------------------------------

def dress_queue_filters(form):
    """Widgets for the queue's filter bar (orders.filters.OrderQueueFilter's form): status as
    checkboxes, dates as date pickers, overdue as a checkbox, search as a search box."""
    fields = form.fields
    fields["q"].widget = forms.TextInput(attrs={
        "type": "search", "placeholder": _("Order number, customer, PO or SKU"), "aria-label": _("Search")})
    fields["status"].widget = forms.CheckboxSelectMultiple(choices=fields["status"].choices)
    for name in ("created_from", "created_to"):
        fields[name].widget = forms.DateInput(attrs={"type": "date", "aria-label": fields[name].label},
                                              format="%Y-%m-%d")
    fields["overdue"].widget = forms.CheckboxInput(attrs={"value": "true"})
    warehouse = fields["warehouse"]
    warehouse.widget.choices = [("", warehouse.empty_label), *warehouse_choices()]  # no query per page
    for name in ("channel", "warehouse", "tag"):
        fields[name].widget.attrs["aria-label"] = fields[name].label
    return form


# --- phone / e-mail order entry ------------------------------------------------------------

class OrderEntryForm(DomainErrorForm):
    # The customer picker: a search box (code, name, a contact's phone or e-mail) whose htmx
    # results fill the hidden `company` id. Without JavaScript the typed text is resolved on
    # submit (see selectors_console.resolve_customer), with a field error when it is unknown
    # or matches several customers.
    customer = forms.CharField(label=_("Customer"), max_length=200, required=False, widget=forms.TextInput(attrs={
        "type": "search", "autocomplete": "off", "spellcheck": "false",
        "placeholder": _("Code, name, contact phone or e-mail")}))
    company = forms.CharField(required=False, widget=forms.HiddenInput)
    ship_to = forms.ModelChoiceField(label=_("Ship to"), queryset=Address.objects.none(), required=False,
                                     empty_label=_("The customer's default shipping address"))
    customer_po = forms.CharField(label=_("Customer PO number"), max_length=60, required=False)
    requested_date = forms.DateField(label=_("Requested delivery"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    tags = forms.MultipleChoiceField(label=_("Tags"), choices=Tag.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)
    idempotency_key = forms.CharField(max_length=80, widget=forms.HiddenInput)

    field_aliases = {"company": "customer"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("idempotency_key"):
            # one token per rendered form: sending the same form twice places one order
            self.initial["idempotency_key"] = uuid.uuid4().hex
        self.matches = None  # when the typed customer is unknown (0) or ambiguous (2+)
        self.chosen = self._chosen_company()
        if self.chosen is not None and not self.is_bound:
            self.initial["company"], self.initial["customer"] = self.chosen.pk, selectors_console.picker_label(self.chosen)
        self.fields["ship_to"].queryset = selectors_console.shipping_addresses(self.chosen)

    def _chosen_company(self):
        """The customer picked so far, for the address list and the order: the picker's hidden
        id (bound data or initial) unless the text was changed since, else the typed text."""
        # raw values: reading them through the bound fields would cache them before the
        # initial text for a preset customer is set
        source = self.data if self.is_bound else self.initial
        value = source.get(self.add_prefix("company") if self.is_bound else "company")
        if isinstance(value, Company):
            return value
        picked = None
        if str(value or "").strip().isdigit():
            picked = selectors_console.entry_customers().filter(pk=int(value)).first()
        text = " ".join(str(source.get(self.add_prefix("customer") if self.is_bound else "customer") or "").split())
        if picked is not None and (not text or selectors_console.is_picker_label(text, picked)):
            return picked
        if not text:
            return None
        company, self.matches = selectors_console.resolve_customer(text)
        return company

    def clean(self):
        data = super().clean()
        if self.chosen is None:
            text = (data.get("customer") or "").strip()
            if not text:
                self.add_error("customer", _("Choose the customer: type its code, name, or a contact's phone or e-mail."))
            elif not self.matches:
                self.add_error("customer", _("No customer matches “%(text)s”: type its code, name, or a contact's "
                                             "phone or e-mail.") % {"text": text[:80]})
            else:
                self.add_error("customer", _("“%(text)s” matches several customers: pick one from the list or type "
                                             "its code.") % {"text": text[:80]})
        data["company"] = self.chosen
        return data


class OrderLineForm(forms.Form):
    # Everything stays text here: the intake service judges SKUs, whole numbers, pack sizes,
    # limits and typed prices, and says which line and field are wrong, all in one round.
    sku = forms.CharField(label=_("SKU or barcode"), max_length=40, required=False, widget=forms.TextInput(
        attrs={"autocomplete": "off", "placeholder": _("SKU or barcode"), "class": "sku-input"}))
    quantity = forms.CharField(label=_("Quantity"), max_length=20, required=False, widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "class": "qty-input"}))
    unit_price = forms.CharField(label=_("Manual unit price"), max_length=20, required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                               "placeholder": _("list"), "class": "price-input"}))


class BaseOrderLineFormSet(forms.BaseFormSet):
    def lines(self):
        """The rows with anything typed in them, in order, as the intake service takes them
        (a row with a quantity but no SKU too: the service says what it lacks)."""
        rows = []
        for f in self.forms:
            d = getattr(f, "cleaned_data", None) or {}
            sku, quantity, price = ((d.get(k) or "").strip() for k in ("sku", "quantity", "unit_price"))
            if sku or quantity or price:
                row = {"sku": sku, "quantity": quantity}
                if price:
                    row["unit_price"] = price
                rows.append(row)
        return rows

    def with_service_errors(self, line_fields):
        """The rows bound again with the typed-in ones first, numbered 1, 2, 3... as the intake
        service numbers them, then as many blank rows as before (no more), and each of the
        service's errors on the row and field it names."""
        rows, prefix = self.lines(), self.prefix
        data = {f"{prefix}-TOTAL_FORMS": str(max(self.total_form_count(), len(rows))), f"{prefix}-INITIAL_FORMS": "0"}
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-sku"], data[f"{prefix}-{i}-quantity"] = row["sku"], row["quantity"]
            data[f"{prefix}-{i}-unit_price"] = row.get("unit_price", "")
        again = type(self)(data, prefix=prefix)
        again.is_valid()
        for problem in line_fields:
            if 1 <= problem["line"] <= len(rows) and problem["field"] in again.forms[problem["line"] - 1].fields:
                again.forms[problem["line"] - 1].add_error(problem["field"], problem["message"])
        return again

    def clean(self):
        if any(self.errors):
            return
        if not self.lines():
            raise forms.ValidationError(_("Add at least one line."), code="empty")


LINE_ROWS = 5
OrderLineFormSet = forms.formset_factory(OrderLineForm, formset=BaseOrderLineFormSet, extra=LINE_ROWS,
                                         max_num=MAX_LINES, absolute_max=MAX_LINES, validate_max=True)


def line_formset(data=None, *, initial=None):
    return OrderLineFormSet(data, prefix="lines", initial=initial)


class OrderEditForm(DomainErrorForm):
    """The edit page's own field; its lines are the entry form's line formset."""
    reason = forms.CharField(label=_("Reason for the change"), max_length=500, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("e.g. the customer called to add a line")}))


# --- actions on an order -------------------------------------------------------------------

class CommentForm(DomainErrorForm):
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False,
                              widget=forms.TextInput(attrs={"placeholder": _("Comment")}))


class DecisionForm(CommentForm):
    approval_id = forms.IntegerField(widget=forms.HiddenInput, required=False)


class CancelForm(DomainErrorForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("Why is it cancelled?")}))


class HoldForm(DomainErrorForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("Why is it held? (required)")}))


class TagsForm(DomainErrorForm):
    tags = forms.MultipleChoiceField(label=_("Tags"), choices=Tag.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)


class NoteForm(DomainErrorForm):
    text = forms.CharField(label=_("Note"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- fulfilment ----------------------------------------------------------------------------

class ShipmentFilterForm(forms.Form):
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.filter(active=True)
                                       .order_by("priority", "code"), required=False, empty_label=_("All warehouses"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("To pick, picking or packed"))] + [
        (s.value, s.label) for s in (Shipment.Status.PENDING, Shipment.Status.PICKING, Shipment.Status.PACKED)])


class ScanForm(DomainErrorForm):
    code = forms.CharField(label=_("Scan or type a barcode or SKU"), max_length=60, required=False,
                           widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off",
                                                         "data-scan-input": True}))
    quantity = forms.IntegerField(label=_("Units"), min_value=1, max_value=10_000, initial=1, required=False,
                                  widget=forms.NumberInput(attrs={"min": 1, "class": "qty-input"}))


class UnpackForm(DomainErrorForm):
    line = forms.IntegerField(widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Units"), min_value=1, max_value=10_000, initial=1,
                                  widget=forms.NumberInput(attrs={"min": 1, "class": "qty-input"}))


CARRIERS = ["SF Express", "JD Logistics", "ZTO Express", "YTO Express", "STO Express", "Yunda", "EMS", "Deppon"]


class ShipForm(DomainErrorForm):
    """Required fields are checked here too (the service checks them for every caller), so
    the page shows every missing field at once."""

    carrier = forms.CharField(label=_("Carrier"), max_length=60, error_messages={"required": _("Choose the carrier.")},
                              widget=forms.TextInput(attrs={"list": "carriers", "autocomplete": "off"}))
    service = forms.CharField(label=_("Service"), max_length=60, required=False,
                              widget=forms.TextInput(attrs={"placeholder": _("e.g. Standard, Express")}))
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60,
                                      error_messages={"required": _("Enter the tracking number.")},
                                      widget=forms.TextInput(attrs={"autocomplete": "off"}))
    cost = AmountField(label=_("Shipping cost"), required=False, min_value=0, max_digits=14, decimal_places=2,
                              error_messages={"min_value": _("The cost cannot be negative.")})
    box = forms.CharField(label=_("Box"), max_length=40, required=False)


# --- carrier tracking ------------------------------------------------------------------------

class TrackingEventForm(DomainErrorForm):
    """One tracking event typed by staff on the shipment page (the service judges the rest:
    shipped or not, time not in the future)."""

    status = forms.ChoiceField(label=_("Tracking status"), choices=[("", _("Choose…"))] + TrackingEvent.Status.choices,
                               error_messages={"required": _("Choose the tracking status.")})
    occurred_at = forms.DateTimeField(
        label=_("When it happened"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"required": _("Enter when it happened."), "invalid": _("Enter a date and time.")})
    location = forms.CharField(label=_("Location"), max_length=120, required=False,
                               widget=forms.TextInput(attrs={"placeholder": _("e.g. Wuhan hub")}))
    description = forms.CharField(label=_("Description"), max_length=500, required=False,
                                  widget=forms.TextInput(attrs={"placeholder": _("What the carrier says")}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_tracking_%s")
        super().__init__(*args, **kwargs)
        if not self.is_bound and "occurred_at" not in self.initial:
            self.initial["occurred_at"] = timezone.localtime().replace(second=0, microsecond=0)


TRACKING_CSV_MAX_BYTES = 2 * 1024 * 1024
TRACKING_CSV_COLUMNS = ("tracking_number", "status", "occurred_at", "location", "description", "external_id")
TRACKING_CSV_REQUIRED = ("tracking_number", "status", "occurred_at")
_CSV_ALIASES = {"tracking": "tracking_number", "tracking_no": "tracking_number", "waybill": "tracking_number",
                "waybill_number": "tracking_number", "time": "occurred_at", "date": "occurred_at",
                "event_time": "occurred_at", "when": "occurred_at", "event_id": "external_id", "id": "external_id"}


def _csv_column(name):
    key = "_".join(str(name or "").strip().lower().replace("-", " ").split())
    return _CSV_ALIASES.get(key, key)


class TrackingCsvForm(forms.Form):
    """A carrier's tracking file: CSV (UTF-8 or GB18030, comma, semicolon or tab separated)
    with a header line naming the columns; tracking_number, status and occurred_at are needed,
    location, description and external_id (the carrier's event id) are optional. The parsed
    rows (dicts, each with its `line` in the file) are in `self.rows` once valid."""

    file = forms.FileField(label=_("Carrier tracking file (CSV)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
                           error_messages={"required": _("Choose the CSV file to upload."),
                                           "empty": _("The file is empty.")})

    def clean_file(self):
        from .services.tracking import MAX_IMPORT_ROWS

        upload = self.cleaned_data["file"]
        reader = form_csv_reader(upload, max_bytes=TRACKING_CSV_MAX_BYTES)
        try:
            header = [_csv_column(h) for h in next(reader, [])]
            missing = [c for c in TRACKING_CSV_REQUIRED if c not in header]
            if missing:
                raise forms.ValidationError(
                    _("The header line must name the columns %(needed)s (missing: %(missing)s).")
                    % {"needed": ", ".join(TRACKING_CSV_REQUIRED), "missing": ", ".join(missing)}, code="header")
            rows = []
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                row = {c: "" for c in TRACKING_CSV_COLUMNS}
                row.update({col: v.strip() for col, v in zip(header, values) if col in TRACKING_CSV_COLUMNS})
                row["line"] = reader.line_num
                rows.append(row)
                if len(rows) > MAX_IMPORT_ROWS:
                    raise forms.ValidationError(_("A file may hold at most %(n)d events: split it and upload the parts.")
                                                % {"n": MAX_IMPORT_ROWS}, code="too_many_rows")
        except csv.Error as err:
            raise forms.ValidationError(_("Line %(line)d cannot be read as CSV: %(error)s")
                                        % {"line": reader.line_num, "error": err}, code="csv")
        if not rows:
            raise forms.ValidationError(_("The file has no events under its header line."), code="no_rows")
        self.rows = rows
        return upload


# --- dealer portal -------------------------------------------------------------------------

class AddToCartForm(forms.Form):
    product = forms.IntegerField(widget=forms.HiddenInput)
    # text: the cart service judges whole numbers and pack sizes and says what is wrong
    quantity = forms.CharField(label=_("Quantity"), max_length=12, widget=forms.NumberInput(
        attrs={"min": 1, "inputmode": "numeric", "class": "qty-input"}))


class CartLineForm(DomainErrorForm):
    quantity = forms.CharField(label=_("Quantity"), max_length=12, widget=forms.NumberInput(
        attrs={"min": 0, "inputmode": "numeric", "class": "qty-input"}))


class QuickOrderForm(DomainErrorForm):
    lines = forms.CharField(
        label=_("Lines"), required=False, max_length=200_000,
        help_text=_("One line per product: SKU and quantity, e.g. “VALVE-20 10”, “VALVE-20,10” or “VALVE-20 x 10”."),
        widget=forms.Textarea(attrs={"rows": 8, "autocomplete": "off", "spellcheck": "false",
                                     "placeholder": "VALVE-20 10\nPIPE-32, 50\nTAPE x 12"}))
    file = forms.FileField(label=_("…or upload a CSV file"), required=False,
                           help_text=_("Columns: SKU, quantity (a header row is optional). At most 1 MB."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}))

    def clean(self):
        data = super().clean()
        if not (data.get("lines") or "").strip() and not data.get("file") and not self.errors:
            raise forms.ValidationError(_("Paste some lines or choose a CSV file."), code="empty")
        return data


class CheckoutForm(DomainErrorForm):
    field_aliases = {"points": "loyalty_points"}  # customers.services.redeem_points names it "points"
    ship_to = forms.ModelChoiceField(label=_("Ship to"), queryset=Address.objects.none(), empty_label=None)
    requested_date = forms.DateField(label=_("Requested delivery date"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    customer_po = forms.CharField(label=_("Your PO number"), max_length=60, required=False)
    payment_method = forms.ChoiceField(label=_("Payment"), widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Notes for us"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
    loyalty_points = forms.IntegerField(label=_("Loyalty points to redeem"), required=False, min_value=0,
                                        max_value=10_000_000, widget=forms.NumberInput(attrs={"min": 0}))
    idempotency_key = forms.CharField(max_length=80, widget=forms.HiddenInput)
    cart_version = forms.CharField(max_length=40, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, company, addresses, methods, today, loyalty=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("idempotency_key"):
            # one token per rendered checkout: sending this form twice places one order
            self.initial["idempotency_key"] = uuid.uuid4().hex
        self.fields["ship_to"].queryset = addresses
        self.fields["ship_to"].label_from_instance = lambda a: ", ".join(
            p for p in [a.label, a.recipient, a.line1, a.city, a.province] if p)
        self.fields["payment_method"].choices = methods
        if methods and not self.initial.get("payment_method"):
            self.initial["payment_method"] = methods[0][0]
        self.fields["requested_date"].widget.attrs["min"] = today.isoformat()
        if not loyalty:
            del self.fields["loyalty_points"]


class PortalOrderFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=60, required=False, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Order number or your PO"), "aria-label": _("Search")}))
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        from .models import Status

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status"))] + list(Status.choices)
        self.fields["status"].widget.attrs["aria-label"] = _("Status")


class PortalCancelForm(DomainErrorForm):
    reason = forms.CharField(label=_("Why do you cancel it?"), max_length=500, required=False,
                             widget=forms.TextInput(attrs={"placeholder": _("Reason (required)")}))


class CartDecisionForm(DomainErrorForm):
    comment = forms.CharField(label=_("Comment"), max_length=1000, required=False,
                              widget=forms.TextInput(attrs={"placeholder": _("Comment")}))


class ReceiptForm(DomainErrorForm):
    received_by = forms.CharField(label=_("Received by"), max_length=120, required=False)
    received_at = forms.DateTimeField(label=_("Received at"), required=False,
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])


class ConfirmReceiptForm(ReceiptForm):
    signature_text = forms.CharField(label=_("Type your name as signature"), max_length=120, required=False)
    signature_image = forms.CharField(required=False, max_length=400_000, widget=forms.HiddenInput(
        attrs={"data-signature-input": True}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class DiscrepancyForm(ReceiptForm):
    field_aliases = {"attachments": "photos", "lines": "__all__"}
    description = forms.CharField(label=_("What is wrong?"), max_length=4000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3, "placeholder": _(
                                      "e.g. 2 cartons missing, one valve body cracked")}))
    photos = MultipleFileField(label=_("Photos"), required=False,
                               help_text=_("Up to 5 photos (JPEG, PNG, GIF or WebP), 5 MB each."))

    def __init__(self, *args, shipment_lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.shipment_lines = list(shipment_lines)
        for line in self.shipment_lines:
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                label=f"{line.order_line.product.sku} — {line.order_line.product.name}", min_value=0,
                max_value=10_000_000, initial=line.quantity, required=False,
                widget=forms.NumberInput(attrs={"min": 0, "class": "qty-input"}))

    def line_fields(self):
        return [(line, self[f"line_{line.pk}"]) for line in self.shipment_lines]

    def received_quantities(self):
        data = getattr(self, "cleaned_data", {})
        return {line.pk: data[f"line_{line.pk}"] for line in self.shipment_lines
                if data.get(f"line_{line.pk}") is not None}
