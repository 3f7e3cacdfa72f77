"""Intake, review, approval routing and allocation, end to end through the services."""

from decimal import Decimal

import pytest

from inventory.models import Reservation, Stock
from inventory.selectors import stock_drift
from orders.errors import OrderInvalid, StaleOrder
from orders.models import Order, OrderApproval, OrderEvent, Status
from orders.services.intake import place_order
from orders.services.workflow import (
    approvals_waiting_for, approve_order, cancel_order, reallocate_backorders, reject_order, release_hold,
)
from oms.models import Notification
from tests.factories import ApprovalRuleFactory, dealer_user

pytestmark = pytest.mark.django_db


def order_for(shop, lines, **kw):
    kw.setdefault("channel", "console")
    kw.setdefault("company", shop["company"])
    order, _ = place_order(actor=shop["sales"], lines=lines, **kw)
    order.refresh_from_db()
    return order


def test_clean_order_is_approved_allocated_from_the_nearest_warehouse(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    shop["stock_of"](shop["products"]["VALVE"], shop["gz"], on_hand=50)
    dealer_user(company=shop["company"])
    order = order_for(shop, [{"sku": "valve", "quantity": 5}])
    assert order.status == Status.ALLOCATED
    assert order.total == Decimal("565.00") and order.tax_total == Decimal("65.00")
    assert order.allocation["warehouses"] == {"SH": {"VALVE": 5}}
    assert "SH ships everything" in order.allocation["reason"]
    assert Stock.objects.get(product=shop["products"]["VALVE"], warehouse=shop["sh"]).reserved == 5
    assert order.promised_date is not None
    kinds = list(order.events.values_list("kind", "to_status"))
    assert ("status", "submitted") in kinds and ("status", "approved") in kinds and ("status", "allocated") in kinds
    assert Notification.objects.filter(subject__contains="confirmed").exists()  # the dealer hears of it


@pytest.mark.parametrize("lines,message", [
    ([{"sku": "NOPE", "quantity": 1}], "unknown SKU"),
    ([{"sku": "VALVE", "quantity": 0}], "whole number above zero"),
    ([{"sku": "VALVE", "quantity": "1.5"}], "whole number above zero"),
    ([{"sku": "VALVE", "quantity": -2}], "whole number above zero"),
    ([{"sku": "PIPE", "quantity": 15}], "packs of 10; order 10 / 20"),
    ([{"sku": "PIPE", "quantity": 4}], "packs of 10; order 10."),
    ([{"sku": "VALVE", "quantity": 5_000_000}], "more than one order"),
    ([], "at least one line"),
])
def test_bad_lines_are_refused_and_nothing_is_saved(shop, lines, message):
    with pytest.raises(OrderInvalid) as err:
        order_for(shop, lines)
    assert message in str(err.value)
    assert not Order.objects.exists() and not Reservation.objects.exists()


def test_inactive_product_is_refused_at_entry(shop):
    shop["products"]["TAPE"].active = False
    shop["products"]["TAPE"].save()
    with pytest.raises(OrderInvalid, match="no longer sold"):
        order_for(shop, [{"sku": "TAPE", "quantity": 1}])


def test_non_interactive_channels_hold_instead_of_refusing(shop):
    order = order_for(shop, [{"sku": "PIPE", "quantity": 15}], channel="api", strict=False)
    assert order.status == Status.ON_HOLD
    assert [r["code"] for r in order.hold_reasons] == ["pack_size"]


def test_customer_on_hold_and_incomplete_address_hold_the_order_with_reasons(shop):
    shop["company"].status = "on_hold"
    shop["company"].save()
    shop["address"].phone = ""
    shop["address"].save()
    order = order_for(shop, [{"sku": "VALVE", "quantity": 1}])
    assert order.status == Status.ON_HOLD
    codes = {r["code"] for r in order.hold_reasons}
    assert codes == {"customer_on_hold", "address_incomplete"}
    assert "lacks: phone" in " ".join(r["message"] for r in order.hold_reasons)
    assert not Reservation.objects.exists()


def test_credit_limit_holds_when_no_rule_routes_it(shop):
    shop["company"].credit_limit = Decimal("100")
    shop["company"].save()
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    order = order_for(shop, [{"sku": "VALVE", "quantity": 5}])
    assert order.status == Status.ON_HOLD and order.hold_reasons[0]["code"] == "credit_limit"
    # staff raise the limit and release: it goes through
    shop["company"].credit_limit = Decimal("10000")
    shop["company"].save()
    release_hold(actor=shop["sales"], order=order, comment="limit raised")
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED


def test_prepaid_order_waits_for_payment(shop):
    from orders.services.workflow import record_payment_received

    shop["company"].payment_terms = "prepaid"
    shop["company"].save()
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    order = order_for(shop, [{"sku": "VALVE", "quantity": 1}])
    assert order.status == Status.ON_HOLD and order.hold_reasons[0]["code"] == "awaiting_payment"
    record_payment_received(actor=None, order=order)
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED and order.is_paid


def test_idempotency_key_returns_the_same_order(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    first, created = place_order(actor=None, company=shop["company"], channel="api", idempotency_key="shop-42",
                                 lines=[{"sku": "VALVE", "quantity": 1}], external_ref="WEB-42")
    again, created_again = place_order(actor=None, company=shop["company"], channel="api", idempotency_key="shop-42",
                                       lines=[{"sku": "VALVE", "quantity": 1}])
    assert created and not created_again and again.pk == first.pk
    assert Order.objects.count() == 1 and first.external_ref == "WEB-42" and first.channel == "api"


def test_approval_levels_in_order_then_allocation(shop):
    ApprovalRuleFactory(condition="total_above", threshold=Decimal("1000"), levels=["sales_manager", "finance"])
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    order = order_for(shop, [{"sku": "VALVE", "quantity": 20}])
    assert order.status == Status.PENDING_APPROVAL
    assert list(order.approvals.values_list("step", "role")) == [(1, "sales_manager"), (2, "finance")]
    assert [a.order for a in approvals_waiting_for(shop["manager"])] == [order]
    assert list(approvals_waiting_for(shop["finance"])) == []  # not their turn yet
    assert Notification.objects.filter(recipient=shop["manager"], kind="approval").exists()

    from orders.errors import NotYourTurn

    with pytest.raises(NotYourTurn):
        approve_order(actor=shop["finance"], order=order)
    approve_order(actor=shop["manager"], order=order, comment="ok")
    order.refresh_from_db()
    assert order.status == Status.PENDING_APPROVAL
    assert Notification.objects.filter(recipient=shop["finance"], kind="approval").exists()
    approve_order(actor=shop["finance"], order=order, comment="credit fine")
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED
    assert order.events.filter(kind=OrderEvent.Kind.APPROVAL).count() == 2


def test_manual_price_and_discount_rules(shop):
    ApprovalRuleFactory(condition="manual_price", levels=["sales_manager"])
    ApprovalRuleFactory(condition="discount_above", threshold=Decimal("10"), levels=["sales_manager", "manager"])
    order = order_for(shop, [{"sku": "VALVE", "quantity": 1, "unit_price": "80"}])
    assert order.status == Status.PENDING_APPROVAL
    assert list(order.approvals.values_list("role", flat=True)) == ["sales_manager", "manager"]
    reasons = " ".join(r["message"] for a in order.approval_reasons for r in a["reasons"])
    assert "Manual price on line(s) 1" in reasons and "Discount 20.0% is above 10" in reasons


@pytest.mark.parametrize("typed, problem", [
    ("1e3", "must be an amount such as 12.50"),
    ("abc", "must be an amount such as 12.50"),
    ("NaN", "must be an amount such as 12.50"),
    ("-5", "cannot be below zero"),
    ("10.123", "has more than 2 decimals"),
])
def test_a_manual_price_that_is_not_a_plain_amount_is_refused_not_guessed(shop, typed, problem):
    with pytest.raises(OrderInvalid) as err:
        order_for(shop, [{"sku": "VALVE", "quantity": 1, "unit_price": typed}])
    assert f"Line 1: the price {problem}" in str(err.value.message)
    assert not Order.objects.exists()


@pytest.mark.parametrize("typed, price", [("80", "80.00"), ("80.500", "80.50"), ("0", "0.00")])
def test_a_plain_manual_price_is_taken_as_typed(shop, typed, price):
    order = order_for(shop, [{"sku": "VALVE", "quantity": 1, "unit_price": typed}])
    assert order.lines.get().unit_price == Decimal(price)


def test_reject_needs_a_comment_and_puts_the_order_on_hold(shop):
    ApprovalRuleFactory(condition="total_above", threshold=Decimal("1"))
    order = order_for(shop, [{"sku": "VALVE", "quantity": 1}])
    from oms.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        reject_order(actor=shop["manager"], order=order, comment=" ")
    reject_order(actor=shop["manager"], order=order, comment="price too low")
    order.refresh_from_db()
    assert order.status == Status.ON_HOLD and "price too low" in order.hold_reasons[0]["message"]
    assert not OrderApproval.objects.filter(decision="pending").exists()


def test_second_decision_on_the_same_step_is_refused_clearly(shop):
    ApprovalRuleFactory(condition="total_above", threshold=Decimal("1"))
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=5)
    order = order_for(shop, [{"sku": "VALVE", "quantity": 1}])
    step = order.approvals.get()
    approve_order(actor=shop["manager"], order=order, approval_id=step.pk)
    with pytest.raises(StaleOrder, match="already decided"):
        approve_order(actor=shop["manager"], order=order, approval_id=step.pk)


def test_split_across_fewest_warehouses(shop):
    v, t = shop["products"]["VALVE"], shop["products"]["TAPE"]
    shop["stock_of"](v, shop["sh"], on_hand=10)
    shop["stock_of"](t, shop["gz"], on_hand=10)
    order = order_for(shop, [{"sku": "VALVE", "quantity": 5}, {"sku": "TAPE", "quantity": 5}])
    assert order.status == Status.ALLOCATED
    assert order.allocation["warehouses"] == {"SH": {"VALVE": 5}, "GZ": {"TAPE": 5}}
    assert "split across" in order.allocation["reason"]
    assert order.shipments.count() == 2


def test_ship_partial_backorders_the_rest_and_reallocates_when_stock_arrives(shop):
    from inventory.services import receive_stock

    v = shop["products"]["VALVE"]
    shop["stock_of"](v, shop["sh"], on_hand=3)
    order = order_for(shop, [{"sku": "VALVE", "quantity": 5}])
    assert order.status == Status.ALLOCATED and order.allocation["backordered"] == {"VALVE": 2}
    receive_stock(actor=None, product=v, warehouse=shop["sh"], quantity=10, reason="PO")
    assert reallocate_backorders() == 1
    order.refresh_from_db()
    assert order.lines.get().allocated_quantity == 5 and order.allocation["backordered"] == {}


def test_ship_complete_customer_waits_for_everything(shop):
    from inventory.services import receive_stock

    shop["company"].shipping_policy = "ship_complete"
    shop["company"].save()
    v = shop["products"]["VALVE"]
    shop["stock_of"](v, shop["sh"], on_hand=3)
    order = order_for(shop, [{"sku": "VALVE", "quantity": 5}])
    assert order.status == Status.BACKORDERED and not Reservation.objects.exists()
    assert "Ship-complete" in order.allocation["reason"]
    receive_stock(actor=None, product=v, warehouse=shop["sh"], quantity=2, reason="PO")
    reallocate_backorders()
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED


def test_cancel_releases_stock(shop):
    v = shop["products"]["VALVE"]
    shop["stock_of"](v, shop["sh"], on_hand=10)
    order = order_for(shop, [{"sku": "VALVE", "quantity": 4}])
    cancel_order(actor=shop["sales"], order=order, reason="customer changed mind")
    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert Stock.objects.get(product=v, warehouse=shop["sh"]).reserved == 0
    assert stock_drift() == []


def test_release_hold_only_for_orders_on_hold(shop):
    from orders.errors import IllegalTransition

    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    order = order_for(shop, [{"sku": "VALVE", "quantity": 1}])
    assert order.status == Status.ALLOCATED
    with pytest.raises(IllegalTransition):
        release_hold(actor=shop["sales"], order=order)
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED and order.lines.get().allocated_quantity == 1


def test_an_order_may_be_switched_to_prepayment_but_not_to_other_terms(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=5)
    order = order_for(shop, [{"sku": "VALVE", "quantity": 1}], payment_terms="prepaid")
    assert order.payment_terms == "prepaid" and order.status == Status.ON_HOLD
    with pytest.raises(OrderInvalid, match="prepayment"):
        order_for(shop, [{"sku": "VALVE", "quantity": 1}], payment_terms="net90")
