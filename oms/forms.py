from django import forms


class DomainErrorForm(forms.Form):
    """A form that can show a service's DomainError — the one mapping from domain errors to
    form errors: on the field the error names when the form has it (or an alias of it), else
    above the form. Views: `except DomainError as err: form.add_domain_error(err)`."""

    field_aliases: dict = {}

    def add_domain_error(self, err):
        field = self.field_aliases.get(err.field, err.field)
        self.add_error(field if field in self.fields else None, str(err.message))


class AmountField(forms.DecimalField):
    """A money amount or price typed by a person: Django's DecimalField, but "1e3" and other
    exponent forms are refused as not a number instead of being read as 1,000."""

    def to_python(self, value):
        if isinstance(value, str) and "e" in value.strip().lower():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
