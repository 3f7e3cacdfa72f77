"""Small helpers the order views share."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def back_to(request, default_name, *args):
    """Where an action returns to: a same-site `next` (the approvals inbox, the fulfilment list
    with its filters) or the default page."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        return redirect(nxt)
    return redirect(default_name, *args)


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
