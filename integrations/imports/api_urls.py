"""Accounting exports through the API (included at /api/v1/exports/): the same rows as the
console's CSV/Excel files, as JSON, cursor-paginated, for a date range.

    GET /api/v1/exports/invoices/?date_from=2030-01-01&date_to=2030-01-31
    GET /api/v1/exports/payments/?…      GET /api/v1/exports/credit-notes/?…

Authentication and the scope check are the API's defaults (integrations/api/): a client with
the "payments:read" scope."""

import datetime

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.generics import GenericAPIView

from integrations.api.pagination import ApiCursorPagination

from .exports import EXPORTS

MAX_DAYS = 366


class ExportCursorPagination(ApiCursorPagination):
    ordering = "pk"
    page_size = 100
    max_page_size = 500


class DateRangeSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()

    def validate(self, data):
        if data["date_to"] < data["date_from"]:
            raise serializers.ValidationError({"date_to": _("The end date is before the start date.")})
        if data["date_to"] - data["date_from"] > datetime.timedelta(days=MAX_DAYS):
            raise serializers.ValidationError({"date_to": _("Ask for at most %(n)d days at a time.") % {"n": MAX_DAYS}})
        return data


def _row_serializer(export):
    def field(col):  # a new field per column: DRF binds a field to one name
        if col.type == "money":
            return serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, label=col.label)
        if col.type == "date":
            return serializers.DateField(label=col.label)
        if col.type == "datetime":
            return serializers.DateTimeField(label=col.label)
        return serializers.CharField(allow_blank=True, label=col.label)

    name = export.key.title().replace("_", "")
    row = inline_serializer(f"{name}ExportRow", {c.key: field(c) for c in export.columns})
    return inline_serializer(f"{name}ExportPage", {
        "next": serializers.URLField(allow_null=True), "previous": serializers.URLField(allow_null=True),
        "results": serializers.ListField(child=row)})


class ExportView(GenericAPIView):
    read_scope = "payments:read"
    pagination_class = ExportCursorPagination
    export = None

    def get_queryset(self):
        params = DateRangeSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        return self.export.queryset(params.validated_data["date_from"], params.validated_data["date_to"]).order_by()

    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(list(self.export.records(page)))


def export_view(key):
    export = EXPORTS[key]
    @extend_schema(
        operation_id=f"exports_{export.key}", tags=["exports"],
        parameters=[OpenApiParameter("date_from", OpenApiTypes.DATE, required=True),
                    OpenApiParameter("date_to", OpenApiTypes.DATE, required=True),
                    OpenApiParameter("cursor", OpenApiTypes.STR), OpenApiParameter("limit", OpenApiTypes.INT)],
        responses=_row_serializer(export),
    )
    def get(self, request, *args, **kwargs):
        return ExportView.get(self, request, *args, **kwargs)

    view = type(f"{export.key.title().replace('_', '')}ExportView", (ExportView,), {
        "export": export, "get": get,
        "__doc__": f"{export.label} for a date range, as the accounting export (needs the payments:read scope).",
    })
    return view.as_view()


urlpatterns = [
    path("invoices/", export_view("invoices"), name="export_invoices"),
    path("payments/", export_view("payments"), name="export_payments"),
    path("credit-notes/", export_view("credit_notes"), name="export_credit_notes"),
]
