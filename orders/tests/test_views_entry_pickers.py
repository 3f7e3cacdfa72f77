"""Console order entry's pickers: the customer search (code, name, a contact's phone or e-mail;
on-hold customers flagged; closed ones left out), the SKU autocomplete (active products only,
this customer's price exactly as intake charges it, pack size and stock, a bounded number of
queries), the no-JavaScript fallback that resolves a typed customer on submit, and who may."""

from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Order
from orders.services.intake import place_order
from tests.factories import (
    AddressFactory, CompanyFactory, ContactFactory, CustomerPriceFactory, PriceListItemFactory, ProductFactory,
    PromotionFactory,
)

from .test_views_entry import entry_data

pytestmark = pytest.mark.django_db
CUSTOMERS = reverse("console:order_entry_customers")
PRODUCTS = reverse("console:order_entry_products")
HX = {"HX-Request": "true"}


@pytest.fixture
def rep(client, shop):
    client.force_login(shop["sales"])
    return client


def customers_found(client, q):
    response = client.get(CUSTOMERS, {"q": q}, headers=HX)
    assert response.status_code == 200
    return [c.code for c in response.context["customers"]], response.content.decode()


# --- customer picker ---------------------------------------------------------------------------

def test_customers_are_found_by_code_name_contact_phone_and_email(rep, shop):
    acme = CompanyFactory(code="ACME01", name="Acme Valves Trading")
    ContactFactory(company=acme, phone="138-0013-8000", email="buyer@acme-valves.cn")
    CompanyFactory(code="ZZ99", name="Other Dealer")

    assert customers_found(rep, "acme01")[0] == ["ACME01"]
    assert customers_found(rep, "valves trad")[0] == ["ACME01"]
    assert customers_found(rep, "13800138000")[0] == ["ACME01"]  # digits match a dashed number
    assert customers_found(rep, "0013-8000")[0] == ["ACME01"]
    assert customers_found(rep, "buyer@acme")[0] == ["ACME01"]
    assert customers_found(rep, "nobody-at-all")[0] == []


def test_an_exact_code_comes_first_then_prefixes(rep, shop):
    CompanyFactory(code="XB-7", name="Alpha (mentions XB-7)")
    CompanyFactory(code="XB-70", name="Beta")
    assert customers_found(rep, "xb-7")[0] == ["XB-7", "XB-70"]


def test_results_show_region_tier_and_flag_customers_on_hold_and_leave_closed_ones_out(rep, shop):
    CompanyFactory(code="HOLD1", name="Harbour Held", status="on_hold", tier="gold", region="south")
    CompanyFactory(code="SHUT1", name="Harbour Shut", status="closed")

    codes, html = customers_found(rep, "harbour")

    assert codes == ["HOLD1"]
    assert 'role="listbox"' in html and 'role="option"' in html and 'data-ac-id="' in html
    assert "Gold" in html and "South China" in html
    assert 'data-customer-status="on_hold"' in html and "On hold" in html
    assert "<html" not in html


def test_at_most_ten_customers_and_nothing_for_one_character(rep, shop):
    for n in range(12):
        CompanyFactory(name=f"Riverside Dealer {n:02d}")
    assert len(customers_found(rep, "riverside")[0]) == 10
    codes, html = customers_found(rep, "r")
    assert codes == [] and "Type at least two characters." in html


def test_the_customer_search_costs_one_query_whatever_the_matches(rep, shop, django_assert_max_num_queries):
    for n in range(15):
        ContactFactory(company=CompanyFactory(name=f"Lakeside {n}"), phone=f"139-0000-{n:04d}")
    with django_assert_max_num_queries(6):  # session, user, inbox badge count, the search (+ slack)
        rep.get(CUSTOMERS, {"q": "lakeside"}, headers=HX)


# --- SKU autocomplete --------------------------------------------------------------------------

def products_found(client, shop, q, **params):
    response = client.get(PRODUCTS, {"q": q, "company": shop["company"].pk, **params}, headers=HX)
    assert response.status_code == 200
    return response.context["choices"], response.content.decode()


