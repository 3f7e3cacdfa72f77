"""REST API contract: every endpoint answers 401 without a token, 403 without its scope and
2xx with it; errors always come in one JSON shape."""

import pytest
from django.core.cache import cache

from integrations.models import ApiClient
from integrations.tests.factories import api_client_with_token, api_http
from oms.models import User

pytestmark = pytest.mark.django_db

# (method, path, scope, body) — {order}, {shipment}, ... are filled in by the fixture
ENDPOINTS = [
    ("get", "/api/v1/products/", "products:read", None),
    ("get", "/api/v1/products/{product}/", "products:read", None),
    ("get", "/api/v1/stock/", "stock:read", None),
    ("post", "/api/v1/stock/adjustments/", "stock:write",
     {"sku": "TAPE", "warehouse": "SH", "kind": "adjustment", "quantity": 3, "reason": "found on the shelf"}),
    ("post", "/api/v1/stock/counts/", "stock:write", {"sku": "TAPE", "warehouse": "SH", "counted": 40, "reason": "cycle count"}),
    ("get", "/api/v1/customers/", "customers:read", None),
    ("get", "/api/v1/customers/{company}/", "customers:read", None),
    ("get", "/api/v1/orders/", "orders:read", None),
    ("get", "/api/v1/orders/{order}/", "orders:read", None),
    ("post", "/api/v1/orders/{order}/cancel/", "orders:write", {"reason": "customer asked"}),
    ("get", "/api/v1/shipments/", "orders:read", None),
    ("get", "/api/v1/shipments/{shipment}/", "orders:read", None),
    ("post", "/api/v1/shipments/{shipment}/pick/", "shipments:write", {}),
    ("post", "/api/v1/shipments/{shipment}/ship/", "shipments:write", {"carrier": "SF Express", "tracking_number": "SF100200300"}),
    ("get", "/api/v1/payments/", "payments:read", None),
    ("get", "/api/v1/payments/{payment}/", "payments:read", None),
    ("get", "/api/v1/returns/", "returns:read", None),
]


@pytest.fixture
def world(shop):
    from orders.services.intake import place_order
    from tests.factories import PaymentFactory

    for sku in ("VALVE", "TAPE"):
        shop["stock_of"](shop["products"][sku], shop["sh"], on_hand=100)
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                           lines=[{"sku": "VALVE", "quantity": 2}])
    other, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                           lines=[{"sku": "TAPE", "quantity": 2}])
    return {"product": shop["products"]["VALVE"].pk, "company": shop["company"].pk, "order": order.pk,
            "shipment": other.shipments.get().pk, "payment": PaymentFactory(company=shop["company"]).pk}


def call(http, method, path, body):
    return getattr(http, method)(path, body, format="json") if method == "post" else http.get(path)


@pytest.mark.parametrize("method,path,scope,body", ENDPOINTS, ids=[f"{m} {p}" for m, p, _s, _b in ENDPOINTS])
def test_each_endpoint_checks_token_and_scope(world, method, path, scope, body):
    path = path.format(**world)
    res = call(api_http(), method, path, body)
    assert res.status_code == 401
    assert res.json()["error"]["code"] == "not_authenticated"
    assert res["WWW-Authenticate"].startswith("Bearer")

    res = call(api_http("oms_deadbeef_" + "x" * 40), method, path, body)
    assert res.status_code == 401 and res.json()["error"]["code"] == "authentication_failed"

    others = [s for s in ("products:read", "stock:read", "customers:read", "payments:read", "returns:write") if s != scope]
    _c, wrong = api_client_with_token(*others)
    res = call(api_http(wrong), method, path, body)
    assert res.status_code == 403
    assert res.json()["error"] == {"code": "missing_scope", "message": f"This client lacks the “{scope}” scope."}

    _c, right = api_client_with_token(scope)
    res = call(api_http(right), method, path, body)
    assert res.status_code in (200, 201), res.json()


def test_a_revoked_client_is_refused_at_once(world):
    from integrations.api.services import revoke_api_client

    client, token = api_client_with_token("orders:read")
    assert api_http(token).get("/api/v1/orders/").status_code == 200
    revoke_api_client(actor=None, client=client)
    res = api_http(token).get("/api/v1/orders/")
    assert res.status_code == 401 and "revoked" in res.json()["error"]["message"]


def test_the_token_is_stored_only_as_a_digest_and_use_is_recorded(world):
    client, token = api_client_with_token("orders:read")
    assert token not in (client.token_hash, client.token_prefix) and token.startswith(f"oms_{client.token_prefix}_")
    assert not client.user.has_usable_password() and client.user.staff_role == ""
    api_http(token).get("/api/v1/orders/")
    assert ApiClient.objects.get(pk=client.pk).last_used_at is not None


