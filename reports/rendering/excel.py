"""Excel (.xlsx) through rustpy-xlsxwriter (the Rust rust_xlsxwriter engine, constant memory).

Sheets: "Filters" (report title, filters in force, generation time), one sheet per section,
then the detail sheet streamed from Report.detail_rows. Cells are typed: numbers are numbers
(Decimal in, Excel number out), dates real dates, money with a number format (and the
currency in it when the column has a fixed one); the header row is frozen and bold, columns
have widths by kind.

Measured on 1,000,000 rows x 17 columns (see the report to the lead / bench_reports):
rustpy-xlsxwriter ~15 s and ~25 MB, XlsxWriter constant_memory ~90 s, CSV ~5 s."""

import re

import rustpy_xlsxwriter as rx
from django.utils.translation import gettext as _

from ..registry import ColumnKind
from . import localized, unique_headers

MAX_SHEET_ROWS = 1_048_575  # Excel's limit, minus the header

NUMBER_FORMATS = {
    ColumnKind.INT: "#,##0",
    ColumnKind.DECIMAL: "#,##0.00",
    ColumnKind.MONEY: "#,##0.00",
    ColumnKind.PERCENT: '0.0" %"',
    ColumnKind.DATE: "yyyy-mm-dd",
    ColumnKind.DATETIME: "yyyy-mm-dd hh:mm",
}
WIDTHS = {ColumnKind.INT: 10, ColumnKind.DECIMAL: 12, ColumnKind.MONEY: 14, ColumnKind.PERCENT: 9,
          ColumnKind.DATE: 11, ColumnKind.DATETIME: 16}


def number_format(column) -> str | None:
    fmt = NUMBER_FORMATS.get(column.kind)
    if column.kind == ColumnKind.MONEY and column.currency:
        fmt = f'#,##0.00 "{column.currency}"'
    return fmt


def _formats(columns):
    formats = []
    for col in columns:
        fmt = number_format(col)
        formats.append(rx.Format().set_num_format(fmt) if fmt else None)
    return formats


def _widths(columns, headers, rows=()):
    widths = []
    for i, (col, header) in enumerate(zip(columns, headers)):
        width = max(WIDTHS.get(col.kind, 16), _display_len(header) + 2)
        if col.kind == ColumnKind.TEXT:
            longest = max((_display_len(str(r[i] or "")) for r in rows), default=0)
            width = max(width, min(longest + 2, 60))
        widths.append(width)
    return widths


def _display_len(text):
    # CJK characters take two columns
    return len(text) + len(re.findall(r"[\u2e80-\u9fff\uff00-\uffef]", text))


_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title, used):
    name = _SHEET_BAD.sub(" ", str(title)).strip()[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
        n += 1
    used.add(name.lower())
    return name


def _section_rows(section):
    keys = [c.key for c in section.columns]
    rows = [tuple(localized(row.get(k)) for k in keys) for row in section.rows]
    if section.totals:
        rows.append(tuple(localized(section.totals.get(k)) for k in keys))
    return rows


def render(result, path, *, detail=None, progress=None):
    """Write the workbook to `path`; returns the number of data rows written (sections + detail)."""
    used = set()
    header_fmt = rx.Format().set_bold().set_background_color("#E5E7EB")
    book = rx.FastExcel(str(path)).format(datetime_format="yyyy-mm-dd hh:mm", bold_headers=True).freeze(row=1)
    filters = [(str(_("Report")), str(result.title))]
    filters += [(str(label), str(value)) for label, value in result.filters]
    filters.append((str(_("Generated")), localized(result.generated_at)))
    filter_headers = [str(_("Filter")), str(_("Value"))]
    book.sheet(_sheet_name(_("Filters"), used), [dict(zip(filter_headers, row)) for row in filters],
               column_widths=[18, 40], header_format=header_fmt,
               column_formats=[None, rx.Format().set_num_format("yyyy-mm-dd hh:mm").set_align("left")])
    written = 0
    for section in result.sections:
        headers = unique_headers(section.columns)
        rows = _section_rows(section)
        written += len(section.rows)
        book.sheet(_sheet_name(section.title, used), [dict(zip(headers, row)) for row in rows] or [dict.fromkeys(headers)],
                   column_widths=_widths(section.columns, headers, rows), column_formats=_formats(section.columns),
                   header_format=header_fmt)
    counter = {"n": 0}
    if detail is not None:
        columns, rows = detail
        headers = unique_headers(columns)
        localize = [i for i, c in enumerate(columns) if c.kind == ColumnKind.DATETIME]

        def stream():
            n = 0
            for row in rows:
                if localize:
                    row = list(row)
                    for i in localize:
                        row[i] = localized(row[i])
                yield dict(zip(headers, row))
                n += 1
                if n % 50_000 == 0:
                    counter["n"] = n
                    if progress:
                        progress(n)
                if n >= MAX_SHEET_ROWS:
                    break
            counter["n"] = n

        book.sheet(_sheet_name(_("Detail"), used), stream(), column_widths=_widths(columns, headers),
                   column_formats=_formats(columns), header_format=header_fmt)
    book.save()
    return written + counter["n"]
