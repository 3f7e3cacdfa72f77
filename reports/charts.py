"""Server-rendered SVG charts (bar and line) for report sections and the dashboard.

One function, `svg_chart(chart, rows)`, draws a registry.Chart from a section's rows as a
self-contained <svg> string: no JavaScript, no external references, no style="" attributes
(presentation attributes such as fill= only, which a strict CSP allows), so the same markup
works on a console page, inside a WeasyPrint PDF and in an e-mail.

    {{ chart_svg }}   # svg_chart(section.chart, section.rows, labels={c.key: c.label ...})

Values may be Decimal, int or None (None = no value: a gap in a line, no bar). Geometry is
computed in floats (pixels, not money); every number printed on the chart comes from the
Decimal values and is formatted with thousands separators.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .registry import Chart

# Colour-blind friendly palette (Okabe-Ito), one colour per series.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
AXIS = "#6b7280"
GRID = "#e5e7eb"
TEXT = "#374151"
FONT = "sans-serif"
FONT_SIZE = 11
MAX_LABEL_CHARS = 14


def _num(value) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, Decimal)):
        return float(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    try:
        return float(Decimal(str(value)))
    except Exception:  # noqa: BLE001 - a non-numeric cell is simply not drawn
        return None


def _x_label(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _width(text: str, size: int = FONT_SIZE) -> float:
    """Rough rendered width in px: CJK (wide) characters about a full em, others about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in ("W", "F") else size * 0.6 for ch in text)


def _short(text: str, limit: int = MAX_LABEL_CHARS, max_px: float | None = None) -> str:
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if max_px is not None:
        while len(text) > 1 and _width(text) > max_px:
            text = text[:-2] + "…" if len(text) > 2 else text[:1]
    return text


def _nice_step(span: float, ticks: int = 5) -> float:
    """A 1/2/2.5/5 × 10^k step giving about `ticks` intervals over `span`."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _axis(lo: float, hi: float) -> tuple[float, float, list[float]]:
    """A rounded axis [lo, hi] that always includes 0, with its tick values."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if lo == hi:
        hi = lo + 1.0
    step = _nice_step(hi - lo)
    lo = math.floor(lo / step + 1e-9) * step
    hi = math.ceil(hi / step - 1e-9) * step
    count = int(round((hi - lo) / step))
    ticks = [lo + i * step for i in range(count + 1)]
    return lo, hi, ticks


def format_number(value, places: int | None = None) -> str:
    """12345.5 -> '12,345.5': thousands separators; up to 2 decimals unless `places` is given."""
    if value is None or value == "":
        return ""
    try:
        value = value if isinstance(value, Decimal) else Decimal(str(value))
    except Exception:  # noqa: BLE001
        return str(value)
    if places is None:
        exponent = value.normalize().as_tuple().exponent
        places = 0 if value == value.to_integral_value() else min(2, max(0, -int(exponent)))
    return f"{value:,.{places}f}"


def _tick_label(value: float, step: float) -> str:
    exponent = Decimal(repr(step)).normalize().as_tuple().exponent
    places = max(0, -int(exponent))
    return format_number(Decimal(repr(round(value, places))), places)


def _f(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x, y, content, *, anchor="middle", size=FONT_SIZE, fill=TEXT, extra="") -> str:
    return (f'<text x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-family="{FONT}" '
            f'font-size="{size}" fill="{fill}"{extra}>{escape(content)}</text>')


def _open(width: int, height: int, title: str) -> list[str]:
    label = escape(title or _("Chart"))
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="oms-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{label}">',
        f"<title>{label}</title>",
    ]


