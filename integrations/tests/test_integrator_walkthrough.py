"""Bugs found by walking through the integrations as an integrator and an admin would
(console pages in Chromium, the API and channel endpoint with curl), each pinned by a test."""

import json
import re

import pytest
from django.urls import reverse

from integrations.imports.services import apply_import, start_import
from integrations.models import WebhookDelivery
from integrations.webhooks import dispatcher, signing
from oms.events import publish
from orders.models import Order

from . import imports_support
from .factories import (SalesChannelFactory, WebhookReceiver, WebhookSubscriptionFactory, api_client_with_token,
                        api_http, csv_upload)

media = imports_support.media

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user("admin"))
    return client


@pytest.fixture
def stocked(shop):
    for sku in ("VALVE", "TAPE"):
        shop["stock_of"](shop["products"][sku], shop["sh"], on_hand=500)
    return shop


def post_channel(client, channel, doc, *, code=None):
    body = json.dumps(doc).encode()
    return client.post(f"/channels/{code or channel.code}/orders/", data=body, content_type="application/json",
                       headers=signing.signed_headers(channel.secret, body))


# --- inbound channel orders ------------------------------------------------------------------------

def test_a_channel_order_id_never_collides_with_an_api_idempotency_key(client, stocked):
    """A channel coded "api" once answered "already received" with an API client's order (its
    key "api:<client>:<key>" was also "<channel>:<order id>"): the channel's order was lost."""
    api_client, token = api_client_with_token("orders:write")
    placed = api_http(token).post("/api/v1/orders/", {"customer": stocked["company"].code,
                                                      "lines": [{"sku": "VALVE", "quantity": 2}]},
                                  format="json", HTTP_IDEMPOTENCY_KEY="abc")
    assert placed.status_code == 201
    channel = SalesChannelFactory(code="api", default_company=stocked["company"])

    res = post_channel(client, channel, {"order_id": f"{api_client.pk}:abc", "lines": [{"sku": "TAPE", "quantity": 5}]})

    assert res.status_code == 201, res.content
    assert res.json()["created"] is True and res.json()["order_id"] != placed.json()["id"]
    assert Order.objects.count() == 2


def test_an_unknown_channel_answers_json_not_an_html_page(client):
    res = client.post("/channels/nope/orders/", data="{}", content_type="application/json")
    assert res.status_code == 404 and res["Content-Type"] == "application/json"
    assert res.json()["code"] == "not_found"


def test_a_get_on_the_channel_endpoint_explains_itself_in_json(client):
    res = client.get("/channels/shop/orders/")
    assert res.status_code == 405 and res["Allow"] == "POST" and res.json()["code"] == "method_not_allowed"


def test_a_refused_channel_order_has_the_documented_error_shape(client, stocked):
    channel = SalesChannelFactory(code="shop", default_company=stocked["company"])
    res = post_channel(client, channel, {"order_id": "S-1", "lines": [{"sku": "NOPE", "quantity": 1}]})
    assert res.status_code == 422
    body = res.json()
    assert set(body) == {"code", "message", "errors"}  # no internal "field"/"extra" keys
    assert body["errors"]["lines"] and "NOPE" in body["message"]
    assert not Order.objects.exists()


def test_the_channel_page_explains_signing_the_time_window_and_errors(admin_client, shop):
    channel = SalesChannelFactory(code="tmall", default_company=shop["company"])
    html = admin_client.get(reverse("console:channel_edit", args=[channel.pk])).content.decode()
    assert "five minutes" in html and '"errors"' in html
    assert "http://testserver/channels/tmall/orders/" in html and "hmac.new" in html


# --- WMS shipment confirmations ----------------------------------------------------------------------

def test_a_wms_repeating_a_ship_confirmation_gets_the_same_answer(stocked):
    from orders.services.intake import place_order

    order, _ = place_order(actor=stocked["sales"], company=stocked["company"], channel="console",
                           lines=[{"sku": "VALVE", "quantity": 2}])
    sid = order.shipments.get().pk
    http = api_http(api_client_with_token("shipments:write")[1])
    data = {"carrier": "SF Express", "tracking_number": "SF123"}

    first = http.post(f"/api/v1/shipments/{sid}/ship/", data, format="json")
    again = http.post(f"/api/v1/shipments/{sid}/ship/", data, format="json")  # its answer was lost: retry

    assert first.status_code == 200 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    other = http.post(f"/api/v1/shipments/{sid}/ship/", {**data, "tracking_number": "SF999"}, format="json")
    assert other.status_code == 409 and other.json()["error"]["code"] == "shipment_state"


