"""Fulfilment reports against hand-computed fixtures: lead time percentiles, on-time rate, SLA breaches."""

import importlib
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from reports.registry import get_report
from orders.models import OrderEvent
from tests.factories import CompanyFactory, OrderFactory, ShipmentFactory, SlaTargetFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

importlib.import_module("reports.definitions")  # registers every report

OCT = {"date_from": date(2026, 10, 1), "date_to": date(2026, 10, 31)}


def at(d: date, hour=0, minute=0):
    return datetime.combine(d, time(hour, minute), tzinfo=timezone.get_current_timezone())


def run(slug, **params):
    full = {"warehouse": None, "customer": None, "region": "", "channel": "", **params}
    return get_report(slug).compute(full, lambda pct: None)


def sections(result):
    return {s.key: s for s in result.sections}


def by(rows, key):
    return {r[key]: r for r in rows}


def shipped(order, wh, when, **kw):
    return ShipmentFactory(order=order, warehouse=wh, status="shipped", shipped_at=when, **kw)


@pytest.fixture
def lead():
    wa, wb = WarehouseFactory(code="WA"), WarehouseFactory(code="WB")
    o1 = OrderFactory(created_at=at(date(2026, 10, 1), 8), status="shipped")
    shipped(o1, wa, at(date(2026, 10, 1), 18))                    # 10 h
    shipped(o1, wb, at(date(2026, 10, 3)))                        # a later shipment: not the first
    shipped(OrderFactory(created_at=at(date(2026, 10, 2))), wa, at(date(2026, 10, 2), 20))   # 20 h
    shipped(OrderFactory(created_at=at(date(2026, 9, 30), 18)), wb, at(date(2026, 10, 2)))   # 30 h
    shipped(OrderFactory(created_at=at(date(2026, 10, 20)), channel="portal"), wb, at(date(2026, 10, 24), 4))  # 100 h
    ShipmentFactory(order=OrderFactory(created_at=at(date(2026, 10, 25))), warehouse=wa)      # not shipped yet
    o6 = OrderFactory(created_at=at(date(2026, 9, 1)))
    shipped(o6, wa, at(date(2026, 9, 30), 10))                    # first shipment in September: 706 h
    shipped(o6, wb, at(date(2026, 10, 5)))
    shipped(OrderFactory(created_at=at(date(2026, 10, 30))), wa, at(date(2026, 11, 1), 0, 30))  # November locally
    return {"wa": wa, "wb": wb}


def test_lead_time_average_median_and_p90_by_warehouse(lead):
    result = sections(run("fulfilment-lead-time", **OCT))
    total = result["by_warehouse"].totals
    # leads 10, 20, 30, 100 h: mean 40, median 25, p90 = 30 + 0.7 × 70 = 79
    assert (total["orders"], total["avg_hours"], total["p50_hours"], total["p90_hours"], total["min_hours"],
            total["max_hours"]) == (4, Decimal("40.00"), Decimal("25.00"), Decimal("79.00"), Decimal("10.00"),
                                    Decimal("100.00"))
    wh = by(result["by_warehouse"].rows, "warehouse")
    assert (wh["WA"]["orders"], wh["WA"]["avg_hours"], wh["WA"]["p90_hours"]) == (2, Decimal("15.00"), Decimal("19.00"))
    assert (wh["WB"]["avg_hours"], wh["WB"]["p50_hours"], wh["WB"]["p90_hours"]) == (
        Decimal("65.00"), Decimal("65.00"), Decimal("93.00"))
    assert [r["month"] for r in result["by_month"].rows] == ["2026-10"]

    both = sections(run("fulfilment-lead-time", date_from=date(2026, 9, 1), date_to=date(2026, 10, 31)))
    months = by(both["by_month"].rows, "month")
    assert (months["2026-09"]["orders"], months["2026-09"]["avg_hours"]) == (1, Decimal("706.00"))
    assert months["2026-10"]["orders"] == 4
    only_wb = sections(run("fulfilment-lead-time", warehouse=lead["wb"].pk, **OCT))
    assert only_wb["by_warehouse"].totals["avg_hours"] == Decimal("65.00")
    portal = sections(run("fulfilment-lead-time", channel="portal", **OCT))
    assert portal["by_warehouse"].totals["orders"] == 1 and portal["by_warehouse"].totals["p90_hours"] == Decimal("100.00")


