"""Quick order: a dealer pastes lines ("SKU quantity") or uploads a CSV; good lines go to the
cart, every other line comes back with its number, its text and what is wrong with it.

Accepted line shapes (blank lines and lines starting with # are skipped):

    VALVE-20 10        VALVE-20,10        VALVE-20;10        VALVE-20<TAB>10
    VALVE-20 x 10      VALVE-20 x10       VALVE-20 × 10      VALVE-20*10

A first line like "sku,quantity" is a header and skipped. Garbage of any kind (binary, huge,
unknown encodings) is reported, never raised as a 500."""

import csv
import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from inventory.models import Product
from oms.csv_upload import csv_reader, read_csv_text
from oms.errors import ValidationFailed

from .cart import add_lines, pack_size_message
from .intake import MAX_LINES, MAX_QUANTITY

MAX_UPLOAD_BYTES = 1024 * 1024
MAX_TEXT_CHARS = 200_000
HEADER_WORDS = {"sku", "code", "item", "product", "article", "货号", "编码", "产品编码", "商品编码"}
SEPARATORS = re.compile(r"\s*[,;\t]\s*")
TIMES_SIGNS = ("x", "X", "×", "*")


class QuickOrderInvalid(ValidationFailed):
    code = "quick_order_invalid"


@dataclass
class QuickLine:
    line_no: int
    text: str
    sku: str
    quantity: str


@dataclass
class Problem:
    line_no: int
    text: str
    message: str


@dataclass
class QuickOrderResult:
    added: list = field(default_factory=list)  # [(product, quantity)]
    problems: list = field(default_factory=list)  # [Problem]

    @property
    def ok(self):
        return not self.problems


def _split(text):
    """(sku, quantity) of one line, or None when it has no recognisable shape."""
    if SEPARATORS.search(text):
        parts = [p.strip() for p in SEPARATORS.split(text)]
        if len(parts) >= 2 and parts[0] and parts[1]:  # extra columns (a description...) are ignored
            return parts[0], parts[1]
        return None
    tokens = text.split()
    if len(tokens) == 3 and tokens[1] in TIMES_SIGNS:
        return tokens[0], tokens[2]
    if len(tokens) == 2:
        sku, qty = tokens
        if qty[:1] in TIMES_SIGNS and qty[1:].isdigit():
            qty = qty[1:]
        elif sku[-1:] in ("×", "*") and len(sku) > 1:
            sku = sku[:-1]
        return sku, qty
    if len(tokens) == 1:
        for sign in ("×", "*"):
            sku, found, qty = text.partition(sign)
            if found and sku.strip() and qty.strip():
                return sku.strip(), qty.strip()
    return None


def _is_header(sku, qty):
    return sku.strip().strip('"').lower() in HEADER_WORDS and not qty.strip().isdigit()


def _collect(rows):
    """rows: [(line_no, raw text, (sku, quantity) or None)] -> (lines, problems)."""
    lines, problems, seen_content = [], [], False
    for line_no, text, pair in rows:
        if pair is None:
            problems.append(Problem(line_no, text, _("Cannot read this line: write the SKU and the quantity, "
                                                     "e.g. “VALVE-20 10”.")))
            seen_content = True
            continue
        sku, qty = pair
        if not seen_content and _is_header(sku, qty):
            seen_content = True
            continue
        seen_content = True
        lines.append(QuickLine(line_no, text, sku.strip().strip('"'), qty.strip().strip('"')))
    if len(lines) + len(problems) > MAX_LINES:
        raise QuickOrderInvalid(_("A quick order takes at most %(n)d lines.") % {"n": MAX_LINES}, field="lines")
    return lines, problems


def parse_text(text):
    """The pasted lines as (QuickLine list, Problem list)."""
    text = (text or "")
    if len(text) > MAX_TEXT_CHARS:
        raise QuickOrderInvalid(_("That is too much text for one quick order."), field="lines")
    if "\x00" in text:
        raise QuickOrderInvalid(_("That is not text: paste lines like “VALVE-20 10”."), field="lines")
    rows = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line or line.startswith("#"):
            continue
        rows.append((line_no, line[:200], _split(line)))
    return _collect(rows)


def read_upload(upload) -> str:
    """The text of an uploaded CSV, checked (oms.csv_upload): a .csv/.txt name, at most 1 MB,
    text in UTF-8 or GB18030."""
    try:
        return read_csv_text(upload, max_bytes=MAX_UPLOAD_BYTES,
                             wrong_type_message=_("Upload a .csv file (columns: SKU, quantity)."))
    except ValidationFailed as err:
        raise QuickOrderInvalid(err.message, field="file", code=err.code) from None


def parse_csv(text):
    """CSV rows (an optional "sku,quantity" header, extra columns ignored) as (lines, problems)."""
    rows = []
    try:
        reader = csv_reader(text)
        for row in reader:
            line_no = reader.line_num
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            raw = ", ".join(cells)[:200]
            if len(cells) >= 2 and cells[0] and cells[1]:
                rows.append((line_no, raw, (cells[0], cells[1])))
            elif len(cells) == 1:  # one column: maybe "SKU 10" typed into one cell
                rows.append((line_no, raw, _split(cells[0])))
            else:
                rows.append((line_no, raw, None))
    except csv.Error as err:
        raise QuickOrderInvalid(_("The CSV file cannot be read: %(error)s") % {"error": err}, field="file")
    return _collect(rows)


def resolve(lines):
    """Match SKUs (or barcodes) and check quantities: ([(QuickLine, product, quantity)], [Problem])."""
    codes = {ln.sku for ln in lines} | {ln.sku.upper() for ln in lines}
    found = {}
    if codes:
        for p in Product.objects.filter(Q(sku__in=codes) | Q(barcode__in=codes)).select_related("category"):
            found[p.sku.upper()] = p
            if p.barcode:
                found[p.barcode] = p
    good, problems = [], []
    for ln in lines:
        product = found.get(ln.sku.upper())
        if product is None:
            problems.append(Problem(ln.line_no, ln.text, _("Unknown SKU “%(sku)s”.") % {"sku": ln.sku[:40]}))
            continue
        if not product.active:
            problems.append(Problem(ln.line_no, ln.text, _("%(sku)s is no longer sold.") % {"sku": product.sku}))
            continue
        qty_text = ln.quantity.replace(",", "").replace("_", "")
        if not qty_text.isascii() or not qty_text.isdigit() or int(qty_text) <= 0:
            problems.append(Problem(ln.line_no, ln.text, _("“%(qty)s” is not a whole number above zero.")
                                    % {"qty": ln.quantity[:20]}))
            continue
        qty = int(qty_text)
        if qty > MAX_QUANTITY:
            problems.append(Problem(ln.line_no, ln.text, _("%(qty)d is more than one order may ask for.") % {"qty": qty}))
            continue
        if qty % product.pack_size:
            problems.append(Problem(ln.line_no, ln.text, pack_size_message(product, qty)))
            continue
        good.append((ln, product, qty))
    return good, problems


def quick_order_to_cart(*, actor, company, lines, problems=()) -> QuickOrderResult:
    """Add the good lines to the actor's cart and return them with every problem, sorted by
    line number. `lines`/`problems` come from parse_text or parse_csv."""
    good, bad = resolve(lines)
    result = QuickOrderResult(problems=sorted([*problems, *bad], key=lambda p: p.line_no))
    if good:
        merged = {}
        for _ln, product, qty in good:
            merged.setdefault(product.pk, [product, 0])[1] += qty
        add_lines(actor=actor, company=company, lines=[(p, q) for p, q in merged.values()])
        result.added = [(p, q) for p, q in merged.values()]
    return result
