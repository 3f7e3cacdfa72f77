"""The daily sales rollup equals the raw order lines after orders are placed, edited and
cancelled through the real services, after a rebuild, and under concurrent refreshes."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count, Sum
from django.utils import timezone

from orders.models import Order, OrderLine, Status
from orders.services.intake import place_order
from orders.services.workflow import cancel_order
from reports import rollup
from reports.handlers import affects_sales
from reports.models import DailyCustomerSales, DailySales
from reports.tests.factories import booked_order
from tests.concurrency import race
from tests.factories import CompanyFactory, ProductFactory, StaffFactory


def raw_sales():
    """Booked sales per (company, product, currency) straight from the order lines."""
    rows = (OrderLine.objects.exclude(order__status__in=[Status.DRAFT, Status.CANCELLED])
            .values("order__company_id", "product_id", "order__currency")
            .annotate(q=Sum("quantity"), net=Sum("net_amount"), tax=Sum("tax_amount"), gross=Sum("total_amount"),
                      lines=Count("id")))
    return {(r["order__company_id"], r["product_id"], r["order__currency"]): (r["q"], r["net"], r["tax"], r["gross"],
                                                                              r["lines"]) for r in rows}


def rolled_up():
    """DailySales per (company, product, currency) - after checking that DailyCustomerSales holds
    the same sums per (company, currency), and each booked order once."""
    rows = (DailySales.objects.values("company_id", "product_id", "currency")
            .annotate(q=Sum("quantity"), net=Sum("net_amount"), tax=Sum("tax_amount"), gross=Sum("gross_amount"),
                      lines=Sum("lines")))
    out = {(r["company_id"], r["product_id"], r["currency"]): (r["q"], r["net"], r["tax"], r["gross"], r["lines"])
           for r in rows}
    per_customer = {}
    for (company, _product, currency), figures in out.items():
        acc = per_customer.setdefault((company, currency), [0, Decimal(0), Decimal(0), Decimal(0), 0])
        for i, value in enumerate(figures):
            acc[i] += value
    customer_rows = (DailyCustomerSales.objects.values("company_id", "currency")
                     .annotate(q=Sum("quantity"), net=Sum("net_amount"), tax=Sum("tax_amount"),
                               gross=Sum("gross_amount"), lines=Sum("lines"), orders=Sum("orders")))
    assert {(r["company_id"], r["currency"]): [r["q"], r["net"], r["tax"], r["gross"], r["lines"]]
            for r in customer_rows} == per_customer
    booked = Order.objects.exclude(status__in=[Status.DRAFT, Status.CANCELLED]).filter(lines__isnull=False).distinct()
    assert sum(r["orders"] for r in customer_rows) == booked.count()
    return out


@pytest.mark.django_db
def test_placing_and_cancelling_orders_through_the_services_keeps_the_rollup_equal_to_the_lines(
        shop, django_capture_on_commit_callbacks):
    for sku in ("VALVE", "PIPE"):
        shop["stock_of"](shop["products"][sku], shop["sh"], on_hand=500)
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                               lines=[{"sku": "VALVE", "quantity": 2}, {"sku": "PIPE", "quantity": 10}])
    with django_capture_on_commit_callbacks(execute=True):
        second, _ = place_order(actor=shop["sales"], company=shop["company"], channel="portal",
                                lines=[{"sku": "VALVE", "quantity": 3}])
    today = rollup.sales_day(first.created_at)
    valve = DailySales.objects.get(day=today, product=shop["products"]["VALVE"], channel="console")
    # Gold price list: VALVE 100.00, 13 % tax.
    assert (valve.quantity, valve.net_amount, valve.tax_amount, valve.gross_amount) == (
        2, Decimal("200.00"), Decimal("26.00"), Decimal("226.00"))
    assert rolled_up() == raw_sales()
    assert DailyCustomerSales.objects.aggregate(n=Sum("orders"))["n"] == 2

    with django_capture_on_commit_callbacks(execute=True):
        cancel_order(actor=shop["manager"], order=first, reason="customer changed their mind")
    assert rolled_up() == raw_sales()
    assert list(DailySales.objects.values_list("channel", "quantity", "net_amount")) == [
        ("portal", 3, Decimal("300.00"))]


def test_only_status_changes_that_can_change_booked_sales_trigger_a_refresh():
    assert affects_sales("draft", "submitted")
    assert affects_sales("approved", "cancelled")
    assert affects_sales("allocated", "submitted")  # an edit sends the order back through review
    assert not affects_sales("picking", "packed")
    assert not affects_sales("shipped", "delivered")


@pytest.mark.django_db
def test_a_rebuild_repairs_a_rollup_that_missed_events_and_drops_cancelled_orders():
    company, product = CompanyFactory(region="north"), ProductFactory()
    day = date(2026, 3, 10)
    booked_order(company=company, day=day, lines=[(product, 4, "12.50")])
    cancelled = booked_order(company=company, day=day, lines=[(product, 1, "99.00")])
    rollup.rebuild_range(day, day)
    assert rolled_up() == raw_sales()
    cancelled.status = Status.CANCELLED  # changed behind the services' back: no event
    cancelled.save(update_fields=["status"])
    DailySales.objects.filter(day=day).update(net_amount=Decimal("1.00"))
    call_command("rebuild_sales_rollup", "--from", "2026-03-09", "--to", "2026-03-11", verbosity=0)
    row = DailySales.objects.get()
    assert (row.quantity, row.net_amount, row.tax_amount, row.gross_amount, row.orders) == (
        4, Decimal("50.00"), Decimal("6.50"), Decimal("56.50"), 1)


@pytest.mark.django_db
def test_an_order_counts_on_its_creation_day_in_the_project_time_zone():
    company, product = CompanyFactory(region="east"), ProductFactory()
    # 2026-03-10 23:30 in Shanghai is 15:30 UTC: it counts on the 10th, not the 11th.
    from datetime import datetime, timezone as dt_tz
    booked_order(company=company, day=None, lines=[(product, 1, "10.00")],
                 created_at=datetime(2026, 3, 10, 15, 30, tzinfo=dt_tz.utc))
    booked_order(company=company, day=None, lines=[(product, 1, "20.00")],
                 created_at=datetime(2026, 3, 10, 16, 30, tzinfo=dt_tz.utc))  # 00:30 on the 11th
    rollup.rebuild_range(date(2026, 3, 9), date(2026, 3, 12))
    assert dict(DailySales.objects.values_list("day", "net_amount")) == {
        date(2026, 3, 10): Decimal("10.00"), date(2026, 3, 11): Decimal("20.00")}


@pytest.mark.django_db
def test_the_sales_rep_of_a_day_stays_when_the_customer_is_reassigned():
    alice, bob = StaffFactory(staff_role="sales"), StaffFactory(staff_role="sales")
    company, product = CompanyFactory(region="east", sales_rep=alice), ProductFactory()
    day = date(2026, 4, 1)
    booked_order(company=company, day=day, lines=[(product, 1, "10.00")])
    rollup.recompute_day(day=day, company_id=company.pk)
    company.sales_rep = bob
    company.save(update_fields=["sales_rep"])
    booked_order(company=company, day=day, lines=[(product, 2, "10.00")])
    rollup.recompute_day(day=day, company_id=company.pk)
    booked_order(company=company, day=day + timedelta(days=1), lines=[(product, 5, "10.00")])
    rollup.rebuild_range(day, day + timedelta(days=1))
    assert dict(DailySales.objects.values_list("day", "sales_rep_id")) == {day: alice.pk, day + timedelta(days=1): bob.pk}
    assert DailySales.objects.get(day=day).net_amount == Decimal("30.00")


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_the_same_day_and_customer_never_double_count():
    company, products = CompanyFactory(region="east"), [ProductFactory() for _ in range(3)]
    day = timezone.localdate()
    orders = [booked_order(company=company, day=day, lines=[(products[i % 3], 1 + i, "10.00")]) for i in range(8)]
    results = race(8, lambda i: rollup.refresh_for_order(orders[i].pk))
    assert all(kind == "ok" for kind, _ in results), results
    assert rolled_up() == raw_sales()
    assert DailyCustomerSales.objects.aggregate(n=Sum("orders"))["n"] == 8
    # And a rebuild racing the refreshes.
    results = race(4, lambda i: rollup.rebuild_day(day) if i == 0 else rollup.refresh_for_order(orders[i].pk))
    assert all(kind == "ok" for kind, _ in results), results
    assert rolled_up() == raw_sales()


@pytest.mark.django_db
def test_editing_an_orders_lines_through_the_service_updates_the_rollup(shop, django_capture_on_commit_callbacks):
    from orders.services.changes import edit_order

    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=500)
    shop["stock_of"](shop["products"]["TAPE"], shop["sh"], on_hand=500)
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                               lines=[{"sku": "VALVE", "quantity": 2}])
    with django_capture_on_commit_callbacks(execute=True):
        edit_order(actor=shop["sales"], order=order, lines=[{"sku": "TAPE", "quantity": 7}], reason="wrong item")
    assert rolled_up() == raw_sales()
    assert list(DailySales.objects.values_list("product__sku", "quantity", "net_amount", "gross_amount")) == [
        ("TAPE", 7, Decimal("14.00"), Decimal("15.82"))]


@pytest.mark.django_db
def test_a_burst_of_events_for_one_order_queues_one_refresh(monkeypatch):
    from reports import tasks_rollup

    queued = []
    monkeypatch.setattr(tasks_rollup.refresh_sales_rollup, "delay", lambda order_id: queued.append(order_id))
    assert [tasks_rollup.queue_refresh(42) for _ in range(3)] == [True, False, False]
    assert queued == [42]
    tasks_rollup.cache.delete(tasks_rollup._key("order", 42))


@pytest.mark.django_db
def test_placing_an_order_asks_once_for_its_days_recompute(shop, monkeypatch, django_capture_on_commit_callbacks):
    """Intake moves the order through submitted, approved and allocated in one transaction:
    the rollup's (day, customer) is asked for once, straight from the event (no order lookup)."""
    from reports import handlers

    asked = []
    monkeypatch.setattr(handlers, "queue_recompute", lambda day, company_id: asked.append((day, company_id)))
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=50)
    with django_capture_on_commit_callbacks(execute=True):
        order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                               lines=[{"sku": "VALVE", "quantity": 2}])
    assert order.status == Status.ALLOCATED
    assert asked == [(rollup.sales_day(order.created_at), shop["company"].pk)]


