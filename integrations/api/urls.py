"""REST API v1 routes (included at /api/v1/). Each domain's endpoints live in <app>/api.py."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from customers.api import CustomerViewSet
from inventory.api import ProductViewSet, StockViewSet
from orders.api import OrderViewSet, ShipmentViewSet
from payments.api import PaymentViewSet
from returns.api import ReturnViewSet

from .errors import not_found
from .views import DocsView, SchemaView

app_name = "api"

router = SimpleRouter()
router.register("products", ProductViewSet, basename="product")
router.register("stock", StockViewSet, basename="stock")
router.register("customers", CustomerViewSet, basename="customer")
router.register("orders", OrderViewSet, basename="order")
router.register("shipments", ShipmentViewSet, basename="shipment")
router.register("payments", PaymentViewSet, basename="payment")
router.register("returns", ReturnViewSet, basename="return")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(), name="docs"),
    path("exports/", include("integrations.imports.api_urls")),
    *router.urls,
    re_path(r"^.*$", not_found),  # anything else: a JSON 404, not the site's HTML page
]
