"""Monthly demand forecasting with statsmodels exponential smoothing, a naive baseline and a
backtest of both, plus the reorder suggestion built on the forecast.

    fc = forecast_series([120, 95, ...], horizon=3)       # monthly quantities, oldest first
    fc.values       -> [Decimal, Decimal, Decimal]          next `horizon` months
    fc.method       -> "holt_winters" | "holt" | "simple" | "average"
    fc.model_mape, fc.naive_mape, fc.naive_method, fc.note

Model choice by history length (months since the SKU's first demand):
  >= 24  Holt-Winters: additive trend and additive 12-month seasonality;
  >= 6   Holt: additive damped trend, no seasonality;
  >= 3   simple exponential smoothing;
  < 3    the average of the months there are (too little history: noted).
Backtest: the last BACKTEST_MONTHS months are held out, the same model choice is fitted on the
rest and its MAPE on the held-out months is set beside the seasonal-naive baseline's (each month
= the same month a year earlier), or the last-value baseline when the fitted part is shorter
than 12 months. Months with zero actual demand are left out of MAPE (it is undefined there).

Model arithmetic runs in floats (statsmodels); everything returned is Decimal.
"""

from __future__ import annotations

import calendar
import math
import warnings
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

BACKTEST_MONTHS = 6
SEASON = 12
MIN_SEASONAL = 24
MIN_TREND = 6
MIN_SMOOTHING = 3
MIN_BACKTEST_FIT = 6  # months left to fit on after the hold-out
DEFAULT_LEAD_TIME_DAYS = 30
QTY = Decimal("0.1")
PCT = Decimal("0.1")


@dataclass
class Forecast:
    values: list[Decimal]
    method: str
    history_months: int
    model_mape: Decimal | None = None
    naive_mape: Decimal | None = None
    naive_method: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        return " ".join(self.notes)

    @property
    def beats_naive(self) -> bool | None:
        if self.model_mape is None or self.naive_mape is None:
            return None
        return self.model_mape < self.naive_mape




def method_label(method: str) -> str:
    labels = {
        "holt_winters": _("Holt-Winters"),
        "holt": _("Holt (damped trend)"),
        "simple": _("Simple smoothing"),
        "average": _("Average"),
        "seasonal_naive": _("Same month last year"),
        "last_value": _("Last month's value"),
    }
    return str(labels.get(method, method))


def choose_method(n: int) -> str:
    if n >= MIN_SEASONAL:
        return "holt_winters"
    if n >= MIN_TREND:
        return "holt"
    if n >= MIN_SMOOTHING:
        return "simple"
    return "average"


def _fit_predict(history: list[float], horizon: int, method: str) -> list[float]:
    """Forecast `horizon` values after `history` with `method`; statsmodels' warnings about
    convergence and frequencies are silenced (they are expected on short, noisy series)."""
    if method == "average":
        return [sum(history) / len(history)] * horizon if history else [0.0] * horizon
    import numpy as np
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    data = np.asarray(history, dtype=float)
    if method == "holt_winters":
        kwargs = {"trend": "add", "seasonal": "add", "seasonal_periods": SEASON}
    elif method == "holt":
        kwargs = {"trend": "add", "damped_trend": True}
    else:
        kwargs = {}
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(data, initialization_method="estimated", **kwargs)
        fitted = model.fit()
        predicted = fitted.forecast(horizon)
    out = [float(v) for v in predicted]
    if not all(math.isfinite(v) for v in out):
        raise ValueError("non-finite forecast")
    return out


def fit_predict(history: list[float], horizon: int) -> tuple[list[float], str]:
    """The forecast with the model the history length allows; when a fit fails (degenerate
    series) the next simpler model is used."""
    order = ["holt_winters", "holt", "simple", "average"]
    method = choose_method(len(history))
    for candidate in order[order.index(method):]:
        try:
            return [max(0.0, v) for v in _fit_predict(history, horizon, candidate)], candidate
        except Exception:  # noqa: BLE001 - statsmodels raises assorted errors on degenerate data
            continue
    return [0.0] * horizon, "average"


