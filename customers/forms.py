from django import forms
from django.utils.translation import gettext_lazy as _

from oms import money
from oms.forms import AmountField, DomainErrorForm
from oms.permissions import DealerRole
from oms.regions import Region

from .models import Address, Company, TicketCategory, TicketStatus, Tier
from .uploads import MAX_ATTACHMENTS


class CompanyFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": _("Code, name or tax id"), "type": "search"}))
    region = forms.ChoiceField(label=_("Region"), required=False, choices=[("", _("All regions"))] + Region.choices)
    tier = forms.ChoiceField(label=_("Tier"), required=False, choices=[("", _("All tiers"))] + Tier.choices)
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status"))] + Company.Status.choices)


# --- attachments -------------------------------------------------------------------------------

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. Their type and size are checked by the service
    (customers.uploads), whose error lands on this field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/gif,image/webp,application/pdf"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("Attach at most %(n)d files.") % {"n": MAX_ATTACHMENTS})
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


ATTACHMENT_HELP = _("Photos or PDF, up to 5 files of 5 MB each.")


# --- tickets -----------------------------------------------------------------------------------

class TicketForm(DomainErrorForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=TicketCategory.choices, initial=TicketCategory.QUESTION)
    order_number = forms.CharField(label=_("Order number (optional)"), max_length=40, required=False,
                                   widget=forms.TextInput(attrs={"placeholder": "SO-0000123", "autocapitalize": "characters"}))
    body = forms.CharField(label=_("Describe the problem"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(label=_("Attachments"), help_text=ATTACHMENT_HELP)


class TicketReplyForm(DomainErrorForm):
    body = forms.CharField(label=_("Your reply"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))
    attachments = MultipleFileField(label=_("Attachments"), help_text=ATTACHMENT_HELP)


class StaffReplyForm(TicketReplyForm):
    internal = forms.BooleanField(label=_("Internal note (the customer does not see it)"), required=False)


class TicketStatusForm(DomainErrorForm):
    status = forms.ChoiceField(label=_("Status"), choices=TicketStatus.choices)
    comment = forms.CharField(label=_("Comment (optional)"), max_length=10_000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


# --- dealer admin ------------------------------------------------------------------------------

class InviteForm(DomainErrorForm):
    email = forms.EmailField(label=_("E-mail"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=DealerRole.choices, initial=DealerRole.BUYER)


class RoleForm(DomainErrorForm):
    role = forms.ChoiceField(label=_("Role"), choices=DealerRole.choices)


class BuyerLimitForm(DomainErrorForm):
    buyer_order_limit = AmountField(
        label=_("Buyer order limit"), required=False, min_value=0, max_digits=money.MAX_DIGITS,
        decimal_places=money.DECIMAL_PLACES, localize=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("A buyer's portal order above this total waits for an approver or admin of your company. "
                    "Leave empty for no limit."))


class AddressForm(forms.ModelForm):
    """Input shape of an address; customers.services.create_address/update_address save it."""

    make_default = forms.BooleanField(label=_("Make this the default"), required=False)
    add_domain_error = DomainErrorForm.add_domain_error
    field_aliases: dict = {}

    class Meta:
        model = Address
        fields = ["kind", "label", "recipient", "phone", "line1", "line2", "city", "province", "postal_code", "region",
                  "country"]

    def service_data(self):
        return {k: v for k, v in self.cleaned_data.items() if k in self.Meta.fields}


# --- console -------------------------------------------------------------------------------------

class CustomerNoteForm(DomainErrorForm):
    body = forms.CharField(label=_("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class CreditForm(DomainErrorForm):
    action = forms.ChoiceField(choices=[("hold", _("Put on credit hold")), ("release", _("Release credit hold"))],
                               widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(choices=[("me", "me"), ("nobody", "nobody")])
