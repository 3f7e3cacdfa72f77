"""REST endpoints for customers (dealer companies), read-only; wired by integrations.api.urls."""

import django_filters
from django.db.models import Prefetch
from rest_framework import viewsets

from integrations.api.serializers import ModelSerializer

from .models import Address, Company


class AddressSerializer(ModelSerializer):
    class Meta:
        model = Address
        fields = ["id", "kind", "label", "recipient", "phone", "line1", "line2", "city", "province", "postal_code",
                  "region", "country", "is_default"]
        read_only_fields = fields


class CustomerSerializer(ModelSerializer):
    addresses = AddressSerializer(many=True, read_only=True)

    class Meta:
        model = Company
        fields = ["id", "code", "name", "tier", "region", "currency", "payment_terms", "credit_limit", "tax_id",
                  "status", "created_at", "addresses"]
        read_only_fields = fields


class CustomerFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")
    status = django_filters.ChoiceFilter(choices=Company.Status.choices)
    region = django_filters.CharFilter()

    class Meta:
        model = Company
        fields = ["code", "status", "region"]


class CustomerViewSet(viewsets.ReadOnlyModelViewSet):
    """Dealer companies with their addresses (the ids to ship an API order to)."""

    queryset = Company.objects.prefetch_related(Prefetch("addresses", queryset=Address.objects.order_by("pk")))
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    read_scope = "customers:read"
