"""Reading an uploaded CSV file the one way: a .csv (or .txt) name and a text content type,
at most `max_bytes`, text in UTF-8 (with or without BOM) or GB18030 — what Excel saves on a
Chinese Windows — and the delimiter (comma, semicolon or tab) taken from the first line.
Raises ValidationFailed(field="file") with a message a person can act on; forms turn it into
a field error."""

import csv
import io

from django.utils.translation import gettext as _

from .errors import ValidationFailed

CSV_EXTENSIONS = {"csv", "txt"}
CSV_CONTENT_TYPES = {"text/csv", "text/plain", "application/csv", "text/comma-separated-values", "text/x-csv",
                     "application/vnd.ms-excel", "application/octet-stream", ""}


def _fail(message, code):
    raise ValidationFailed(message, field="file", code=code)


def read_csv_text(upload, *, max_bytes, wrong_type_message=None) -> str:
    """The checked text of the upload."""
    if upload is None:
        _fail(_("Choose a CSV file."), "required")
    name = (getattr(upload, "name", "") or "").lower()
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if name.rsplit(".", 1)[-1] not in CSV_EXTENSIONS or content_type not in CSV_CONTENT_TYPES:
        _fail(wrong_type_message or _("Upload a .csv file (save the spreadsheet as CSV)."), "type")
    limit = _("The file is %(size)s MB; it may be at most %(max)s MB.")
    if (getattr(upload, "size", 0) or 0) > max_bytes:
        _fail(limit % {"size": f"{upload.size / 1024 / 1024:.1f}", "max": f"{max_bytes / 1024 / 1024:g}"}, "size")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        _fail(limit % {"size": f"{len(data) / 1024 / 1024:.1f}", "max": f"{max_bytes / 1024 / 1024:g}"}, "size")
    if not data.strip():
        _fail(_("The file is empty."), "empty")
    if b"\x00" in data:
        _fail(_("This is not a text CSV file."), "type")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    _fail(_("The file is not UTF-8 or GB18030 text."), "encoding")


def csv_reader(text):
    """A csv.reader over the text, splitting on whichever of , ; or tab the first line uses most."""
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count) if any(d in first for d in ",;\t") else ","
    return csv.reader(io.StringIO(text), delimiter=delimiter)


def form_csv_reader(upload, *, max_bytes):
    """For a form's clean_<field>(): csv_reader(read_csv_text(...)), with the check's message
    as the field's ValidationError."""
    from django import forms

    try:
        return csv_reader(read_csv_text(upload, max_bytes=max_bytes))
    except ValidationFailed as err:
        raise forms.ValidationError(str(err.message), code=err.code) from None
