"""The dealer's server-side cart: add and merge, change and remove, prices that match intake,
quick-order parsing (garbage included), and reorder."""

from datetime import date
from decimal import Decimal

import pytest

from oms.errors import PermissionDeniedError
from orders import selectors
from orders.models import Cart, CartLine
from orders.services import cart as cart_service
from orders.services import portal_quick_order as qo
from orders.services.cart import CartInvalid
from orders.services.intake import place_order
from tests.factories import (
    CartFactory, CartLineFactory, CustomerPriceFactory, PriceListItemFactory, ProductFactory, PromotionFactory,
    dealer_user,
)

TODAY = date(2026, 6, 1)


@pytest.fixture
def buyer(shop):
    return dealer_user(company=shop["company"], username="buyer")


def lines_of(user, company):
    cart = cart_service.open_cart(user=user, company=company)
    return {ln.product.sku: ln.quantity for ln in CartLine.objects.filter(cart=cart).select_related("product")}


# --- add, merge, update, remove ---------------------------------------------------------------

def test_adding_a_product_twice_merges_into_one_line(shop, buyer):
    company, valve = shop["company"], shop["products"]["VALVE"]

    cart_service.add_to_cart(actor=buyer, company=company, product=valve, quantity=2)
    cart_service.add_to_cart(actor=buyer, company=company, product=valve, quantity="3")

    assert lines_of(buyer, company) == {"VALVE": 5}
    assert Cart.objects.filter(user=buyer, status=Cart.Status.OPEN).count() == 1


def test_cart_survives_sign_out_because_it_lives_in_the_database(client, shop, buyer):
    client.force_login(buyer)
    client.post("/portal/cart/add/", {"product": shop["products"]["TAPE"].pk, "quantity": "4"})
    client.post("/portal/logout/")
    assert client.get("/portal/cart/").status_code == 302  # signed out

    client.force_login(buyer)
    html = client.get("/portal/cart/").content.decode()

    assert 'data-sku="TAPE"' in html


@pytest.mark.parametrize("quantity,message", [
    ("0", "whole number above zero"),
    ("-5", "whole number above zero"),
    ("2.5", "whole number above zero"),
    ("ten", "whole number above zero"),
    ("", "whole number above zero"),
    ("15", "packs of 10; order 10 / 20"),
    ("5", "packs of 10; order 10"),
    ("99999999", "more than one order may ask for"),
])
def test_bad_quantities_are_refused_and_nothing_is_written(shop, buyer, quantity, message):
    with pytest.raises(CartInvalid, match=message):
        cart_service.add_to_cart(actor=buyer, company=shop["company"], product=shop["products"]["PIPE"], quantity=quantity)
    assert not CartLine.objects.exists()


def test_a_product_no_longer_sold_cannot_be_added(shop, buyer):
    old = ProductFactory(sku="OLD-1", active=False)
    with pytest.raises(CartInvalid, match="no longer sold"):
        cart_service.add_to_cart(actor=buyer, company=shop["company"], product=old, quantity=1)


def test_one_bad_line_adds_nothing(shop, buyer):
    p = shop["products"]
    with pytest.raises(CartInvalid):
        cart_service.add_lines(actor=buyer, company=shop["company"], lines=[(p["VALVE"], 1), (p["PIPE"], 3)])
    assert lines_of(buyer, shop["company"]) == {}


def test_update_sets_the_quantity_and_zero_removes_the_line(shop, buyer):
    company = shop["company"]
    line = cart_service.add_to_cart(actor=buyer, company=company, product=shop["products"]["PIPE"], quantity=10)

    cart_service.update_cart_line(actor=buyer, company=company, line_id=line.pk, quantity="30")
    assert lines_of(buyer, company) == {"PIPE": 30}

    with pytest.raises(CartInvalid, match="packs of 10"):
        cart_service.update_cart_line(actor=buyer, company=company, line_id=line.pk, quantity="31")
    assert lines_of(buyer, company) == {"PIPE": 30}

    assert cart_service.update_cart_line(actor=buyer, company=company, line_id=line.pk, quantity="0") is None
    assert lines_of(buyer, company) == {}


def test_remove_takes_the_line_out(shop, buyer):
    company = shop["company"]
    line = cart_service.add_to_cart(actor=buyer, company=company, product=shop["products"]["VALVE"], quantity=1)
    cart_service.remove_cart_line(actor=buyer, company=company, line_id=line.pk)
    assert lines_of(buyer, company) == {}


