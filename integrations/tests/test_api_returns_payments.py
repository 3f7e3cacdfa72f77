"""REST API: returns opened through the returns service; payments read."""

import pytest

from integrations.tests.factories import api_client_with_token, api_http
from returns.models import ReturnRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(shop):
    from orders.services.fulfilment import record_delivery
    from orders.services.intake import place_order
    from tests.factories import ship_order

    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                           lines=[{"sku": "VALVE", "quantity": 4}])
    for shipment in ship_order(order, shop["warehouse"]):
        record_delivery(actor=shop["warehouse"], shipment=shipment, received_by="Dock")
    return order


def test_a_return_is_opened_for_delivered_lines_and_read_back(delivered):
    client, token = api_client_with_token("returns:write", "returns:read")
    http = api_http(token)
    line = delivered.lines.get()
    res = http.post("/api/v1/returns/", {"order": delivered.number, "notes": "two arrived broken",
                                         "lines": [{"order_line": line.pk, "quantity": 2, "reason": "damaged"}]},
                    format="json")
    assert res.status_code == 201, res.json()
    rma = ReturnRequest.objects.get(pk=res.json()["id"])
    assert rma.source == "api" and rma.requested_by == client.user and rma.order == delivered
    assert res.json()["lines"] == [{"order_line": line.pk, "sku": "VALVE", "quantity": 2, "reason": "damaged", "notes": "",
                                    "received_quantity": 0, "restock_quantity": 0, "quarantine_quantity": 0,
                                    "scrap_quantity": 0}]
    listed = http.get("/api/v1/returns/", {"order": delivered.number}).json()["results"]
    assert [r["number"] for r in listed] == [rma.number]
    assert http.get(f"/api/v1/returns/{rma.pk}/").json()["status"] == "requested"


def test_returning_more_than_was_delivered_is_a_field_error(delivered):
    _c, token = api_client_with_token("returns:write")
    line = delivered.lines.get()
    res = api_http(token).post("/api/v1/returns/", {"order": delivered.number,
                                                   "lines": [{"order_line": line.pk, "quantity": 9, "reason": "excess"}]},
                               format="json")
    assert res.status_code == 422
    error = res.json()["error"]
    # named by the request's path, not the console form's `qty_<line id>`
    assert error["code"] == "over_returnable" and list(error["fields"]) == ["lines[0].quantity"]
    res = api_http(token).post("/api/v1/returns/", {"order": "SO-NOPE", "lines": [{"order_line": 1, "quantity": 1,
                                                                                  "reason": "excess"}]}, format="json")
    assert res.status_code == 422 and "order" in res.json()["error"]["fields"]
    assert not ReturnRequest.objects.exists()


def test_payments_are_listed_with_amounts_as_decimal_strings(shop):
    from decimal import Decimal

    from tests.factories import PaymentFactory

    paid = PaymentFactory(company=shop["company"], amount=Decimal("123.45"), status="paid")
    PaymentFactory(company=shop["company"], status="pending")
    _c, token = api_client_with_token("payments:read")
    res = api_http(token).get("/api/v1/payments/", {"status": "paid"})
    assert res.status_code == 200
    assert [(p["id"], p["amount"], p["customer"]) for p in res.json()["results"]] == [(paid.pk, "123.45", shop["company"].code)]
