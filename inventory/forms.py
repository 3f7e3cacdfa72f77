"""Input shape only: what the console forms accept. Business rules (same warehouse, below
reserved, over-receipt, closed documents...) stay in inventory.services; their DomainError
comes back to the form through `DomainErrorForm.add_domain_error`."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from oms.forms import AmountField, DomainErrorForm

from .models import Category, Product, PurchaseOrder, StockMovement, Supplier, Transfer, Warehouse

__all__ = ["DomainErrorForm"]  # used by the inventory views

MAX_QUANTITY = 1_000_000  # the same bound as inventory.services.ledger.MAX_QUANTITY


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("SKU, name or barcode"), "type": "search"}))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.order_by("name"), required=False,
                                      empty_label=_("All categories"))
    active = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), ("yes", _("Active")), ("no", _("Inactive"))])


# --- shared pieces -------------------------------------------------------------------------

def quantity_field(label=_("Quantity"), *, min_value=1, required=True, **kwargs):
    """Whole units, at least `min_value`, at most what one entry may move: zero, negative,
    fractional and absurd values get a form message before any service is called."""
    return forms.IntegerField(
        label=label, min_value=min_value, max_value=MAX_QUANTITY, required=required,
        error_messages={
            "invalid": _("Enter a whole number of units."),
            "min_value": (_("Enter a quantity of at least %(limit_value)s.") if min_value
                          else _("The quantity cannot be negative.")),
            "max_value": _("At most %(limit_value)s units can be entered at once."),
        },
        **kwargs,
    )


class ProductField(forms.CharField):
    """A product typed (or scanned) as its SKU or barcode; cleans to an active Product."""

    default_error_messages = {
        "unknown": _("No product has the SKU or barcode “%(value)s”."),
        "inactive": _("%(sku)s is inactive: activate it before moving its stock."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Product"))
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": _("SKU or barcode"), "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return value.sku if isinstance(value, Product) else value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        product = (
            Product.objects.filter(Q(sku=value) | Q(barcode=value)).first()
            or Product.objects.filter(sku__iexact=value).order_by("pk").first()
        )
        if product is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown", params={"value": value})
        if not product.active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive", params={"sku": product.sku})
        return product


def warehouse_field(label=_("Warehouse"), **kwargs):
    return forms.ModelChoiceField(label=label, queryset=Warehouse.objects.filter(active=True).order_by("priority", "code"),
                                  empty_label=_("Choose a warehouse"), **kwargs)


def reason_field(label=_("Reason"), required=True):
    return forms.CharField(label=label, max_length=200, required=required,
                           widget=forms.TextInput(attrs={"placeholder": _("Goes into the stock ledger")}))


# --- stock overview ------------------------------------------------------------------------

class StockFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("SKU, name or barcode"), "type": "search"}))
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), queryset=Warehouse.objects.order_by("priority", "code"),
                                       required=False, empty_label=_("All warehouses"))
    category = forms.ModelChoiceField(label=_("Category"), required=False, empty_label=_("All categories"),
                                      queryset=Category.objects.select_related("parent").order_by("parent__name", "name"))
    low = forms.BooleanField(label=_("Low stock only"), required=False)


# --- receipts, adjustments, counts ---------------------------------------------------------

class ReceiveStockForm(DomainErrorForm):
    warehouse = warehouse_field()
    product = ProductField()
    quantity = quantity_field()
    unit_cost = AmountField(
        label=_("Unit cost"), required=False, min_value=0, max_digits=14, decimal_places=4,
        help_text=_("Leave empty to receive without changing the average cost."),
        error_messages={"min_value": _("The unit cost cannot be negative.")},
    )
    reason = reason_field()


class AdjustStockForm(DomainErrorForm):
    """A plain adjustment can add or take away units; the other kinds have their direction
    built in. The quantity is always entered as a positive number."""

    KINDS = {
        # choice: (ledger kind, sign)
        "adjustment_in": (StockMovement.Kind.ADJUSTMENT, 1),
        "adjustment_out": (StockMovement.Kind.ADJUSTMENT, -1),
        "return_restock": (StockMovement.Kind.RETURN_RESTOCK, 1),
        "quarantine": (StockMovement.Kind.QUARANTINE, 1),
        "scrap": (StockMovement.Kind.SCRAP, 1),
    }

    warehouse = warehouse_field()
    product = ProductField()
    kind = forms.ChoiceField(label=_("Kind"), choices=[
        ("adjustment_out", _("Adjustment: take units out (lost, damaged, miscounted)")),
        ("adjustment_in", _("Adjustment: add units (found, miscounted)")),
        ("return_restock", _("Return restock: add returned units")),
        ("quarantine", _("Quarantine: take units out of sellable stock")),
        ("scrap", _("Scrap: write units off")),
    ])
    quantity = quantity_field()
    reason = reason_field()

    def movement(self):
        """(ledger kind, quantity as adjust_stock takes it) — signed for a plain adjustment."""
        kind, sign = self.KINDS[self.cleaned_data["kind"]]
        return kind, sign * self.cleaned_data["quantity"]


class CountStockForm(DomainErrorForm):
    warehouse = warehouse_field()
    product = ProductField()
    counted = quantity_field(_("Counted quantity"), min_value=0, help_text=_("Units on the shelf now; may be 0."))
    reason = reason_field()


# --- transfers -----------------------------------------------------------------------------

def _status_choices(status_cls):
    return [("", _("Any status")), *status_cls.choices]


class TransferFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_status_choices(Transfer.Status))


class TransferForm(DomainErrorForm):
    field_aliases = {"lines": None}

    source = warehouse_field(_("From"))
    destination = warehouse_field(_("To"))
    reason = reason_field(required=False)


class TransferLineForm(forms.Form):
    product = ProductField(required=False)
    quantity = quantity_field(required=False)

    def clean(self):
        data = super().clean()
        if data.get("product") and not data.get("quantity") and "quantity" not in self.errors:
            self.add_error("quantity", _("Enter the quantity."))
        if data.get("quantity") and not data.get("product") and "product" not in self.errors:
            self.add_error("product", _("Enter the SKU or barcode."))
        return data


class BaseLineFormSet(forms.BaseFormSet):
    def lines(self):
        """The filled-in rows as tuples of their values, in the order of the form's fields."""
        names = list(self.form.base_fields)
        return [tuple(f.cleaned_data.get(n) for n in names) for f in self.forms
                if f.cleaned_data.get("product")]

    def clean(self):
        if any(self.errors):
            return
        if not self.lines():
            raise forms.ValidationError(_("Add at least one product."), code="empty")


