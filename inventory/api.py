"""REST endpoints for the catalog and stock (wired under /api/v1/ by integrations.api.urls).

Serializers check the shape of a request; every rule (active product, reserved units, reasons)
stays in inventory.services."""

import django_filters
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from integrations.api.filters import SinceFilter
from integrations.api.idempotency import OPTIONAL_KEY_PARAM, idempotent, replayed
from integrations.api.serializers import ModelSerializer

from . import services
from .models import Product, Stock, StockMovement, Warehouse
from .services.stock import ADJUSTMENT_KINDS


# --- products ----------------------------------------------------------------------------------

class ProductSerializer(ModelSerializer):
    category = serializers.CharField(source="category.slug", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = Product
        fields = ["id", "sku", "name", "description", "category", "category_name", "unit", "pack_size", "barcode",
                  "weight_kg", "tax_class", "active", "created_at", "updated_at"]
        read_only_fields = fields


class ProductFilter(django_filters.FilterSet):
    sku = django_filters.CharFilter(field_name="sku", lookup_expr="iexact")
    category = django_filters.CharFilter(field_name="category__slug")
    active = django_filters.BooleanFilter()
    updated_since = SinceFilter(field_name="updated_at")

    class Meta:
        model = Product
        fields = ["sku", "category", "active", "updated_since"]


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalog. Filter by `sku`, `category` (slug), `active`, `updated_since`."""

    queryset = Product.objects.select_related("category")
    serializer_class = ProductSerializer
    filterset_class = ProductFilter
    read_scope = "products:read"


# --- stock levels ------------------------------------------------------------------------------

class StockSerializer(ModelSerializer):
    sku = serializers.CharField(source="product.sku", read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    available = serializers.IntegerField(read_only=True)

    class Meta:
        model = Stock
        fields = ["id", "sku", "warehouse", "on_hand", "reserved", "available", "incoming", "in_transit",
                  "allow_backorder", "reorder_point", "safety_stock", "updated_at"]
        read_only_fields = fields


class StockFilter(django_filters.FilterSet):
    sku = django_filters.CharFilter(field_name="product__sku", lookup_expr="iexact")
    warehouse = django_filters.CharFilter(field_name="warehouse__code", lookup_expr="iexact")
    updated_since = SinceFilter(field_name="updated_at")

    class Meta:
        model = Stock
        fields = ["sku", "warehouse", "updated_since"]


class MovementSerializer(ModelSerializer):
    sku = serializers.CharField(source="stock.product.sku", read_only=True)
    warehouse = serializers.CharField(source="stock.warehouse.code", read_only=True)

    class Meta:
        model = StockMovement
        fields = ["id", "sku", "warehouse", "kind", "on_hand_delta", "on_hand_after", "reserved_after", "reason",
                  "created_at"]
        read_only_fields = fields


class _StockInput(serializers.Serializer):
    sku = serializers.CharField(max_length=40)
    warehouse = serializers.CharField(max_length=20, help_text="Warehouse code.")
    reason = serializers.CharField(max_length=200)

    def resolve(self):
        data = self.validated_data
        product = Product.objects.filter(sku__iexact=data["sku"].strip()).first()
        warehouse = Warehouse.objects.filter(code__iexact=data["warehouse"].strip()).first()
        errors = {}
        if product is None:
            errors["sku"] = [_("Unknown SKU “%(sku)s”.") % {"sku": data["sku"]}]
        if warehouse is None:
            errors["warehouse"] = [_("Unknown warehouse “%(code)s”.") % {"code": data["warehouse"]}]
        if errors:
            raise serializers.ValidationError(errors)
        return product, warehouse


class AdjustmentInput(_StockInput):
    kind = serializers.ChoiceField(choices=[(k.value, k.label) for k in ADJUSTMENT_KINDS],
                                   default=StockMovement.Kind.ADJUSTMENT.value)
    quantity = serializers.IntegerField(min_value=-1_000_000, max_value=1_000_000,
                                        help_text="Signed for `adjustment`; positive for the other kinds.")


class CountInput(_StockInput):
    counted = serializers.IntegerField(min_value=0, max_value=1_000_000_000, help_text="Units on the shelf.")


class StockViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Stock levels per product and warehouse; a WMS posts adjustments and cycle counts."""

    queryset = Stock.objects.select_related("product", "warehouse")
    serializer_class = StockSerializer
    filterset_class = StockFilter
    read_scope = "stock:read"
    write_scope = "stock:write"

    def _movement_response(self, movement):
        movement = StockMovement.objects.select_related("stock__product", "stock__warehouse").get(pk=movement.pk)
        return Response(MovementSerializer(movement).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AdjustmentInput, parameters=[OPTIONAL_KEY_PARAM], summary="Adjust stock (WMS)",
                   responses={201: MovementSerializer, 200: replayed(MovementSerializer)})
    @action(detail=False, methods=["post"], url_path="adjustments")
    @idempotent
    def adjust(self, request):
        form = AdjustmentInput(data=request.data)
        form.is_valid(raise_exception=True)
        product, warehouse = form.resolve()
        movement = services.adjust_stock(actor=request.user, product=product, warehouse=warehouse,
                                         kind=form.validated_data["kind"], quantity=form.validated_data["quantity"],
                                         reason=form.validated_data["reason"])
        return self._movement_response(movement)

    @extend_schema(request=CountInput, parameters=[OPTIONAL_KEY_PARAM], summary="Record a cycle count (WMS)",
                   responses={201: MovementSerializer, 200: replayed(MovementSerializer)})
    @action(detail=False, methods=["post"], url_path="counts")
    @idempotent
    def count(self, request):
        form = CountInput(data=request.data)
        form.is_valid(raise_exception=True)
        product, warehouse = form.resolve()
        movement = services.count_stock(actor=request.user, product=product, warehouse=warehouse,
                                        counted=form.validated_data["counted"], reason=form.validated_data["reason"])
        return self._movement_response(movement)