def test_nobody_can_change_another_users_cart_line(shop, buyer):
    colleague = dealer_user(company=shop["company"])
    theirs = CartLineFactory(cart=CartFactory(company=shop["company"], user=colleague), product=shop["products"]["VALVE"])

    with pytest.raises(CartInvalid, match="no longer in your cart"):
        cart_service.update_cart_line(actor=buyer, company=shop["company"], line_id=theirs.pk, quantity="5")
    with pytest.raises(CartInvalid):
        cart_service.remove_cart_line(actor=buyer, company=shop["company"], line_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.quantity == 1


def test_a_dealer_cannot_fill_a_cart_for_another_company(shop, buyer):
    other = dealer_user()
    with pytest.raises(PermissionDeniedError):
        cart_service.add_to_cart(actor=other, company=shop["company"], product=shop["products"]["VALVE"], quantity=1)


# --- prices: the cart shows what the order will charge -----------------------------------------

def test_cart_prices_equal_what_intake_charges(shop, buyer):
    company, p = shop["company"], shop["products"]
    PriceListItemFactory(price_list=shop["plist"], product=p["PIPE"], min_quantity=100, unit_price=Decimal("18.00"))
    CustomerPriceFactory(company=company, product=p["TAPE"], unit_price=Decimal("1.50"))
    PromotionFactory(name="June valves", product=p["VALVE"], value=Decimal("7.5"),
                     starts_on=date(2026, 6, 1), ends_on=date(2026, 6, 30))
    cart_service.add_lines(actor=buyer, company=company, lines=[(p["VALVE"], 3), (p["PIPE"], 120), (p["TAPE"], 7)])
    cart = cart_service.open_cart(user=buyer, company=company)

    summary = selectors.cart_summary(cart, company=company, ship_to=shop["address"], today=TODAY)
    order, _created = place_order(actor=buyer, company=company, channel="portal", ship_to=shop["address"], today=TODAY,
                                  lines=[{"sku": r.product.sku, "quantity": r.quantity} for r in summary.rows])

    charged = {ln.product.sku: (ln.unit_price, ln.net_amount, ln.tax_amount) for ln in order.lines.select_related("product")}
    shown = {r.product.sku: (r.priced.unit_price, r.priced.net_amount, r.priced.tax_amount) for r in summary.rows}
    assert shown == charged
    assert shown["PIPE"][0] == Decimal("18.00")  # the 100+ volume break
    assert shown["TAPE"][0] == Decimal("1.50")  # the customer's own price
    assert shown["VALVE"][0] == Decimal("92.50")  # the promotion
    assert (summary.subtotal, summary.tax_total, summary.total) == (order.subtotal, order.tax_total, order.total)


def test_cart_summary_flags_lines_that_cannot_be_ordered(shop, buyer):
    company = shop["company"]
    unpriced = ProductFactory(sku="NOPRICE")
    cart_service.add_lines(actor=buyer, company=company, lines=[(unpriced, 1), (shop["products"]["VALVE"], 1)])
    shop["products"]["VALVE"].active = False
    shop["products"]["VALVE"].save()

    summary = selectors.cart_summary(cart_service.open_cart(user=buyer, company=company), company=company)

    problems = {r.product.sku: r.problem for r in summary.rows}
    assert "no price" in problems["NOPRICE"]
    assert "No longer sold" in problems["VALVE"]
    assert summary.has_problems


def test_cart_shows_the_promised_date_and_available_credit(shop, buyer):
    company = shop["company"]
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    cart_service.add_to_cart(actor=buyer, company=company, product=shop["products"]["VALVE"], quantity=2)
    place_order(actor=buyer, company=company, channel="portal", lines=[{"sku": "VALVE", "quantity": 10}], today=TODAY)

    summary = selectors.cart_summary(cart_service.open_cart(user=buyer, company=company), company=company, today=TODAY)
    credit = selectors.available_credit(company)

    assert summary.promised_date == date(2026, 6, 2)  # in stock in the same region: one day
    assert credit.applies and credit.open == Decimal("1130.00")  # 10 × 100 + 13 % VAT
    assert credit.available == Decimal("50000.00") - Decimal("1130.00")


# --- quick order parsing ----------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("VALVE 3", [("VALVE", "3")]),
    ("VALVE,3", [("VALVE", "3")]),
    ("VALVE, 3", [("VALVE", "3")]),
    ("VALVE;3", [("VALVE", "3")]),
    ("VALVE\t3", [("VALVE", "3")]),
    ("VALVE x 3", [("VALVE", "3")]),
    ("VALVE X 3", [("VALVE", "3")]),
    ("VALVE x3", [("VALVE", "3")]),
    ("VALVE × 3", [("VALVE", "3")]),
    ("VALVE*3", [("VALVE", "3")]),
    ("  valve   3  ", [("valve", "3")]),
    ("sku,quantity\nVALVE,3", [("VALVE", "3")]),
    ("# my list\n\nVALVE 3\n\n", [("VALVE", "3")]),
    ("VALVE,3,brass valve for site B", [("VALVE", "3")]),
])
def test_quick_order_reads_every_usual_line_shape(text, expected):
    lines, problems = qo.parse_text(text)
    assert problems == []
    assert [(ln.sku, ln.quantity) for ln in lines] == expected


@pytest.mark.parametrize("text", [
    "VALVE", "VALVE 3 4 5", ",3", "VALVE,", "just some words here", "\u2603\u2603\u2603",
])
def test_quick_order_reports_lines_it_cannot_read(text):
    lines, problems = qo.parse_text(text)
    assert lines == []
    assert [(p.line_no, p.text) for p in problems] == [(1, text.strip())]
    assert "SKU and the quantity" in problems[0].message


