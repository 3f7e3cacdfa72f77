"""The filter bar's one-pass widgets (oms_tags fast_input / fast_select / fast_checkboxes)
write the same HTML as Django's widget templates, for empty, filled and hostile values."""

import pytest
from django import forms
from django.test.html import parse_html

from oms.templatetags.oms_tags import fast_checkboxes, fast_input, fast_select


class Filters(forms.Form):
    q = forms.CharField(required=False, widget=forms.TextInput(attrs={
        "type": "search", "placeholder": "Order number, customer", "aria-label": "Search"}))
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date", "aria-label": "From"},
                                                                   format="%Y-%m-%d"))
    overdue = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"value": "true"}))
    channel = forms.ChoiceField(required=False, choices=[("", "Any"), ("api", "API"), ("portal", "Portal & <web>")])
    status = forms.MultipleChoiceField(required=False, choices=[("a", "A"), ("b", "B")],
                                       widget=forms.CheckboxSelectMultiple)


@pytest.mark.parametrize("data", [
    None,
    {},
    {"q": 'SO-1 "<script>"', "since": "2026-12-01", "overdue": "true", "channel": "portal", "status": ["b"]},
    {"q": "x", "since": "not a date", "overdue": "", "channel": "nope", "status": ["a", "b"]},
])
def test_one_pass_widgets_write_what_django_writes(data):
    form = Filters(data)
    form.is_valid() if data is not None else None
    for name in ("q", "since", "overdue"):
        assert parse_html(fast_input(form[name])) == parse_html(str(form[name])), name
    assert parse_html(fast_select(form["channel"])) == parse_html(str(form["channel"]))
    # Django wraps its checkbox list in <div> blocks; the filter bar wants a plain list, with
    # the same boxes ticked
    html = fast_checkboxes(form["status"])
    assert html.count("<li>") == 2
    assert html.count(" checked") == len((data or {}).get("status", []))
