"""Inventory reports against hand-computed ledgers: levels, valuation, turnover, aging, stock-outs."""

import importlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import Stock, StockMovement
from reports.registry import get_report
from tests.factories import CategoryFactory, ProductFactory, WarehouseFactory

pytestmark = pytest.mark.django_db

importlib.import_module("reports.definitions")  # registers every report

OCT = {"date_from": date(2026, 10, 1), "date_to": date(2026, 10, 30)}  # 30 days, ends Oct 31 00:00 local


def at(d: date, hour=0):
    return datetime.combine(d, time(hour), tzinfo=timezone.get_current_timezone())


def move(stock, kind, at_, on_hand=0, reserved=0):
    """Append a ledger row the way inventory.services.ledger does, backdated to `at_`."""
    stock.on_hand += on_hand
    stock.reserved += reserved
    Stock.objects.filter(pk=stock.pk).update(on_hand=stock.on_hand, reserved=stock.reserved)
    return StockMovement.objects.create(stock=stock, kind=kind, on_hand_delta=on_hand, reserved_delta=reserved,
                                        on_hand_after=stock.on_hand, reserved_after=stock.reserved, created_at=at_)


def run(slug, **params):
    report = get_report(slug)
    full = {"date_from": None, "date_to": None, "warehouse": None, "category": None, "region": "", **params}
    return report.compute(full, lambda pct: None)


def section(result, key):
    return next(s for s in result.sections if s.key == key)


def by(rows, *keys):
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows}


@pytest.fixture
def ledger():
    """Two warehouses, three products; October 2026 movements computed by hand in the tests.

    P1@WA: +100 on Sep 1; −40 shipped Oct 11; −60 shipped Oct 21 (out); +50 received Oct 26.
    P1@WB: +10 on Oct 5 (no earlier history); −2 scrapped Oct 15.
    P2@WA: +3 on Aug 1; 3 reserved Oct 16 (free 0 from then on).
    P3@WB: a stock row never received (reorder point 5).
    """
    tools = CategoryFactory(name="Tools")
    drills = CategoryFactory(name="Drills", parent=tools)
    paint = CategoryFactory(name="Paint")
    wa, wb = WarehouseFactory(code="WA", priority=1), WarehouseFactory(code="WB", priority=2, region="south")
    p1 = ProductFactory(sku="P1", category=drills, average_cost=Decimal("12.3456"))
    p2 = ProductFactory(sku="P2", category=paint, average_cost=Decimal("0.3333"))
    p3 = ProductFactory(sku="P3", category=drills, average_cost=Decimal("5"))
    K = StockMovement.Kind
    s1a = Stock.objects.create(product=p1, warehouse=wa)
    move(s1a, K.RECEIPT, at(date(2026, 9, 1)), on_hand=100)
    move(s1a, K.SHIPMENT, at(date(2026, 10, 11)), on_hand=-40)
    move(s1a, K.SHIPMENT, at(date(2026, 10, 21)), on_hand=-60)
    move(s1a, K.RECEIPT, at(date(2026, 10, 26)), on_hand=50)
    s1b = Stock.objects.create(product=p1, warehouse=wb)
    move(s1b, K.RECEIPT, at(date(2026, 10, 5)), on_hand=10)
    move(s1b, K.SCRAP, at(date(2026, 10, 15)), on_hand=-2)
    s2a = Stock.objects.create(product=p2, warehouse=wa)
    move(s2a, K.RECEIPT, at(date(2026, 8, 1)), on_hand=3)
    move(s2a, K.RESERVATION, at(date(2026, 10, 16)), reserved=3)
    Stock.objects.create(product=p3, warehouse=wb, reorder_point=5)
    return {"wa": wa, "wb": wb, "tools": tools, "drills": drills, "paint": paint}


def test_levels_per_product_and_warehouse_with_summary(ledger):
    result = run("inventory-levels")
    rows = by(section(result, "levels").rows, "sku", "warehouse")
    assert (rows["P1", "WA"]["on_hand"], rows["P1", "WB"]["on_hand"]) == (50, 8)
    assert (rows["P2", "WA"]["reserved"], rows["P2", "WA"]["free"]) == (3, 0)
    assert rows["P3", "WB"]["low"] == "Yes" and rows["P1", "WA"]["low"] == ""
    summary = by(section(result, "by_warehouse").rows, "warehouse")
    assert (summary["WA"]["on_hand"], summary["WA"]["reserved"], summary["WA"]["free"]) == (53, 3, 50)
    assert (summary["WB"]["on_hand"], summary["WB"]["low"], summary["WB"]["skus"]) == (8, 1, 1)
    assert section(result, "by_warehouse").totals["on_hand"] == 61

    only_wb = run("inventory-levels", warehouse=ledger["wb"].pk)
    assert {(r["sku"], r["warehouse"]) for r in section(only_wb, "levels").rows} == {("P1", "WB"), ("P3", "WB")}
    south = run("inventory-levels", region="south")  # the warehouse's region
    assert {(r["sku"], r["warehouse"]) for r in section(south, "levels").rows} == {("P1", "WB"), ("P3", "WB")}
    paint = run("inventory-levels", category=ledger["paint"].pk)
    assert [r["sku"] for r in section(paint, "levels").rows] == ["P2"]