@pytest.mark.django_db
def test_the_nightly_task_and_the_command_rebuild_recent_days():
    from reports.tasks_rollup import rebuild_sales_rollup

    company, product = CompanyFactory(region="east"), ProductFactory()
    today = timezone.localdate()
    booked_order(company=company, day=today, lines=[(product, 2, "5.55")])
    booked_order(company=company, day=today - timedelta(days=3), lines=[(product, 1, "1.00")])
    booked_order(company=company, day=today - timedelta(days=30), lines=[(product, 1, "9.00")])
    assert rebuild_sales_rollup.delay(days=7).get() == {"days": 7, "rows": 2}
    assert sorted(DailySales.objects.values_list("net_amount", flat=True)) == [Decimal("1.00"), Decimal("11.10")]
    call_command("rebuild_sales_rollup", verbosity=0)  # everything since the first order
    assert rolled_up() == raw_sales()


@pytest.mark.worker
def test_a_real_worker_refreshes_the_rollup_after_an_order_is_placed(worker, shop):
    import time

    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="api",
                           lines=[{"sku": "VALVE", "quantity": 4}])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not DailySales.objects.exists():
        assert worker["proc"].poll() is None, worker["proc"].stdout.read()
        time.sleep(0.3)
    assert list(DailySales.objects.values_list("day", "channel", "quantity", "net_amount")) == [
        (rollup.sales_day(order.created_at), "api", 4, Decimal("400.00"))]


@pytest.mark.django_db(transaction=True)
def test_orders_placed_at_once_for_one_customer_are_each_counted_once(shop):
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=1000)
    shop["stock_of"](shop["products"]["TAPE"], shop["sh"], on_hand=1000)

    def place(i):
        order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="portal",
                               lines=[{"sku": "VALVE", "quantity": 1 + i}, {"sku": "TAPE", "quantity": 2}])
        return order.pk

    results = race(6, place)
    assert [kind for kind, _ in results] == ["ok"] * 6, results
    assert rolled_up() == raw_sales()  # each order's events refreshed the same (day, customer) concurrently
    valve = DailySales.objects.get(product=shop["products"]["VALVE"])
    assert (valve.quantity, valve.net_amount, valve.orders) == (21, Decimal("2100.00"), 6)
