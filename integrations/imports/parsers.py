"""Reading an uploaded import file — CSV (through oms.csv_upload: UTF-8 or GB18030, , ; or tab)
or Excel .xlsx (openpyxl, read-only, first sheet) — into a header and data rows.

Every problem a person can fix raises ValidationFailed(field="file") with a plain message.
Rows are numbered as the spreadsheet shows them: the header is row 1, data starts at row 2."""

import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from oms.csv_upload import csv_reader, read_csv_text
from oms.errors import ValidationFailed

XLSX_CONTENT_TYPES = {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                      "application/octet-stream", "application/zip", ""}


@dataclass
class Table:
    header: list          # normalised column names (lower case, spaces -> _)
    rows: list            # [(row number, {column: text})], blank rows left out


def normalise_column(name) -> str:
    return "_".join(str(name or "").strip().lower().replace("-", " ").split())


def file_format(upload) -> str:
    name = (getattr(upload, "name", "") or "").lower()
    return "xlsx" if name.endswith(".xlsx") else "csv"


def _cell_text(value) -> str:
    """A cell as the text a person typed: 12.0 -> "12", dates as ISO, None -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(upload, *, max_bytes):
    import openpyxl

    name = (getattr(upload, "name", "") or "").lower()
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in XLSX_CONTENT_TYPES:
        raise ValidationFailed(_("Upload a .csv or .xlsx file."), field="file", code="type")
    size = getattr(upload, "size", 0) or 0
    if size > max_bytes:
        raise ValidationFailed(_("The file is %(size)s MB; it may be at most %(max)s MB.")
                               % {"size": f"{size / 1024 / 1024:.1f}", "max": f"{max_bytes / 1024 / 1024:g}"},
                               field="file", code="size")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if not data:
        raise ValidationFailed(_("The file is empty."), field="file", code="empty")
    if not data.startswith(b"PK") or not name.endswith(".xlsx"):
        raise ValidationFailed(_("This is not an Excel .xlsx workbook (old .xls files: save as .xlsx or CSV)."),
                               field="file", code="type")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise ValidationFailed(_("The Excel file could not be read; is it damaged?"), field="file", code="type")
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in values]
    finally:
        workbook.close()


def read_table(upload, *, max_bytes=None, max_rows=None) -> Table:
    """The header and rows of an uploaded .csv or .xlsx file."""
    max_bytes = max_bytes or settings.IMPORT_MAX_BYTES
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    if upload is None:
        raise ValidationFailed(_("Choose a file."), field="file", code="required")
    if file_format(upload) == "xlsx":
        raw = _xlsx_rows(upload, max_bytes=max_bytes)
    else:
        text = read_csv_text(upload, max_bytes=max_bytes,
                             wrong_type_message=_("Upload a .csv or .xlsx file."))
        raw = ([c.strip() for c in row] for row in csv_reader(text))
    header, rows = None, []
    for number, cells in enumerate(raw, start=1):
        if header is None:
            if not any(cells):
                continue  # leading blank lines
            header = [normalise_column(c) for c in cells]
            while header and not header[-1]:
                header.pop()
            header_row = number
            continue
        if not any(cells):
            continue
        if len(rows) >= max_rows:
            raise ValidationFailed(_("The file has more than %(max)d rows; split it into smaller files.")
                                   % {"max": max_rows}, field="file", code="too_many_rows")
        row = {col: (cells[i] if i < len(cells) else "") for i, col in enumerate(header) if col}
        rows.append((number, row))
    if header is None:
        raise ValidationFailed(_("The file is empty."), field="file", code="empty")
    del header_row
    seen = set()
    for col in header:
        if col and col in seen:
            raise ValidationFailed(_("The column “%(column)s” appears twice in the header.") % {"column": col},
                                   field="file", code="duplicate_column")
        seen.add(col)
    if not rows:
        raise ValidationFailed(_("The file has a header but no rows."), field="file", code="empty")
    return Table(header=[c for c in header if c], rows=rows)
