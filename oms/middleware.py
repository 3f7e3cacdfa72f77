from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

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
