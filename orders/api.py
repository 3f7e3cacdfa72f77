"""REST endpoints for orders and shipments (wired under /api/v1/ by integrations.api.urls).

Orders are placed through orders.services.intake.place_order with channel "api". The
`Idempotency-Key` header is required: the same key (per API client) always answers with the
same order — 201 the first time, 200 with `Idempotent-Replayed: true` afterwards, the order's
current state as the body — and never creates a second one, even when the requests race.
Reusing a key for different lines is refused (422, `idempotency_key_reused`).

A WMS confirms picks and shipments: `pick` starts picking and marks every line picked;
`ship` packs whatever is left and hands the shipment to the carrier with its tracking number.
Repeating `ship` with the same carrier and tracking number answers 200 with the shipment (and
`Idempotent-Replayed: true`); a different tracking number for a shipment that left is a 409.
Serializers check shape only; the rules stay in the services."""

import django_filters
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from customers.models import Address, Company
from integrations.api.filters import SinceFilter
from integrations.api.serializers import ModelSerializer
from oms.errors import ValidationFailed

from .models import Channel, Order, OrderLine, Shipment, ShipmentLine, Status
from .services import fulfilment, intake, workflow

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_MAX = 64


# --- output ------------------------------------------------------------------------------------

class OrderLineSerializer(ModelSerializer):
    sku = serializers.CharField(source="product.sku", read_only=True)
    name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = OrderLine
        fields = ["id", "line_no", "sku", "name", "quantity", "list_price", "unit_price", "discount_amount", "tax_rate",
                  "tax_amount", "net_amount", "total_amount", "allocated_quantity", "shipped_quantity"]
        read_only_fields = fields


class ShipmentLineSerializer(ModelSerializer):
    order_line = serializers.IntegerField(source="order_line_id", read_only=True)
    sku = serializers.CharField(source="order_line.product.sku", read_only=True)

    class Meta:
        model = ShipmentLine
        fields = ["order_line", "sku", "quantity", "picked_quantity", "packed_quantity"]
        read_only_fields = fields


class ShipmentSerializer(ModelSerializer):
    order = serializers.CharField(source="order.number", read_only=True)
    order_id = serializers.IntegerField(read_only=True)
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)
    lines = ShipmentLineSerializer(many=True, read_only=True)

    class Meta:
        model = Shipment
        fields = ["id", "number", "order", "order_id", "warehouse", "status", "carrier", "service", "tracking_number",
                  "created_at", "shipped_at", "delivered_at", "lines"]
        read_only_fields = fields


class OrderShipmentSerializer(ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code", read_only=True)

    class Meta:
        model = Shipment
        fields = ["id", "number", "warehouse", "status", "carrier", "tracking_number", "shipped_at", "delivered_at"]
        read_only_fields = fields


class OrderSerializer(ModelSerializer):
    customer = serializers.CharField(source="company.code", read_only=True)
    lines = OrderLineSerializer(many=True, read_only=True)
    shipments = OrderShipmentSerializer(many=True, read_only=True)
    ship_to = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "number", "customer", "channel", "status", "status_changed_at", "external_ref", "customer_po",
                  "currency", "subtotal", "discount_total", "tax_total", "total", "payment_terms", "is_paid",
                  "requested_date", "promised_date", "notes", "tags", "ship_to", "created_at", "updated_at", "lines",
                  "shipments"]
        read_only_fields = fields

    def get_ship_to(self, order) -> dict:
        return {"address_id": order.ship_to_id, "recipient": order.ship_recipient, "phone": order.ship_phone,
                "line1": order.ship_line1, "line2": order.ship_line2, "city": order.ship_city,
                "province": order.ship_province, "postal_code": order.ship_postal_code, "region": order.ship_region}


def _order_prefetches():
    return (Prefetch("lines", queryset=OrderLine.objects.select_related("product").order_by("line_no")),
            Prefetch("shipments", queryset=Shipment.objects.select_related("warehouse").order_by("pk")))


def orders_queryset():
    return Order.objects.select_related("company").prefetch_related(*_order_prefetches())


def shipments_queryset():
    return Shipment.objects.select_related("order", "warehouse").prefetch_related(
        Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line__product").order_by("pk")),
    )


# --- input -------------------------------------------------------------------------------------

