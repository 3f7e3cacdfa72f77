"""Small helpers the order views share."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from oms.i18n import reason_text

from .. import selectors_console
from ..models import Status


def status_text(order):
    """"SO-0000012 is now on hold." and, when held, why."""
    text = _("%(number)s is now %(status)s.") % {"number": order.number, "status": order.get_status_display().lower()}
    return f"{text} {hold_reasons_text(order)}".strip()


def hold_reasons_text(order):
    """Why a held order is held, each reason its own sentence ("" when it is not on hold)."""
    if order.status != Status.ON_HOLD or not order.hold_reasons:
        return ""
    return " ".join(str(reason_text(r)).strip() for r in order.hold_reasons)


def line_errors_of(err):
    """A service's DomainError about an order's lines as the messages the line table shows
    (one per bad line, "Line 2: ..."), or [] when the error is about something else."""
    if err.extra.get("lines"):
        return [str(e) for e in err.extra["lines"]]
    if err.field == "lines":
        return [str(err.message)]
    return []


def show_line_errors(form, lines, err):
    """The order entry and edit pages after the intake service refused the order: returns
    (the messages listed above the table, one per bad line; the line rows to show again, each
    bad line's message on its row and field). Any other error goes above the form."""
    line_errors = line_errors_of(err)
    if not line_errors:
        form.add_domain_error(err)
    return line_errors, lines.with_service_errors(err.extra.get("line_fields", []))


def template_for(request, template, partial="results"):
    """The whole page, or only its results partial for an htmx request (not a boosted link)."""
    if request.htmx and not request.htmx.boosted:
        return f"{template}#{partial}"
    return template


def pdf_response(content, filename):
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def int_or_404(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404


def ints(values):
    """The whole numbers among posted ids (anything else is ignored)."""
    out = []
    for v in values:
        try:
            out.append(int(v))
        except (TypeError, ValueError):
            continue
    return out


def customer_results(request, q, **search):
    """htmx: the customer picker's list for `q` (orders/_customer_results.html); `search` goes
    to selectors_console.search_customers (which customers, whether contacts count)."""
    q = " ".join((q or "").split())[:80]
    return render(request, "orders/_customer_results.html", {
        "customers": selectors_console.search_customers(q, **search), "q": q,
        "too_short": len(q) < selectors_console.PICKER_MIN_CHARS})
