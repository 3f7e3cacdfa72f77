"""REST endpoints for payments, read-only (wired under /api/v1/ by integrations.api.urls)."""

import django_filters
from rest_framework import serializers, viewsets

from integrations.api.filters import SinceFilter
from integrations.api.serializers import ModelSerializer

from .models import Method, Payment, PaymentStatus


class PaymentSerializer(ModelSerializer):
    customer = serializers.CharField(source="company.code", read_only=True)
    order = serializers.CharField(source="order.number", read_only=True, allow_null=True, default=None)
    invoice = serializers.CharField(source="invoice.number", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Payment
        fields = ["id", "customer", "order", "invoice", "method", "gateway", "amount", "currency", "status",
                  "reference", "gateway_ref", "amount_refunded", "amount_allocated", "paid_at", "created_at",
                  "updated_at"]
        read_only_fields = fields


class PaymentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=PaymentStatus.choices)
    method = django_filters.ChoiceFilter(choices=Method.choices)
    customer = django_filters.CharFilter(field_name="company__code", lookup_expr="iexact")
    order = django_filters.CharFilter(field_name="order__number", lookup_expr="iexact")
    paid_since = SinceFilter(field_name="paid_at")
    updated_since = SinceFilter(field_name="updated_at")

    class Meta:
        model = Payment
        fields = ["status", "method", "customer", "order", "paid_since", "updated_since"]


class PaymentViewSet(viewsets.ReadOnlyModelViewSet):
    """Payments received (and refunded); filter by `status`, `method`, `customer`, `order`, `paid_since`."""

    queryset = Payment.objects.select_related("company", "order", "invoice")
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    read_scope = "payments:read"
