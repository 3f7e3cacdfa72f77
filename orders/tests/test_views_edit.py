"""Editing an order's lines through the console: the page opens with the order's lines, a good
edit re-prices and re-reserves, bad lines come back as messages and change nothing, and an
order whose picking has started may no longer be edited."""

from decimal import Decimal

import pytest
from django.urls import reverse

from inventory.models import Stock
from orders.models import OrderEvent, Status
from orders.services.fulfilment import start_picking
from orders.services.intake import place_order
from tests.factories import ApprovalRuleFactory

pytestmark = pytest.mark.django_db


def edit_url(order):
    return reverse("console:order_edit", args=[order.pk])


def detail_url(order):
    return reverse("console:order_detail", args=[order.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def edit_data(rows, *, reason="Customer called"):
    data = {"reason": reason, "lines-TOTAL_FORMS": "5", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "500"}
    for i, row in enumerate(rows):
        sku, qty, *price = row
        data[f"lines-{i}-sku"], data[f"lines-{i}-quantity"] = sku, qty
        if price:
            data[f"lines-{i}-unit_price"] = price[0]
    return data


def reserved(shop, sku):
    return Stock.objects.get(product=shop["products"][sku], warehouse=shop["sh"]).reserved


@pytest.fixture
def stocked(shop):
    for sku in ("VALVE", "PIPE", "TAPE"):
        shop["stock_of"](shop["products"][sku], shop["sh"], on_hand=100)
    return shop


@pytest.fixture
def order(stocked):
    """VALVE × 5, allocated and reserved in Shanghai."""
    order, _ = place_order(actor=stocked["sales"], company=stocked["company"], channel="console",
                           lines=[{"sku": "VALVE", "quantity": 5}])
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED and reserved(stocked, "VALVE") == 5
    return order


def lines_of(order):
    return [(ln.product.sku, ln.quantity) for ln in order.lines.select_related("product").order_by("line_no")]


def assert_unchanged(order, shop):
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED and lines_of(order) == [("VALVE", 5)]
    assert order.total == Decimal("565.00")  # 5 × 100 × 1.13
    assert reserved(shop, "VALVE") == 5 and reserved(shop, "TAPE") == 0
    assert not order.events.filter(kind=OrderEvent.Kind.EDIT).exists()


# --- the page ------------------------------------------------------------------------------

def test_the_page_opens_with_the_orders_lines(client, stocked):
    order, _ = place_order(actor=stocked["sales"], company=stocked["company"], channel="console",
                           lines=[{"sku": "VALVE", "quantity": 2},
                                  {"sku": "TAPE", "quantity": 5, "unit_price": "1.50"}])
    client.force_login(stocked["sales"])
    response = client.get(edit_url(order))
    assert response.status_code == 200
    forms = response.context["lines"].forms
    rows = [(f["sku"].value(), f["quantity"].value()) for f in forms[:3]]
    assert rows == [("VALVE", "2"), ("TAPE", "5"), (None, None)]
    assert forms[0]["unit_price"].value() is None  # the list price: not typed by hand
    assert Decimal(forms[1]["unit_price"].value()) == Decimal("1.50")  # the manual price comes back
    html = response.content.decode()
    # the entry form's pieces: the live preview with this customer's price, and one more row
    assert reverse("console:order_entry_preview") in html and reverse("console:order_entry_line") in html
    assert f'id="id_company" value="{stocked["company"].pk}"' in html
    assert 'name="reason"' in html


def test_the_order_page_links_to_the_edit_page_while_editable(client, order, stocked):
    client.force_login(stocked["sales"])
    assert edit_url(order) in client.get(detail_url(order)).content.decode()


# --- a good edit ---------------------------------------------------------------------------

def test_an_edit_reprices_and_reserves_again(client, order, stocked):
    client.force_login(stocked["sales"])
    response = client.post(edit_url(order), edit_data([("VALVE", "2"), ("", ""), ("tape", "10")]), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(order)
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED
    assert lines_of(order) == [("VALVE", 2), ("TAPE", 10)]
    assert order.total == Decimal("248.60")  # (2 × 100 + 10 × 2) × 1.13
    assert (reserved(stocked, "VALVE"), reserved(stocked, "TAPE")) == (2, 10)
    assert f"Lines saved. {order.number} is now allocated." in messages_of(response)
    edit = order.events.get(kind=OrderEvent.Kind.EDIT)
    assert edit.actor == stocked["sales"] and edit.message.startswith("Customer called")
    assert "Customer called" in response.content.decode().split('id="timeline"')[1]


def test_an_edit_that_needs_approval_goes_back_for_approval(client, order, stocked):
    ApprovalRuleFactory(condition="total_above", threshold=Decimal("1000"), levels=["sales_manager"])
    client.force_login(stocked["sales"])
    response = client.post(edit_url(order), edit_data([("VALVE", "20")]), follow=True)
    order.refresh_from_db()
    assert order.status == Status.PENDING_APPROVAL and reserved(stocked, "VALVE") == 0
    assert f"Lines saved. {order.number} is now pending approval." in messages_of(response)


# --- bad edits change nothing --------------------------------------------------------------

@pytest.mark.parametrize("rows,message", [
    ([("VALVE", "2"), ("NOPE-1", "1")], "Line 2: unknown SKU “NOPE-1”."),
    ([("PIPE", "15")], "Line 1: PIPE is sold in packs of 10; order 10 / 20."),
    ([("VALVE", "0")], "Line 1: the quantity of VALVE must be a whole number above zero."),
])
def test_bad_lines_come_back_as_messages_and_nothing_changes(client, order, stocked, rows, message):
    client.force_login(stocked["sales"])
    response = client.post(edit_url(order), edit_data(rows))
    assert response.status_code == 200
    assert message in response.context["line_errors"]
    assert message in response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    # the rows typed come back to be corrected
    assert [f["sku"].value() for f in response.context["lines"].forms[:len(rows)]] == [r[0] for r in rows]
    assert_unchanged(order, stocked)


def test_every_bad_line_is_listed(client, order, stocked):
    client.force_login(stocked["sales"])
    response = client.post(edit_url(order), edit_data([("NOPE", "1"), ("VALVE", "1"), ("PIPE", "3")]))
    assert response.context["line_errors"] == [
        "Line 1: unknown SKU “NOPE”.", "Line 3: PIPE is sold in packs of 10; order 10."]
    assert_unchanged(order, stocked)


def test_an_edit_without_lines_is_refused(client, order, stocked):
    client.force_login(stocked["sales"])
    response = client.post(edit_url(order), edit_data([]))
    assert response.status_code == 200
    assert "Add at least one line." in response.context["lines"].non_form_errors()
    assert_unchanged(order, stocked)


# --- too late to edit ----------------------------------------------------------------------

def test_no_edit_once_picking_started(client, order, stocked):
    start_picking(actor=stocked["warehouse"], shipments=list(order.shipments.all()))
    client.force_login(stocked["sales"])
    # the order page no longer offers it, and the page sends the user back with why
    assert edit_url(order) not in client.get(detail_url(order)).content.decode()
    response = client.get(edit_url(order), follow=True)
    assert response.redirect_chain[-1][0] == detail_url(order)
    assert f"{order.number} is picking: its lines can no longer be edited." in messages_of(response)

    # a form opened before picking started is refused by the service, and nothing changes
    response = client.post(edit_url(order), edit_data([("VALVE", "1")]))
    assert response.status_code == 200
    assert (f"Order {order.number} is picking: it can no longer be edited."
            in response.context["form"].non_field_errors())
    assert f"Order {order.number} is picking: it can no longer be edited." in response.content.decode()
    order.refresh_from_db()
    assert order.status == Status.PICKING and lines_of(order) == [("VALVE", 5)]
    assert not order.events.filter(kind=OrderEvent.Kind.EDIT).exists()


# --- who may edit --------------------------------------------------------------------------

def test_finance_and_warehouse_may_not_edit(client, order, stocked):
    for role in ("finance", "warehouse"):
        client.force_login(stocked[role])
        assert client.get(edit_url(order)).status_code == 403
        assert client.post(edit_url(order), edit_data([("VALVE", "1")])).status_code == 403
        assert edit_url(order) not in client.get(detail_url(order)).content.decode()
    assert_unchanged(order, stocked)


def test_unknown_order_is_404(client, stocked):
    client.force_login(stocked["sales"])
    assert client.get(reverse("console:order_edit", args=[999999])).status_code == 404
