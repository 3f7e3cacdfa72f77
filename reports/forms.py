"""The one filter form every report uses (each report offers a subset, Report.filters).

Params travel as JSON (a ReportRun stores them; a schedule replays them): `to_params()` gives
the JSON-safe dict, `parse_params()` turns it back into typed values for Report.compute:

    date_from, date_to: date          (period; inclusive)
    region, channel: str              ("" = all)
    customer, category, warehouse, sales_rep: int | None   (primary keys; None = all)
"""

from datetime import date, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Company
from inventory.models import Category, Warehouse
from oms.regions import Region
from orders.models import Channel

ID_FILTERS = ("customer", "category", "warehouse", "sales_rep")
TEXT_FILTERS = ("region", "channel")


def default_period(today=None) -> tuple[date, date]:
    """The last 12 whole months plus this month so far."""
    today = today or timezone.localdate()
    start = date(today.year - 1, today.month, 1)
    return start, today


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    region = forms.ChoiceField(label=_("Region"), required=False, choices=[("", _("All regions")), *Region.choices])
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All channels")), *Channel.choices])
    customer = forms.ModelChoiceField(label=_("Customer"), required=False, queryset=Company.objects.order_by("name"),
                                      empty_label=_("All customers"))
    category = forms.ModelChoiceField(label=_("Category"), required=False, queryset=Category.objects.order_by("name"),
                                      empty_label=_("All categories"))
    warehouse = forms.ModelChoiceField(label=_("Warehouse"), required=False,
                                       queryset=Warehouse.objects.order_by("code"), empty_label=_("All warehouses"))
    sales_rep = forms.ModelChoiceField(
        label=_("Sales rep"), required=False, empty_label=_("All sales reps"),
        queryset=get_user_model().objects.filter(is_active=True).exclude(staff_role="").order_by("username"),
    )

    def __init__(self, *args, offered=("period",), **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"date_from", "date_to"} if "period" in offered else set()
        keep |= {name for name in offered if name != "period"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def to_params(self) -> dict:
        """JSON-safe params from the cleaned data (call after is_valid())."""
        data = self.cleaned_data
        params = {}
        if "date_from" in self.fields:
            start, end = default_period()
            params["date_from"] = (data.get("date_from") or start).isoformat()
            params["date_to"] = (data.get("date_to") or end).isoformat()
        for name in TEXT_FILTERS:
            if name in self.fields:
                params[name] = data.get(name) or ""
        for name in ID_FILTERS:
            if name in self.fields:
                params[name] = data[name].pk if data.get(name) else None
        return params


def parse_params(raw: dict) -> dict:
    """Typed params from their JSON form; unknown keys are dropped, missing ones default to 'all'."""
    params = {}
    start, end = default_period()
    params["date_from"] = date.fromisoformat(raw["date_from"]) if raw.get("date_from") else start
    params["date_to"] = date.fromisoformat(raw["date_to"]) if raw.get("date_to") else end
    for name in TEXT_FILTERS:
        params[name] = str(raw.get(name) or "")
    for name in ID_FILTERS:
        params[name] = int(raw[name]) if raw.get(name) not in (None, "") else None
    return params


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """The period of the same length just before [date_from, date_to], for comparisons."""
    days = (date_to - date_from).days + 1
    return date_from - timedelta(days=days), date_from - timedelta(days=1)


def describe_filters(params: dict, offered) -> list[tuple[str, str]]:
    """(label, value) pairs of the filters in force, for page headers, PDFs and Excel."""
    shown = []
    if "period" in offered and params.get("date_from"):
        shown.append((str(_("Period")), f"{params['date_from']} – {params['date_to']}"))
    labels = {"region": (_("Region"), dict(Region.choices)), "channel": (_("Channel"), dict(Channel.choices))}
    for name, (label, choices) in labels.items():
        if name in offered and params.get(name):
            shown.append((str(label), str(choices.get(params[name], params[name]))))
    lookups = {
        "customer": (_("Customer"), Company.objects, "name"),
        "category": (_("Category"), Category.objects, "name"),
        "warehouse": (_("Warehouse"), Warehouse.objects, "name"),
        "sales_rep": (_("Sales rep"), get_user_model().objects, "username"),
    }
    for name, (label, manager, attr) in lookups.items():
        if name in offered and params.get(name):
            value = manager.filter(pk=params[name]).values_list(attr, flat=True).first()
            shown.append((str(label), str(value or params[name])))
    return shown


class ScheduleForm(forms.Form):
    """The schedule's own fields (the report's filters come from ReportFilterForm beside it)."""

    format = forms.ChoiceField(label=_("Format"), choices=[("xlsx", _("Excel")), ("pdf", _("PDF")), ("csv", _("CSV"))])
    frequency = forms.ChoiceField(label=_("Frequency"),
                                  choices=[("daily", _("Daily")), ("weekly", _("Weekly")), ("monthly", _("Monthly"))])
    weekday = forms.TypedChoiceField(label=_("Weekday (weekly)"), coerce=int, initial=0, choices=[
        (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
        (5, _("Saturday")), (6, _("Sunday"))])
    day_of_month = forms.IntegerField(label=_("Day of month (monthly)"), min_value=1, max_value=28, initial=1)
    hour = forms.IntegerField(label=_("Hour"), min_value=0, max_value=23, initial=7)
    period_days = forms.IntegerField(
        label=_("Rolling period (days)"), min_value=0, max_value=366, initial=0, required=False,
        help_text=_("Each run covers this many days up to yesterday; 0 keeps the period chosen above."))
    recipients = forms.ModelMultipleChoiceField(label=_("Recipients"), queryset=get_user_model().objects.none(),
                                                required=False)

    def __init__(self, *args, report_perm=None, **kwargs):
        super().__init__(*args, **kwargs)
        from oms.permissions import STAFF_PERMISSIONS

        roles = [role for role, perms in STAFF_PERMISSIONS.items() if report_perm in perms]
        self.fields["recipients"].queryset = (get_user_model().objects.filter(is_active=True, staff_role__in=roles)
                                              .order_by("username"))