# --- webhook delivery log ---------------------------------------------------------------------------

def test_the_delivery_log_names_the_answer_once_and_tells_delivered_from_next_attempt(admin_client, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    with WebhookReceiver(statuses=[500, 200]) as hook:
        WebhookSubscriptionFactory(url=hook.url)
        publish("order.status_changed", order_id=1, number="SO1", from_status="a", to_status="b")
        dispatcher.deliver_due()
        html = admin_client.get(reverse("console:webhook_deliveries")).content.decode()
        assert "HTTP 500" in html and not re.search(r"HTTP 500\s*<small>HTTP 500", html)
        WebhookDelivery.objects.update(next_attempt_at=WebhookDelivery.objects.get().created_at)
        dispatcher.deliver_due()
    assert WebhookDelivery.objects.get().status == WebhookDelivery.Status.SUCCEEDED
    html = admin_client.get(reverse("console:webhook_deliveries")).content.decode()
    assert "delivered " in html


# --- imports ------------------------------------------------------------------------------------------

def test_an_order_of_one_line_is_reported_as_one_line(media, stocked):
    upload = csv_upload([["external_ref", "customer", "sku", "quantity"],
                         ["ERP-1", stocked["company"].code, "VALVE", "2"],
                         ["ERP-2", stocked["company"].code, "VALVE", "2"], ["ERP-2", stocked["company"].code, "TAPE", "5"]])
    job = start_import(actor=stocked["sales"], kind="orders", upload=upload)
    assert [i["detail"] for i in job.dry_run["items"]] == ["1 line", "2 lines"]


def test_the_dry_run_and_result_count_rows_that_change_nothing(media, admin_client, shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    upload = csv_upload([["sku", "warehouse", "counted"], ["VALVE", "SH", "10"], ["TAPE", "SH", "4"]])
    job = start_import(actor=shop["warehouse"], kind="stock", upload=upload)
    page = admin_client.get(reverse("console:import_job", args=[job.pk])).content.decode()
    summary = re.search(r"data-dry-run-summary>(.*?)</p>", page, re.S).group(1)
    assert " ".join(summary.split()) == ("Applying this file will create 0, update 1, leave 1 unchanged and skip 0 "
                                         "already imported.")
    job = apply_import(actor=shop["warehouse"], job=job)
    page = admin_client.get(reverse("console:import_job", args=[job.pk])).content.decode()
    summary = re.search(r"data-apply-summary>(.*?)</p>", page, re.S).group(1)
    assert " ".join(summary.split()) == "0 created, 1 updated, 1 unchanged, 0 skipped."


# --- Redis down ----------------------------------------------------------------------------------------

def test_the_api_still_answers_when_the_rate_limit_cache_is_down(monkeypatch, shop):
    """With Redis down every API call was a 500 (the rate limiter's cache.incr raised)."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from integrations.api import throttling

    class DownCache:
        def incr(self, *args, **kwargs):
            raise RedisConnectionError("Connection refused")

        add = incr

    monkeypatch.setattr(throttling, "cache", DownCache())
    _c, token = api_client_with_token("products:read", rate_limit_per_minute=1)
    http = api_http(token)
    assert [http.get("/api/v1/products/").status_code for _ in range(3)] == [200, 200, 200]


def test_an_import_is_checked_and_applied_when_the_progress_cache_is_down(monkeypatch, media, shop):
    """The dry run records progress in the cache; with Redis down every upload was a 500."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from integrations.imports import services

    class DownCache:
        def set(self, *args, **kwargs):
            raise RedisConnectionError("Connection refused")

        get = set

    monkeypatch.setattr(services, "cache", DownCache())
    upload = csv_upload([["sku", "warehouse", "counted"], ["VALVE", "SH", "12"]])
    job = start_import(actor=shop["warehouse"], kind="stock", upload=upload)
    assert job.status == "ready" and services.progress_of(job)["done"] == 1
    assert apply_import(actor=shop["warehouse"], job=job).status == "applied"