def test_quick_order_adds_good_lines_and_reports_each_bad_one_with_its_line_number(shop, buyer):
    ProductFactory(sku="GONE", active=False)
    text = "\n".join([
        "VALVE 2",        # 1 ok
        "PIPE x 20",      # 2 ok
        "NOPE 1",         # 3 unknown
        "GONE 1",         # 4 inactive
        "TAPE zero",      # 5 bad quantity
        "PIPE 15",        # 6 pack size
        "TAPE -3",        # 7 bad quantity
        "???",            # 8 unreadable
        "tape 5",         # 9 ok, lower case
        "VALVE 1",        # 10 ok, merged with line 1
        "TAPE 1.5",       # 11 bad quantity
    ])
    lines, problems = qo.parse_text(text)

    result = qo.quick_order_to_cart(actor=buyer, company=shop["company"], lines=lines, problems=problems)

    assert lines_of(buyer, shop["company"]) == {"VALVE": 3, "PIPE": 20, "TAPE": 5}
    assert [(p.line_no, p.text) for p in result.problems] == [
        (3, "NOPE 1"), (4, "GONE 1"), (5, "TAPE zero"), (6, "PIPE 15"), (7, "TAPE -3"), (8, "???"), (11, "TAPE 1.5")]
    messages = {p.line_no: p.message for p in result.problems}
    assert "Unknown SKU" in messages[3] and "no longer sold" in messages[4]
    assert "packs of 10; order 10 / 20" in messages[6]


def test_quick_order_takes_barcodes_too(shop, buyer):
    valve = shop["products"]["VALVE"]
    lines, problems = qo.parse_text(f"{valve.barcode} 4")
    qo.quick_order_to_cart(actor=buyer, company=shop["company"], lines=lines, problems=problems)
    assert lines_of(buyer, shop["company"]) == {"VALVE": 4}


def test_quick_order_csv_with_and_without_header(shop, buyer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    for content in (b"sku,quantity\nVALVE,2\nTAPE,3\n", b"\xef\xbb\xbfVALVE;2\r\nTAPE;3\r\n"):
        upload = SimpleUploadedFile("order.csv", content, content_type="text/csv")
        lines, problems = qo.parse_csv(qo.read_upload(upload))
        assert problems == [] and [(ln.sku, ln.quantity) for ln in lines] == [("VALVE", "2"), ("TAPE", "3")]


@pytest.mark.parametrize("name,content,content_type,message", [
    ("order.exe", b"VALVE,1", "application/octet-stream", "Upload a .csv"),
    ("order.csv", b"\x89PNG\r\n\x1a\n\x00\x00garbage", "text/csv", "not a text CSV file"),
    ("order.csv", b"", "text/csv", "empty"),
    ("order.csv", b"VALVE,1\n" * 150_000, "text/csv", "may be at most 1 MB"),
    ("order.csv", b"VALVE,1", "image/png", "Upload a .csv"),
])
def test_bad_csv_files_are_refused(name, content, content_type, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(name, content, content_type=content_type)
    with pytest.raises(qo.QuickOrderInvalid, match=message):
        qo.read_upload(upload)


def test_too_many_lines_are_refused_whole():
    with pytest.raises(qo.QuickOrderInvalid, match="at most 500"):
        qo.parse_text("\n".join(f"SKU{i} 1" for i in range(501)))


# --- reorder -----------------------------------------------------------------------------------

def test_reorder_puts_the_lines_back_at_todays_prices_and_reports_what_it_could_not(shop, buyer):
    company, p = shop["company"], shop["products"]
    shop["stock_of"](p["VALVE"], shop["sh"], on_hand=100)
    order, _ = place_order(actor=buyer, company=company, channel="portal", today=TODAY,
                           lines=[{"sku": "VALVE", "quantity": 2}, {"sku": "PIPE", "quantity": 30}, {"sku": "TAPE", "quantity": 5}])
    p["TAPE"].active = False  # discontinued since
    p["TAPE"].save()
    p["PIPE"].pack_size = 25  # now sold in packs of 25
    p["PIPE"].save()

    result = cart_service.reorder_to_cart(actor=buyer, company=company, order=order, today=TODAY)

    assert lines_of(buyer, company) == {"VALVE": 2, "PIPE": 50}
    assert result.skipped == [("TAPE", "no longer sold")]
    assert [sku for sku, _why in result.adjusted] == ["PIPE"]
    assert [sku for sku, _when in result.later] == ["PIPE"]  # no PIPE stock: ships later
    summary = selectors.cart_summary(cart_service.open_cart(user=buyer, company=company), company=company, today=TODAY)
    assert not summary.has_problems


def test_reorder_refuses_another_companys_order(shop, buyer):
    other_buyer = dealer_user()
    order, _ = place_order(actor=buyer, company=shop["company"], channel="portal", lines=[{"sku": "VALVE", "quantity": 1}])
    with pytest.raises(PermissionDeniedError):
        cart_service.reorder_to_cart(actor=other_buyer, company=other_buyer.dealer_account.company, order=order)
