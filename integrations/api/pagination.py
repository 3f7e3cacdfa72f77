"""Cursor pagination: stable under inserts, constant cost on any page."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "limit"
    max_page_size = 200
    ordering = "-pk"

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound:  # a mangled cursor is a bad request, not a missing page
            raise ValidationError({self.cursor_query_param: [_("This cursor is not valid: use the `next` or "
                                                               "`previous` link of a page.")]})
