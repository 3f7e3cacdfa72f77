"""A WMS or ERP that retries a stock adjustment, a cycle count or a return with the same
Idempotency-Key changes stock (or opens a return) once, and gets the first answer back."""

import pytest

from integrations.models import ApiIdempotencyKey
from integrations.tests.factories import api_client_with_token, api_http
from inventory.models import Stock, StockMovement
from tests.concurrency import race


@pytest.fixture
def wms(shop):
    shop["stock_of"](shop["products"]["TAPE"], shop["sh"], on_hand=50)
    _client, token = api_client_with_token("stock:write", "stock:read")
    return token


def adjust(token, key, quantity=5):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api_http(token).post("/api/v1/stock/adjustments/", {"sku": "TAPE", "warehouse": "SH", "quantity": quantity,
                                                               "reason": "found on the shelf"}, format="json", **headers)


def on_hand(shop):
    return Stock.objects.get(product=shop["products"]["TAPE"], warehouse=shop["sh"]).on_hand


@pytest.mark.django_db
def test_a_retried_adjustment_is_applied_once_and_answered_the_same(wms, shop):
    first = adjust(wms, "wms-adj-001")
    again = adjust(wms, "wms-adj-001")
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert on_hand(shop) == 55 and StockMovement.objects.filter(kind="adjustment").count() == 1


@pytest.mark.django_db
def test_without_a_key_each_post_is_a_new_adjustment(wms, shop):
    assert adjust(wms, None).status_code == 201 and adjust(wms, None).status_code == 201
    assert on_hand(shop) == 60


@pytest.mark.django_db
def test_the_same_key_for_a_different_request_is_refused(wms, shop):
    adjust(wms, "wms-adj-002", quantity=5)
    res = adjust(wms, "wms-adj-002", quantity=7)
    assert res.status_code == 422 and res.json()["error"]["code"] == "idempotency_key_reused"
    assert on_hand(shop) == 55


@pytest.mark.django_db
def test_a_refused_write_keeps_nothing_so_the_key_can_be_retried(wms, shop):
    refused = adjust(wms, "wms-adj-003", quantity=-500)  # below what is reserved/on hand
    assert refused.status_code == 409 and not ApiIdempotencyKey.objects.exists()
    assert adjust(wms, "wms-adj-003", quantity=3).status_code == 201 and on_hand(shop) == 53


@pytest.mark.django_db(transaction=True)
def test_six_copies_sent_at_once_apply_once(wms, shop):
    results = race(6, lambda i: adjust(wms, "wms-adj-race").status_code)
    assert sorted(code for _kind, code in results) == [200] * 5 + [201]
    assert on_hand(shop) == 55 and StockMovement.objects.filter(kind="adjustment").count() == 1
