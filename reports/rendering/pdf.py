"""PDF through WeasyPrint: per section a summary table and its chart (reports.charts.svg_chart).

Page header and footer (CSS @page margin boxes) carry the report title, the filters in force,
the generation time and "page n / m"; the font stack starts with WenQuanYi Micro Hei so Chinese
renders (as in the invoice and packing-slip PDFs). PDFs are summaries: a result over the
report's pdf_row_cap is refused before rendering (services/tasks say so to the user)."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from oms.money import CURRENCIES

from ..registry import ColumnKind


def _chart(section):
    if not section.chart or not section.rows:
        return ""
    from ..charts import svg_chart

    labels = {c.key: str(c.label) for c in section.columns}
    try:
        return svg_chart(section.chart, section.rows, width=680, height=240, labels=labels)
    except TypeError:  # an older svg_chart without labels=
        return svg_chart(section.chart, section.rows, width=680, height=240)


# A4 portrait fits about this many columns of figures; a report with a wider section is printed
# on landscape pages (and its wide tables in a smaller type), so no column is cut off.
PORTRAIT_MAX_COLUMNS = 7


def is_wide(columns) -> bool:
    return len(columns) > PORTRAIT_MAX_COLUMNS


def sections_for_display(result, *, with_charts=True):
    """Sections shaped for templates (screen and PDF): header cells, rows as lists of
    (value, kind, currency) and the chart SVG."""
    shaped = []
    for section in result.sections:
        cols = section.columns

        def cells(row):
            currency = row.get("currency", "")
            currency = currency if isinstance(currency, str) and currency in CURRENCIES else ""
            out = []
            for c in cols:
                value = row.get(c.key)
                kind = ColumnKind.TEXT if isinstance(value, str) else c.kind  # e.g. a "Total" label
                out.append({"value": value, "kind": kind, "currency": c.currency or currency,
                            "numeric": kind not in (ColumnKind.TEXT, ColumnKind.DATE, ColumnKind.DATETIME)})
            return out

        shaped.append({
            "key": section.key, "title": section.title, "note": section.note, "wide": is_wide(cols),
            "columns": [{"label": c.label, "numeric": c.kind not in (ColumnKind.TEXT, ColumnKind.DATE, ColumnKind.DATETIME)}
                        for c in cols],
            "rows": [cells(r) for r in section.rows],
            "totals": cells(section.totals) if section.totals else None,
            "chart": _chart(section) if with_charts else "",
        })
    return shaped


def css_string(text) -> str:
    """A quoted CSS string (for `content:` in @page margin boxes); safe inside <style>."""
    out = []
    for ch in str(text):
        if ch in '\\"<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return mark_safe('"' + "".join(out) + '"')


def render_bytes(result) -> bytes:
    from weasyprint import HTML

    generated_at = timezone.localtime(result.generated_at)
    filters_line = " · ".join(f"{label}: {value}" for label, value in result.filters)
    sections = sections_for_display(result)
    html = render_to_string("reports/pdf/report.html", {
        "result": result, "sections": sections, "company_name": settings.OMS_COMPANY_NAME,
        "landscape": any(s["wide"] for s in sections),
        "generated_at": generated_at,
        "css": {
            "title": css_string(result.title), "company": css_string(settings.OMS_COMPANY_NAME),
            "filters": css_string(filters_line),
            "generated": css_string(f"{_('Generated')} {generated_at:%Y-%m-%d %H:%M}"),
        },
    })
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def render(result, path, *, detail=None, progress=None):
    with open(path, "wb") as fh:
        fh.write(render_bytes(result))
    return result.row_count