def test_products_match_by_sku_name_or_barcode_and_only_active_ones(rep, shop):
    valve = shop["products"]["VALVE"]
    valve.name, valve.barcode = "Brass gate valve DN50", "6901234567892"
    valve.save()
    ProductFactory(sku="VALVE-OLD", name="Old valve", active=False)

    assert [c["product"].sku for c in products_found(rep, shop, "val")[0]] == ["VALVE"]
    assert [c["product"].sku for c in products_found(rep, shop, "gate valve")[0]] == ["VALVE"]
    assert [c["product"].sku for c in products_found(rep, shop, "69012345")[0]] == ["VALVE"]
    choices, html = products_found(rep, shop, "v")
    assert choices == [] and 'role="option"' not in html


def test_each_product_shows_this_customers_price_pack_size_and_stock(rep, shop):
    shop["stock_of"](shop["products"]["PIPE"], shop["sh"], on_hand=120)
    shop["stock_of"](shop["products"]["PIPE"], shop["gz"], on_hand=30)

    [pipe], html = products_found(rep, shop, "pipe")

    assert pipe["quantity"] == 10  # no quantity typed yet: priced for one pack
    assert pipe["priced"].unit_price == Decimal("20.00") and pipe["available"] == 150
    assert pipe["by_warehouse"] == [("SH", 120), ("GZ", 30)]
    assert 'data-ac="price">¥20.00<' in html and "packs of 10" in html and "150 available" in html
    assert 'data-ac-value="PIPE"' in html


@pytest.mark.parametrize("sku,quantity", [("VALVE", "3"), ("PIPE", "50"), ("PIPE", ""), ("TAPE", "7")])
def test_the_price_shown_is_what_intake_charges(rep, shop, sku, quantity):
    PromotionFactory(product=shop["products"]["VALVE"], value=Decimal("5"))
    CustomerPriceFactory(company=shop["company"], product=shop["products"]["PIPE"], min_quantity=50,
                         unit_price=Decimal("15.50"))
    shop["stock_of"](shop["products"][sku], shop["sh"], on_hand=500)

    [choice], _html = products_found(rep, shop, sku, row="0", **{"lines-0-quantity": quantity})
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                           lines=[{"sku": sku, "quantity": quantity or shop["products"][sku].pack_size}])
    line = order.lines.get()

    assert choice["quantity"] == line.quantity
    assert choice["priced"].unit_price == line.unit_price
    assert choice["priced"].explanation == line.price_explanation


def test_the_row_inputs_are_read_as_the_line_sends_them(rep, shop):
    response = rep.get(PRODUCTS, {"row": "2", "lines-2-sku": "TAP", "lines-2-quantity": "4",
                                  "company": shop["company"].pk}, headers=HX)
    [tape] = response.context["choices"]
    assert tape["quantity"] == 4 and tape["priced"].net_amount == Decimal("8.00")
    assert 'id="sku-listbox-2"' in response.content.decode()


def test_without_a_customer_or_a_price_the_list_says_so(rep, shop):
    ProductFactory(sku="UNPRICED-1")
    html = rep.get(PRODUCTS, {"q": "unpriced"}, headers=HX).content.decode()
    assert "choose the customer for its price" in html
    _choices, html = products_found(rep, shop, "unpriced")
    assert "no price for this customer" in html


def test_ten_products_cost_the_same_queries_as_two(rep, shop, django_assert_max_num_queries):
    for n in range(12):
        p = ProductFactory(sku=f"BOLT-{n:02d}", name=f"Bolt M{n}")
        PriceListItemFactory(price_list=shop["plist"], product=p, unit_price=Decimal("1.00") + n)
        shop["stock_of"](p, shop["sh"], on_hand=10 + n)
    PromotionFactory(product=p, value=Decimal("10"))
    CustomerPriceFactory(company=shop["company"], product=p, unit_price=Decimal("0.50"))
    params = {"company": shop["company"].pk, "ship_to": shop["address"].pk, "quantity": "5"}
    rep.get(PRODUCTS, {"q": "BOLT-1", **params}, headers=HX)  # warm: loads the config copies (oms.config_cache)

    with django_assert_max_num_queries(14) as few:
        rep.get(PRODUCTS, {"q": "BOLT-0", **params}, headers=HX)  # 10 rows
    with django_assert_max_num_queries(14) as two:
        rep.get(PRODUCTS, {"q": "BOLT-1", **params}, headers=HX)  # BOLT-10, BOLT-11
    assert len(few.captured_queries) == len(two.captured_queries)
    assert len(rep.get(PRODUCTS, {"q": "bolt", **params}, headers=HX).context["choices"]) == 10


