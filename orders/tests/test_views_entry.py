"""Phone / e-mail order entry: a sales rep keys an order; bad lines come back as messages and
nothing is saved; a double submit places one order; the htmx helpers (addresses, line preview,
one more row)."""

import pytest
from django.urls import reverse

from orders.models import Order
from tests.factories import AddressFactory, CompanyFactory, StaffFactory

pytestmark = pytest.mark.django_db
URL = reverse("console:order_create")


def entry_data(shop, rows, *, token="token-1", address=None, **extra):
    data = {
        "company": shop["company"].pk, "ship_to": (address or shop["address"]).pk, "customer_po": "PO-PHONE-7",
        "requested_date": "", "notes": "Called in by Mr Wang", "idempotency_key": token,
        "lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0", "lines-MAX_NUM_FORMS": "500",
    }
    for i, row in enumerate(rows):
        sku, qty, *price = row
        data[f"lines-{i}-sku"], data[f"lines-{i}-quantity"] = sku, qty
        if price:
            data[f"lines-{i}-unit_price"] = price[0]
    data.update(extra)
    return data


@pytest.fixture
def rep(client, shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    shop["stock_of"](shop["products"]["PIPE"], shop["sh"], on_hand=200)
    shop["stock_of"](shop["products"]["TAPE"], shop["gz"], on_hand=30)
    client.force_login(shop["sales"])
    return client


def test_the_form_renders_with_a_fresh_token_per_render(rep):
    first = rep.get(URL)
    second = rep.get(URL)
    assert first.status_code == 200
    t1 = first.context["form"]["idempotency_key"].value()
    t2 = second.context["form"]["idempotency_key"].value()
    assert t1 and t2 and t1 != t2 and len(t1) == 32
    assert f'value="{t1}"' in first.content.decode()
    assert len(first.context["lines"].forms) == 5


def test_a_keyed_order_is_placed_with_its_lines(rep, shop):
    response = rep.post(URL, entry_data(shop, [("VALVE", "2"), ("pipe", "20"), ("", ""), ("TAPE", "5", "1.50")],
                                        tags=["rush"]))
    order = Order.objects.get()
    assert response.status_code == 302 and response.url == reverse("console:order_detail", args=[order.pk])
    assert order.channel == "console" and order.placed_by == shop["sales"] and order.idempotency_key == "token-1"
    assert order.customer_po == "PO-PHONE-7" and order.notes == "Called in by Mr Wang" and order.tags == ["rush"]
    assert order.ship_to == shop["address"]
    lines = [(ln.product.sku, ln.quantity, ln.manual_price) for ln in order.lines.order_by("line_no")]
    assert lines == [("VALVE", 2, False), ("PIPE", 20, False), ("TAPE", 5, True)]
    page = rep.get(response.url)
    text = page.content.decode()
    # the message says where the order went
    assert f"{order.number} placed: {order.get_status_display().lower()}" in text
    assert "Gold" in text  # the price explanation is on the detail page


def test_an_order_without_approval_rules_goes_straight_to_allocation(rep, shop):
    rep.post(URL, entry_data(shop, [("VALVE", "1")]))
    order = Order.objects.get()
    assert order.status == "allocated"


@pytest.mark.parametrize("rows,message", [
    ([("NOPE-1", "1")], "Line 1: unknown SKU “NOPE-1”."),
    ([("VALVE", "1"), ("VALVE", "0")], "Line 2: the quantity of VALVE must be a whole number above zero."),
    ([("VALVE", "1.5")], "Line 1: the quantity of VALVE must be a whole number above zero."),
    ([("VALVE", "-3")], "Line 1: the quantity of VALVE must be a whole number above zero."),
    ([("PIPE", "15")], "Line 1: PIPE is sold in packs of 10; order 10 / 20."),
])
def test_bad_lines_come_back_as_messages_and_nothing_is_saved(rep, shop, rows, message):
    response = rep.post(URL, entry_data(shop, rows))
    assert response.status_code == 200
    assert message in response.context["line_errors"]
    assert message in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert Order.objects.count() == 0


def test_every_bad_line_is_listed_and_the_rows_are_kept(rep, shop):
    response = rep.post(URL, entry_data(shop, [("VALVE", "1"), ("", ""), ("NOPE", "1"), ("PIPE", "3")]))
    errors = response.context["line_errors"]
    assert errors == ["Line 2: unknown SKU “NOPE”.", "Line 3: PIPE is sold in packs of 10; order 10."]
    # the filled rows come back numbered as the messages number them (the blank row closed up),
    # no more rows than were sent, and each message on its row and field
    lines = response.context["lines"]
    assert [f["sku"].value() for f in lines.forms] == ["VALVE", "NOPE", "PIPE", None, None]
    assert lines.forms[1].errors == {"sku": ["Line 2: unknown SKU “NOPE”."]}
    assert lines.forms[2].errors == {"quantity": ["Line 3: PIPE is sold in packs of 10; order 10."]}
    assert not lines.forms[0].errors and not lines.forms[3].errors
    html = response.content.decode()
    assert 'id="id_lines-2-quantity_error"' in html and html.count('aria-invalid="true"') >= 2
    assert Order.objects.count() == 0


def test_a_customer_without_a_shipping_address_is_a_form_error(rep, shop):
    bare = CompanyFactory(price_list=shop["plist"])
    data = entry_data(shop, [("VALVE", "1")], company=bare.pk, ship_to="")
    response = rep.post(URL, data)
    assert response.status_code == 200
    assert f"{bare.code} has no shipping address: add one first." in response.context["form"].errors["ship_to"]
    assert Order.objects.count() == 0


def test_another_customers_address_is_refused(rep, shop):
    stranger = AddressFactory(company=CompanyFactory())
    response = rep.post(URL, entry_data(shop, [("VALVE", "1")], address=stranger))
    assert response.status_code == 200 and "ship_to" in response.context["form"].errors
    assert Order.objects.count() == 0


def test_an_empty_order_is_refused(rep, shop):
    response = rep.post(URL, entry_data(shop, []))
    assert response.status_code == 200
    assert "Add at least one line." in response.context["lines"].non_form_errors()
    assert Order.objects.count() == 0


def test_a_quantity_without_a_sku_is_a_row_error(rep, shop):
    response = rep.post(URL, entry_data(shop, [("VALVE", "1"), ("", "4")]))
    assert response.context["lines"].forms[1].errors["sku"] == ["Line 2: enter the SKU or barcode."]
    assert Order.objects.count() == 0


def test_every_kind_of_line_problem_comes_back_in_one_round(rep, shop):
    """Missing SKUs, words for quantities or prices and pack sizes are all judged by the intake
    service at once: the clerk fixes everything in one go."""
    response = rep.post(URL, entry_data(shop, [("", "4"), ("VALVE", "two"), ("VALVE", "1", "cheap"), ("PIPE", "15"),
                                              ("VALVE", "1", "10.123")]))
    forms = response.context["lines"].forms
    assert forms[0].errors == {"sku": ["Line 1: enter the SKU or barcode."]}
    assert "whole number above zero" in forms[1].errors["quantity"][0]
    assert forms[2].errors == {"unit_price": ["Line 3: the price must be an amount such as 12.50."]}
    assert "packs of 10" in forms[3].errors["quantity"][0]
    assert "more than 2 decimals" in forms[4].errors["unit_price"][0]
    assert len(response.context["line_errors"]) == 5 and Order.objects.count() == 0


def test_a_double_submit_places_one_order(rep, shop):
    data = entry_data(shop, [("VALVE", "2")], token="same-token")
    first = rep.post(URL, data)
    second = rep.post(URL, data)
    order = Order.objects.get()
    assert first.url == second.url == reverse("console:order_detail", args=[order.pk])
    assert "sent twice" in rep.get(second.url).content.decode()


def test_finance_cannot_open_the_entry_form(client, shop):
    client.force_login(shop["finance"])
    assert client.get(URL).status_code == 403
    assert client.post(URL, entry_data(shop, [("VALVE", "1")])).status_code == 403
    assert client.get(reverse("console:order_entry_preview"), {"sku": "VALVE"}).status_code == 403
    assert Order.objects.count() == 0


def test_the_ship_to_select_follows_the_customer(rep, shop):
    other = CompanyFactory()
    mine = AddressFactory(company=other, label="Dock 7")
    AddressFactory(company=other, label="Billing desk", kind="billing")
    html = rep.get(reverse("console:order_entry_addresses"), {"company": other.pk},
                   headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in html and 'id="ship-to-field"' in html
    assert "Dock 7" in html and f'value="{mine.pk}"' in html
    assert "Billing desk" not in html and str(shop["address"].line1) not in html


def test_sku_preview_shows_the_customers_price_and_availability(rep, shop):
    response = rep.get(reverse("console:order_entry_preview"), {
        "row": "0", "lines-0-sku": "valve", "lines-0-quantity": "3", "company": shop["company"].pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert shop["products"]["VALVE"].name in html
    assert "¥100.00" in html and "Gold (CNY-GOLD)" in html  # the Gold list price and the rule
    assert "50 available" in html


def test_sku_preview_by_barcode_and_unknown_sku(rep, shop):
    valve = shop["products"]["VALVE"]
    html = rep.get(reverse("console:order_entry_preview"), {"sku": valve.barcode}).content.decode()
    assert valve.name in html and "Choose the customer to see its price." in html
    html = rep.get(reverse("console:order_entry_preview"), {"sku": "NOPE"}).content.decode()
    assert "No product has the SKU or barcode" in html


def test_add_a_line_row(rep):
    html = rep.get(reverse("console:order_entry_line"), {"lines-TOTAL_FORMS": "5"},
                   headers={"HX-Request": "true"}).content.decode()
    assert 'name="lines-5-sku"' in html and 'name="lines-5-quantity"' in html
    assert 'id="id_lines-TOTAL_FORMS"' in html and 'value="6"' in html and 'hx-swap-oob="true"' in html


def test_the_sales_manager_may_key_orders_too(client, shop):
    client.force_login(StaffFactory(staff_role="sales_manager"))
    assert client.get(URL).status_code == 200
