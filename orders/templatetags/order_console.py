"""Order blocks shown on other apps' console pages (customers never imports orders; its
templates load these tags instead)."""

from html import escape as esc  # what django.utils.html.escape does for a str, without its lazy-string wrapper

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import gettext as _

from oms.templatetags.oms_tags import money, short_date_formatter

from ..models import Channel, Status, Tag, _choice_label
from ..selectors_console import customer_orders_summary

register = template.Library()


@register.inclusion_tag("orders/_customer_orders.html")
def customer_orders(company):
    """{% customer_orders company %}: recent orders and open receivables on the customer page."""
    return customer_orders_summary(company)


# --- the order queue's rows ----------------------------------------------------------------
# A 50-row queue page through the template language cost about 0.2 ms of CPU a row (dozens of
# variable lookups, filters and a {% url %} each), most of the page. This writes the same
# markup in one pass: every value is escaped, the detail URL is reversed once per page, dates
# are formatted by one function looked up once per page.

_PK = 2_147_483_647  # a placeholder id, reversed once and swapped for each row's id


@register.simple_tag
def order_queue_rows(orders, now):
    """{% order_queue_rows page.items now %}: the <tr> of each order in the console queue
    (its number, customer, channel, status, tags, total, dates and SLA due time), from the
    row dicts of orders.selectors.order_queue."""
    if not orders:
        return format_html('<tr><td colspan="9" class="empty">{}</td></tr>', _("No orders match."))
    url = reverse("console:order_detail", args=[_PK])
    po_label, overdue_label = esc(_("PO")), esc(_("Overdue"))
    day, tz = short_date_formatter(), get_current_timezone()
    labels = {}  # (choices, value) -> escaped label: each status, channel and tag translated once a page

    def label(choices, value):
        key = (choices, value)
        if key not in labels:
            labels[key] = esc(str(_choice_label(choices, value)))
        return labels[key]

    rows = []
    for order in orders:
        due = order["sla_due"] and order["sla_due"].astimezone(tz)
        placed = order["created_at"].astimezone(tz)
        late = due is not None and order["sla_due"] < now
        po = f'<br><small class="muted">{po_label} {esc(order["customer_po"])}</small>' if order["customer_po"] else ""
        tags = "".join(f'<span class="tag tag-{esc(t)}">{label(Tag, t)}</span>' for t in order["tags"])
        if due is None:
            sla = "—"
        else:
            flag = f'<span class="status status-overdue">{overdue_label}</span> ' if late else ""
            sla = f"{flag}<small>{day(due)} {due.hour:02d}:{due.minute:02d}</small>"
        number, status, name = esc(order["number"]), esc(order["status"]), esc(order["company__name"])
        row_class = ' class="row-overdue" data-overdue="true"' if late else ""
        rows.append(
            f'<tr data-order="{number}"{row_class}>'
            f'<td class="nowrap"><a href="{url.replace(str(_PK), str(order["id"]))}">{number}</a>{po}</td>'
            f'<td class="customer-cell"><span title="{name}">{esc(order["company__code"])} <small class="muted">{name}</small></span></td>'
            f'<td><small>{label(Channel, order["channel"])}</small></td>'
            f'<td><span class="status status-{status}" data-status="{status}">{label(Status, order["status"])}</span></td>'
            f"<td>{tags}</td>"
            f'<td class="num nowrap">{esc(money(order["total"], order["currency"]))}</td>'
            f'<td class="nowrap">{day(placed)} <small class="muted">{placed.hour:02d}:{placed.minute:02d}</small></td>'
            f'<td class="nowrap">{day(order["promised_date"]) or "—"}</td>'
            f'<td class="nowrap">{sla}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 — every value above is escaped
