"""Shipped sales by warehouse (helper qa7) against hand-computed figures, to the cent.

Period March 2026 (31 days); previous period 29 Jan - 28 Feb 2026 (moved forward 31 days for the
month buckets). Warehouses SH1 and BJ1. V1 is in Valves (a child of Tools), P1 in Pipes.

  O1  A (east, ship-to north), console, CNY: V1 3 × 33.33 = 99.99; P1 10 × 20.00 = 200.00
      S1  SH1 shipped 5 Mar:              V1 1 → 99.99/3 = 33.33; P1 4 → 80.00         = 113.33
      S2  BJ1 delivered, 31 Mar 23:30 local: V1 2 → 66.66;           P1 6 → 120.00     = 186.66
  O2  B (south), portal, CNY: P1 3, line net 100.00 (discounted)
      S3  SH1 shipped 10 Mar: 1 → 33.333… → 33.33
      S4  SH1 shipped 12 Mar: 2 → 66.666… → 66.67   (rounded per shipment line: 100.00 in all)
  O3  A, console, CNY: P1 5 × 20.00
      S6  SH1 shipped 10 Feb: 5 → 100.00   (previous period)
  O4  A, console, CNY: V1 1 × 50.00 — never counted:
      S7 SH1 packed (not shipped); S8 SH1 cancelled (shipped_at 6 Mar); S9 BJ1 shipped 1 Apr 00:30
      local (31 Mar in UTC); S10 SH1 shipped 28 Jan (before the previous period)
  O5  C (north), api, USD: V1 2, line net 0.05
      S5  BJ1 shipped 15 Mar: 1 → 0.025 → 0.03 (half-up, not banker's 0.02)

March: SH1 CNY 213.33 (8 units, 3 shipments; previous 100.00: +113.33, +113.3 %)
       BJ1 CNY 186.66 (8 units, 1 shipment; previous 0: change % blank)
       BJ1 USD   0.03 (1 unit, 1 shipment)
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

import reports.definitions  # noqa: F401  (registers the reports)
from orders.models import OrderLine
from reports.forms import parse_params
from reports.registry import get_report
from reports.tests.factories import booked_order
from tests.factories import CategoryFactory, CompanyFactory, ProductFactory, ShipmentFactory, WarehouseFactory

pytestmark = pytest.mark.django_db
D = Decimal
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}
SLUG = "sales-by-warehouse"


def local(y, m, d, hh=12, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo(settings.TIME_ZONE))


def ship(order, warehouse, when, lines, status="shipped"):
    """A shipment of `lines` = [(line_no, quantity)] of `order`, shipped at `when`."""
    from orders.models import ShipmentLine

    shipment = ShipmentFactory(order=order, warehouse=warehouse, status=status, shipped_at=when)
    for line_no, quantity in lines:
        ShipmentLine.objects.create(shipment=shipment, order_line=order.lines.get(line_no=line_no), quantity=quantity,
                                    picked_quantity=quantity, packed_quantity=quantity)
    return shipment


@pytest.fixture
def shipped():
    tools = CategoryFactory(name="Tools")
    valves, pipes = CategoryFactory(name="Valves", parent=tools), CategoryFactory(name="Pipes")
    v1, p1 = ProductFactory(sku="V1", name="Valve", category=valves), ProductFactory(sku="P1", name="Pipe", category=pipes)
    sh, bj = WarehouseFactory(code="SH1", name="Shanghai"), WarehouseFactory(code="BJ1", name="Beijing")
    a = CompanyFactory(code="A", name="Alpha", region="east", currency="CNY")
    b = CompanyFactory(code="B", name="Beta", region="south", currency="CNY")
    c = CompanyFactory(code="C", name="Gamma", region="north", currency="USD")
    o1 = booked_order(company=a, day=date(2026, 3, 1), channel="console", ship_region="north",
                      lines=[(v1, 3, "33.33"), (p1, 10, "20.00")])
    ship(o1, sh, local(2026, 3, 5), [(1, 1), (2, 4)])
    ship(o1, bj, local(2026, 3, 31, 23, 30), [(1, 2), (2, 6)], status="delivered")
    o2 = booked_order(company=b, day=date(2026, 3, 1), channel="portal", lines=[(p1, 3, "33.33")])
    OrderLine.objects.filter(order=o2).update(net_amount=D("100.00"), total_amount=D("113.00"))
    ship(o2, sh, local(2026, 3, 10), [(1, 1)])
    ship(o2, sh, local(2026, 3, 12), [(1, 2)])
    o3 = booked_order(company=a, day=date(2026, 2, 1), channel="console", lines=[(p1, 5, "20.00")])
    ship(o3, sh, local(2026, 2, 10), [(1, 5)])
    o4 = booked_order(company=a, day=date(2026, 1, 2), channel="console", lines=[(v1, 1, "50.00")])
    ship(o4, sh, None, [(1, 1)], status="packed")
    ship(o4, sh, local(2026, 3, 6), [(1, 1)], status="cancelled")
    ship(o4, bj, local(2026, 4, 1, 0, 30), [(1, 1)])
    ship(o4, sh, local(2026, 1, 28), [(1, 1)])
    o5 = booked_order(company=c, day=date(2026, 3, 1), channel="api", lines=[(v1, 2, "0.03")])
    OrderLine.objects.filter(order=o5).update(net_amount=D("0.05"), total_amount=D("0.05"))
    ship(o5, bj, local(2026, 3, 15), [(1, 1)])
    return {"a": a, "b": b, "c": c, "sh": sh, "bj": bj, "tools": tools}


def run(**raw):
    return get_report(SLUG).compute(parse_params({**MARCH, **raw}), lambda pct: None)


def section(result, key):
    return next(s for s in result.sections if s.key == key)


def figures(rows, *keys):
    return [tuple(r[k] for k in keys) for r in rows]


KEYS = ("warehouse", "currency", "quantity", "shipments", "net", "prev_net", "change", "change_pct")


def test_shipped_sales_by_warehouse_to_the_cent_with_the_previous_period(shipped, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        result = run()
    assert figures(section(result, "by_warehouse").rows, *KEYS) == [
        ("SH1", "CNY", 8, 3, D("213.33"), D("100.00"), D("113.33"), D("113.3")),
        ("BJ1", "CNY", 8, 1, D("186.66"), D("0.00"), D("186.66"), None),
        ("BJ1", "USD", 1, 1, D("0.03"), D("0.00"), D("0.03"), None),
    ]
    # Two currencies: no grand total across them, a totals-by-currency section instead.
    assert section(result, "by_warehouse").totals is None
    assert figures(section(result, "currencies").rows, "currency", "quantity", "shipments", "net", "prev_net") == [
        ("CNY", 16, 4, D("399.99"), D("100.00")), ("USD", 1, 1, D("0.03"), D("0.00"))]
    months = section(result, "by_month").rows
    assert figures(months, "month_label", "warehouse", "currency", "net", "prev_net") == [
        ("2026-03", "BJ1", "CNY", D("186.66"), D("0.00")),
        ("2026-03", "BJ1", "USD", D("0.03"), D("0.00")),
        ("2026-03", "SH1", "CNY", D("213.33"), D("100.00")),
    ]


@pytest.mark.parametrize("filters, expected", [
    ("warehouse", [("BJ1", "CNY", D("186.66"), D("0.00")), ("BJ1", "USD", D("0.03"), D("0.00"))]),
    ("customer", [("BJ1", "CNY", D("186.66"), D("0.00")), ("SH1", "CNY", D("113.33"), D("100.00"))]),
    ("region_north", [("BJ1", "CNY", D("186.66"), D("0.00")), ("SH1", "CNY", D("113.33"), D("0.00")),
                      ("BJ1", "USD", D("0.03"), D("0.00"))]),
    ("region_east", [("SH1", "CNY", D("0.00"), D("100.00"))]),
    ("channel", [("BJ1", "USD", D("0.03"), D("0.00"))]),
    ("category", [("BJ1", "CNY", D("66.66"), D("0.00")), ("SH1", "CNY", D("33.33"), D("0.00")),
                  ("BJ1", "USD", D("0.03"), D("0.00"))]),
])
def test_filters(shipped, filters, expected, django_assert_max_num_queries):
    raw = {"warehouse": {"warehouse": shipped["bj"].pk}, "customer": {"customer": shipped["a"].pk},
           "region_north": {"region": "north"}, "region_east": {"region": "east"},
           "channel": {"channel": "api"}, "category": {"category": shipped["tools"].pk}}[filters]
    with django_assert_max_num_queries(4):
        result = run(**raw)
    assert figures(section(result, "by_warehouse").rows, "warehouse", "currency", "net", "prev_net") == expected


def test_one_currency_gets_a_totals_row(shipped):
    result = run(customer=shipped["b"].pk)
    sec = section(result, "by_warehouse")
    assert figures(sec.rows, "warehouse", "quantity", "shipments", "net") == [("SH1", 3, 2, D("100.00"))]
    assert sec.totals["net"] == D("100.00") and sec.totals["shipments"] == 2


def test_page_offers_the_warehouse_filter_and_shows_the_figures(shipped, client, staff_user):
    client.force_login(staff_user("sales_manager"))
    response = client.get(reverse("console:report_detail", args=[SLUG]), {**MARCH, "warehouse": shipped["sh"].pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="warehouse"' in page and 'name="sales_rep"' not in page
    assert "¥213.33" in page and "BJ1" not in page.split("report-downloads", 1)[1]


def test_change_column_is_not_translated_as_the_language_switch_button(shipped):
    """"Change" alone is the language switch's button (切换, "switch"); the reports' difference
    column has its own msgid context so it can be translated as 变化."""
    from django.utils import translation

    with translation.override("zh-hans"):
        for slug in (SLUG, "sales-by-region", "top-customers", "customer-purchasing"):
            result = get_report(slug).compute(parse_params(MARCH), lambda pct: None)
            labels = {str(c.label) for s in result.sections for c in s.columns}
            assert "切换" not in labels, slug
