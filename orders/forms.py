"""Input shape only for the console's order pages. Whether an order is valid (SKUs, whole
quantities, pack sizes, address, prices) is decided by orders.services; its DomainError comes
back to the form through `DomainErrorForm.add_domain_error`."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Address
from inventory.models import Warehouse
from oms.forms import DomainErrorForm

from . import selectors_console
from .models import Shipment, Tag
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
    for name in ("channel", "company", "warehouse", "tag"):
        fields[name].widget.attrs["aria-label"] = fields[name].label
    return form


# --- phone / e-mail order entry ------------------------------------------------------------

class OrderEntryForm(DomainErrorForm):
    company = forms.ModelChoiceField(label=_("Customer"), queryset=selectors_console.entry_customers(),
                                     empty_label=_("Choose a customer"))
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("idempotency_key"):
            # one token per rendered form: sending the same form twice places one order
            self.initial["idempotency_key"] = uuid.uuid4().hex
        self.customer = self._chosen_company()
        self.fields["ship_to"].queryset = selectors_console.shipping_addresses(self.customer)

    def _chosen_company(self):
        """The customer picked so far (bound data or initial), for the address list."""
        value = self["company"].value()
        if isinstance(value, self.fields["company"].queryset.model):
            return value
        try:
            return self.fields["company"].queryset.filter(pk=int(value)).first() if value else None
        except (TypeError, ValueError):
            return None


class OrderLineForm(forms.Form):
    # Quantities stay text here: the intake service judges whole numbers, pack sizes and
    # limits, and says which line is wrong.
    sku = forms.CharField(label=_("SKU or barcode"), max_length=40, required=False, widget=forms.TextInput(
        attrs={"autocomplete": "off", "placeholder": _("SKU or barcode"), "class": "sku-input"}))
    quantity = forms.CharField(label=_("Quantity"), max_length=20, required=False, widget=forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "class": "qty-input"}))
    unit_price = forms.DecimalField(label=_("Manual unit price"), required=False, max_digits=14, decimal_places=4,
                                    widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off",
                                                                  "placeholder": _("list"), "class": "price-input"}))

    def clean(self):
        data = super().clean()
        if not (data.get("sku") or "").strip() and ((data.get("quantity") or "").strip() or data.get("unit_price") is not None):
            self.add_error("sku", _("Enter the SKU or barcode."))
        return data


class BaseOrderLineFormSet(forms.BaseFormSet):
    def lines(self):
        """The filled-in rows, in order, as the intake service takes them."""
        rows = []
        for f in self.forms:
            d = getattr(f, "cleaned_data", None) or {}
            if (d.get("sku") or "").strip():
                row = {"sku": d["sku"].strip(), "quantity": (d.get("quantity") or "").strip()}
                if d.get("unit_price") is not None:
                    row["unit_price"] = d["unit_price"]
                rows.append(row)
        return rows

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


CARRIERS = ["SF Express", "JD Logistics", "ZTO Express", "YTO Express", "STO Express", "Yunda", "EMS", "Deppon"]


class ShipForm(DomainErrorForm):
    carrier = forms.CharField(label=_("Carrier"), max_length=60, required=False,
                              widget=forms.TextInput(attrs={"list": "carriers", "autocomplete": "off"}))
    service = forms.CharField(label=_("Service"), max_length=60, required=False,
                              widget=forms.TextInput(attrs={"placeholder": _("e.g. Standard, Express")}))
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60, required=False,
                                      widget=forms.TextInput(attrs={"autocomplete": "off"}))
    cost = forms.DecimalField(label=_("Shipping cost"), required=False, min_value=0, max_digits=14, decimal_places=2,
                              error_messages={"min_value": _("The cost cannot be negative.")})
    box = forms.CharField(label=_("Box"), max_length=40, required=False)
