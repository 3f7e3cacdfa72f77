"""Per-person notification preferences: reads, the one write, and the form's input shape.
oms.notifications.notify honours them (the e-mail per category; the inbox always)."""

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ValidationFailed
from .forms import DomainErrorForm
from .models import NotificationPreference

EMAIL_FIELDS = ["email_orders", "email_shipments", "email_approvals", "email_tickets", "email_payments",
                "email_marketing"]
FIELDS = EMAIL_FIELDS + ["sms_opt_in", "sms_phone"]


def preferences_of(user) -> NotificationPreference:
    """The user's preferences, or an unsaved row with the defaults."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def update_preferences(*, actor, **values) -> NotificationPreference:
    """Save the actor's own preferences (only the fields given). SMS needs a phone number."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise ValidationFailed(_("Unknown preference: %(names)s") % {"names": ", ".join(sorted(unknown))})
    with transaction.atomic():
        pref = NotificationPreference.objects.select_for_update().filter(user=actor).first() \
            or NotificationPreference(user=actor)
        for name, value in values.items():
            setattr(pref, name, value.strip() if isinstance(value, str) else bool(value))
        if pref.sms_opt_in and not pref.sms_phone:
            raise ValidationFailed(_("Enter the mobile number the text messages should go to."), field="sms_phone")
        pref.save()
        return pref


class PreferencesForm(forms.ModelForm):
    """Input shape only: the view passes cleaned_data to update_preferences."""

    add_domain_error = DomainErrorForm.add_domain_error
    field_aliases: dict = {}

    class Meta:
        model = NotificationPreference
        fields = FIELDS
        help_texts = {"sms_opt_in": gettext_lazy("Shipping and delivery notices are also sent by text message to this number.")}

    def clean_sms_phone(self):
        phone = self.cleaned_data.get("sms_phone", "").strip()
        if phone and not all(ch.isdigit() or ch in "+- ()" for ch in phone):
            raise forms.ValidationError(_("Use digits, spaces and + - ( ) only."))
        return phone

    def clean(self):
        data = super().clean()
        if data.get("sms_opt_in") and not data.get("sms_phone"):
            self.add_error("sms_phone", _("Enter the mobile number the text messages should go to."))
        return data