class OrderLineInput(serializers.Serializer):
    sku = serializers.CharField(max_length=40, help_text="SKU or barcode.")
    quantity = serializers.IntegerField(min_value=1, max_value=intake.MAX_QUANTITY)


class OrderInput(serializers.Serializer):
    customer = serializers.CharField(max_length=20, help_text="The customer's code.")
    lines = OrderLineInput(many=True, allow_empty=False, max_length=intake.MAX_LINES)
    ship_to = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
                                       help_text="One of the customer's address ids; default: its default shipping address.")
    external_ref = serializers.CharField(max_length=80, required=False, allow_blank=True, default="",
                                         help_text="Your own order number.")
    customer_po = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    requested_date = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ShipInput(serializers.Serializer):
    carrier = serializers.CharField(max_length=60)
    tracking_number = serializers.CharField(max_length=60)
    service = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)
    box = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class OrderFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    customer = django_filters.CharFilter(field_name="company__code", lookup_expr="iexact")
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    number = django_filters.CharFilter(lookup_expr="iexact")
    external_ref = django_filters.CharFilter()
    updated_since = SinceFilter(field_name="updated_at")
    created_since = SinceFilter(field_name="created_at")

    class Meta:
        model = Order
        fields = ["status", "customer", "channel", "number", "external_ref", "updated_since", "created_since"]


class ShipmentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Shipment.Status.choices)
    warehouse = django_filters.CharFilter(field_name="warehouse__code", lookup_expr="iexact")
    order = django_filters.CharFilter(field_name="order__number", lookup_expr="iexact")

    class Meta:
        model = Shipment
        fields = ["status", "warehouse", "order"]


def _idempotency_key(request, client):
    key = (request.headers.get(IDEMPOTENCY_HEADER) or "").strip()
    if not key:
        raise ValidationError({IDEMPOTENCY_HEADER: [_("Send an Idempotency-Key header: a unique id for this order, "
                                                      "reused when you retry it.")]})
    if len(key) > IDEMPOTENCY_MAX or not key.isprintable() or not key.isascii():
        raise ValidationError({IDEMPOTENCY_HEADER: [_("Use at most %(n)d printable ASCII characters.") % {"n": IDEMPOTENCY_MAX}]})
    return f"api:{client.pk}:{key}"  # one client's keys never collide with another's


def _same_lines(order, lines):
    """Does a replayed request ask for the order it names? Lines compared in order (SKU or
    barcode, quantity), as intake creates them."""
    have = list(order.lines.all())
    return len(have) == len(lines) and all(
        str(want["sku"]).strip().upper() in (line.product.sku.upper(), line.product.barcode)
        and want["quantity"] == line.quantity
        for want, line in zip(lines, have))


# --- views -------------------------------------------------------------------------------------

IDEMPOTENCY_PARAM = OpenApiParameter(
    IDEMPOTENCY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="A unique id for this order (at most 64 characters). Retrying with the same key returns the "
                "same order (200) instead of creating another.")


