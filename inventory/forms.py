from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("SKU, name or barcode"), "type": "search"}))
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.order_by("name"), required=False,
                                      empty_label=_("All categories"))
    active = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), ("yes", _("Active")), ("no", _("Inactive"))])
