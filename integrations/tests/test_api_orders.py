"""REST API: orders — create through intake with an Idempotency-Key, read, list, cancel."""

import pytest
from django.db import connections

from integrations.tests.factories import api_client_with_token, api_http
from orders.models import Channel, Order, Status
from tests.concurrency import race

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/"


@pytest.fixture
def stocked(shop):
    for sku in ("VALVE", "TAPE", "PIPE"):
        shop["stock_of"](shop["products"][sku], shop["sh"], on_hand=500)
    return shop


def body(shop, **kw):
    data = {"customer": shop["company"].code, "lines": [{"sku": "VALVE", "quantity": 2}, {"sku": "TAPE", "quantity": 5}],
            "external_ref": "WEB-1001"}
    data.update(kw)
    return data


def post_order(http, data, key="k-1"):
    return http.post(URL, data, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_an_order_posted_with_the_right_scope_is_placed_through_intake(stocked):
    client, token = api_client_with_token("orders:write", "orders:read")
    res = post_order(api_http(token), body(stocked))
    assert res.status_code == 201, res.json()
    data = res.json()
    order = Order.objects.get(pk=data["id"])
    assert order.channel == Channel.API and order.placed_by == client.user
    assert data["number"] == order.number and data["customer"] == stocked["company"].code
    assert [ln["sku"] for ln in data["lines"]] == ["VALVE", "TAPE"]
    assert data["total"] == str(order.total)  # money as a decimal string, never a float
    assert data["status"] == Status.ALLOCATED
    assert data["external_ref"] == "WEB-1001"


def test_the_same_idempotency_key_twice_gives_one_order_and_the_same_answer(stocked):
    _client, token = api_client_with_token("orders:write")
    http = api_http(token)
    first = post_order(http, body(stocked), key="order-77")
    again = post_order(http, body(stocked), key="order-77")
    assert first.status_code == 201 and again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Order.objects.count() == 1


def test_keys_of_two_clients_never_collide(stocked):
    _a, token_a = api_client_with_token("orders:write")
    _b, token_b = api_client_with_token("orders:write")
    assert post_order(api_http(token_a), body(stocked), key="1").status_code == 201
    assert post_order(api_http(token_b), body(stocked), key="1").status_code == 201
    assert Order.objects.count() == 2


def test_an_order_needs_an_idempotency_key(stocked):
    _client, token = api_client_with_token("orders:write")
    res = api_http(token).post(URL, body(stocked), format="json")
    assert res.status_code == 400
    assert "Idempotency-Key" in res.json()["error"]["fields"]
    assert not Order.objects.exists()


def test_unknown_sku_answers_422_with_a_message_per_line(stocked):
    _client, token = api_client_with_token("orders:write")
    res = post_order(api_http(token), body(stocked, lines=[{"sku": "VALVE", "quantity": 1}, {"sku": "NOPE", "quantity": 1}]))
    assert res.status_code == 422
    error = res.json()["error"]
    assert error["code"] == "order_invalid"
    assert error["fields"]["lines"] == ["Line 2: unknown SKU “NOPE”."]
    # and in a form a program can use: which line, which field
    assert error["details"]["line_fields"] == [{"line": 2, "field": "sku", "message": "Line 2: unknown SKU “NOPE”."}]
    assert not Order.objects.exists()


def test_a_bad_quantity_answers_400_naming_the_line_field(stocked):
    _client, token = api_client_with_token("orders:write")
    res = post_order(api_http(token), body(stocked, lines=[{"sku": "VALVE", "quantity": 0}, {"sku": "TAPE", "quantity": "x"}]))
    assert res.status_code == 400
    error = res.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"lines[0].quantity", "lines[1].quantity"}
    assert all(isinstance(m, str) for msgs in error["fields"].values() for m in msgs)


def test_a_pack_size_rule_from_intake_is_a_422(stocked):
    _client, token = api_client_with_token("orders:write")
    res = post_order(api_http(token), body(stocked, lines=[{"sku": "PIPE", "quantity": 3}]))
    assert res.status_code == 422
    assert "packs of 10" in res.json()["error"]["fields"]["lines"][0]


def test_unknown_customer_and_foreign_address_are_field_errors(stocked):
    from tests.factories import AddressFactory, CompanyFactory

    _client, token = api_client_with_token("orders:write")
    http = api_http(token)
    res = post_order(http, body(stocked, customer="NOBODY"), key="a")
    assert res.status_code == 422 and "customer" in res.json()["error"]["fields"]
    other = AddressFactory(company=CompanyFactory())
    res = post_order(http, body(stocked, ship_to=other.pk), key="b")
    assert res.status_code == 422 and "ship_to" in res.json()["error"]["fields"]


