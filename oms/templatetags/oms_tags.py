import datetime
import functools
from html import escape as esc  # django.utils.html.escape for a str, without its lazy-string wrapper

from django import template
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy
from django.utils.safestring import mark_safe

from oms.money import format_money

register = template.Library()


@register.filter
def money(amount, currency):
    """{{ amount|money:"CNY" }} -> ¥1,234.50, rounded by the one money rule."""
    if amount is None or amount == "":
        return "—"
    return format_money(amount, currency)


# --- fast filter-bar widgets ----------------------------------------------------------------
# Django renders every widget, and every <option> of a Select, through its own template
# includes, which costs most of a list page's time when a filter bar has a few selects with
# dozens of choices and a few inputs. These write the same markup in one pass (every value
# escaped; oms/tests/test_fast_widgets.py compares them with Django's).

def _choices(bound_field, multiple=False):
    field = bound_field.field
    value = bound_field.value()
    if multiple:
        selected = {str(v) for v in (value or [])}
    else:
        selected = {"" if value is None else str(value)}
    choices = [(str("" if v is None else getattr(v, "value", v)), str(label)) for v, label in field.widget.choices]
    return choices, selected


@register.simple_tag
def fast_select(bound_field):
    """{% fast_select form.channel %}: a <select> for a ChoiceField / ModelChoiceField."""
    choices, selected = _choices(bound_field)
    widget = bound_field.field.widget
    attrs = _attrs_html(bound_field.build_widget_attrs(widget.attrs, widget))
    options = "".join(f'<option value="{esc(v)}"{" selected" if v in selected else ""}>{esc(label)}</option>'
                      for v, label in choices)
    return mark_safe(f'<select name="{esc(bound_field.html_name)}" id="{esc(bound_field.auto_id)}"{attrs}>{options}</select>')  # noqa: S308


@register.simple_tag
def fast_checkboxes(bound_field):
    """{% fast_checkboxes form.status %}: a list of checkboxes for a MultipleChoiceField."""
    choices, selected = _choices(bound_field, multiple=True)
    name, id_ = esc(bound_field.html_name), esc(bound_field.auto_id)
    items = "".join(
        f'<li><input type="checkbox" name="{name}" value="{esc(v)}" id="{id_}_{i}"{" checked" if v in selected else ""}> '
        f'<label for="{id_}_{i}">{esc(label)}</label></li>'
        for i, (v, label) in enumerate(choices))
    return mark_safe(f"<ul>{items}</ul>")  # noqa: S308


@register.simple_tag
def fast_input(bound_field):
    """{% fast_input form.q %}: the <input> of a text, search, date or checkbox widget, as
    Django's widget template would write it (type, name, value or checked, the widget's
    attributes, id), in one pass."""
    widget = bound_field.field.widget
    attrs = {"type": widget.input_type, "name": bound_field.html_name}
    value = bound_field.value()
    if widget.input_type == "checkbox":
        attrs["checked"] = widget.check_test(value)
    else:
        attrs["value"] = widget.format_value(value)
    attrs.update(bound_field.build_widget_attrs(widget.attrs, widget))
    attrs["id"] = bound_field.auto_id
    return mark_safe(f"<input{_attrs_html(attrs)}>")  # noqa: S308


def _attrs_html(attrs):
    """' name="value"' for each attribute, as Django's attrs.html writes them: True is a bare
    name, False and None are left out."""
    return "".join(f" {esc(k)}" if v is True else f' {esc(k)}="{esc(str(v))}"'
                   for k, v in attrs.items() if v is not None and v is not False)


# --- fast short dates for long lists -------------------------------------------------------
# {{ value|date:"SHORT_DATE_FORMAT" }} parses the format on every call; a 50-row list with
# four dates a row spends a noticeable share of its time there. These give the same text for
# the usual format letters and fall back to Django's formatter for anything else.

_DATE_PARTS = {
    "Y": lambda d: f"{d.year:04d}", "y": lambda d: f"{d.year % 100:02d}", "m": lambda d: f"{d.month:02d}",
    "n": lambda d: str(d.month), "d": lambda d: f"{d.day:02d}", "j": lambda d: str(d.day),
}


@functools.cache
def _short_date_parts(language):
    fmt = formats.get_format("SHORT_DATE_FORMAT", lang=language)
    if any(c.isalpha() and c not in _DATE_PARTS for c in fmt) or "\\" in fmt:
        return None
    return [_DATE_PARTS.get(c, c) for c in fmt]


def _local(value):
    return timezone.localtime(value) if isinstance(value, datetime.datetime) and timezone.is_aware(value) else value


def short_date_formatter():
    """A function giving short_date's text in the current language, for code that formats
    many dates in one go (the language and format are looked up once, not per date)."""
    parts = _short_date_parts(translation.get_language())
    tz = timezone.get_current_timezone()

    def format_date(value):
        if not value:
            return ""
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = value.astimezone(tz)
        if parts is None:
            return formats.date_format(value, "SHORT_DATE_FORMAT")
        return "".join(p if isinstance(p, str) else p(value) for p in parts)

    return format_date


EVENT_SOURCES = {
    "console": gettext_lazy("console"), "portal": gettext_lazy("portal"), "api": gettext_lazy("API"),
    "import": gettext_lazy("import"), "carrier": gettext_lazy("carrier"), "expiry": gettext_lazy("expiry"),
    "reallocation": gettext_lazy("reallocation"),
}


@register.filter
def event_source(source):
    """{{ e.source|event_source }}: where a timeline entry came from, in the reader's language
    (a sales channel's own name stays as it is)."""
    return EVENT_SOURCES.get(source, source)


@register.filter
def reason_text(reason):
    """{{ r|reason_text }}: a stored hold reason in the reader's language (oms.i18n)."""
    from oms.i18n import reason_text as text

    return text(reason) if isinstance(reason, dict) else reason


@register.filter
def short_date(value):
    """{{ order.created_at|short_date }}: like |date:"SHORT_DATE_FORMAT", in local time."""
    return short_date_formatter()(value)


@register.filter
def short_time(value):
    """{{ order.created_at|short_time }}: HH:MM in local time."""
    if not value:
        return ""
    value = _local(value)
    return f"{value.hour:02d}:{value.minute:02d}"
