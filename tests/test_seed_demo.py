from datetime import timedelta
from decimal import Decimal
from importlib import import_module

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from customers.models import Address, Company, Contact, DealerAccount, PriceList, PriceListItem
from inventory.models import Category, Product, Stock, StockMovement, Supplier, Warehouse
from inventory.selectors import stock_drift
from inventory.services.replenishment import low_stock
from oms.permissions import StaffRole
from orders.models import Order, OrderLine, Shipment
from payments.models import Invoice
from reports.forms import parse_params
from reports.models import DailySales
from reports.registry import get_report

MODELS = [Warehouse, Category, Supplier, Stock, StockMovement, Product, PriceList, PriceListItem, Company, Contact, Address, DealerAccount, get_user_model()]


def counts():
    return {m.__name__: m.objects.count() for m in MODELS}


# transaction=True: the history relies on what runs after each commit, as in a real run
# (invoices issued when an order ships, the rollup refreshes).
@pytest.mark.django_db(transaction=True)
def test_seed_demo_is_idempotent_and_looks_like_a_real_distributor():
    # the full two years of history, at a lower volume to keep the test quick
    call_command("seed_demo", verbosity=0, orders_per_month=2)
    first = counts()
    orders = Order.objects.count()
    call_command("seed_demo", verbosity=0)
    assert counts() == first
    assert Order.objects.count() == orders  # a second run creates no orders

    assert first["Product"] >= 200
    assert first["Warehouse"] >= 3
    assert first["Company"] >= 24
    assert Company.objects.values("region").distinct().count() >= 5
    assert Company.objects.values("tier").distinct().count() >= 3
    roles = set(get_user_model().objects.exclude(staff_role="").values_list("staff_role", flat=True))
    assert roles == set(StaffRole)
    # every company can be shipped to and has a portal user
    assert not Company.objects.filter(addresses__isnull=True).exists()
    assert DealerAccount.objects.values("company").distinct().count() == first["Company"]
    # volume breaks exist and go down with quantity
    item = PriceListItem.objects.filter(min_quantity=200).select_related("product", "price_list").first()
    base = PriceListItem.objects.get(price_list=item.price_list, product=item.product, min_quantity=1)
    assert item.unit_price < base.unit_price
    # stock in every warehouse, explained by the ledger, some of it low
    assert first["Stock"] == first["Product"] * first["Warehouse"]
    assert stock_drift() == []
    assert 0 < low_stock().count() < first["Stock"] // 4
    assert not Product.objects.filter(supplier__isnull=True).exists()
    # every product validates, barcodes included
    for product in Product.objects.all()[:50]:
        product.full_clean()
    assert_history_feeds_the_reports()


def test_demo_logins_work(client, db):
    call_command("seed_demo", verbosity=0, history_months=0)
    from oms.management.commands.seed_demo import DEMO_PASSWORD

    for username, surface in (("manager", "console"), ("dealer", "portal"), ("finance", "console")):
        client.post(f"/{surface}/login/", {"username": username, "password": DEMO_PASSWORD})
        assert client.get(f"/{surface}/").status_code == 200, username
        client.post(f"/{surface}/logout/")


def assert_history_feeds_the_reports():
    """Two years of past orders: the period report, the rollups, fulfilment and invoicing
    figures and the Holt-Winters forecast all have something to show."""
    import_module("reports.definitions")  # registers the reports
    today = timezone.localdate()

    params = parse_params({"date_from": (today - timedelta(days=800)).isoformat(), "date_to": today.isoformat()})
    result = get_report("sales-by-period").compute(params, lambda p: None)
    months = {row["period"] for section in result.sections for row in section.rows if row["net"]}
    assert len(months) >= 20

    booked = OrderLine.objects.exclude(order__status__in=["draft", "cancelled"])
    assert DailySales.objects.aggregate(s=Sum("net_amount"))["s"] == booked.aggregate(s=Sum("net_amount"))["s"]
    assert DailySales.objects.aggregate(s=Sum("quantity"))["s"] == booked.aggregate(s=Sum("quantity"))["s"]

    # the history went through fulfilment and invoicing, dated in the past
    old = Order.objects.filter(created_at__lt=timezone.now() - timedelta(days=365))
    assert old.filter(status="completed").count() >= old.count() * 0.8
    shipped = Shipment.objects.filter(order__in=old, delivered_at__isnull=False)
    assert shipped.exists()
    assert all(s.order.created_at < s.shipped_at < s.delivered_at < timezone.now() for s in shipped.select_related("order")[:50])
    invoices = Invoice.objects.filter(order__in=old)
    assert invoices.filter(status="paid").exists()
    assert invoices.filter(issue_date__lt=today - timedelta(days=365)).exists()
    assert all(inv.number.startswith(f"INV-{inv.issue_date.year}-") for inv in Invoice.objects.all())
    overdue = Invoice.objects.filter(status__in=["open", "partially_paid"], due_date__lt=today)
    assert overdue.exists()
    assert Invoice.objects.aggregate(s=Sum("total"))["s"] > Decimal(0)

    forecast_params = parse_params({})
    forecast_params["top_n"] = 8
    forecast = get_report("demand-forecast").compute(forecast_params, lambda p: None)
    rows = next(s for s in forecast.sections if s.key == "forecast").rows
    assert any(row["method"] == "Holt-Winters" for row in rows)
