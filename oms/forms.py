from django import forms


class DomainErrorForm(forms.Form):
    """A form that can show a service's DomainError — the one mapping from domain errors to
    form errors: on the field the error names when the form has it (or an alias of it), else
    above the form. Views: `except DomainError as err: form.add_domain_error(err)`."""

    field_aliases: dict = {}

    def add_domain_error(self, err):
        field = self.field_aliases.get(err.field, err.field)
        self.add_error(field if field in self.fields else None, str(err.message))