# --- the form without JavaScript ---------------------------------------------------------------

@pytest.fixture
def stocked(rep, shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    return rep


def test_the_entry_page_has_the_customer_picker(stocked):
    html = stocked.get(reverse("console:order_create")).content.decode()
    assert 'id="id_customer"' in html and 'role="combobox"' in html and 'aria-controls="customer-listbox"' in html
    assert 'type="hidden" name="company" id="id_company"' in html
    assert "js/order_entry.js" in html and "<script>" not in html


def test_a_customer_link_prefills_the_picker(stocked, shop):
    html = stocked.get(reverse("console:order_create"), {"company": shop["company"].pk}).content.decode()
    assert f'value="{shop["company"].code} — {shop["company"].name}"' in html
    assert f'id="id_company" value="{shop["company"].pk}"' in html


@pytest.mark.parametrize("typed", ["code", "lower code", "label", "name"])
def test_a_typed_customer_is_resolved_on_submit(stocked, shop, typed):
    company = shop["company"]
    text = {"code": company.code, "lower code": company.code.lower(), "label": f"{company.code} — {company.name}",
            "name": company.name}[typed]
    response = stocked.post(reverse("console:order_create"), entry_data(shop, [("VALVE", "1")], company="", customer=text))
    order = Order.objects.get()
    assert response.status_code == 302 and order.company == company


def test_an_unknown_customer_is_an_error_on_the_customer_field(stocked, shop):
    response = stocked.post(reverse("console:order_create"),
                            entry_data(shop, [("VALVE", "1")], company="", ship_to="", customer="Nobody Ltd"))
    assert response.status_code == 200
    assert response.context["form"].errors["customer"] == [
        "No customer matches “Nobody Ltd”: type its code, name, or a contact's phone or e-mail."]
    assert 'aria-invalid="true"' in response.content.decode()
    assert Order.objects.count() == 0


def test_an_ambiguous_customer_is_an_error_on_the_customer_field(stocked, shop):
    CompanyFactory(name="Twin Dealer North")
    CompanyFactory(name="Twin Dealer South")
    response = stocked.post(reverse("console:order_create"),
                            entry_data(shop, [("VALVE", "1")], company="", ship_to="", customer="Twin Dealer"))
    assert "matches several customers" in response.context["form"].errors["customer"][0]
    assert Order.objects.count() == 0


def test_no_customer_at_all_is_an_error_on_the_customer_field(stocked, shop):
    response = stocked.post(reverse("console:order_create"), entry_data(shop, [("VALVE", "1")], company="", ship_to=""))
    assert response.context["form"].errors["customer"] == [
        "Choose the customer: type its code, name, or a contact's phone or e-mail."]


def test_text_changed_after_picking_wins_over_the_stale_id(stocked, shop):
    other = CompanyFactory(code="OTH-1", name="Other Buyer", price_list=shop["plist"])
    AddressFactory(company=other, is_default=True)
    data = entry_data(shop, [("VALVE", "1")], ship_to="", customer="OTH-1")  # hidden id still the first customer's
    stocked.post(reverse("console:order_create"), data)
    assert Order.objects.get().company == other


# --- who may -----------------------------------------------------------------------------------

def test_the_sales_role_may_use_the_pickers_and_the_warehouse_may_not(client, shop):
    client.force_login(shop["sales"])
    assert client.get(CUSTOMERS, {"q": "dealer"}, headers=HX).status_code == 200
    assert client.get(PRODUCTS, {"q": "valve"}, headers=HX).status_code == 200
    client.force_login(shop["warehouse"])
    assert client.get(CUSTOMERS, {"q": "dealer"}, headers=HX).status_code == 403
    assert client.get(PRODUCTS, {"q": "valve"}, headers=HX).status_code == 403
