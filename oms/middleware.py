from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .errors import DomainError


class DomainErrorMiddleware:
    """The one place a DomainError escaping a view becomes a user message: back to the page the
    user came from with the message shown, or an error page when there is no safe way back.
    (The API maps DomainError to JSON itself.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        messages.error(request, str(exception.message))
        back = request.headers.get("referer", "")
        if request.method == "POST" and url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            return HttpResponseRedirect(back)
        return render(request, "errors/domain_error.html", {"error": exception}, status=exception.http_status)


class RejectNulMiddleware:
    """A query string carrying a NUL character (%00) is refused with 400: no page needs one, and
    PostgreSQL refuses it in text, which would otherwise end in a server error wherever a
    parameter reaches a query (search boxes, page cursors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in value for _key, values in request.GET.lists() for value in values):
            return HttpResponseBadRequest(_("The address contains a character that is not allowed."),
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in person sees the pages in their preferred language (the one their
    notifications and e-mails are written in; the language switch saves it), whatever the
    browser asks for. Placed after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and language != getattr(request, "LANGUAGE_CODE", "") and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
