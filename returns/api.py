"""REST endpoints for returns (RMAs): read, and open one through returns.services.request_return."""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from integrations.api.filters import SinceFilter
from integrations.api.idempotency import OPTIONAL_KEY_PARAM, idempotent, replayed
from integrations.api.serializers import ModelSerializer
from oms.errors import DomainError, ValidationFailed
from orders.models import Order

from . import services
from .models import Reason, ReturnLine, ReturnRequest, Status


class ReturnLineSerializer(ModelSerializer):
    order_line = serializers.IntegerField(source="order_line_id", read_only=True)
    sku = serializers.CharField(source="order_line.product.sku", read_only=True)

    class Meta:
        model = ReturnLine
        fields = ["order_line", "sku", "quantity", "reason", "notes", "received_quantity", "restock_quantity",
                  "quarantine_quantity", "scrap_quantity"]
        read_only_fields = fields


class ReturnSerializer(ModelSerializer):
    customer = serializers.CharField(source="company.code", read_only=True)
    order = serializers.CharField(source="order.number", read_only=True)
    order_id = serializers.IntegerField(read_only=True)
    lines = ReturnLineSerializer(many=True, read_only=True)

    class Meta:
        model = ReturnRequest
        fields = ["id", "number", "customer", "order", "order_id", "status", "status_changed_at", "source", "notes",
                  "decision_reason", "resolution", "refund_amount", "currency", "finance_status", "finance_ref",
                  "created_at", "updated_at", "lines"]
        read_only_fields = fields


class ReturnLineInput(serializers.Serializer):
    order_line = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=1_000_000)
    reason = serializers.ChoiceField(choices=Reason.choices)
    notes = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ReturnInput(serializers.Serializer):
    order = serializers.CharField(max_length=20, help_text="The order number.")
    lines = ReturnLineInput(many=True, allow_empty=False, max_length=500)
    notes = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ReturnFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    customer = django_filters.CharFilter(field_name="company__code", lookup_expr="iexact")
    order = django_filters.CharFilter(field_name="order__number", lookup_expr="iexact")
    updated_since = SinceFilter(field_name="updated_at")

    class Meta:
        model = ReturnRequest
        fields = ["status", "customer", "order", "updated_since"]


def returns_queryset():
    return ReturnRequest.objects.select_related("company", "order").prefetch_related(
        Prefetch("lines", queryset=ReturnLine.objects.select_related("order_line__product").order_by("pk")))


class ReturnViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Returns; filter by `status`, `customer`, `order`, `updated_since`. Open one for delivered lines."""

    serializer_class = ReturnSerializer
    filterset_class = ReturnFilter
    read_scope = "returns:read"
    write_scope = "returns:write"

    def get_queryset(self):
        return returns_queryset()

    @extend_schema(request=ReturnInput, parameters=[OPTIONAL_KEY_PARAM], summary="Open a return",
                   responses={201: ReturnSerializer, 200: replayed(ReturnSerializer)})
    @idempotent
    def create(self, request):
        form = ReturnInput(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        order = Order.objects.select_related("company").filter(number__iexact=data["order"].strip()).first()
        if order is None:
            raise ValidationFailed(_("Unknown order “%(number)s”.") % {"number": data["order"]}, field="order",
                                   code="unknown_order")
        try:
            rma = services.request_return(actor=request.user, company=order.company, order=order, lines=data["lines"],
                                          notes=data["notes"], source="api")
        except DomainError as err:
            _name_the_line(err, data["lines"])
            raise
        return Response(ReturnSerializer(returns_queryset().get(pk=rma.pk)).data, status=status.HTTP_201_CREATED)


def _name_the_line(err, lines):
    """The service names a line's field as the console form does (`qty_<order line id>`,
    `reason_<order line id>`); the API names it by the request's path, `lines[0].quantity`."""
    kind, _sep, line_id = (err.field or "").partition("_")
    attr = {"qty": "quantity", "reason": "reason"}.get(kind)
    if attr and line_id.isdigit():
        index = next((i for i, ln in enumerate(lines) if ln["order_line"] == int(line_id)), None)
        if index is not None:
            err.field = f"lines[{index}].{attr}"
