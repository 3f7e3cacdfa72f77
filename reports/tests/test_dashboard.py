"""The console dashboard: figures from fixtures, each a link to the list behind it, a bounded
number of queries, and only the blocks the user's role may see."""

import xml.etree.ElementTree as ET
from datetime import datetime, time, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from reports.queries import dashboard as q
from tests.factories import CompanyFactory, InvoiceFactory, OrderFactory, ProductFactory, WarehouseFactory, stock_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def at(day, hour=10):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def month_back(day, back):
    index = day.year * 12 + day.month - 1 - back
    return day.replace(year=index // 12, month=index % 12 + 1, day=1)


@pytest.fixture
def figures(db):
    today = timezone.localdate()
    company = CompanyFactory()
    # Today: two booked CNY orders, one USD, a draft and a cancelled one (not counted).
    OrderFactory(company=company, status="submitted", total=Decimal("100.10"), created_at=at(today))
    OrderFactory(company=company, status="shipped", total=Decimal("250.25"), created_at=at(today, 0))
    OrderFactory(company=company, status="allocated", currency="USD", total=Decimal("40.00"), created_at=at(today))
    OrderFactory(company=company, status="draft", total=Decimal("999.00"), created_at=at(today))
    OrderFactory(company=company, status="cancelled", total=Decimal("888.00"), created_at=at(today))
    # Yesterday and earlier months: in the chart, not in today's figures.
    OrderFactory(company=company, status="completed", total=Decimal("1000.00"), created_at=at(today - timedelta(days=1), 23))
    three_back = month_back(today, 3)
    OrderFactory(company=company, status="completed", total=Decimal("500.00"), created_at=at(three_back))
    OrderFactory(company=company, status="completed", total=Decimal("70.50"), created_at=at(three_back + timedelta(days=2)))
    OrderFactory(company=company, status="cancelled", total=Decimal("123.00"), created_at=at(three_back))
    # Thirteen months ago: outside the chart.
    OrderFactory(company=company, status="completed", total=Decimal("7777.00"), created_at=at(month_back(today, 12)))
    # Receivables: two overdue CNY (one partly paid), one overdue USD, one not yet due, one paid.
    InvoiceFactory(company=company, total=Decimal("300.00"), issue_date=today - timedelta(days=40),
                   due_date=today - timedelta(days=10))
    InvoiceFactory(company=company, total=Decimal("200.00"), amount_paid=Decimal("50.00"), status="partially_paid",
                   issue_date=today - timedelta(days=40), due_date=today - timedelta(days=1))
    InvoiceFactory(company=company, total=Decimal("80.00"), currency="USD", issue_date=today - timedelta(days=40),
                   due_date=today - timedelta(days=5))
    InvoiceFactory(company=company, total=Decimal("900.00"), due_date=today + timedelta(days=5))
    InvoiceFactory(company=company, total=Decimal("400.00"), amount_paid=Decimal("400.00"), status="paid",
                   issue_date=today - timedelta(days=40), due_date=today - timedelta(days=10))
    # Stock: one row at its reorder point, one above, one without a reorder point.
    wh = WarehouseFactory(code="DASH")
    low, fine, untracked = ProductFactory(), ProductFactory(), ProductFactory()
    stock_of(low, wh, on_hand=5, reorder_point=5)
    stock_of(fine, wh, on_hand=50, reorder_point=5)
    stock_of(untracked, wh, on_hand=0)
    return {"today": today, "three_back": three_back}


def test_figures_match_the_fixtures(figures):
    today = q.orders_today()
    assert today["count"] == 3
    assert today["revenue"] == [("CNY", Decimal("350.35")), ("USD", Decimal("40.00"))]

    receivables = q.overdue_receivables()
    assert receivables["count"] == 3
    assert receivables["amounts"] == [("CNY", Decimal("450.00")), ("USD", Decimal("80.00"))]

    assert q.low_stock_count() == 1

    months = q.monthly_revenue()
    assert months["currencies"] == ["CNY", "USD"]
    rows = months["rows"]
    assert len(rows) == 12
    assert rows[-1]["month_start"] == figures["today"].replace(day=1)
    by_month = {r["month_start"]: r for r in rows}
    assert by_month[figures["three_back"]]["CNY"] == Decimal("570.50")
    yesterday = figures["today"] - timedelta(days=1)
    current = rows[-1]["CNY"]
    expected_current = Decimal("350.35") + (Decimal("1000.00") if yesterday.month == figures["today"].month else 0)
    assert current == expected_current
    assert sum(r["CNY"] for r in rows) == Decimal("350.35") + Decimal("1000.00") + Decimal("570.50")
    assert sum(r["USD"] for r in rows) == Decimal("40.00")


def test_manager_sees_every_figure_each_linking_to_its_list(client, staff_user, figures):
    client.force_login(staff_user("manager"))
    response = client.get(reverse("console:home"))
    html = response.content.decode()
    order_list = reverse("console:order_list")

    today_url = response.context["today"]["url"]
    parts = urlsplit(today_url)
    params = parse_qs(parts.query)
    assert parts.path == order_list
    assert params["created_from"] == params["created_to"] == [figures["today"].isoformat()]
    assert "draft" not in params["status"] and "cancelled" not in params["status"] and "submitted" in params["status"]
    escaped_today = today_url.replace("&", "&amp;")
    assert f'data-figure="orders_today"><a href="{escaped_today}">3</a>' in html
    assert "¥350.35" in html

    assert f'href="{reverse("console:low_stock")}">1</a>' in html
    assert f'href="{reverse("console:invoice_list")}?overdue=on"' in html
    assert "¥450.00" in html and "$80.00" in html
    assert reverse("console:ar_aging") in html
    assert f'href="{order_list}?overdue=true"' in html  # SLA breaches
    assert reverse("console:sla_board") in html

    # The revenue chart: inline SVG, one bar per month and currency with an amount.
    svg = str(response.context["revenue_months"]["svg"])
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert svg in html
    assert "570.5" in svg
    # Each month of the table links to that month's orders.
    month = figures["three_back"].strftime("%Y-%m")
    assert f'data-month="{month}"><td><a href="{order_list}?created_from={figures["three_back"].isoformat()}' in html


def test_the_invoice_link_really_filters_overdue(client, staff_user, figures):
    client.force_login(staff_user("finance"))
    page = client.get(reverse("console:invoice_list") + "?overdue=on")
    assert page.status_code == 200
    assert page.context["form"].cleaned_data["overdue"] is True


@pytest.mark.parametrize("role,shown,hidden", [
    ("sales", {"orders", "low_stock"}, {"today", "revenue_months", "receivables"}),
    ("warehouse", {"orders", "low_stock"}, {"today", "revenue_months", "receivables"}),
    ("finance", {"orders", "today", "revenue_months", "receivables"}, {"low_stock"}),
    ("sales_manager", {"orders", "today", "revenue_months", "low_stock"}, {"receivables"}),
    ("manager", {"orders", "today", "revenue_months", "low_stock", "receivables"}, set()),
])
def test_roles_see_only_their_blocks(client, staff_user, figures, role, shown, hidden):
    client.force_login(staff_user(role))
    response = client.get(reverse("console:home"))
    assert response.status_code == 200
    html = response.content.decode()
    for key in shown:
        assert key in response.context, key
    for key in hidden:
        assert key not in response.context, key
    assert ('data-figure="orders_today"' in html) is ("today" in shown)
    assert ("<svg" in html) is ("revenue_months" in shown)
    assert ('data-figure="receivables_count"' in html) is ("receivables" in shown)
    assert ('data-figure="low_stock"' in html) is ("low_stock" in shown)


def test_query_count_does_not_grow_with_the_data(client, staff_user, django_assert_max_num_queries, figures):
    user = staff_user("admin")
    client.force_login(user)
    client.get(reverse("console:home"))  # warm the session and auth
    cache.clear()
    with django_assert_max_num_queries(25) as few:
        assert client.get(reverse("console:home")).status_code == 200
    company = CompanyFactory()
    today = timezone.localdate()
    for back in range(12):
        for status in ("submitted", "completed", "cancelled"):
            OrderFactory(company=company, status=status, total=Decimal("10"), currency="EUR",
                         created_at=at(month_back(today, back)))
        InvoiceFactory(company=company, total=Decimal("5"), issue_date=today - timedelta(days=60),
                       due_date=today - timedelta(days=back + 1))
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("console:home"))
    assert response.context["revenue_months"]["currencies"] == ["CNY", "EUR", "USD"]


