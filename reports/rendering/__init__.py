"""Turn a ReportResult (plus a report's streamed detail rows) into a file: excel, pdf, csv.

Each renderer writes to a path on local disk (a temporary file the task then stores):

    excel.render(result, path, detail=report.detail_rows(params))
    csv.render(result, path, detail=...)
    pdf.render(result, path)
"""

from django.utils import timezone
from django.utils.functional import Promise


def localized(value):
    """Aware datetimes in local time, without tzinfo (Excel and CSV have no time zones); lazy
    translations as plain strings."""
    if isinstance(value, Promise):
        return str(value)
    if getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def unique_headers(columns) -> list[str]:
    """Column labels as sheet headers, made unique (a writer keyed by header needs that)."""
    seen, out = {}, []
    for col in columns:
        label = str(col.label) or col.key
        if label in seen:
            seen[label] += 1
            label = f"{label} ({seen[label]})"
        else:
            seen[label] = 1
        out.append(label)
    return out