def test_on_time_rate_by_carrier_and_month():
    wh = WarehouseFactory()

    def delivered(carrier, promised, when):
        order = OrderFactory(promised_date=promised, status="delivered")
        return ShipmentFactory(order=order, warehouse=wh, carrier=carrier, status="delivered",
                               shipped_at=when - timedelta(days=1), delivered_at=when)

    delivered("SF Express", date(2026, 10, 10), at(date(2026, 10, 10), 23, 30))  # on the day: on time
    delivered("SF Express", date(2026, 10, 10), at(date(2026, 10, 11), 0, 30))   # next day locally: late
    delivered("SF Express", None, at(date(2026, 10, 12)))                         # no promise: not rated
    delivered("JD Logistics", date(2026, 10, 20), at(date(2026, 10, 15)))         # early
    delivered("JD Logistics", date(2026, 11, 5), at(date(2026, 11, 2)))           # after the period
    result = sections(run("fulfilment-on-time", **OCT))
    carriers = by(result["by_carrier"].rows, "carrier")
    sf = carriers["SF Express"]
    assert (sf["delivered"], sf["with_promise"], sf["on_time"], sf["late"], sf["rate"]) == (3, 2, 1, 1, Decimal("50.0"))
    assert carriers["JD Logistics"]["rate"] == Decimal("100.0")
    total = result["by_carrier"].totals
    assert (total["delivered"], total["with_promise"], total["on_time"], total["rate"]) == (4, 3, 2, Decimal("66.7"))
    assert by(result["by_month"].rows, "month")["2026-10"]["rate"] == Decimal("66.7")


def test_sla_breaches_by_stage():
    SlaTargetFactory(status="pending_approval", hours=24, escalate_after_hours=24)
    SlaTargetFactory(status="picking", hours=8, escalate_after_hours=4)
    south = CompanyFactory(region="south")

    def stay(stage, entered, left=None, company=None):
        order = OrderFactory(**({"company": company} if company else {}))
        OrderEvent.objects.create(order=order, kind="status", from_status="submitted", to_status=stage, created_at=entered)
        if left:
            OrderEvent.objects.create(order=order, kind="status", from_status=stage, to_status="approved", created_at=left)
        return order

    stay("pending_approval", at(date(2026, 10, 1)), at(date(2026, 10, 1), 12))          # 12 h
    ob = stay("pending_approval", at(date(2026, 10, 2)), at(date(2026, 10, 3), 6))      # 30 h: breached
    oc = stay("pending_approval", at(date(2026, 10, 5)), at(date(2026, 10, 8)), south)  # 72 h: past escalation too
    stay("pending_approval", at(date(2026, 9, 30)), at(date(2026, 10, 5)))              # entered before the period
    stay("picking", at(date(2026, 10, 10)))                                              # still picking: overdue now
    for order, day in ((ob, 2), (oc, 6)):
        OrderEvent.objects.create(order=order, kind="sla", data={"status": "pending_approval", "role": "x"},
                                  created_at=at(date(2026, 10, day), 9))
    OrderEvent.objects.create(order=oc, kind="sla", message="Escalated", created_at=at(date(2026, 10, 7), 9))

    result = sections(run("fulfilment-sla-breaches", **OCT))
    stages = by(result["by_stage"].rows, "stage")
    pa = stages["Pending approval"]
    assert (pa["target_hours"], pa["entered"], pa["breached"], pa["escalated"], pa["overdue_now"], pa["reminders"]) == (
        24, 3, 2, 1, 0, 2)
    assert (pa["breach_rate"], pa["avg_hours"], pa["p90_hours"]) == (Decimal("66.7"), Decimal("38.00"), Decimal("63.60"))
    picking = stages["Picking"]
    assert (picking["entered"], picking["breached"], picking["escalated"], picking["overdue_now"]) == (1, 1, 1, 1)
    assert "Approved" not in stages  # no SLA target for it
    assert result["by_stage"].totals["breached"] == 3
    only_south = by(sections(run("fulfilment-sla-breaches", region="south", **OCT))["by_stage"].rows, "stage")
    assert (only_south["Pending approval"]["entered"], only_south["Pending approval"]["reminders"]) == (1, 1)


