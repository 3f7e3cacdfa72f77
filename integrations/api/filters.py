"""Filter pieces shared by the domain endpoints (<app>/api.py)."""

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _


class SafeIsoDateTimeField(forms.DateTimeField):
    """ISO 8601, normalised to UTC: an offset PostgreSQL refuses (beyond ±15:59) or a date
    that overflows is a 400 for the field, never a database error."""

    input_formats = [django_filters.fields.IsoDateTimeField.ISO_8601]
    default_error_messages = {"invalid": _("Enter an ISO 8601 date and time, e.g. 2030-01-31T08:00:00Z.")}

    def strptime(self, value, format):
        return django_filters.fields.IsoDateTimeField().strptime(value, format)

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            value = value.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not 1900 <= value.year <= 9000:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class SinceFilter(django_filters.IsoDateTimeFilter):
    """`field >= value`, for `updated_since` and the like."""

    field_class = SafeIsoDateTimeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("lookup_expr", "gte")
        super().__init__(*args, **kwargs)
