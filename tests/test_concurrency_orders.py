"""Races on orders with real threads on PostgreSQL."""

from decimal import Decimal

import pytest

from orders.models import Order, OrderEvent, Status
from orders.services.intake import place_order
from orders.services.workflow import approve_order, cancel_order
from tests.concurrency import race
from tests.factories import ApprovalRuleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_double_submit_makes_one_order(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    results = race(8, lambda i: place_order(actor=shop["sales"], company=shop["company"], channel="console",
                                            idempotency_key="form-token-1", lines=[{"sku": "VALVE", "quantity": 1}])[0].pk)
    assert {r[0] for r in results} == {"ok"}
    assert len({r[1] for r in results}) == 1
    assert Order.objects.count() == 1


def test_two_approvers_at_once_one_wins(shop):
    ApprovalRuleFactory(condition="total_above", threshold=Decimal("1"))
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console", lines=[{"sku": "VALVE", "quantity": 1}])
    step = order.approvals.get()
    from tests.factories import StaffFactory

    approvers = [shop["manager"], StaffFactory(staff_role="sales_manager")]
    results = race(2, lambda i: approve_order(actor=approvers[i], order=order, approval_id=step.pk).status)
    assert sorted(r[0] for r in results) == ["ok", "refused"]
    assert "already decided" in next(r[1] for r in results if r[0] == "refused")
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED
    assert order.events.filter(kind=OrderEvent.Kind.APPROVAL).count() == 1


def test_cancel_and_approve_at_once_leave_a_consistent_order(shop):
    ApprovalRuleFactory(condition="total_above", threshold=Decimal("1"))
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console", lines=[{"sku": "VALVE", "quantity": 3}])

    def act(i):
        if i == 0:
            return approve_order(actor=shop["manager"], order=order).status
        return cancel_order(actor=shop["sales"], order=order, reason="duplicate").status

    results = race(2, act)
    assert all(r[0] in ("ok", "refused") for r in results), results
    order.refresh_from_db()
    from inventory.models import Stock
    from inventory.selectors import stock_drift

    reserved = Stock.objects.get(product=shop["products"]["VALVE"], warehouse=shop["sh"]).reserved
    assert (order.status, reserved) in ((Status.CANCELLED, 0), (Status.ALLOCATED, 3))
    assert stock_drift() == []


def test_orders_placed_at_once_cannot_together_pass_the_credit_limit(shop):
    """Each order is checked against the customer's open receivables; two at once must not
    both see the other's order as absent and both pass."""
    company = shop["company"]
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    one, _ = place_order(actor=shop["sales"], company=company, channel="console", lines=[{"sku": "VALVE", "quantity": 3}])
    cancel_order(actor=shop["sales"], order=one, reason="only to learn the price")
    company.credit_limit = one.total + Decimal("1")  # room for exactly one such order
    company.save()
    results = race(6, lambda i: place_order(actor=shop["sales"], company=company, channel="console",
                                            lines=[{"sku": "VALVE", "quantity": 3}])[0].pk)
    assert {r[0] for r in results} == {"ok"}, results
    placed = Order.objects.filter(pk__in=[r[1] for r in results])
    assert sorted(o.status for o in placed).count(Status.ALLOCATED) == 1
    held = [o for o in placed if o.status == Status.ON_HOLD]
    assert len(held) == 5 and all(o.hold_reasons[0]["code"] == "credit_limit" for o in held)




def test_an_order_waits_for_the_customers_uncommitted_order_before_confirming_credit(shop):
    """Two orders with nothing in common but the customer (different products, so different
    stock rows): only the lock on the customer's balance (review.confirm_credit) keeps the
    second from passing while the first is placed but not yet committed."""
    import threading

    from django.db import transaction

    company = shop["company"]
    for sku in ("VALVE", "TAPE"):
        shop["stock_of"](shop["products"][sku], shop["sh"], on_hand=1000)
    lines = [[{"sku": "VALVE", "quantity": 2}], [{"sku": "TAPE", "quantity": 100}]]  # 200.00 before tax each
    probe, _ = place_order(actor=shop["sales"], company=company, channel="console", lines=lines[0])
    cancel_order(actor=shop["sales"], order=probe, reason="only to learn the price")
    company.credit_limit = probe.total + Decimal("1")  # room for exactly one of them
    company.save()
    first_placed, second_done = threading.Event(), threading.Event()

    def act(i):
        if i == 0:
            with transaction.atomic():  # placed, then held open before commit
                order, _ = place_order(actor=shop["sales"], company=company, channel="console", lines=lines[0])
                first_placed.set()
                second_finished_meanwhile = second_done.wait(timeout=2)
            return "first", order.pk, second_finished_meanwhile
        first_placed.wait(timeout=30)
        order, _ = place_order(actor=shop["sales"], company=company, channel="console", lines=lines[1])
        second_done.set()
        return "second", order.pk, None

    results = race(2, act)
    assert {r[0] for r in results} == {"ok"}, results
    outcome = {role: (pk, flag) for role, pk, flag in (r[1] for r in results)}
    assert outcome["first"][1] is False  # the second order waited for the first one's commit
    first, second = Order.objects.get(pk=outcome["first"][0]), Order.objects.get(pk=outcome["second"][0])
    assert first.status == Status.ALLOCATED
    assert second.status == Status.ON_HOLD and second.hold_reasons[0]["code"] == "credit_limit"

def test_editing_an_order_while_the_customer_places_another_never_deadlocks(shop):
    """Editing releases the order's stock and reviews it again (credit); intake reviews
    (credit) and then reserves stock: both must take the customer's credit lock first."""
    from orders.services.changes import edit_order

    company = shop["company"]
    company.credit_limit = Decimal("1000000")
    company.save()
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=500)
    for round_no in range(4):
        order, _ = place_order(actor=shop["sales"], company=company, channel="console",
                               lines=[{"sku": "VALVE", "quantity": 2}])

        def act(i, order=order, round_no=round_no):
            if i == 0:
                return edit_order(actor=shop["sales"], order=order, lines=[{"sku": "VALVE", "quantity": 3}],
                                  reason="customer called").status
            return place_order(actor=shop["sales"], company=company, channel="console",
                               idempotency_key=f"edit-race-{round_no}-{i}", lines=[{"sku": "VALVE", "quantity": 1}])[0].status

        results = race(3, act)
        assert [r for r in results if r[0] == "error"] == [], results
    from inventory.selectors import stock_drift

    assert stock_drift() == []


