"""Scopes: each view names the scope a request needs; the client must hold it."""

from django.utils.translation import gettext as _
from rest_framework import permissions

from ..models import ApiClient


def required_scope(view, request):
    """The scope for this request: `scope_map[action]` if the view names one, else
    `read_scope` for GET/HEAD/OPTIONS and `write_scope` for the rest."""
    action = getattr(view, "action", None)
    scope_map = getattr(view, "scope_map", {}) or {}
    if action in scope_map:
        return scope_map[action]
    if request.method in permissions.SAFE_METHODS:
        return getattr(view, "read_scope", None)
    return getattr(view, "write_scope", None)


class HasScope(permissions.BasePermission):
    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return False  # -> 401 (the authenticator's header) when no credentials came
        scope = required_scope(view, request)
        if scope is None or client.has_scope(scope):
            return True
        self.message = _("This client lacks the “%(scope)s” scope.") % {"scope": scope}
        return False