def test_valuation_to_the_cent_by_warehouse_category_and_product(ledger):
    result = run("inventory-valuation")
    # 50 × 12.3456 = 617.28; 8 × 12.3456 = 98.7648 → 98.76; 3 × 0.3333 = 0.9999 → 1.00
    wh = by(section(result, "by_warehouse").rows, "warehouse")
    assert (wh["WA"]["value"], wh["WB"]["value"]) == (Decimal("618.28"), Decimal("98.76"))
    assert (wh["WA"]["units"], wh["WB"]["units"]) == (53, 8)
    assert section(result, "by_warehouse").totals["value"] == Decimal("717.04")
    cat = by(section(result, "by_category").rows, "category")
    assert (cat["Drills"]["value"], cat["Paint"]["value"]) == (Decimal("716.04"), Decimal("1.00"))
    prod = section(result, "by_product").rows
    assert [(r["sku"], r["units"], r["value"]) for r in prod] == [("P1", 58, Decimal("716.04")), ("P2", 3, Decimal("1.00"))]
    assert all(r["currency"] == "CNY" for r in prod)
    # a parent category includes its sub-categories
    tools = run("inventory-valuation", category=ledger["tools"].pk)
    assert section(tools, "by_warehouse").totals["value"] == Decimal("716.04")


def test_turnover_from_the_ledger_time_weighted(ledger):
    result = run("inventory-turnover", **OCT)
    rows = by(section(result, "products").rows, "sku")
    p1 = rows["P1"]
    # WA: 10 d × 100 + 10 d × 60 + 5 d × 0 + 5 d × 50 = 1850 unit-days; WB: 10 d × 10 + 16 d × 8 = 228 → 2078 / 30
    assert (p1["shipped"], p1["scrapped"], p1["units_out"]) == (100, 2, 102)
    assert p1["average_on_hand"] == Decimal("69.27")
    assert p1["turnover"] == Decimal("1.47")  # 102 / 69.27
    assert p1["on_hand"] == 58
    assert p1["days_of_supply"] == Decimal("17.1")  # 58 / (102 / 30)
    p2 = rows["P2"]
    assert (p2["units_out"], p2["average_on_hand"], p2["turnover"], p2["days_of_supply"]) == (
        0, Decimal("3.00"), Decimal("0.00"), None)
    only_wa = by(section(run("inventory-turnover", warehouse=ledger["wa"].pk, **OCT), "products").rows, "sku")
    assert only_wa["P1"]["average_on_hand"] == Decimal("61.67")  # 1850 / 30
    assert only_wa["P1"]["turnover"] == Decimal("1.62") and only_wa["P1"]["days_of_supply"] == Decimal("15.0")
    south = by(section(run("inventory-turnover", region="south", **OCT), "products").rows, "sku")
    assert south["P1"]["average_on_hand"] == Decimal("7.60") and south["P1"]["units_out"] == 2  # 228 / 30; WB only
    cats = by(section(result, "by_category").rows, "category")
    assert cats["Drills"]["units_out"] == 102


def test_stock_outs_with_days_out_of_stock(ledger):
    result = run("inventory-stock-outs", **OCT)
    rows = by(section(result, "stock_outs").rows, "sku", "warehouse")
    assert set(rows) == {("P1", "WA"), ("P2", "WA"), ("P3", "WB")}
    p1 = rows["P1", "WA"]
    assert (p1["days_out"], p1["episodes"], p1["out_now"]) == (Decimal("5.0"), 1, "")
    assert p1["last_out"] == at(date(2026, 10, 21))
    p2 = rows["P2", "WA"]
    assert (p2["days_out"], p2["episodes"], p2["out_now"], p2["free"]) == (Decimal("15.0"), 1, "Yes", 0)
    assert rows["P3", "WB"]["out_now"] == "Yes" and rows["P3", "WB"]["days_out"] == Decimal("0.0")
    summary = by(section(result, "by_warehouse").rows, "warehouse")
    assert summary["WA"]["days_out"] == Decimal("20.0") and summary["WA"]["out_now"] == 1
    # a period before P1 ran out: only what is out now is listed
    sept = run("inventory-stock-outs", date_from=date(2026, 9, 1), date_to=date(2026, 9, 30))
    assert {(r["sku"], r["warehouse"]) for r in section(sept, "stock_outs").rows} == {("P2", "WA"), ("P3", "WB")}