LINE_ROWS = 5
TransferLineFormSet = forms.formset_factory(TransferLineForm, formset=BaseLineFormSet, extra=LINE_ROWS,
                                            max_num=LINE_ROWS, validate_max=True)


class ReceiveLinesForm(DomainErrorForm):
    """One quantity input per outstanding line of a transfer or purchase order (blank or 0:
    nothing of that line arrived now). The lines need `pk`, `product` and `outstanding`."""

    field_aliases = {"quantities": None}

    def __init__(self, *args, lines=(), with_reason=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [ln for ln in lines if ln.outstanding > 0]
        for ln in self.lines:
            self.fields[f"line_{ln.pk}"] = quantity_field(
                ln.product.sku, min_value=0, required=False, initial=ln.outstanding,
                widget=forms.NumberInput(attrs={"class": "qty-input"}),
            )
        if with_reason:
            self.fields["reason"] = reason_field(required=False)

    def rows(self):
        """(line, bound field) pairs for the template."""
        return [(ln, self[f"line_{ln.pk}"]) for ln in self.lines]

    def quantities(self):
        return {ln.pk: q for ln in self.lines if (q := self.cleaned_data.get(f"line_{ln.pk}"))}


# --- purchase orders -----------------------------------------------------------------------

class PurchaseOrderFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_status_choices(PurchaseOrder.Status))


class PurchaseOrderForm(DomainErrorForm):
    field_aliases = {"lines": None}

    supplier = forms.ModelChoiceField(label=_("Supplier"), queryset=Supplier.objects.filter(active=True).order_by("code"),
                                      empty_label=_("Choose a supplier"))
    warehouse = warehouse_field(_("Deliver to"))
    expected_date = forms.DateField(label=_("Expected"), required=False,
                                    help_text=_("Empty: today plus the supplier's lead time."),
                                    widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class PurchaseOrderLineForm(TransferLineForm):
    unit_cost = AmountField(label=_("Unit cost"), required=False, min_value=0, max_digits=14, decimal_places=4,
                                   error_messages={"min_value": _("The unit cost cannot be negative.")})


PurchaseOrderLineFormSet = forms.formset_factory(PurchaseOrderLineForm, formset=BaseLineFormSet, extra=LINE_ROWS,
                                                 max_num=LINE_ROWS, validate_max=True)
