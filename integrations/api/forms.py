from django import forms
from django.utils.translation import gettext_lazy as _

from oms.forms import DomainErrorForm

from ..models import ApiScope


class ApiClientForm(DomainErrorForm):
    name = forms.CharField(label=_("Name"), max_length=120, help_text=_("e.g. the shop or system that connects."))
    scopes = forms.MultipleChoiceField(label=_("Scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple)
    rate_limit_per_minute = forms.IntegerField(label=_("Requests per minute"), min_value=1, max_value=1_000_000,
                                               initial=600)
