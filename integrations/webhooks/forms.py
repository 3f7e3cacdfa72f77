"""Input shapes for the webhook and channel console pages (rules live in services.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Company
from oms.forms import DomainErrorForm

from ..models import WebhookDelivery
from .events import choices
from .targets import BlockedTarget, check_target


class SubscriptionForm(DomainErrorForm):
    name = forms.CharField(label=_("Name"), max_length=120)
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https",
                         help_text=_("We POST signed JSON here (X-OMS-Signature over timestamp + body)."))
    event_types = forms.MultipleChoiceField(label=_("Events"), choices=choices, widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            check_target(url)
        except BlockedTarget as exc:
            raise forms.ValidationError(str(exc)) from None
        return url


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + list(WebhookDelivery.Status.choices))


class ChannelForm(DomainErrorForm):
    code = forms.SlugField(label=_("Code"), max_length=40,
                           help_text=_("Part of the endpoint: /channels/<code>/orders/. Cannot be changed later."))
    name = forms.CharField(label=_("Name"), max_length=120)
    default_customer = forms.CharField(label=_("Default customer code"), max_length=30, required=False)
    customer_by_code = forms.BooleanField(label=_("Take the customer from the order's customer_code"), required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    field_aliases = {"default_company": "default_customer"}

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True

    def clean_default_customer(self):
        code = self.cleaned_data.get("default_customer", "").strip()
        if not code:
            return None
        company = Company.objects.filter(code__iexact=code).first()
        if company is None:
            raise forms.ValidationError(_("No customer has code %(code)s."), params={"code": code})
        return company
