"""The SLA board: per status with a target, the orders overdue in it with how late they are and
who is responsible; orders within their target are not listed; the page costs the same
queries whatever the number of overdue orders."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from oms.permissions import StaffRole
from tests.factories import CompanyFactory, OrderFactory, SlaTargetFactory

pytestmark = pytest.mark.django_db
URL = reverse("console:sla_board")


def ago(**kw):
    return timezone.now() - timedelta(**kw)


def section(html, status):
    """The board's section for one status."""
    return html.split(f'id="sla-{status}"')[1].split("</section>")[0]


@pytest.fixture
def targets(db):
    return {
        "pending_approval": SlaTargetFactory(status="pending_approval", hours=8,
                                             responsible_role=StaffRole.SALES_MANAGER),
        "allocated": SlaTargetFactory(status="allocated", hours=24, responsible_role=StaffRole.WAREHOUSE),
    }


def test_overdue_orders_are_listed_under_their_status_with_how_late(client, staff_user, targets):
    acme = CompanyFactory(name="Acme Plumbing")
    # 8 h target + 3 h 20 min (and a few seconds, so the minutes do not tick over during the test)
    approval_late = OrderFactory(company=acme, status="pending_approval",
                                 status_changed_at=ago(hours=11, minutes=20, seconds=20))
    # 24 h target + 2 days 5 hours
    allocated_late = OrderFactory(status="allocated", status_changed_at=ago(days=3, hours=5, minutes=10))
    within = OrderFactory(status="pending_approval", status_changed_at=ago(hours=7))
    no_target = OrderFactory(status="on_hold", status_changed_at=ago(days=30))
    done = OrderFactory(status="completed", status_changed_at=ago(days=30))
    client.force_login(staff_user("finance"))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()

    approvals = section(html, "pending_approval")
    assert approval_late.number in approvals and allocated_late.number not in approvals
    assert reverse("console:order_detail", args=[approval_late.pk]) in approvals
    assert "Acme Plumbing" in approvals
    assert "3 h 20 min late" in approvals
    assert "target 8 h · Sales manager" in approvals and 'data-count="1"' in approvals

    allocated = section(html, "allocated")
    assert allocated_late.number in allocated and "2 d 5 h late" in allocated
    assert "target 24 h · Warehouse" in allocated

    for order in (within, no_target, done):
        assert order.number not in html
    assert response.context["overdue"] == 2
    assert [(g["target"].status, g["count"], g["capped"]) for g in response.context["groups"]] == [
        ("pending_approval", 1, False), ("allocated", 1, False)]  # workflow order


def test_newest_overdue_first_and_capped(client, staff_user, targets):
    oldest = OrderFactory(status="allocated", status_changed_at=ago(days=20))
    for hours in range(50):
        OrderFactory(status="allocated", status_changed_at=ago(hours=30 + hours))
    newest = OrderFactory(status="allocated", status_changed_at=ago(hours=25))
    client.force_login(staff_user("sales"))
    response = client.get(URL)
    group = next(g for g in response.context["groups"] if g["target"].status == "allocated")
    assert group["count"] == 52 and group["capped"] and len(group["orders"]) == 50
    assert group["orders"][0] == newest
    assert oldest not in group["orders"]
    html = section(response.content.decode(), "allocated")
    assert "Showing the 50 most recently overdue of 52." in html
    assert f'{reverse("console:order_list")}?status=allocated&amp;overdue=true' in html
    assert "Nothing overdue." in section(response.content.decode(), "pending_approval")


def test_the_board_costs_the_same_queries_for_3_or_30_overdue_orders(client, staff_user, targets):
    client.force_login(staff_user("warehouse"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(URL).status_code == 200
        return len(ctx.captured_queries)

    for status in ("pending_approval", "allocated", "allocated"):
        OrderFactory(status=status, status_changed_at=ago(days=2))
    few = count()
    for i in range(27):
        OrderFactory(status=("pending_approval", "allocated")[i % 2], status_changed_at=ago(days=2, hours=i),
                     company=CompanyFactory())
    assert count() == few


def test_the_board_is_in_the_orders_menu_and_on_the_dashboard(client, staff_user, targets):
    client.force_login(staff_user("warehouse"))
    html = client.get(reverse("console:home")).content.decode()
    nav = html.split('class="sidebar"')[1].split("</nav>")[0]
    assert f'href="{URL}"' in nav
    assert f'href="{URL}"' in html.split('data-figure="orders_overdue"')[1]


def test_without_targets_the_board_says_so(client, staff_user):
    client.force_login(staff_user("sales"))
    html = client.get(URL).content.decode()
    assert "No SLA targets are set" in html


def test_dealers_and_anonymous_cannot_open_the_board(client, dealer):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response.url
    client.force_login(dealer())
    assert client.get(URL).status_code == 403
