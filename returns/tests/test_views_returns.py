"""The returns pages: the dealer asks from a delivered order, staff work the desk."""

import re

import pytest
from django.urls import reverse

from inventory.models import Stock
from returns import services
from returns.models import ReturnRequest, Status
from tests.factories import CompanyFactory, dealer_user


def ask(d, qty=1, sku="VALVE"):
    return services.request_return(actor=d["buyer"], company=d["company"], order=d["order"],
                                   lines=[{"order_line": d["lines"][sku].pk, "quantity": qty, "reason": "damaged"}])


# --- portal -------------------------------------------------------------------------------------

def test_delivered_order_offers_return_items(client, delivered):
    client.force_login(delivered["buyer"])
    html = client.get(reverse("portal:order_detail", args=[delivered["order"].pk])).content.decode()
    assert reverse("portal:return_create", args=[delivered["order"].pk]) in html


def test_dealer_requests_a_return_from_the_portal(client, delivered):
    d = delivered
    client.force_login(d["buyer"])
    valve = d["lines"]["VALVE"]
    url = reverse("portal:return_create", args=[d["order"].pk])
    assert client.get(url).status_code == 200

    response = client.post(url, {f"qty_{valve.pk}": "2", f"reason_{valve.pk}": "damaged", f"notes_{valve.pk}": "cracked",
                                 "notes": "Box was crushed"})

    rma = ReturnRequest.objects.get(order=d["order"])
    assert response.status_code == 302 and response.url == reverse("portal:return_detail", args=[rma.pk])
    assert rma.lines.get().quantity == 2 and rma.source == "portal"
    html = client.get(response.url).content.decode()
    assert rma.number in html and "Requested" in html


def test_portal_form_shows_errors_beside_the_line(client, delivered):
    d = delivered
    client.force_login(d["buyer"])
    valve = d["lines"]["VALVE"]
    url = reverse("portal:return_create", args=[d["order"].pk])

    too_many = client.post(url, {f"qty_{valve.pk}": "9", f"reason_{valve.pk}": "damaged"})
    assert too_many.status_code == 422
    assert f'id="id_qty_{valve.pk}_error"' in too_many.content.decode()
    assert "at most 4" in too_many.content.decode()

    no_reason = client.post(url, {f"qty_{valve.pk}": "1", f"reason_{valve.pk}": ""})
    assert no_reason.status_code == 422 and f'id="id_reason_{valve.pk}_error"' in no_reason.content.decode()
    assert not ReturnRequest.objects.exists()


@pytest.mark.parametrize("data", [
    {"qty_999999": "1", "reason_999999": "damaged"},
    {"notes": "x" * 5000},
    {"qty_{valve}": "abc", "reason_{valve}": "nonsense"},
    {"qty_{valve}": "-3", "reason_{valve}": "damaged"},
    {"qty_{valve}": "1e9", "reason_{valve}": "damaged"},
    {},
])
def test_garbage_never_makes_a_500(client, delivered, data):
    client.force_login(delivered["buyer"])
    valve = delivered["lines"]["VALVE"].pk
    data = {k.replace("{valve}", str(valve)): v for k, v in data.items()}
    response = client.post(reverse("portal:return_create", args=[delivered["order"].pk]), data)
    assert response.status_code == 422
    assert not ReturnRequest.objects.exists()


def test_a_bad_photo_is_refused_on_the_photo_field(client, delivered):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(delivered["buyer"])
    valve = delivered["lines"]["VALVE"].pk
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    response = client.post(reverse("portal:return_create", args=[delivered["order"].pk]),
                           {f"qty_{valve}": "1", f"reason_{valve}": "damaged", "photos": [fake]})
    assert response.status_code == 422 and 'id="id_photos_error"' in response.content.decode()


def test_dealer_lists_and_withdraws_own_returns(client, delivered):
    d = delivered
    rma = ask(d)
    client.force_login(d["buyer"])
    assert rma.number in client.get(reverse("portal:return_list")).content.decode()
    response = client.post(reverse("portal:return_cancel", args=[rma.pk]))
    assert response.status_code == 302
    rma.refresh_from_db()
    assert rma.status == Status.CANCELLED


def test_another_companys_return_and_order_are_not_found(client, delivered):
    rma = ask(delivered)
    stranger = dealer_user(company=CompanyFactory())
    client.force_login(stranger)
    assert client.get(reverse("portal:return_detail", args=[rma.pk])).status_code == 404
    assert client.post(reverse("portal:return_cancel", args=[rma.pk])).status_code == 404
    assert client.get(reverse("portal:return_create", args=[delivered["order"].pk])).status_code == 404
    assert rma.number not in client.get(reverse("portal:return_list")).content.decode()


def rows(html):
    return len(re.findall(r'href="/console/returns/\d+/"', html))


# --- console ------------------------------------------------------------------------------------

