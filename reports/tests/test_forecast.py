"""Demand forecast: the model beats a naive baseline on a seasonal series, the reorder arithmetic
is right, short histories are handled with a clear note, and the report reads booked orders."""

import math
import random
import warnings
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from reports import forecasting as fc
from reports.definitions.forecast import DemandForecast
from reports.queries.forecast import month_start
from reports.registry import get_report
from tests.factories import (
    OrderFactory, OrderLineFactory, ProductFactory, ShipmentFactory, SupplierFactory, WarehouseFactory, stock_of,
)


def seasonal_series(months=36, seed=7):
    rng = random.Random(seed)
    return [round(200 + 4 * i + 60 * math.sin(2 * math.pi * i / 12) + rng.gauss(0, 6)) for i in range(months)]


# --- the model --------------------------------------------------------------------------------

def test_holt_winters_beats_the_seasonal_naive_baseline_on_a_seasonal_series():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # statsmodels' own warnings must not leak out
        result = fc.forecast_series(seasonal_series(), horizon=3)
    assert result.method == "holt_winters"
    assert result.naive_method == "seasonal_naive"
    assert result.model_mape is not None and result.naive_mape is not None
    assert result.model_mape < result.naive_mape
    assert result.beats_naive is True
    assert all(isinstance(v, Decimal) and v > 0 for v in result.values)
    assert result.note == ""


def test_mape_skips_months_without_demand():
    assert fc.mape([100, 0, 50], [90, 5, 60]) == Decimal("15.0")
    assert fc.mape([0, 0], [1, 2]) is None


def test_naive_baseline_is_last_value_with_less_than_a_year():
    assert fc.naive_predict([1, 2, 3], 2) == ([3, 3], "last_value")
    history = list(range(1, 13))
    assert fc.naive_predict(history, 3) == ([1, 2, 3], "seasonal_naive")


def test_model_follows_the_length_of_history():
    assert fc.forecast_series(seasonal_series(30)).method == "holt_winters"
    assert fc.forecast_series(seasonal_series(15)).method == "holt"
    assert fc.forecast_series([10, 12, 11, 13]).method == "simple"


def test_too_little_history_gets_a_clear_note_and_no_backtest():
    result = fc.forecast_series([0, 0, 8, 12], horizon=3)  # leading zeros: not yet sold
    assert result.history_months == 2
    assert result.method == "average"
    assert result.values == [Decimal("10.0")] * 3
    assert result.model_mape is None and result.naive_mape is None
    assert "Only 2 months of history" in result.note
    assert "Too little history for a backtest" in result.note

    none = fc.forecast_series([0, 0, 0])
    assert none.values == [Decimal("0.0")] * 3 and "No demand" in none.note


def test_forecasts_are_never_negative():
    falling = [100 - 9 * i for i in range(12)]
    assert all(v >= 0 for v in fc.forecast_series(falling, horizon=3).values)


# --- reorder arithmetic -----------------------------------------------------------------------

def test_demand_over_the_lead_time_walks_the_forecast_months():
    months = [(date(2026, 11, 1), Decimal("30")), (date(2026, 12, 1), Decimal("62")), (date(2027, 1, 1), Decimal("31"))]
    # Nov 16-30: 15 days at 1/day; Dec 1-15: 15 days at 2/day.
    assert fc.demand_over(months, date(2026, 11, 16), 30) == Decimal("45.0")
    # Past the horizon the last month's volume carries on: Feb 28 days (31), Mar 1-15 (15).
    assert fc.demand_over(months, date(2026, 11, 16), 120) == Decimal("154.0")
    assert fc.demand_over(months, date(2026, 11, 16), 0) == 0


def test_suggested_reorder_covers_the_gap_in_whole_packs():
    # 45 + 10 safety - (20 free + 5 incoming + 3 in transit) = 27 -> 3 packs of 12.
    assert fc.suggested_reorder(demand=Decimal("45"), safety_stock=10, free=20, incoming=5, in_transit=3,
                                pack_size=12) == 36
    assert fc.suggested_reorder(demand=Decimal("45.2"), safety_stock=0, free=45, incoming=0, in_transit=0) == 1
    assert fc.suggested_reorder(demand=Decimal("45"), safety_stock=10, free=100, incoming=0, in_transit=0,
                                pack_size=12) == 0  # enough stock: never negative
    assert fc.suggested_reorder(demand=Decimal("5"), safety_stock=0, free=-10, incoming=0, in_transit=0,
                                pack_size=1) == 15  # backorders count against free stock


# --- the report ---------------------------------------------------------------------------------

def at_month(first, day=10):
    return timezone.make_aware(datetime.combine(first.replace(day=day), time(11)))


@pytest.fixture
def history(db):
    today = timezone.localdate()
    supplier = SupplierFactory(lead_time_days=15)
    seasonal = ProductFactory(sku="SEASON", supplier=supplier, pack_size=10)
    newcomer = ProductFactory(sku="NEWBIE")
    wh = WarehouseFactory(code="FC1")
    stock_of(seasonal, wh, on_hand=40, safety_stock=25)
    series = seasonal_series()
    for back, qty in zip(range(36, 0, -1), series, strict=True):
        order = OrderFactory(status="completed", created_at=at_month(month_start(today, back)))
        OrderLineFactory(order=order, product=seasonal, quantity=qty)
    # Not demand: a draft and a cancelled order, and an order of this (incomplete) month.
    for status in ("draft", "cancelled"):
        OrderLineFactory(order=OrderFactory(status=status, created_at=at_month(month_start(today, 2))),
                         product=seasonal, quantity=100_000)
    OrderLineFactory(order=OrderFactory(status="submitted", created_at=timezone.now()), product=seasonal,
                     quantity=100_000)
    for back, qty in ((2, 5), (1, 7)):
        order = OrderFactory(status="shipped", created_at=at_month(month_start(today, back)))
        OrderLineFactory(order=order, product=newcomer, quantity=qty)
    return {"seasonal": seasonal, "newcomer": newcomer, "series": series, "wh": wh, "today": today}