def test_aging_first_in_first_out_buckets():
    today = timezone.localdate()
    wh = WarehouseFactory(code="AG")
    x = ProductFactory(sku="X", average_cost=Decimal("2.5"))
    y = ProductFactory(sku="Y", average_cost=Decimal("1.125"))
    K = StockMovement.Kind
    sx = Stock.objects.create(product=x, warehouse=wh)

    def ago(n):
        return at(today - timedelta(days=n), 12)

    move(sx, K.RECEIPT, ago(100), on_hand=10)
    move(sx, K.RECEIPT, ago(70), on_hand=20)
    move(sx, K.TRANSFER_IN, ago(31), on_hand=5)
    move(sx, K.RECEIPT, ago(30), on_hand=7)
    move(sx, K.SHIPMENT, ago(2), on_hand=-20)
    move(sx, K.ADJUSTMENT, ago(1), on_hand=3)  # on hand 25 = 7 + 5 + 13 of the 20 received 70 days ago
    sy = Stock.objects.create(product=y, warehouse=wh)
    move(sy, K.RECEIPT, ago(95), on_hand=2)
    move(sy, K.CYCLE_COUNT, ago(5), on_hand=4)  # 4 units no inflow explains: over 90 days
    result = run("inventory-aging")
    rows = by(section(result, "stock").rows, "sku")
    assert [rows["X"][k] for k in ("d0_30", "d31_60", "d61_90", "d90_plus")] == [7, 5, 13, 0]
    assert [rows["X"][f"{k}_value"] for k in ("d0_30", "d31_60", "d61_90")] == [
        Decimal("17.50"), Decimal("12.50"), Decimal("32.50")]
    assert (rows["Y"]["d90_plus"], rows["Y"]["d90_plus_value"], rows["Y"]["value"]) == (6, Decimal("6.75"), Decimal("6.75"))
    buckets = section(result, "buckets")
    assert [b["units"] for b in buckets.rows] == [7, 5, 13, 6]
    assert buckets.totals["units"] == 31 and buckets.totals["value"] == Decimal("69.25")


@pytest.mark.parametrize("slug", ["inventory-levels", "inventory-valuation", "inventory-turnover",
                                  "inventory-aging", "inventory-stock-outs"])
def test_query_count_does_not_grow_with_rows(ledger, slug, django_assert_max_num_queries):
    wh = ledger["wa"]
    K = StockMovement.Kind
    for i in range(30):
        s = Stock.objects.create(product=ProductFactory(category=ledger["paint"]), warehouse=wh)
        move(s, K.RECEIPT, at(date(2026, 10, 2)), on_hand=5 + i)
        move(s, K.SHIPMENT, at(date(2026, 10, 3 + i % 20)), on_hand=-(5 + i))
    with django_assert_max_num_queries(6):  # 2 filter labels + category tree + at most 3 aggregations
        result = run(slug, warehouse=wh.pk, category=ledger["paint"].pk, **OCT)
    assert result.row_count >= 1


def test_reports_read_the_ledger_the_real_services_write():
    """Receipts, reservations and shipments through inventory.services (not hand-made rows)."""
    from inventory.services import consume_reservations, receive_stock, reserve_stock

    wh = WarehouseFactory(code="RS")
    product = ProductFactory(sku="REAL")
    receive_stock(actor=None, product=product, warehouse=wh, quantity=10, unit_cost=Decimal("10.005"), reason="PO")
    reserve_stock(ref_type="order", ref_id="1", lines=[(product.pk, wh.pk, 4)])
    consume_reservations(ref_type="order", ref_id="1")
    reserve_stock(ref_type="order", ref_id="2", lines=[(product.pk, wh.pk, 6)])  # all the rest: free 0
    today = timezone.localdate()
    period = {"date_from": today, "date_to": today, "warehouse": wh.pk}
    turnover = by(section(run("inventory-turnover", **period), "products").rows, "sku")["REAL"]
    assert (turnover["shipped"], turnover["units_out"], turnover["on_hand"]) == (4, 4, 6)
    outs = by(section(run("inventory-stock-outs", **period), "stock_outs").rows, "sku")["REAL"]
    assert (outs["free"], outs["out_now"], outs["episodes"]) == (0, "Yes", 1)
    value = section(run("inventory-valuation", warehouse=wh.pk), "by_warehouse").totals["value"]
    assert value == Decimal("60.03")  # 6 × 10.0050
    aging = by(section(run("inventory-aging", warehouse=wh.pk), "stock").rows, "sku")["REAL"]
    assert (aging["d0_30"], aging["d0_30_value"]) == (6, Decimal("60.03"))


def test_report_pages_show_the_figures(ledger, client, staff_user):
    from django.urls import reverse

    client.force_login(staff_user("manager"))
    page = client.get(reverse("console:report_detail", args=["inventory-valuation"]))
    assert page.status_code == 200 and "717.04" in page.content.decode()
    for slug in ("inventory-levels", "inventory-turnover", "inventory-aging", "inventory-stock-outs"):
        response = client.get(reverse("console:report_detail", args=[slug]),
                              {"date_from": "2026-10-01", "date_to": "2026-10-30", "warehouse": ledger["wa"].pk})
        assert response.status_code == 200, slug


@pytest.mark.parametrize("slug", ["inventory-levels", "inventory-valuation", "inventory-turnover",
                                  "inventory-aging", "inventory-stock-outs"])
def test_an_empty_database_gives_empty_sections_not_errors(slug):
    result = run(slug, **OCT)
    assert result.sections and result.row_count == len(section(result, "buckets").rows if slug == "inventory-aging" else [])