def test_revenue_chart_is_cached_between_views(client, staff_user, figures, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def month_queries():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("console:home"))
        return [x for x in ctx.captured_queries if "DATE_TRUNC" in x["sql"].upper()]

    client.force_login(staff_user("manager"))
    assert len(month_queries()) == 2  # closed months, then this month
    assert month_queries() == []  # served from the cache for the next minute


def test_a_change_to_a_past_order_refreshes_its_month(figures):
    from orders.models import Order

    before = q.monthly_revenue()
    month = figures["three_back"]
    assert {r["month_start"]: r for r in before["rows"]}[month]["CNY"] == Decimal("570.50")
    order = Order.objects.get(total=Decimal("500.00"))
    Order.objects.filter(pk=order.pk).update(status="cancelled")
    # Cached: the change is not seen until the order's status event arrives.
    assert {r["month_start"]: r for r in q.monthly_revenue()["rows"]}[month]["CNY"] == Decimal("570.50")
    q.forget_revenue_month({"order_id": order.pk, "from_status": "completed", "to_status": "cancelled"})
    after = {r["month_start"]: r for r in q.monthly_revenue()["rows"]}
    assert after[month]["CNY"] == Decimal("70.50")


def test_the_status_event_handler_is_subscribed():
    from oms.events import _subscribers

    assert q.forget_revenue_month in _subscribers["order.status_changed"]


def test_the_links_open_lists_with_the_same_figures(client, staff_user, figures):
    client.force_login(staff_user("manager"))
    dashboard = client.get(reverse("console:home")).context
    listed = client.get(dashboard["today"]["url"]).context["page"].items
    assert sorted(o["total"] for o in listed) == [Decimal("40.00"), Decimal("100.10"), Decimal("250.25")]
    month = {r["month_start"]: r for r in dashboard["revenue_months"]["rows"]}[figures["three_back"]]
    listed = client.get(month["url"]).context["page"].items
    assert sum(o["total"] for o in listed) == month["CNY"] == Decimal("570.50")
    invoices = client.get(reverse("console:invoice_list") + "?overdue=on").context["page"].items
    assert len(invoices) == dashboard["receivables"]["count"] == 3
    low = client.get(reverse("console:low_stock")).context["page"].items
    assert len(low) == dashboard["low_stock"] == 1
