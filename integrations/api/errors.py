"""One JSON error shape for every API error:

    {"error": {"code": "order_invalid", "message": "…", "fields": {"lines": ["Line 1: unknown SKU …"]}}}

- request shape (serializer) errors: 400, `fields` keyed by the field path (`lines[0].quantity`);
- a broken business rule (oms.errors.DomainError): its `http_status` — 422 for invalid input
  (ValidationFailed and subclasses), 409 for a conflict with the current state, 403 for
  permission — with `fields` from the error's `.field` (and `.extra[field]` when it lists one
  message per item);
- 401 no/bad token, 403 missing scope, 404, 405, 415, 429 (with Retry-After).
Anything else is a bug: logged, answered as a 500 in the same shape."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from oms.errors import DomainError

log = logging.getLogger("oms.api")


def error_body(code, message, fields=None, extra=None):
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = fields
    if extra:
        body["details"] = extra
    return {"error": body}


def flatten(detail, prefix=""):
    """DRF's nested error detail -> {"lines[0].quantity": ["…"], ...}."""
    out = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # a list's errors keyed by position
                name = f"{prefix}[{key}]"
            elif key in ("non_field_errors", "__all__"):
                name = prefix or "non_field_errors"
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(v, (dict, list)) for v in detail):
            if detail:
                out.setdefault(prefix or "non_field_errors", []).extend(str(v) for v in detail)
        else:
            for i, value in enumerate(detail):
                if value:
                    out.update(flatten(value, f"{prefix}[{i}]"))
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(detail))
    return out


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def domain_error_response(exc: DomainError):
    fields = None
    extra = dict(exc.extra or {})
    if exc.field:
        listed = extra.get(exc.field)
        if isinstance(listed, (list, tuple)) and listed:
            fields = {exc.field: [str(m) for m in listed]}
            extra.pop(exc.field)
        else:
            fields = {exc.field: [str(exc.message)]}
    code = getattr(exc, "http_status", 409)
    if code not in (403, 409, 422):
        code = 409
    return Response(error_body(exc.code, exc.message, fields, _jsonable(extra) or None), status=code)


CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "missing_scope",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ParseError: "parse_error",
}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        return domain_error_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, exceptions.APIException):
        set_rollback()
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        if getattr(exc, "wait", None):
            headers["Retry-After"] = str(int(exc.wait))
        if isinstance(exc, exceptions.ValidationError):
            body = error_body("invalid", _("The request is not valid: see the fields."), flatten(exc.detail))
            return Response(body, status=status.HTTP_400_BAD_REQUEST, headers=headers)
        code = next((c for cls, c in CODES.items() if isinstance(exc, cls)), None) or getattr(exc, "default_code", "error")
        detail = exc.detail
        message = detail if isinstance(detail, str) else " ".join(flatten(detail).get("non_field_errors", [])) or str(detail)
        return Response(error_body(code, message), status=exc.status_code, headers=headers)
    log.exception("API request failed", extra={"view": type(context.get("view")).__name__})
    set_rollback()
    return Response(error_body("server_error", _("Something went wrong on our side.")), status=500)


def not_found(request, *args, **kwargs):
    """Unknown URLs under /api/v1/ answer in the API's shape, not the site's HTML page."""
    return JsonResponse(error_body("not_found", _("Not found.")), status=404)
