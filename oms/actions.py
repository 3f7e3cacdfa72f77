"""Small helpers for console action views (a POST that calls one service, then goes back)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import DomainError


def back_to(request, default_name, *args):
    """Where an action returns to: a same-site `next` (a board or inbox with its filters) or
    the default page."""
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, {request.get_host()}, request.is_secure()):
        return redirect(nxt)
    return redirect(default_name, *args)


def run_action(request, action, success, level=messages.SUCCESS):
    """Call `action()` (one service call). A DomainError becomes an error message and None is
    returned; otherwise `success` (a text, or a function of the result) is shown at `level`
    (a function of the result too, if the outcome decides it) and the result returned."""
    try:
        result = action()
    except DomainError as err:
        messages.error(request, str(err.message))
        return None
    text = success(result) if callable(success) else success
    messages.add_message(request, level(result) if callable(level) else level, text)
    return result