@pytest.mark.parametrize("slug", ["fulfilment-lead-time", "fulfilment-on-time", "fulfilment-sla-breaches"])
def test_query_count_does_not_grow_with_rows(lead, slug, django_assert_max_num_queries):
    SlaTargetFactory(status="picking", hours=8)
    company = CompanyFactory(region="east")
    for i in range(25):
        order = OrderFactory(company=company, created_at=at(date(2026, 10, 1 + i)), promised_date=date(2026, 10, 3 + i))
        ShipmentFactory(order=order, warehouse=lead["wa"], carrier=f"C{i % 3}", status="delivered",
                        shipped_at=at(date(2026, 10, 2 + i)), delivered_at=at(date(2026, 10, 3 + i % 5)))
        OrderEvent.objects.create(order=order, kind="status", to_status="picking", created_at=at(date(2026, 10, 1 + i)))
    with django_assert_max_num_queries(4):  # 2 aggregations + 1 filter label (customer; +1 warehouse)
        result = run(slug, warehouse=lead["wa"].pk, customer=company.pk, region="east", **OCT)
    assert result.row_count >= 1


def test_an_order_through_the_real_services_is_counted(shop):
    """Placed, allocated, picked, packed, shipped and delivered by the order services."""
    from orders.services.intake import place_order
    from tests.factories import deliver_order

    SlaTargetFactory(status="picking", hours=8)
    p = shop["products"]
    shop["stock_of"](p["VALVE"], shop["sh"], on_hand=10)
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                           lines=[{"sku": "VALVE", "quantity": 2}])
    deliver_order(order, shop["warehouse"])
    today = timezone.localdate()
    period = {"date_from": today, "date_to": today}
    lead = sections(run("fulfilment-lead-time", **period))
    assert [(r["warehouse"], r["orders"]) for r in lead["by_warehouse"].rows] == [("SH", 1)]
    assert Decimal("0") <= lead["by_warehouse"].totals["max_hours"] < Decimal("1")
    rate = sections(run("fulfilment-on-time", **period))["by_carrier"]
    assert [(r["carrier"], r["delivered"]) for r in rate.rows] == [("SF Express", 1)]
    sla = by(sections(run("fulfilment-sla-breaches", **period))["by_stage"].rows, "stage")
    assert (sla["Picking"]["entered"], sla["Picking"]["breached"]) == (1, 0)


def test_report_pages_show_the_figures(lead, client, staff_user):
    from django.urls import reverse

    client.force_login(staff_user("sales_manager"))
    page = client.get(reverse("console:report_detail", args=["fulfilment-lead-time"]),
                      {"date_from": "2026-10-01", "date_to": "2026-10-31"})
    assert page.status_code == 200 and re.search(r">\s*79\s*<", page.content.decode())  # the overall p90 (hours)
    for slug in ("fulfilment-on-time", "fulfilment-sla-breaches"):
        assert client.get(reverse("console:report_detail", args=[slug])).status_code == 200, slug


@pytest.mark.parametrize("slug", ["fulfilment-lead-time", "fulfilment-on-time", "fulfilment-sla-breaches"])
def test_an_empty_database_gives_empty_sections_not_errors(slug):
    result = run(slug, **OCT)
    assert result.sections and result.row_count == 0