def test_desk_lists_and_filters_with_a_constant_number_of_queries(client, delivered, staff_user,
                                                                   django_assert_max_num_queries):
    d = delivered
    for _ in range(3):
        ask(d)
    services.reject_return(actor=d["manager"], rma=ReturnRequest.objects.first(), reason="No")
    client.force_login(staff_user("sales"))
    with django_assert_max_num_queries(12):
        html = client.get(reverse("console:return_desk")).content.decode()
    assert rows(html) == 3
    assert rows(client.get(reverse("console:return_desk"), {"status": "rejected"}).content.decode()) == 1
    assert rows(client.get(reverse("console:return_desk"), {"reason": "wrong_item"}).content.decode()) == 0
    assert rows(client.get(reverse("console:return_desk"), {"reason": "damaged", "status": "open"}).content.decode()) == 2
    assert client.get(reverse("console:return_desk"), {"status": "bogus", "after": "zzz", "size": "x"}).status_code == 200
    for _ in range(3):
        ask(d, sku="PIPE")
    with django_assert_max_num_queries(12):  # twice the rows, same queries
        html = client.get(reverse("console:return_desk"), {"company": d["company"].code}).content.decode()
    assert rows(html) == 6


def test_staff_take_a_return_from_authorize_to_exchange(client, delivered):
    d = delivered
    rma = ask(d, qty=2)
    line = rma.lines.get()
    client.force_login(d["manager"])
    assert client.get(reverse("console:return_detail", args=[rma.pk])).status_code == 200
    assert client.post(reverse("console:return_authorize", args=[rma.pk]), {"comment": "OK"}).status_code == 302
    client.force_login(d["warehouse"])
    r = client.post(reverse("console:return_receive", args=[rma.pk]), {"warehouse": d["sh"].pk, f"received_{line.pk}": "2"})
    assert r.status_code == 302
    before = Stock.objects.get(product=d["products"]["VALVE"], warehouse=d["sh"]).on_hand
    r = client.post(reverse("console:return_inspect", args=[rma.pk]),
                    {f"restock_{line.pk}": "1", f"quarantine_{line.pk}": "0", f"scrap_{line.pk}": "1"})
    assert r.status_code == 302
    assert Stock.objects.get(product=d["products"]["VALVE"], warehouse=d["sh"]).on_hand == before + 1
    client.force_login(d["manager"])
    assert client.post(reverse("console:return_resolve", args=[rma.pk]), {"resolution": "exchange"}).status_code == 302
    rma.refresh_from_db()
    assert rma.status == Status.RESOLVED and rma.exchange_order is not None
    html = client.get(reverse("console:return_detail", args=[rma.pk])).content.decode()
    assert rma.exchange_order.number in html


def test_console_actions_show_field_errors(client, delivered):
    d = delivered
    rma = ask(d, qty=2)
    client.force_login(d["manager"])
    r = client.post(reverse("console:return_reject", args=[rma.pk]), {"reason": ""})
    assert r.status_code == 422 and 'id="id_reason_error"' in r.content.decode()
    services.authorize_return(actor=d["manager"], rma=rma)
    line = rma.lines.get()
    r = client.post(reverse("console:return_receive", args=[rma.pk]), {"warehouse": "nope", f"received_{line.pk}": "x"})
    assert r.status_code == 422 and 'id="id_warehouse_error"' in r.content.decode()
    services.receive_return(actor=d["manager"], rma=rma, warehouse=d["sh"], quantities={line.pk: 2})
    r = client.post(reverse("console:return_inspect", args=[rma.pk]), {f"restock_{line.pk}": "1"})
    assert r.status_code == 422 and f'id="id_restock_{line.pk}_error"' in r.content.decode()
    r = client.post(reverse("console:return_resolve", args=[rma.pk]), {"resolution": "gift"})
    assert r.status_code == 422


def test_staff_open_a_return_for_a_customer(client, delivered):
    d = delivered
    client.force_login(d["manager"])
    url = reverse("console:return_create")
    assert client.get(url, {"order": "SO-NOPE"}).status_code == 422
    valve = d["lines"]["VALVE"]
    r = client.post(f"{url}?order={d['order'].number}", {f"qty_{valve.pk}": "1", f"reason_{valve.pk}": "wrong_item"})
    assert r.status_code == 302
    assert ReturnRequest.objects.get().source == "console"


def test_viewers_cannot_act(client, delivered, staff_user):
    rma = ask(delivered)
    client.force_login(staff_user("sales"))
    assert client.get(reverse("console:return_detail", args=[rma.pk])).status_code == 200
    assert client.post(reverse("console:return_authorize", args=[rma.pk])).status_code == 403
    rma.refresh_from_db()
    assert rma.status == Status.REQUESTED


def test_customer_page_in_the_console_lists_the_customers_returns(client, delivered):
    rma = services.request_return(actor=delivered["buyer"], company=delivered["company"], order=delivered["order"],
                                  lines=[{"order_line": delivered["lines"]["VALVE"].pk, "quantity": 1, "reason": "damaged"}])
    client.force_login(delivered["sales"])
    html = client.get(reverse("console:company_detail", args=[delivered["company"].pk])).content.decode()
    assert 'id="customer-returns"' in html and rma.number in html
    assert reverse("console:return_detail", args=[rma.pk]) in html