def test_report_is_registered():
    assert isinstance(get_report("demand-forecast"), DemandForecast)


def test_report_forecasts_each_sku_with_backtest_and_reorder(history, django_assert_max_num_queries):
    seen = []
    with django_assert_max_num_queries(8):
        result = get_report("demand-forecast").compute({"warehouse": None, "category": None}, seen.append)
    assert seen[-1] == 100 and seen == sorted(seen)
    forecast, reorder, trend = result.sections
    assert [s.key for s in result.sections] == ["forecast", "reorder", "trend"]
    by_sku = {r["sku"]: r for r in forecast.rows}
    assert list(by_sku) == ["SEASON", "NEWBIE"]  # by volume

    season = by_sku["SEASON"]
    assert season["history"] == 36
    assert season["model_mape"] < season["naive_mape"]
    assert season["baseline"] == "Same month last year"
    # Same figures as the model run directly on the booked history (drafts, cancellations and this
    # month's orders left out).
    direct = fc.forecast_series(history["series"], horizon=3)
    assert [season["m1"], season["m2"], season["m3"]] == direct.values
    assert season["model_mape"] == direct.model_mape
    # Reorder: 15 days of forecast from today, safety 25, 40 free, whole packs of 10.
    today = history["today"]
    months = [(month_start(today, -i), v) for i, v in enumerate(direct.values)]
    lead_demand = fc.demand_over(months, today, 15)
    assert season["lead_time_days"] == 15 and season["lead_time_demand"] == lead_demand
    assert season["free"] == 40 and season["safety_stock"] == 25
    need = lead_demand + 25 - 40
    assert season["reorder"] == (0 if need <= 0 else math.ceil(need / 10) * 10)
    assert season["reorder"] % 10 == 0

    newbie = by_sku["NEWBIE"]
    assert newbie["history"] == 2 and newbie["model_mape"] is None
    assert newbie["m1"] == Decimal("6.0")
    assert "Only 2 months of history" in newbie["note"]
    assert "30 days assumed" in newbie["note"]  # no supplier
    assert newbie["reorder"] == 6  # 30 days ≈ one month at 6/month, nothing in stock

    assert forecast.totals["model_mape"] == season["model_mape"]
    assert "beat the naive baseline on 1 of 1 SKUs" in forecast.note
    assert forecast.chart.series == ("model_mape", "naive_mape")
    assert {c.key for c in reorder.columns} >= {"lead_time_demand", "safety_stock", "free", "incoming", "in_transit",
                                                 "pack_size", "reorder"}
    assert reorder.totals["reorder"] == season["reorder"] + newbie["reorder"]

    assert len(trend.rows) == 36 + 3
    assert trend.rows[0]["actual"] == history["series"][0]
    assert trend.rows[-1]["forecast"] == season["m3"] + newbie["m3"]


def test_top_n_caps_the_skus(history):
    result = get_report("demand-forecast").compute({"top_n": 1}, lambda p: None)
    assert [r["sku"] for r in result.sections[0].rows] == ["SEASON"]
    assert "Top 1 SKUs" in result.sections[0].note


def test_category_filter(history):
    result = get_report("demand-forecast").compute({"category": history["newcomer"].category_id}, lambda p: None)
    assert [r["sku"] for r in result.sections[0].rows] == ["NEWBIE"]


def test_warehouse_filter_counts_that_warehouses_shipments(history):
    from orders.models import ShipmentLine

    other = WarehouseFactory(code="FC2")
    line = OrderLineFactory(order=OrderFactory(status="shipped", created_at=at_month(month_start(history["today"], 1))),
                            product=history["seasonal"], quantity=9)
    ShipmentLine.objects.create(shipment=ShipmentFactory(order=line.order, warehouse=other), order_line=line, quantity=9)
    result = get_report("demand-forecast").compute({"warehouse": other.pk}, lambda p: None)
    rows = result.sections[0].rows
    assert [r["sku"] for r in rows] == ["SEASON"]
    assert rows[0]["history"] == 1 and rows[0]["free"] == 0  # no stock row in FC2
    assert "this warehouse's shipments" in result.sections[0].note
    assert "Stock of this warehouse only" in result.sections[1].note


def test_no_demand_at_all_gives_an_empty_report(db):
    result = get_report("demand-forecast").compute({}, lambda p: None)
    assert all(section.rows == [] for section in result.sections)
    assert "No SKU has enough history" in result.sections[0].note


def test_model_fits_are_cached_but_stock_is_read_fresh(history, monkeypatch):
    from django.core.cache import cache

    cache.clear()
    report = get_report("demand-forecast")
    first = {r["sku"]: r for r in report.compute({}, lambda p: None).sections[0].rows}
    calls = []
    real = fc.forecast_series
    monkeypatch.setattr(fc, "forecast_series", lambda *a, **k: calls.append(1) or real(*a, **k))
    stock_of(history["seasonal"], history["wh"], on_hand=1000)  # receive 1000 more
    again = {r["sku"]: r for r in report.compute({}, lambda p: None).sections[0].rows}
    assert calls == []  # same history: no model refitted
    assert again["SEASON"]["m1"] == first["SEASON"]["m1"]
    assert again["SEASON"]["free"] == first["SEASON"]["free"] + 1000
    assert again["SEASON"]["reorder"] == 0
    cache.clear()
