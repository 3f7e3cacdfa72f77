"""CSV: every section one after another (title row, header, rows, totals), then the detail rows,
streamed row by row (constant memory). UTF-8 with a byte-order mark so Excel reads Chinese."""

import csv as _csv

from django.utils.translation import gettext as _

from ..registry import ColumnKind
from . import localized, unique_headers


def _cell(value):
    value = localized(value)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return value


def render(result, path, *, detail=None, progress=None):
    rows_written = 0
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        out = _csv.writer(fh)
        out.writerow([result.title])
        for label, value in result.filters:
            out.writerow([label, value])
        out.writerow([_("Generated"), localized(result.generated_at).isoformat(sep=" ", timespec="seconds")])
        for section in result.sections:
            out.writerow([])
            out.writerow([section.title])
            keys = [c.key for c in section.columns]
            out.writerow(unique_headers(section.columns))
            for row in section.rows:
                out.writerow([_cell(row.get(k)) for k in keys])
                rows_written += 1
            if section.totals:
                out.writerow([_cell(section.totals.get(k)) for k in keys])
        if detail is not None:
            columns, rows = detail
            out.writerow([])
            out.writerow(unique_headers(columns))
            # dates print as ISO by themselves, None as empty: only datetimes need localizing
            localize = [i for i, c in enumerate(columns) if c.kind == ColumnKind.DATETIME]
            n = 0
            for n, row in enumerate(rows, 1):
                if localize:
                    row = list(row)
                    for i in localize:
                        row[i] = _cell(row[i])
                out.writerow(row)
                if progress and n % 50_000 == 0:
                    progress(n)
            rows_written += n
    return rows_written