def empty_svg(title: str = "", *, width: int = 240, height: int = 48) -> SafeString:
    """A slim "No data" box (as wide as the chart would have been, so scaled to a page's width
    it stays a slim bar)."""
    parts = _open(width, height, title)
    parts.append(f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" stroke="{GRID}"/>')
    parts.append(_text(width / 2, height / 2 + 4, _("No data"), fill=AXIS))
    parts.append("</svg>")
    return mark_safe("".join(parts))


def svg_chart(chart: Chart, rows: list[dict], *, width: int = 720, height: int = 280,
              labels: dict | None = None, show_title: bool = True) -> SafeString:
    """The chart as SVG markup (a SafeString). `labels` maps series keys to legend labels
    (e.g. {c.key: c.label for c in section.columns}); the key itself is used otherwise.
    show_title=False leaves the title out of the drawing (a page heading shows it already);
    it stays the SVG's accessible name."""
    labels = labels or {}
    rows = list(rows or [])
    series = [key for key in chart.series]
    values = [[_num(row.get(key)) for row in rows] for key in series]
    present = [v for column in values for v in column if v is not None]
    if not rows or not series or not present:
        return empty_svg(str(chart.title or ""), width=width)

    title = str(chart.title or "")
    legend = len(series) > 1
    top = 28 if title and show_title else 12
    if legend:
        top += 18
    # Left margin wide enough for the longest tick label.
    lo, hi, ticks = _axis(min(present), max(present))
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    tick_labels = [_tick_label(t, step) for t in ticks]
    left = 12 + max(_width(t) for t in tick_labels)
    right, bottom = 12, 44
    plot_w, plot_h = max(width - left - right, 10), max(height - top - bottom, 10)

    def y_of(v: float) -> float:
        return top + plot_h - (v - lo) / (hi - lo) * plot_h

    parts = _open(width, height, title)
    if title and show_title:
        parts.append(_text(width / 2, 18, title, size=13, extra=' font-weight="bold"'))
    if legend:
        x = left
        for i, key in enumerate(series):
            name = _short(str(labels.get(key, key)), 24)
            colour = PALETTE[i % len(PALETTE)]
            parts.append(f'<rect x="{_f(x)}" y="{top - 16}" width="10" height="10" fill="{colour}"/>')
            parts.append(_text(x + 14, top - 7, name, anchor="start"))
            x += 24 + _width(name)

    # Grid and y axis labels.
    for tick, text in zip(ticks, tick_labels, strict=True):
        y = y_of(tick)
        parts.append(f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(left + plot_w)}" y2="{_f(y)}" '
                     f'stroke="{AXIS if tick == 0 else GRID}" stroke-width="1"/>')
        parts.append(_text(left - 6, y + 4, text, anchor="end"))

    # X axis labels: at most about one per 60 px.
    n = len(rows)
    band = plot_w / n
    every = max(1, math.ceil(n / max(1, plot_w // 60)))
    for i, row in enumerate(rows):
        if i % every:
            continue
        cx = left + band * (i + 0.5)
        parts.append(_text(cx, top + plot_h + 16, _short(_x_label(row.get(chart.x)), max_px=band * every - 4)))

    zero = y_of(0.0)
    if chart.kind == "line":
        for s, key in enumerate(series):
            colour = PALETTE[s % len(PALETTE)]
            name = str(labels.get(key, key))
            runs, current = [], []
            for i, v in enumerate(values[s]):
                if v is None:
                    if current:
                        runs.append(current)
                    current = []
                    continue
                current.append((left + band * (i + 0.5), y_of(v), i))
            if current:
                runs.append(current)
            for run in runs:
                if len(run) > 1:
                    points = " ".join(f"{_f(x)},{_f(y)}" for x, y, _i in run)
                    parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
                if n <= 60 or len(run) == 1:  # markers (an isolated value is only a marker)
                    for x, y, i in run:
                        tip = f"{name} · {_x_label(rows[i].get(chart.x))}: {format_number(rows[i].get(key))}"
                        parts.append(f'<circle cx="{_f(x)}" cy="{_f(y)}" r="3" fill="{colour}">'
                                     f"<title>{escape(tip)}</title></circle>")
    else:
        gap = band * 0.2
        bar_w = (band - gap) / len(series)
        for s, key in enumerate(series):
            colour = PALETTE[s % len(PALETTE)]
            name = str(labels.get(key, key))
            for i, v in enumerate(values[s]):
                if v is None:
                    continue
                x = left + band * i + gap / 2 + bar_w * s
                y = y_of(v)
                y0, h = (y, zero - y) if v >= 0 else (zero, y - zero)
                tip = f"{name} · {_x_label(rows[i].get(chart.x))}: {format_number(rows[i].get(key))}"
                parts.append(f'<rect x="{_f(x)}" y="{_f(y0)}" width="{_f(max(bar_w, 0.5))}" '
                             f'height="{_f(max(h, 0.0))}" fill="{colour}"><title>{escape(tip)}</title></rect>')

    parts.append(f'<line x1="{_f(left)}" y1="{_f(top)}" x2="{_f(left)}" y2="{_f(top + plot_h)}" '
                 f'stroke="{AXIS}" stroke-width="1"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
