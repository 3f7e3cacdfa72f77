"""Input shape for the import and export pages; the checks of the file itself live in
parsers.py (raised as ValidationFailed(field="file") by the service)."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from oms.forms import DomainErrorForm

from .exports import EXPORTS

MAX_EXPORT_DAYS = 366


class ImportUploadForm(DomainErrorForm):
    file = forms.FileField(label=_("CSV or Excel file"), help_text=_("A .csv (UTF-8 or GB18030) or .xlsx file, "
                                                                      "header in the first row."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}))


def _month_start():
    return timezone.localdate().replace(day=1)


class ExportForm(forms.Form):
    date_from = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    documents = forms.MultipleChoiceField(
        label=_("Documents"), choices=[(k, e.label) for k, e in EXPORTS.items()], initial=list(EXPORTS),
        widget=forms.CheckboxSelectMultiple, required=False)
    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", _("Excel (.xlsx), one sheet each")),
                                                           ("csv", _("CSV (one document)"))], initial="xlsx")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", _("The end date is before the start date."))
            elif end - start > datetime.timedelta(days=MAX_EXPORT_DAYS):
                self.add_error("date_to", _("Export at most %(n)d days at a time.") % {"n": MAX_EXPORT_DAYS})
        if not data.get("documents"):
            data["documents"] = list(EXPORTS)
        if data.get("format") == "csv" and len(data["documents"]) != 1:
            self.add_error("documents", _("A CSV file holds one kind of document: choose one."))
        return data
