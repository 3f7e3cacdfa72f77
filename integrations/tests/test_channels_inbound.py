"""Inbound channel orders: POST /channels/<code>/orders/, signed, idempotent by the channel's order id."""

import json

import pytest
from django.test import Client

from integrations.models import SalesChannel
from integrations.webhooks import signing
from orders.models import Order
from tests.concurrency import race
from tests.factories import AddressFactory, CompanyFactory

from .factories import SalesChannelFactory

pytestmark = pytest.mark.django_db


def post(client, channel, doc, *, secret=None, raw=None, timestamp=None):
    body = raw if raw is not None else json.dumps(doc).encode()
    headers = signing.signed_headers(secret or channel.secret, body, timestamp=timestamp)
    return client.post(f"/channels/{channel.code}/orders/", data=body, content_type="application/json",
                       headers=headers)


def order_doc(order_id="SHOP-1001", **kw):
    return {"order_id": order_id, "lines": [{"sku": "VALVE", "quantity": 2}], **kw}


@pytest.fixture
def channel(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    return SalesChannelFactory(code="webshop", default_company=shop["company"])


def test_a_signed_order_is_placed_through_intake_once(client, channel, shop):
    first = post(client, channel, order_doc(customer_po="PO-9", notes="gate 3"))
    assert first.status_code == 201, first.content
    body = first.json()
    order = Order.objects.get(pk=body["order_id"])
    assert body["created"] is True and body["number"] == order.number
    assert order.channel == "channel" and order.external_ref == "SHOP-1001" and order.idempotency_key == "channel:webshop:SHOP-1001"
    assert order.company == shop["company"] and order.customer_po == "PO-9"
    assert order.events.filter(source="webshop").exists()

    again = post(client, channel, order_doc())
    assert again.status_code == 200 and again.json() == {**body, "created": False}
    assert Order.objects.count() == 1


def test_bad_signature_is_refused_logged_and_creates_nothing(client, channel, caplog):
    wrong = post(client, channel, order_doc(), secret="not-the-secret")
    assert wrong.status_code == 401 and wrong.json()["code"] == "bad_signature"
    unsigned = client.post("/channels/webshop/orders/", data=json.dumps(order_doc()), content_type="application/json")
    assert unsigned.status_code == 401
    stale = post(client, channel, order_doc(), timestamp=1_000_000_000)
    assert stale.status_code == 401
    assert not Order.objects.exists()
    channel.refresh_from_db()
    assert channel.rejected_count == 3 and "signature" in channel.last_rejection
    assert "rejected request" in caplog.text


def test_unknown_or_inactive_channel_is_404(client, channel):
    assert client.post("/channels/nope/orders/", data="{}", content_type="application/json").status_code == 404
    SalesChannel.objects.filter(pk=channel.pk).update(active=False)
    assert post(client, channel, order_doc()).status_code == 404


@pytest.mark.parametrize("doc, field", [
    ({"lines": [{"sku": "VALVE", "quantity": 1}]}, "order_id"),
    ({"order_id": "A1", "lines": []}, "lines"),
    ({"order_id": "A1", "lines": [{"sku": "VALVE", "quantity": 0}]}, "lines.0.quantity"),
    ({"order_id": "A1", "lines": [{"sku": "VALVE", "quantity": "two"}]}, "lines.0.quantity"),
    ({"order_id": "A1", "lines": [{"quantity": 1}]}, "lines.0.sku"),
    ({"order_id": "A1", "lines": "VALVE"}, "lines"),
    ({"order_id": "A1", "lines": [{"sku": "VALVE", "quantity": 1}], "ship_to": {"address_id": "x"}}, "ship_to.address_id"),
])
def test_bad_payloads_get_field_errors(client, channel, doc, field):
    response = post(client, channel, doc)
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Order.objects.exists()


def test_not_json_and_not_an_object_are_400(client, channel):
    assert post(client, channel, None, raw=b"{not json").status_code == 400
    assert post(client, channel, None, raw=b"[1, 2]").status_code == 400
    assert post(client, channel, None, raw=b"\xff\xfe").status_code == 400


def test_intake_refusals_are_422_with_the_field(client, channel):
    response = post(client, channel, {"order_id": "A2", "lines": [{"sku": "NOPE", "quantity": 1}]})
    assert response.status_code == 422
    assert "lines" in response.json()["errors"] and "NOPE" in response.json()["errors"]["lines"][0]
    too_long = post(client, channel, order_doc(order_id="X" * 75))
    assert too_long.status_code == 400 and "order_id" in too_long.json()["errors"]


def test_customer_by_code_and_ship_to_by_label(client, shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    channel = SalesChannelFactory(code="market", customer_by_code=True)
    other = CompanyFactory(code="C-OTHER", region=shop["company"].region, price_list=shop["plist"],
                           credit_limit=shop["company"].credit_limit)
    AddressFactory(company=other, region=shop["company"].region, is_default=True)
    store = AddressFactory(company=other, region=shop["company"].region, label="Store 2")
    ok = post(client, channel, order_doc(customer_code="c-other", ship_to={"label": "store 2"}))
    assert ok.status_code == 201, ok.content
    order = Order.objects.get()
    assert order.company == other and order.ship_to_id == store.pk
    unknown = post(client, channel, order_doc(order_id="B2", customer_code="ZZZ"))
    assert unknown.status_code == 422 and "customer_code" in unknown.json()["errors"]
    missing = post(client, channel, order_doc(order_id="B3"))
    assert missing.status_code == 422 and "customer_code" in missing.json()["errors"]
    bad_address = post(client, channel, order_doc(order_id="B4", customer_code="C-OTHER", ship_to={"address_id": 999999}))
    assert bad_address.status_code == 422 and "ship_to" in bad_address.json()["errors"]


@pytest.mark.django_db(transaction=True)
def test_the_same_channel_order_from_eight_threads_is_one_order(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    channel = SalesChannelFactory(code="racer", default_company=shop["company"])
    body = json.dumps(order_doc("RACE-1")).encode()

    def send(i):
        response = Client().post("/channels/racer/orders/", data=body, content_type="application/json",
                                 headers=signing.signed_headers(channel.secret, body))
        return response.status_code, response.json()["order_id"]

    results = race(8, send)
    assert all(kind == "ok" for kind, _r in results), results
    statuses = sorted(r[0] for _k, r in results)
    assert statuses.count(201) == 1 and statuses.count(200) == 7
    assert len({r[1] for _k, r in results}) == 1
    assert Order.objects.filter(idempotency_key="channel:racer:RACE-1").count() == 1