def naive_predict(history: list[float], horizon: int) -> tuple[list[float], str]:
    """Seasonal naive (same month a year earlier) with >= 12 months of history, else the last value."""
    if len(history) >= SEASON:
        return [history[len(history) - SEASON + (i % SEASON)] for i in range(horizon)], "seasonal_naive"
    return [history[-1] if history else 0.0] * horizon, "last_value"


def mape(actual: list[float], predicted: list[float]) -> Decimal | None:
    """Mean absolute percentage error in percentage points, over months with non-zero actuals."""
    errors = [abs(a - p) / abs(a) for a, p in zip(actual, predicted, strict=True) if a]
    if not errors:
        return None
    return Decimal(repr(100 * sum(errors) / len(errors))).quantize(PCT, ROUND_HALF_UP)


def _qty(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(QTY, ROUND_HALF_UP)


def trim_leading_zeros(series: list) -> list:
    """A SKU's history starts at its first month with demand (months before it was sold are not
    'zero demand')."""
    for i, v in enumerate(series):
        if v:
            return list(series[i:])
    return []


def forecast_series(series: list, horizon: int = 3, holdout: int = BACKTEST_MONTHS) -> Forecast:
    history = [float(v) for v in trim_leading_zeros(series)]
    n = len(history)
    if n == 0:
        return Forecast([Decimal("0.0")] * horizon, "average", 0,
                        notes=[_("No demand in the history: nothing to forecast.")])
    values, method = fit_predict(history, horizon)
    fc = Forecast([_qty(v) for v in values], method, n)
    if n < MIN_SMOOTHING:
        fc.notes.append(_("Only %(n)d months of history: the forecast is their average, not a model.") % {"n": n})
    elif n < MIN_SEASONAL:
        fc.notes.append(_("%(n)d months of history (fewer than %(min)d): no seasonality modelled.")
                        % {"n": n, "min": MIN_SEASONAL})
    if n - holdout < MIN_BACKTEST_FIT:
        fc.notes.append(_("Too little history for a backtest (needs %(min)d months).")
                        % {"min": holdout + MIN_BACKTEST_FIT})
        return fc
    train, actual = history[:-holdout], history[-holdout:]
    predicted, _used = fit_predict(train, holdout)
    baseline, fc.naive_method = naive_predict(train, holdout)
    fc.model_mape = mape(actual, predicted)
    fc.naive_mape = mape(actual, baseline)
    if fc.model_mape is None:
        fc.notes.append(_("No demand in the backtest months: MAPE is undefined."))
    return fc


# --- reorder suggestion ------------------------------------------------------------------------

def _add_months(first: date, n: int) -> date:
    index = first.year * 12 + first.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def demand_over(forecast_months: list[tuple[date, Decimal]], start: date, days: int) -> Decimal:
    """Forecast demand over `days` days from `start`: each day takes its month's forecast divided
    by that month's length; days past the horizon take the last forecast month's rate."""
    if not forecast_months or days <= 0:
        return Decimal("0")
    rates = {}
    for first, qty in forecast_months:
        rates[(first.year, first.month)] = Decimal(qty) / calendar.monthrange(first.year, first.month)[1]
    last_first, last_qty = forecast_months[-1]
    total = Decimal("0")
    day = start
    for _i in range(days):
        key = (day.year, day.month)
        if key in rates:
            total += rates[key]
        else:
            total += Decimal(last_qty) / calendar.monthrange(day.year, day.month)[1]
        day += timedelta(days=1)
    return total.quantize(QTY, ROUND_HALF_UP)


def suggested_reorder(*, demand: Decimal, safety_stock: int, free: int, incoming: int, in_transit: int,
                      pack_size: int = 1) -> int:
    """demand over the lead time + safety stock − (free + incoming + in transit), floored at 0 and
    rounded up to a whole number of packs."""
    need = Decimal(demand) + safety_stock - (free + incoming + in_transit)
    if need <= 0:
        return 0
    pack = max(1, int(pack_size or 1))
    packs = (need / pack).to_integral_value(rounding=ROUND_CEILING)
    return int(packs) * pack