def test_list_filters_by_status_and_customer_and_reads_one(stocked, django_assert_max_num_queries):
    _client, token = api_client_with_token("orders:write", "orders:read")
    http = api_http(token)
    ids = [post_order(http, body(stocked), key=f"k{i}").json()["id"] for i in range(3)]
    with django_assert_max_num_queries(8):
        res = http.get(URL, {"status": "allocated", "customer": stocked["company"].code, "limit": 2})
    assert res.status_code == 200
    page = res.json()
    assert [o["id"] for o in page["results"]] == sorted(ids, reverse=True)[:2]
    nxt = http.get(page["next"])
    assert [o["id"] for o in nxt.json()["results"]] == [min(ids)]
    assert http.get(URL, {"status": "shipped"}).json()["results"] == []
    assert http.get(f"{URL}{ids[0]}/").json()["id"] == ids[0]
    assert http.get(f"{URL}999999999/").status_code == 404


def test_cancel_goes_through_the_workflow_and_needs_a_reason(stocked):
    _client, token = api_client_with_token("orders:write", "orders:read")
    http = api_http(token)
    oid = post_order(http, body(stocked)).json()["id"]
    res = http.post(f"{URL}{oid}/cancel/", {}, format="json")
    assert res.status_code == 400 and "reason" in res.json()["error"]["fields"]
    res = http.post(f"{URL}{oid}/cancel/", {"reason": "Customer changed their mind"}, format="json")
    assert res.status_code == 200 and res.json()["status"] == Status.CANCELLED
    again = http.post(f"{URL}{oid}/cancel/", {"reason": "twice"}, format="json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "illegal_transition"


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_posts_with_one_key_make_one_order(stocked):
    _client, token = api_client_with_token("orders:write")
    data = body(stocked)

    def post(i):
        res = post_order(api_http(token), data, key="same-key")
        return res.status_code, res.json()["id"]

    results = race(8, post)
    assert all(kind == "ok" for kind, _ in results), results
    codes = sorted(code for _, (code, _id) in results)
    assert codes.count(201) == 1 and codes.count(200) == 7
    assert len({oid for _, (_code, oid) in results}) == 1
    assert Order.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_cancels_cancel_once(stocked):
    from inventory.models import Stock

    _client, token = api_client_with_token("orders:write")
    oid = post_order(api_http(token), body(stocked)).json()["id"]

    def cancel(i):
        return api_http(token).post(f"{URL}{oid}/cancel/", {"reason": f"race {i}"}, format="json").status_code

    results = race(4, cancel)
    codes = sorted(code for _, code in results)
    assert codes == [200, 409, 409, 409], results
    assert Order.objects.get(pk=oid).status == Status.CANCELLED
    assert Stock.objects.get(product=stocked["products"]["VALVE"], warehouse=stocked["sh"]).reserved == 0
    connections.close_all()


def test_reusing_a_key_for_different_lines_is_refused(stocked):
    _client, token = api_client_with_token("orders:write")
    http = api_http(token)
    assert post_order(http, body(stocked), key="k-9").status_code == 201
    res = post_order(http, body(stocked, lines=[{"sku": "VALVE", "quantity": 3}]), key="k-9")
    assert res.status_code == 422
    assert res.json()["error"]["code"] == "idempotency_key_reused" and "Idempotency-Key" in res.json()["error"]["fields"]
    assert Order.objects.count() == 1


def test_a_new_order_is_answered_from_what_intake_wrote_exactly_as_a_read_shows_it(shop):
    """The 201 body is built from the lines and shipments intake just wrote, not read back:
    it must equal what GET shows for the order, here split over two warehouses."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=1)
    shop["stock_of"](shop["products"]["VALVE"], shop["gz"], on_hand=5)
    shop["stock_of"](shop["products"]["TAPE"], shop["sh"], on_hand=50)
    _client, token = api_client_with_token("orders:write", "orders:read")
    http = api_http(token)
    data = body(shop, lines=[{"sku": "VALVE", "quantity": 3}, {"sku": "TAPE", "quantity": 5}])
    with CaptureQueriesContext(connection) as queries:
        res = post_order(http, data)
    assert res.status_code == 201, res.json()
    placed = res.json()
    assert sorted(s["warehouse"] for s in placed["shipments"]) == ["GZ", "SH"]
    assert [ln["allocated_quantity"] for ln in placed["lines"]] == [3, 5]
    assert http.get(f"{URL}{placed['id']}/").json() == placed
    read_back = [q["sql"] for q in queries.captured_queries
                 if q["sql"].startswith("SELECT") and ('FROM "orders_orderline"' in q["sql"] or 'FROM "orders_shipment"' in q["sql"])]
    assert read_back == []