def test_customer_balance_loses_no_change_under_concurrent_orders_and_cancels(shop):
    """Open receivables are a running balance (orders.CreditBalance) that every order's
    commit adds to: orders placed and cancelled from many threads at once must leave it
    equal to the sum over the open orders."""
    from orders.models import CreditBalance, CreditChange
    from orders.review import CREDIT_STATUSES

    company = shop["company"]
    company.credit_limit = Decimal("100000000")
    company.save()
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=1000)
    shop["stock_of"](shop["products"]["TAPE"], shop["gz"], on_hand=1000)

    def act(i):
        placed = [place_order(actor=shop["sales"], company=company, channel="console",
                              lines=[{"sku": "VALVE", "quantity": 1 + i}, {"sku": "TAPE", "quantity": 2}])[0] for _ in range(3)]
        cancel_order(actor=shop["sales"], order=placed[i % 3], reason="changed mind")
        return len(placed)

    results = race(8, act)
    assert results == [("ok", 3)] * 8, results
    open_orders = Order.objects.filter(company=company, is_paid=False, status__in=CREDIT_STATUSES)
    assert open_orders.count() == 16
    assert CreditBalance.objects.get(company_id=company.pk).amount == sum(o.total for o in open_orders)
    assert not CreditChange.objects.exists()



def test_a_long_transaction_placing_orders_does_not_hold_up_the_customers_other_changes(shop):
    """An import places all its orders in one transaction and so keeps the customer's credit
    lock until it ends. Meanwhile staff cancel one of that customer's orders, whose stock the
    import wants next: the cancellation must commit at once (its balance change folds in
    without waiting for the import), and the import then gets the stock — no deadlock."""
    import threading

    from django.db import transaction

    company = shop["company"]
    company.credit_limit = Decimal("1000000")
    company.save()
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=5)
    shop["stock_of"](shop["products"]["TAPE"], shop["sh"], on_hand=100)
    held, _ = place_order(actor=shop["sales"], company=company, channel="console", lines=[{"sku": "VALVE", "quantity": 5}])
    first_placed, cancelled = threading.Event(), threading.Event()

    def act(i):
        if i == 0:  # the import
            with transaction.atomic():
                place_order(actor=shop["sales"], company=company, channel="console", lines=[{"sku": "TAPE", "quantity": 1}])
                first_placed.set()
                cancelled_meanwhile = cancelled.wait(timeout=5)
                second, _ = place_order(actor=shop["sales"], company=company, channel="console",
                                        lines=[{"sku": "VALVE", "quantity": 5}])
            return "import", cancelled_meanwhile, second.status
        first_placed.wait(timeout=30)
        cancel_order(actor=shop["sales"], order=held, reason="customer changed their mind")
        cancelled.set()
        return "cancel", None, None

    results = race(2, act)
    assert [r for r in results if r[0] != "ok"] == [], results
    outcome = {role: rest for role, *rest in (r[1] for r in results)}
    assert outcome["import"] == [True, Status.ALLOCATED]
