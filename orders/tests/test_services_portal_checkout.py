"""Portal checkout through the one intake service, its idempotency, and the dealer's own
approval of a buyer's order above the company's buyer order limit."""

import threading
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from oms.errors import PermissionDeniedError
from oms.models import Notification
from oms.permissions import DealerRole
from orders.errors import OrderInvalid
from orders.models import Cart, Channel, Order, OrderEvent, Status
from orders.services import cart as cart_service
from orders.services import portal_checkout
from orders.services.cart import CartInvalid
from orders.services.portal_checkout import CheckoutInvalid, StaleCart
from tests.factories import AddressFactory, dealer_user


@pytest.fixture
def buyer(shop):
    return dealer_user(company=shop["company"], username="buyer", first_name="Li", last_name="Na")


@pytest.fixture
def approver(shop):
    return dealer_user(company=shop["company"], role=DealerRole.APPROVER, username="boss")


def fill(user, shop, **quantities):
    cart_service.add_lines(actor=user, company=shop["company"],
                           lines=[(shop["products"][sku], q) for sku, q in quantities.items()])


def checkout(user, shop, key=None, **kwargs):
    params = {"ship_to": shop["address"], "payment_method": "on_account", "idempotency_key": key or uuid.uuid4().hex}
    params.update(kwargs)
    return portal_checkout.checkout_cart(actor=user, company=shop["company"], **params)


def test_checkout_places_a_portal_order_and_empties_the_cart(shop, buyer):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=20)
    fill(buyer, shop, VALVE=2, TAPE=3)

    result = checkout(buyer, shop, customer_po="PO-77", notes="Gate 3", requested_date=timezone.localdate() + timedelta(days=5))

    order = result.order
    assert result.created and order.channel == Channel.PORTAL and order.placed_by == buyer
    assert order.customer_po == "PO-77" and order.notes == "Gate 3" and order.ship_to == shop["address"]
    assert [(ln.product.sku, ln.quantity) for ln in order.lines.order_by("line_no")] == [("VALVE", 2), ("TAPE", 3)]
    assert order.status in (Status.ALLOCATED, Status.BACKORDERED)
    assert result.cart.status == Cart.Status.ORDERED and result.cart.order == order
    assert selectors_count(buyer, shop) == 0


def selectors_count(user, shop):
    from orders import selectors

    return selectors.cart_count(user=user, company=shop["company"])