class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Orders: filter by `status` (repeatable), `customer` (code), `channel`, `number`, `external_ref`,
    `updated_since`, `created_since` (ISO 8601)."""

    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    read_scope = "orders:read"
    write_scope = "orders:write"

    def get_queryset(self):
        return orders_queryset()

    def _order_response(self, order, code, headers=None, *, fresh=False):
        """The order as the API shows it. `fresh`: the instance intake just wrote and returned,
        which carries its lines and shipments already (no re-read)."""
        if not fresh:
            order = orders_queryset().get(pk=order.pk)
        return Response(OrderSerializer(order).data, status=code, headers=headers)

    @extend_schema(
        request=OrderInput, parameters=[IDEMPOTENCY_PARAM], summary="Place an order",
        responses={201: OrderSerializer, 200: OpenApiResponse(OrderSerializer, description="A replay of the same Idempotency-Key")},
    )
    def create(self, request):
        key = _idempotency_key(request, request.auth)
        form = OrderInput(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        company = Company.objects.select_related("price_list").filter(code__iexact=data["customer"].strip()).first()
        if company is None:
            raise ValidationFailed(_("Unknown customer “%(code)s”.") % {"code": data["customer"]}, field="customer",
                                   code="unknown_customer")
        address = None
        if data.get("ship_to"):
            address = Address.objects.filter(pk=data["ship_to"], company=company).first()
            if address is None:
                raise ValidationFailed(_("Address %(id)s is not one of %(code)s's addresses.")
                                       % {"id": data["ship_to"], "code": company.code}, field="ship_to",
                                       code="unknown_address")
        order, created = intake.place_order(
            actor=request.user, company=company, channel=Channel.API, idempotency_key=key,
            lines=[intake.LineInput(sku=ln["sku"], quantity=ln["quantity"]) for ln in data["lines"]],
            ship_to=address, external_ref=data["external_ref"], customer_po=data["customer_po"],
            requested_date=data.get("requested_date"), notes=data["notes"], source=f"api:{request.auth.name}"[:60],
            with_lines_and_shipments=True,
        )
        if created:
            return self._order_response(order, status.HTTP_201_CREATED, fresh=True)
        order = orders_queryset().get(pk=order.pk)
        if not _same_lines(order, data["lines"]):
            raise ValidationFailed(_("This Idempotency-Key was already used for a different order (%(number)s): "
                                     "use a new key for a new order.") % {"number": order.number},
                                   field=IDEMPOTENCY_HEADER, code="idempotency_key_reused")
        return self._order_response(order, status.HTTP_200_OK, headers={"Idempotent-Replayed": "true"})

    @extend_schema(request=CancelInput, responses={200: OrderSerializer}, summary="Cancel an order")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        order = self.get_object()
        form = CancelInput(data=request.data)
        form.is_valid(raise_exception=True)
        workflow.cancel_order(actor=request.user, order=order, reason=form.validated_data["reason"])
        return self._order_response(order, status.HTTP_200_OK)


def confirm_shipped(*, actor, shipment, carrier, tracking_number, service="", cost=None, box=""):
    """A WMS's "shipped" message: bring the shipment through picking and packing (each step is
    the console's own service, so the same rules and events apply), then ship it."""
    if shipment.status == Shipment.Status.PENDING:
        fulfilment.start_picking(actor=actor, shipments=[shipment])
        shipment.refresh_from_db(fields=["status"])
    if shipment.status == Shipment.Status.PICKING:
        for line in shipment.lines.select_related("order_line__product").order_by("pk"):
            left = line.quantity - line.packed_quantity
            if left > 0:
                fulfilment.pack_item(actor=actor, shipment=shipment, code=line.order_line.product.sku, quantity=left)
    return fulfilment.ship_shipment(actor=actor, shipment=shipment, carrier=carrier, tracking_number=tracking_number,
                                    service=service, cost=cost, box=box)


class ShipmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Shipments to pick and ship; filter by `status`, `warehouse` (code), `order` (number)."""

    serializer_class = ShipmentSerializer
    filterset_class = ShipmentFilter
    read_scope = "orders:read"
    scope_map = {"pick": "shipments:write", "ship": "shipments:write"}

    def get_queryset(self):
        return shipments_queryset()

    def _response(self, shipment):
        return Response(ShipmentSerializer(shipments_queryset().get(pk=shipment.pk)).data)

    @extend_schema(request=None, responses={200: ShipmentSerializer}, summary="Confirm picking (WMS)")
    @action(detail=True, methods=["post"])
    def pick(self, request, pk=None):
        shipment = self.get_object()
        if shipment.status == Shipment.Status.PENDING:
            fulfilment.start_picking(actor=request.user, shipments=[shipment])
        fulfilment.confirm_picked(actor=request.user, shipment=shipment)
        return self._response(shipment)

    @extend_schema(request=ShipInput, responses={200: ShipmentSerializer}, summary="Confirm shipment with tracking (WMS)")
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        shipment = self.get_object()
        form = ShipInput(data=request.data)
        form.is_valid(raise_exception=True)
        if _already_shipped_as(shipment, form.validated_data):
            # a WMS retrying a confirmation whose answer it lost: the same outcome, not a 409
            response = self._response(shipment)
            response["Idempotent-Replayed"] = "true"
            return response
        confirm_shipped(actor=request.user, shipment=shipment, **form.validated_data)
        return self._response(shipment)


def _already_shipped_as(shipment, data):
    """Has this shipment already left with this carrier and tracking number?"""
    return (shipment.status in (Shipment.Status.SHIPPED, Shipment.Status.DELIVERED)
            and shipment.tracking_number.strip().lower() == data["tracking_number"].strip().lower()
            and shipment.carrier.strip().lower() == data["carrier"].strip().lower())