def test_a_client_over_its_rate_limit_gets_429_with_retry_after(world):
    cache.clear()
    _c, token = api_client_with_token("orders:read", rate_limit_per_minute=3)
    http = api_http(token)
    codes = [http.get("/api/v1/orders/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    res = http.get("/api/v1/orders/")
    assert res.json()["error"]["code"] == "rate_limited" and int(res["Retry-After"]) >= 1
    _other, other_token = api_client_with_token("orders:read", rate_limit_per_minute=3)
    assert api_http(other_token).get("/api/v1/orders/").status_code == 200  # limits are per client


def test_unknown_urls_and_methods_answer_in_the_same_shape(world):
    _c, token = api_client_with_token()
    http = api_http(token)
    res = http.get("/api/v1/nothing-here/")
    assert res.status_code == 404 and res.json()["error"]["code"] == "not_found"
    res = http.delete(f"/api/v1/orders/{world['order']}/")
    assert res.status_code == 405 and res.json()["error"]["code"] == "method_not_allowed"
    res = http.post("/api/v1/orders/", "{not json", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert res.status_code == 400 and res.json()["error"]["code"] == "parse_error"
    res = http.get("/api/v1/orders/", {"status": "nonsense"})
    assert res.status_code == 400 and "status" in res.json()["error"]["fields"]
    res = http.get("/api/v1/orders/", {"cursor": "garbage", "updated_since": "yesterday"})
    assert res.status_code == 400 and "updated_since" in res.json()["error"]["fields"]
    res = http.get("/api/v1/orders/", {"cursor": "garbage"})
    assert res.status_code == 400 and "cursor" in res.json()["error"]["fields"]


def test_stock_write_goes_through_inventory_services_and_maps_their_errors(world, shop):
    from inventory.models import Stock, StockMovement

    _c, token = api_client_with_token("stock:write", "stock:read")
    http = api_http(token)
    res = http.post("/api/v1/stock/counts/", {"sku": "tape", "warehouse": "sh", "counted": 7, "reason": "count"}, format="json")
    assert res.status_code == 201 and res.json()["on_hand_after"] == 7
    movement = StockMovement.objects.get(pk=res.json()["id"])
    assert movement.kind == "cycle_count" and movement.user.api_client.pk == _c.pk
    res = http.post("/api/v1/stock/adjustments/", {"sku": "VALVE", "warehouse": "SH", "quantity": -100, "reason": "x"}, format="json")
    assert res.status_code == 409 and res.json()["error"]["code"] == "below_reserved"
    assert "quantity" in res.json()["error"]["fields"]
    res = http.post("/api/v1/stock/adjustments/", {"sku": "NOPE", "warehouse": "XX", "quantity": 1, "reason": "x"}, format="json")
    assert res.status_code == 400 and set(res.json()["error"]["fields"]) == {"sku", "warehouse"}
    levels = http.get("/api/v1/stock/", {"sku": "TAPE", "warehouse": "SH"}).json()["results"]
    assert [(s["sku"], s["warehouse"], s["on_hand"]) for s in levels] == [("TAPE", "SH", 7)]
    assert Stock.objects.get(product=shop["products"]["TAPE"], warehouse=shop["sh"]).on_hand == 7


def test_a_wms_confirms_pick_and_shipment_with_tracking(world):
    from orders.models import Order, Shipment

    _c, token = api_client_with_token("shipments:write", "orders:read")
    http = api_http(token)
    sid = world["shipment"]
    res = http.post(f"/api/v1/shipments/{sid}/pick/", {}, format="json")
    assert res.status_code == 200 and res.json()["status"] == "picking"
    assert all(ln["picked_quantity"] == ln["quantity"] for ln in res.json()["lines"])
    res = http.post(f"/api/v1/shipments/{sid}/ship/", {"carrier": "SF Express"}, format="json")
    assert res.status_code == 400 and "tracking_number" in res.json()["error"]["fields"]
    res = http.post(f"/api/v1/shipments/{sid}/ship/", {"carrier": "SF Express", "tracking_number": "SF123"}, format="json")
    assert res.status_code == 200
    assert res.json()["status"] == "shipped" and res.json()["tracking_number"] == "SF123"
    shipment = Shipment.objects.get(pk=sid)
    assert Order.objects.get(pk=shipment.order_id).status == "shipped"
    again = http.post(f"/api/v1/shipments/{sid}/ship/", {"carrier": "SF Express", "tracking_number": "SF9"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "shipment_state"


def test_filters_and_lists_stay_at_a_few_queries(world, django_assert_max_num_queries):
    _c, token = api_client_with_token()
    http = api_http(token)
    for path in ("/api/v1/products/?active=true&sku=VALVE", "/api/v1/stock/?warehouse=SH", "/api/v1/customers/",
                 "/api/v1/orders/", "/api/v1/shipments/?status=pending", "/api/v1/payments/?status=pending",
                 "/api/v1/returns/"):
        with django_assert_max_num_queries(8):
            res = http.get(path)
        assert res.status_code == 200, path
    assert [p["sku"] for p in http.get("/api/v1/products/?sku=valve").json()["results"]] == ["VALVE"]
    customers = http.get("/api/v1/customers/").json()["results"]
    assert customers[0]["addresses"][0]["id"]


def test_create_api_client_command_prints_a_working_token(world, capsys):
    from django.core.management import call_command

    call_command("create_api_client", "ERP", "--scopes", "orders:read", "stock:read")
    token = capsys.readouterr().out.strip()
    assert api_http(token).get("/api/v1/orders/").status_code == 200
    assert api_http(token).get("/api/v1/customers/").status_code == 403
    assert User.objects.get(api_client__name="ERP").has_usable_password() is False
