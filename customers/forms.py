from django import forms
from django.utils.translation import gettext_lazy as _

from oms.regions import Region

from .models import Company, Tier


class CompanyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Code, name or tax id"), "type": "search"}))
    region = forms.ChoiceField(label=_("Region"), required=False, choices=[("", _("All regions"))] + Region.choices)
    tier = forms.ChoiceField(label=_("Tier"), required=False, choices=[("", _("All tiers"))] + Tier.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + Company.Status.choices)
