"""Input shape of the returns pages; the rules live in returns.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.forms import ATTACHMENT_HELP, MultipleFileField
from inventory.models import Warehouse
from oms.forms import DomainErrorForm

from .models import Reason, Resolution, Status

MAX_UNITS = 1_000_000


class ReturnRequestForm(DomainErrorForm):
    """One row per order line that went out: quantity, reason, a note; then notes and photos."""

    field_aliases = {"attachments": "photos"}
    notes = forms.CharField(label=_("Anything else we should know"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("Photos"), help_text=ATTACHMENT_HELP)

    def __init__(self, *args, lines=(), room=None, **kwargs):
        super().__init__(*args, **kwargs)
        room = room or {}
        self.rows = []
        for ol in lines:
            info = room.get(ol.pk)
            if info is None:
                continue
            self.fields[f"qty_{ol.pk}"] = forms.IntegerField(
                label=_("Quantity to return"), min_value=0, max_value=MAX_UNITS, required=False, initial=0)
            self.fields[f"reason_{ol.pk}"] = forms.ChoiceField(
                label=_("Reason"), choices=[("", _("— pick a reason —")), *Reason.choices], required=False)
            self.fields[f"notes_{ol.pk}"] = forms.CharField(label=_("Note"), max_length=500, required=False)
            self.rows.append({"line": ol, "info": info, "qty": f"qty_{ol.pk}", "reason": f"reason_{ol.pk}",
                              "notes": f"notes_{ol.pk}"})
        for row in self.rows:
            row["qty"], row["reason"], row["notes"] = self[row["qty"]], self[row["reason"]], self[row["notes"]]
        self.order_fields(["notes", "photos"])

    def line_inputs(self):
        data = self.cleaned_data
        return [
            {"order_line": row["line"].pk, "quantity": data.get(row["qty"].name) or 0,
             "reason": data.get(row["reason"].name) or "", "notes": data.get(row["notes"].name) or ""}
            for row in self.rows
        ]


class OrderPickForm(forms.Form):
    order = forms.CharField(label=_("Order number"), max_length=40,
                            widget=forms.TextInput(attrs={"placeholder": "SO-0000123", "autocapitalize": "characters"}))


class AuthorizeForm(DomainErrorForm):
    comment = forms.CharField(label=_("Comment for the dealer (optional)"), max_length=2000, required=False)


class RejectForm(DomainErrorForm):
    reason = forms.CharField(label=_("Why is it rejected?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(DomainErrorForm):
    comment = forms.CharField(label=_("Comment (optional)"), max_length=2000, required=False)


class ReceiveForm(DomainErrorForm):
    warehouse = forms.ModelChoiceField(label=_("Received at"), queryset=Warehouse.objects.filter(active=True))

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for ln in lines:
            name = f"received_{ln.pk}"
            self.fields[name] = forms.IntegerField(label=_("Received"), min_value=0, max_value=ln.quantity,
                                                   initial=ln.quantity, required=False)
            self.rows.append({"line": ln, "received": self[name]})

    def quantities(self):
        return {row["line"].pk: self.cleaned_data.get(row["received"].name) or 0 for row in self.rows}


class InspectForm(DomainErrorForm):
    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for ln in lines:
            row = {"line": ln}
            for kind, label in (("restock", _("Restock")), ("quarantine", _("Quarantine")), ("scrap", _("Scrap"))):
                name = f"{kind}_{ln.pk}"
                self.fields[name] = forms.IntegerField(label=label, min_value=0, max_value=MAX_UNITS, required=False,
                                                       initial=ln.received_quantity if kind == "restock" else 0)
                row[kind] = name
            self.rows.append(row)
        for row in self.rows:
            for kind in ("restock", "quarantine", "scrap"):
                row[kind] = self[row[kind]]

    def outcomes(self):
        return {
            row["line"].pk: {k: self.cleaned_data.get(row[k].name) or 0 for k in ("restock", "quarantine", "scrap")}
            for row in self.rows
        }


class ResolveForm(DomainErrorForm):
    resolution = forms.ChoiceField(label=_("Resolution"), choices=Resolution.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), max_length=2000, required=False)


class DeskFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), ("open", _("Open")), *Status.choices])
    company = forms.CharField(label=_("Customer"), max_length=80, required=False,
                              widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Customer code or name")}))
    reason = forms.ChoiceField(label=_("Reason"), required=False, choices=[("", _("Any reason")), *Reason.choices])


class QuarantineDecisionForm(DomainErrorForm):
    quantity = forms.IntegerField(label=_("Units"), min_value=1)
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("release", _("Release to sellable stock")), ("scrap", _("Scrap"))])