def test_sending_the_same_checkout_twice_makes_one_order(shop, buyer):
    fill(buyer, shop, TAPE=3)
    key = uuid.uuid4().hex

    first = checkout(buyer, shop, key=key)
    second = checkout(buyer, shop, key=key)  # the double click, after the cart was emptied

    assert first.created and not second.created
    assert second.order == first.order
    assert Order.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_checkouts_with_one_key_make_one_order(shop, buyer):
    fill(buyer, shop, TAPE=3)
    key, results, errors = uuid.uuid4().hex, [], []
    barrier = threading.Barrier(2)

    def submit():
        try:
            barrier.wait()
            user = type(buyer).objects.get(pk=buyer.pk)
            results.append(checkout(user, shop, key=key).order.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(set(results)) == 1 and Order.objects.count() == 1


@pytest.mark.parametrize("field,kwargs", [
    ("requested_date", {"requested_date": date(2020, 1, 1)}),
    ("payment_method", {"payment_method": "bitcoin"}),
    ("ship_to", {"ship_to": None}),
])
def test_bad_checkout_details_are_refused_on_their_field(shop, buyer, field, kwargs):
    fill(buyer, shop, TAPE=3)
    with pytest.raises(CheckoutInvalid) as err:
        checkout(buyer, shop, **kwargs)
    assert err.value.field == field
    assert Order.objects.count() == 0 and selectors_count(buyer, shop) == 1


def test_another_companys_address_cannot_be_the_ship_to(shop, buyer):
    fill(buyer, shop, TAPE=3)
    with pytest.raises(CheckoutInvalid) as err:
        checkout(buyer, shop, ship_to=AddressFactory())
    assert err.value.field == "ship_to"


def test_an_empty_cart_cannot_be_checked_out(shop, buyer):
    with pytest.raises(CartInvalid, match="empty"):
        checkout(buyer, shop)


def test_payment_methods_follow_the_payment_terms(shop):
    company = shop["company"]
    company.payment_terms = "net30"
    assert [v for v, _l in portal_checkout.payment_methods(company)] == ["on_account", "advance"]
    assert "30 days" in portal_checkout.payment_methods(company)[0][1]
    company.payment_terms = "prepaid"
    assert [v for v, _l in portal_checkout.payment_methods(company)] == ["prepaid"]
    company.payment_terms = "cod"
    assert [v for v, _l in portal_checkout.payment_methods(company)] == ["cod", "advance"]


def test_choosing_to_pay_in_advance_makes_the_order_prepaid_and_it_waits_for_the_money(shop, buyer):
    fill(buyer, shop, TAPE=3)
    order = checkout(buyer, shop, payment_method="advance").order
    order.refresh_from_db()
    assert order.payment_terms == "prepaid" and order.status == "on_hold"
    assert [r["code"] for r in order.hold_reasons] == ["awaiting_payment"]
    note = order.events.get(kind=OrderEvent.Kind.NOTE, data__payment_method="advance")
    assert "pro-forma" in note.message


def test_a_prepaid_account_can_only_prepay_and_its_order_waits_for_the_money(shop, buyer):
    shop["company"].payment_terms = "prepaid"
    shop["company"].save()
    fill(buyer, shop, TAPE=3)
    with pytest.raises(CheckoutInvalid):
        checkout(buyer, shop, payment_method="on_account")
    order = checkout(buyer, shop, payment_method="prepaid").order
    assert order.status == Status.ON_HOLD and order.hold_reasons[0]["code"] == "awaiting_payment"


# --- the dealer's approval -----------------------------------------------------------------------

@pytest.fixture
def limited(shop):
    shop["company"].buyer_order_limit = Decimal("500.00")
    shop["company"].save()
    return shop


def test_a_buyer_above_the_limit_sends_the_cart_to_the_approver(limited, buyer, approver):
    fill(buyer, limited, VALVE=5)  # 565.00 with tax

    result = checkout(buyer, limited, customer_po="PO-BIG")

    assert result.awaiting_approval and result.order is None
    cart = result.cart
    assert cart.status == Cart.Status.AWAITING_APPROVAL and cart.total == Decimal("565.00") and cart.customer_po == "PO-BIG"
    assert Order.objects.count() == 0
    assert selectors_count(buyer, limited) == 0  # the buyer starts a fresh cart
    assert Notification.objects.filter(recipient=approver, kind=Notification.Kind.APPROVAL).count() == 1


def test_a_buyer_below_the_limit_and_an_approver_above_it_order_directly(limited, buyer, approver):
    fill(buyer, limited, VALVE=4)  # 452.00
    assert checkout(buyer, limited).order is not None
    fill(approver, limited, VALVE=9)
    assert checkout(approver, limited).order is not None


def test_approving_places_the_order_for_the_buyer_and_tells_them(limited, buyer, approver):
    fill(buyer, limited, VALVE=5)
    cart = checkout(buyer, limited, customer_po="PO-BIG").cart

    order = portal_checkout.approve_cart(actor=approver, company=limited["company"], cart_id=cart.pk, comment="Fine")

    assert order.placed_by == buyer and order.channel == Channel.PORTAL and order.customer_po == "PO-BIG"
    assert order.total == Decimal("565.00")
    approval = order.events.get(kind=OrderEvent.Kind.APPROVAL)
    assert approval.actor == approver and "Fine" in approval.message
    cart.refresh_from_db()
    assert cart.status == Cart.Status.ORDERED and cart.order == order and cart.decided_by == approver
    assert Notification.objects.filter(recipient=buyer, subject__contains=order.number).exists()


def test_the_buyers_double_click_on_an_approved_request_makes_no_second_order(limited, buyer, approver):
    fill(buyer, limited, VALVE=5)
    key = uuid.uuid4().hex
    cart = checkout(buyer, limited, key=key).cart
    order = portal_checkout.approve_cart(actor=approver, company=limited["company"], cart_id=cart.pk)

    replay = checkout(buyer, limited, key=key)

    assert replay.order == order and Order.objects.count() == 1


def test_rejecting_needs_a_comment_and_tells_the_buyer(limited, buyer, approver):
    fill(buyer, limited, VALVE=5)
    cart = checkout(buyer, limited).cart

    with pytest.raises(Exception, match="Say why"):
        portal_checkout.reject_cart(actor=approver, company=limited["company"], cart_id=cart.pk, comment="  ")
    portal_checkout.reject_cart(actor=approver, company=limited["company"], cart_id=cart.pk, comment="Too many valves")

    cart.refresh_from_db()
    assert cart.status == Cart.Status.REJECTED and cart.decision_comment == "Too many valves"
    assert Notification.objects.filter(recipient=buyer, body="Too many valves").exists()
    assert Order.objects.count() == 0


def test_a_decided_request_cannot_be_decided_again(limited, buyer, approver):
    fill(buyer, limited, VALVE=5)
    cart = checkout(buyer, limited).cart
    portal_checkout.approve_cart(actor=approver, company=limited["company"], cart_id=cart.pk)

    with pytest.raises(StaleCart, match="already decided"):
        portal_checkout.reject_cart(actor=approver, company=limited["company"], cart_id=cart.pk, comment="no")
    assert Order.objects.count() == 1


def test_buyers_and_other_companies_cannot_approve(limited, buyer, approver):
    fill(buyer, limited, VALVE=5)
    cart = checkout(buyer, limited).cart
    stranger = dealer_user(role=DealerRole.APPROVER)

    with pytest.raises(PermissionDeniedError):
        portal_checkout.approve_cart(actor=buyer, company=limited["company"], cart_id=cart.pk)
    with pytest.raises(PermissionDeniedError):
        portal_checkout.approve_cart(actor=stranger, company=stranger.dealer_account.company, cart_id=cart.pk)
    with pytest.raises(PermissionDeniedError):
        portal_checkout.approve_cart(actor=stranger, company=limited["company"], cart_id=cart.pk)
    assert Order.objects.count() == 0


def test_a_rejected_request_can_go_back_to_the_cart(limited, buyer, approver):
    fill(buyer, limited, VALVE=5)
    cart = checkout(buyer, limited).cart
    portal_checkout.reject_cart(actor=approver, company=limited["company"], cart_id=cart.pk, comment="Split it")

    portal_checkout.restore_cart(actor=buyer, company=limited["company"], cart_id=cart.pk)

    assert selectors_count(buyer, limited) == 1


# --- loyalty points (the customers app's ledger) ----------------------------------------------------

def test_redeeming_points_at_checkout_spends_them_for_this_order(shop, buyer, staff_user):
    from customers.selectors import loyalty_balance
    from customers.services import adjust_points
    from tests.factories import LoyaltyRuleFactory

    LoyaltyRuleFactory(point_value=Decimal("0.01"))
    adjust_points(actor=staff_user("sales_manager"), company=shop["company"], points=1000, note="welcome bonus")
    fill(buyer, shop, TAPE=10)  # 10 x 2.00 = 20.00 before tax

    order = checkout(buyer, shop, loyalty_points=600).order
    order.refresh_from_db()

    assert loyalty_balance(shop["company"]) == 400
    assert order.loyalty_discount == Decimal("6.00")  # 600 points x 0.01, taken off before tax
    assert order.subtotal == Decimal("14.00") and order.tax_total == Decimal("1.82") and order.total == Decimal("15.82")
    line = order.lines.get()
    assert line.net_amount == Decimal("14.00") and "loyalty points" in line.price_explanation
    event = order.events.get(data__portal_event="loyalty")
    assert event.data["points"] == 600 and event.data["discount"] == "6.00"


def test_redeeming_more_points_than_the_balance_places_nothing(shop, buyer):
    fill(buyer, shop, TAPE=3)
    with pytest.raises(CheckoutInvalid) as err:
        checkout(buyer, shop, loyalty_points=50)
    assert err.value.field == "loyalty_points"
    assert Order.objects.count() == 0


def test_redeeming_more_points_than_the_order_is_worth_is_refused_and_spends_none(shop, buyer, staff_user):
    from customers.selectors import loyalty_balance
    from customers.services import adjust_points
    from tests.factories import LoyaltyRuleFactory

    LoyaltyRuleFactory(point_value=Decimal("0.01"))
    adjust_points(actor=staff_user("sales_manager"), company=shop["company"], points=6000, note="welcome bonus")
    fill(buyer, shop, TAPE=10)  # 20.00 before tax: worth 2000 points
    with pytest.raises(OrderInvalid) as err:
        checkout(buyer, shop, loyalty_points=2001)
    assert err.value.field == "loyalty_points" and "at most 2000 points" in str(err.value.message)
    assert Order.objects.count() == 0 and loyalty_balance(shop["company"]) == 6000
    order = checkout(buyer, shop, loyalty_points=2000).order  # the whole order, before tax
    order.refresh_from_db()
    assert order.subtotal == 0 and order.total == 0 and loyalty_balance(shop["company"]) == 4000
