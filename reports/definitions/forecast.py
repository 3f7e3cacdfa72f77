"""Demand forecast per SKU with a suggested reorder quantity and the backtest error of the
model beside a naive baseline's (SPEC §G, issue #7).

For the top N SKUs by ordered quantity over the last HISTORY_MONTHS complete months:
monthly demand → statsmodels exponential smoothing (reports.forecasting) → the next
HORIZON months, starting with the current one. Suggested reorder = forecast demand over the
supplier lead time (30 days without a supplier) + safety stock − (free + incoming + in transit),
floored at 0 and rounded up to the pack size.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from oms.permissions import Perm
from reports import forecasting as fc
from reports.queries import forecast as q
from reports.registry import Chart, Column, ColumnKind as K, Report, Section, register

HISTORY_MONTHS = 36
HORIZON = 3
DEFAULT_TOP_N = 30  # ~0.4 s of model fitting per SKU (two fits: forecast and backtest)
MAX_TOP_N = 200


FORECAST_TTL = 24 * 60 * 60


def cached_forecast(series: list[int]) -> fc.Forecast:
    """The model's forecast of a demand series, cached by the series itself: fitting is the slow
    part (about 0.2-0.6 s per SKU), and a SKU's monthly history only changes when a past order
    does or a month ends. Stock positions are never cached."""
    digest = hashlib.sha1(repr((HORIZON, fc.BACKTEST_MONTHS, tuple(series))).encode()).hexdigest()
    key = f"reports:forecast:v1:{get_language() or ''}:{digest}"
    result = cache.get(key)
    if result is None:
        result = fc.forecast_series(series, horizon=HORIZON)
        cache.set(key, result, FORECAST_TTL)
    return result


def top_n_of(params) -> int:
    try:
        n = int(params.get("top_n") or DEFAULT_TOP_N)
    except (TypeError, ValueError):
        n = DEFAULT_TOP_N
    return max(1, min(n, MAX_TOP_N))


@register
class DemandForecast(Report):
    slug = "demand-forecast"
    title = _("Demand forecast")
    description = _("Monthly demand per SKU forecast for the next three months (exponential smoothing), its "
                    "backtest error beside a naive baseline's, and a suggested reorder quantity.")
    perm = Perm.REPORTS_VIEW
    filters = ("warehouse", "category")
    # Model fitting takes seconds per few SKUs on a cold cache: better run in the background.
    background_only = True

    def compute(self, params, progress, today=None):
        today = today or timezone.localdate()
        warehouse, category = params.get("warehouse"), params.get("category")
        limit = top_n_of(params)
        start, end = q.history_window(today, HISTORY_MONTHS)
        history_months = q.months_between(start, end - timedelta(days=1))
        future = [q.month_start(today, -i) for i in range(HORIZON)]

        top = q.top_products(start, end, limit=limit, warehouse=warehouse, category=category)
        ids = [row["product_id"] for row in top]
        demand = q.monthly_demand(ids, start, end, warehouse=warehouse)
        info = q.products(ids)
        stock = q.stock_positions(ids, warehouse=warehouse)
        progress(10)

        rows = []
        total_actual = {m: 0 for m in history_months}
        total_forecast = {m: Decimal("0") for m in future}
        for i, product_id in enumerate(ids):
            months = demand.get(product_id, {})
            series = [months.get(m, 0) for m in history_months]
            for m in history_months:
                total_actual[m] += months.get(m, 0)
            result = cached_forecast(series)
            for m, value in zip(future, result.values, strict=True):
                total_forecast[m] += value
            product = info.get(product_id, {})
            position = stock.get(product_id, {"free": 0, "incoming": 0, "in_transit": 0, "safety_stock": 0})
            lead = product.get("lead_time_days") or fc.DEFAULT_LEAD_TIME_DAYS
            lead_demand = fc.demand_over(list(zip(future, result.values, strict=True)), today, lead)
            pack = product.get("pack_size") or 1
            notes = list(result.notes)
            if result.naive_method == "last_value":
                notes.append(_t("Naive baseline: last month's value (less than a year to fit on)."))
            if not product.get("lead_time_days"):
                notes.append(_t("No supplier lead time: %(days)d days assumed.") % {"days": fc.DEFAULT_LEAD_TIME_DAYS})
            row = {
                "sku": product.get("sku", ""), "product": product.get("name", ""),
                "history": result.history_months, "method": fc.method_label(result.method),
                "model_mape": result.model_mape, "naive_mape": result.naive_mape,
                "baseline": fc.method_label(result.naive_method) if result.naive_method else "",
                "lead_time_days": lead, "lead_time_demand": lead_demand,
                "safety_stock": position["safety_stock"], "free": position["free"],
                "incoming": position["incoming"], "in_transit": position["in_transit"], "pack_size": pack,
                "reorder": fc.suggested_reorder(demand=lead_demand, safety_stock=position["safety_stock"],
                                                free=position["free"], incoming=position["incoming"],
                                                in_transit=position["in_transit"], pack_size=pack),
                "note": " ".join(notes),
            }
            for j, value in enumerate(result.values):
                row[f"m{j + 1}"] = value
            rows.append(row)
            progress(10 + int(85 * (i + 1) / max(1, len(ids))))

        month_cols = [Column(f"m{j + 1}", _t("Forecast %(month)s") % {"month": m.strftime("%Y-%m")}, K.DECIMAL)
                      for j, m in enumerate(future)]
        forecast_columns = [
            Column("sku", _t("SKU")), Column("product", _t("Product")),
            Column("history", _t("Months of history"), K.INT), Column("method", _t("Model")),
            *month_cols,
            Column("model_mape", _t("Model MAPE"), K.PERCENT), Column("naive_mape", _t("Naive MAPE"), K.PERCENT),
            Column("note", _t("Note")),
        ]
        reorder_columns = [
            Column("sku", _t("SKU")), Column("product", _t("Product")),
            Column("lead_time_days", _t("Lead time (days)"), K.INT),
            Column("lead_time_demand", _t("Demand over lead time"), K.DECIMAL),
            Column("safety_stock", _t("Safety stock"), K.INT), Column("free", _t("Free"), K.INT),
            Column("incoming", _t("Incoming"), K.INT), Column("in_transit", _t("In transit"), K.INT),
            Column("pack_size", _t("Pack size"), K.INT), Column("reorder", _t("Suggested reorder"), K.INT),
        ]
        scored = [r for r in rows if r["model_mape"] is not None and r["naive_mape"] is not None]
        totals = None
        summary = _t("No SKU has enough history for a backtest (%(months)d months).") % {
            "months": fc.BACKTEST_MONTHS + fc.MIN_BACKTEST_FIT}
        if scored:
            model_avg = sum(r["model_mape"] for r in scored) / len(scored)
            naive_avg = sum(r["naive_mape"] for r in scored) / len(scored)
            wins = sum(1 for r in scored if r["model_mape"] < r["naive_mape"])
            totals = {"sku": _t("Average"), "model_mape": model_avg.quantize(fc.PCT),
                      "naive_mape": naive_avg.quantize(fc.PCT)}
            summary = _t("Backtest on the last %(holdout)d months: the model beat the naive baseline on %(wins)d of "
                         "%(n)d SKUs (average MAPE %(model)s %% against %(naive)s %%).") % {
                "holdout": fc.BACKTEST_MONTHS, "wins": wins, "n": len(scored),
                "model": totals["model_mape"], "naive": totals["naive_mape"]}
        note = " ".join([
            _t("Top %(n)d SKUs by ordered quantity over the %(months)d complete months %(start)s – %(end)s.") % {
                "n": limit, "months": HISTORY_MONTHS, "start": start.strftime("%Y-%m"),
                "end": (end - timedelta(days=1)).strftime("%Y-%m")},
            summary,
            _t("Naive baseline: the same month a year earlier."),
        ])
        reorder_note = _t("Suggested reorder = forecast demand over the supplier lead time + safety stock − (free + "
                          "incoming + in transit), at least 0, rounded up to whole packs.")
        if warehouse:
            note += " " + _t("Demand counted on this warehouse's shipments only.")
            reorder_note += " " + _t("Stock of this warehouse only.")

        trend = [{"month": m.strftime("%Y-%m"), "actual": total_actual[m], "forecast": None} for m in history_months]
        trend += [{"month": m.strftime("%Y-%m"), "actual": None, "forecast": total_forecast[m]} for m in future]
        progress(100)
        return self.result(params, [
            Section("forecast", _t("Forecast by SKU"), forecast_columns, rows,
                    Chart("bar", "sku", ("model_mape", "naive_mape"), _t("Backtest MAPE: model against naive")),
                    note=note, totals=totals),
            Section("reorder", _t("Suggested reorder"), reorder_columns, rows, note=reorder_note,
                    totals={"sku": _t("Total"), "reorder": sum(r["reorder"] for r in rows)} if rows else None),
            Section("trend", _t("Demand of these SKUs by month"), [
                Column("month", _t("Month")), Column("actual", _t("Ordered"), K.INT),
                Column("forecast", _t("Forecast"), K.DECIMAL),
            ], trend if ids else [], Chart("line", "month", ("actual", "forecast"), _t("Monthly demand and forecast"))),
        ])
