"""What each import kind expects and how it applies a row.

A kind knows its columns (for the template and the header check), turns the file's rows into
units — one product, one customer, one stock count, one order of several lines — checking
every cell and looking up every reference in a few bulk queries, and applies one unit by
calling the owning app's service (integrations never writes other apps' models)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from django.db import transaction

from customers.validators import phone_problem, postal_code_problem
from oms.errors import DomainError, ValidationFailed
from oms.permissions import Perm
from oms.regions import Region

from ..models import ImportJob

TRUE = {"1", "true", "yes", "y", "t", "x", "是", "active"}
FALSE = {"0", "false", "no", "n", "f", "否", "inactive"}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    example: str = ""
    help: str = ""


@dataclass
class Unit:
    """One thing to apply: the spreadsheet rows it came from, a key shown in the report, the
    checked data, and what applying is expected to do ("create", "update", "skip")."""
    rows: list
    key: str
    data: dict
    action: str = ""
    detail: str = ""


@dataclass
class Errors:
    items: list = field(default_factory=list)

    def add(self, row, column, message):
        self.items.append({"row": row, "column": column or "", "message": str(message)})

    def __bool__(self):
        return bool(self.items)


class CellError(Exception):
    pass


class RowReader:
    """Typed access to one row's cells; a bad cell is recorded in `errors` and returns None."""

    def __init__(self, number, row, errors):
        self.number, self.row, self.errors, self.ok = number, row, errors, True

    def _fail(self, column, message):
        self.ok = False
        self.errors.add(self.number, column, message)

    def present(self, column):
        return column in self.row and self.row[column] != ""

    def text(self, column, *, required=False, max_length=None, upper=False):
        value = (self.row.get(column) or "").strip()
        if not value:
            if required:
                self._fail(column, _("This column is required."))
            return None if required else ""
        if max_length and len(value) > max_length:
            self._fail(column, _("At most %(n)d characters.") % {"n": max_length})
            return None
        return value.upper() if upper else value

    def decimal(self, column, *, required=False, minimum=None, places=None):
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            number = Decimal(value.replace(",", "").replace("¥", "").strip())
            if not number.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            self._fail(column, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if minimum is not None and number < minimum:
            self._fail(column, _("Must be at least %(min)s.") % {"min": minimum})
            return None
        if places is not None and number != number.quantize(Decimal(1).scaleb(-places)):
            self._fail(column, _("At most %(n)d decimal places.") % {"n": places})
            return None
        return number

    def integer(self, column, *, required=False, minimum=0):
        number = self.decimal(column, required=required)
        if number is None:
            return None
        if number != number.to_integral_value():
            self._fail(column, _("“%(value)s” is not a whole number.") % {"value": self.row.get(column)})
            return None
        if minimum is not None and number < minimum:
            self._fail(column, _("Must be at least %(min)s.") % {"min": minimum})
            return None
        return int(number)

    def boolean(self, column):
        value = self.text(column).lower()
        if not value:
            return None
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        self._fail(column, _("Write yes or no."))
        return None

    def choice(self, column, choices, *, required=False):
        """A TextChoices value, given as its code or its label (any case)."""
        value = self.text(column, required=required)
        if not value:
            return None
        wanted = value.strip().lower()
        for code, label in choices.choices:
            if wanted in (str(code).lower(), str(label).lower()):
                return code
        self._fail(column, _("“%(value)s” is not one of: %(options)s.")
                   % {"value": value, "options": ", ".join(str(c) for c in choices.values)})
        return None

    def date(self, column):
        value = self.text(column)
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            self._fail(column, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value})
            return None

    def reference(self, column, lookup, *, required=False, message=None, upper=True):
        """A code looked up in `lookup` (a dict built by one query): the object or None."""
        value = self.text(column, required=required, upper=upper)
        if not value:
            return None
        obj = lookup.get(value if upper else value.lower())
        if obj is None:
            self._fail(column, (message or _("Unknown value “%(value)s”.")) % {"value": value})
        return obj


class _Choices:
    """A plain list of (code, label) pairs shaped like TextChoices for RowReader.choice()."""

    def __init__(self, choices):
        self.choices = list(choices)
        self.values = [code for code, _label in self.choices]


def _duplicates(errors, units, column, what):
    """Flag a key seen on more than one row; keeps the first."""
    seen, kept = {}, []
    for unit in units:
        if unit.key in seen:
            errors.add(unit.rows[0], column, _("%(what)s “%(key)s” is already on row %(row)d of this file.")
                       % {"what": what, "key": unit.key, "row": seen[unit.key]})
            continue
        seen[unit.key] = unit.rows[0]
        kept.append(unit)
    return kept


class ImportKind:
    key = ""
    label = ""
    perm = None
    columns: tuple = ()

    @property
    def required_columns(self):
        return [c.name for c in self.columns if c.required]

    def prepare(self, table, errors) -> list:
        raise NotImplementedError

    # Either apply(unit) -> action, called once per unit, or (batch = True)
    # apply_batch(units) -> [action], whose DomainError may list extra["errors"] as
    # [{"index": unit index, "field", "message"}].
    batch = False
    # dry run: roll back each unit at once (True) or the whole file at the end (False)
    isolated_dry_run = False

    def apply(self, unit, *, actor, job) -> str:
        raise NotImplementedError

    def apply_batch(self, units, *, actor, job) -> list:
        raise NotImplementedError

    # which column a service error about `field` belongs to
    field_columns: dict = {}

    def column_for(self, field_name):
        return self.field_columns.get(field_name, field_name or "")


# --- products ------------------------------------------------------------------------------------

class ProductsKind(ImportKind):
    key = ImportJob.Kind.PRODUCTS
    label = gettext_lazy("Products")
    perm = Perm.CATALOG_MANAGE
    columns = (
        Column("sku", True, "VALVE-25", gettext_lazy("Unique product code; an existing SKU is updated.")),
        Column("name", True, "Ball valve DN25", gettext_lazy("Required for new products.")),
        Column("category", True, "valves", gettext_lazy("Category slug or name (must exist).")),
        Column("unit", False, "pcs", gettext_lazy("pcs, box, ctn, set, kg, m, l")),
        Column("pack_size", False, "1", gettext_lazy("Orders must be multiples of this.")),
        Column("barcode", False, "6901234567892", gettext_lazy("EAN-13 or UPC-A with a correct check digit.")),
        Column("tax_class", False, "standard", gettext_lazy("standard, reduced or exempt")),
        Column("average_cost", False, "35.50", gettext_lazy("Unit cost for new products.")),
        Column("weight_kg", False, "0.8"),
        Column("supplier", False, "", gettext_lazy("Supplier code (must exist).")),
        Column("description", False, ""),
        Column("active", False, "yes", gettext_lazy("yes or no")),
    )

    def prepare(self, table, errors):
        from inventory.models import Category, Product, Supplier

        skus = {(r.get("sku") or "").strip().upper() for _n, r in table.rows}
        existing = {p.sku.upper(): p for p in Product.objects.filter(sku__in=skus).only("id", "sku", "barcode")}
        categories = {}
        for c in Category.objects.all().only("id", "slug", "name"):
            categories.setdefault(c.name.lower(), c)
            categories[c.slug.lower()] = c
        suppliers = {s.code.upper(): s for s in Supplier.objects.all().only("id", "code")}
        units = []
        for number, row in table.rows:
            r = RowReader(number, row, errors)
            sku = r.text("sku", required=True, max_length=40, upper=True)
            is_new = sku is not None and sku not in existing
            data = {}
            name = r.text("name", required=is_new, max_length=200)
            if name:
                data["name"] = name
            category = r.reference("category", categories, required=is_new, upper=False,
                                   message=_("No category “%(value)s”: create it first."))
            if category is not None:
                data["category"] = category
            for col, choices in (("unit", Product.Unit), ("tax_class", Product.TaxClass)):
                value = r.choice(col, choices)
                if value:
                    data[col] = value
            pack = r.integer("pack_size", minimum=1)
            if pack is not None:
                data["pack_size"] = pack
            if r.present("barcode"):
                data["barcode"] = r.text("barcode", max_length=13)
            for col, places in (("average_cost", 4), ("weight_kg", 3)):
                value = r.decimal(col, minimum=0, places=places)
                if value is not None:
                    data[col] = value
            if r.present("supplier"):
                data["supplier"] = r.reference("supplier", suppliers, message=_("No supplier with code “%(value)s”."))
            if r.present("description"):
                data["description"] = r.text("description")
            active = r.boolean("active")
            if active is not None:
                data["active"] = active
            if r.ok and sku:
                units.append(Unit([number], sku, data, "create" if is_new else "update"))
        units = _duplicates(errors, units, "sku", _("SKU"))
        barcodes = {}
        for unit in units:
            code = unit.data.get("barcode")
            if code:
                if code in barcodes:
                    errors.add(unit.rows[0], "barcode", _("The barcode %(code)s is already on row %(row)d of this file.")
                               % {"code": code, "row": barcodes[code]})
                barcodes.setdefault(code, unit.rows[0])
        return units

    batch = True

    def apply_batch(self, units, *, actor, job):
        from inventory.services.catalog import save_products

        created = save_products(actor=actor, items=[(u.key, u.data) for u in units])
        return ["create" if c else "update" for c in created]


# --- stock levels --------------------------------------------------------------------------------

class StockKind(ImportKind):
    key = ImportJob.Kind.STOCK
    label = gettext_lazy("Stock levels")
    perm = Perm.INVENTORY_MANAGE
    columns = (
        Column("sku", True, "VALVE-25", gettext_lazy("Product SKU (must exist).")),
        Column("warehouse", True, "SH", gettext_lazy("Warehouse code (must exist).")),
        Column("counted", True, "120", gettext_lazy("Units on the shelf; becomes on hand (a cycle count in the ledger).")),
        Column("reason", False, "Year-end count"),
    )
    field_columns = {"counted": "counted", "quantity": "counted", "product": "sku", "reason": "reason"}

    def prepare(self, table, errors):
        from inventory.models import Product, Stock, Warehouse

        skus = {(r.get("sku") or "").strip().upper() for _n, r in table.rows}
        products = {p.sku.upper(): p for p in Product.objects.filter(sku__in=skus)}
        warehouses = {w.code.upper(): w for w in Warehouse.objects.all()}
        on_hand = {(s.product_id, s.warehouse_id): s.on_hand
                   for s in Stock.objects.filter(product__in=products.values()).only("product_id", "warehouse_id", "on_hand")}
        units = []
        for number, row in table.rows:
            r = RowReader(number, row, errors)
            product = r.reference("sku", products, required=True, message=_("Unknown SKU “%(value)s”."))
            warehouse = r.reference("warehouse", warehouses, required=True, message=_("Unknown warehouse “%(value)s”."))
            counted = r.integer("counted", required=True, minimum=0)
            reason = r.text("reason", max_length=150)
            if r.ok:
                before = on_hand.get((product.pk, warehouse.pk), 0)
                units.append(Unit([number], f"{product.sku}@{warehouse.code}",
                                  {"product": product, "warehouse": warehouse, "counted": counted, "reason": reason},
                                  "update", _("%(before)d → %(after)d") % {"before": before, "after": counted}))
        return _duplicates(errors, units, "sku", _("SKU and warehouse"))

    batch = True

    def apply_batch(self, units, *, actor, job):
        """One batch per reason (the ledger row's reason names the import and the row's note)."""
        from inventory.services.counts import count_stocks

        prefix = _("Import #%(job)s") % {"job": job.pk if job else "—"}
        actions = [None] * len(units)
        by_reason = {}
        for i, u in enumerate(units):
            by_reason.setdefault(f"{prefix}: {u.data['reason']}" if u.data["reason"] else prefix, []).append(i)
        errors = []
        for reason, indexes in by_reason.items():
            try:
                with transaction.atomic():
                    movements = count_stocks(actor=actor, reason=reason, counts=[
                        (units[i].data["product"], units[i].data["warehouse"], units[i].data["counted"])
                        for i in indexes])
            except DomainError as err:
                listed = (err.extra or {}).get("errors") or [{"index": 0, "field": err.field, "message": str(err.message)}]
                errors += [{**e, "index": indexes[e["index"]]} for e in listed]
                continue
            for i, m in zip(indexes, movements):
                actions[i] = "update" if m.on_hand_delta else "unchanged"
        if errors:
            errors.sort(key=lambda e: e["index"])
            raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], extra={"errors": errors})
        return actions


# --- customers -----------------------------------------------------------------------------------

class CustomersKind(ImportKind):
    key = ImportJob.Kind.CUSTOMERS
    label = gettext_lazy("Customers")
    perm = Perm.CUSTOMERS_MANAGE
    columns = (
        Column("code", True, "D-1001", gettext_lazy("Unique customer code; an existing code is updated.")),
        Column("name", True, "Shanghai Pipe Trading Co.", gettext_lazy("Required for new customers.")),
        Column("region", True, "east", gettext_lazy("north, northeast, east, central, south, southwest, northwest")),
        Column("tier", False, "gold", gettext_lazy("platinum, gold, silver, standard")),
        Column("currency", False, "CNY"),
        Column("payment_terms", False, "net30", gettext_lazy("prepaid, cod, net15, net30, net60")),
        Column("credit_limit", False, "50000.00"),
        Column("price_list", False, "", gettext_lazy("Price list code (must exist).")),
        Column("tax_id", False, ""),
        Column("status", False, "active", gettext_lazy("active, on_hold, closed")),
        Column("contact_name", False, "Li Wei"),
        Column("contact_email", False, "li.wei@example.com"),
        Column("contact_phone", False, "13800000000"),
        Column("address_recipient", False, "Li Wei"),
        Column("address_phone", False, "13800000000"),
        Column("address_line1", False, "88 Century Avenue"),
        Column("address_city", False, "Shanghai"),
        Column("address_province", False, "Shanghai"),
        Column("address_postal_code", False, "200120"),
    )
    field_columns = {"recipient": "address_recipient", "phone": "address_phone", "line1": "address_line1",
                     "city": "address_city", "province": "address_province", "postal_code": "address_postal_code",
                     "contact_name": "contact_name", "contact_email": "contact_email", "contact_phone": "contact_phone"}

    def prepare(self, table, errors):
        from customers.models import Company, PriceList, Tier

        codes = {(r.get("code") or "").strip().upper() for _n, r in table.rows}
        existing = {c.code.upper(): c for c in Company.objects.filter(code__in=codes).only("id", "code", "region")}
        price_lists = {p.code.upper(): p for p in PriceList.objects.all().only("id", "code")}
        currencies = _Choices(Company._meta.get_field("currency").choices)
        units = []
        for number, row in table.rows:
            r = RowReader(number, row, errors)
            code = r.text("code", required=True, max_length=20, upper=True)
            is_new = code is not None and code not in existing
            data = {}
            name = r.text("name", required=is_new, max_length=200)
            if name:
                data["name"] = name
            region = r.choice("region", Region, required=is_new)
            if region:
                data["region"] = region
            for col, choices in (("tier", Tier), ("payment_terms", Company.PaymentTerms), ("status", Company.Status),
                                 ("currency", currencies)):
                value = r.choice(col, choices)
                if value:
                    data[col] = value
            limit = r.decimal("credit_limit", minimum=0, places=2)
            if limit is not None:
                data["credit_limit"] = limit
            if r.present("price_list"):
                data["price_list"] = r.reference("price_list", price_lists, message=_("No price list “%(value)s”."))
            if r.present("tax_id"):
                data["tax_id"] = r.text("tax_id", max_length=40)
            contact = {k: r.text(f"contact_{k}", max_length=120) for k in ("name", "email", "phone")}
            if any(contact.values()) and not contact["name"]:
                r._fail("contact_name", _("Give the contact's name."))
            address = {k: r.text(f"address_{k}", max_length=200)
                       for k in ("recipient", "phone", "line1", "city", "province", "postal_code")}
            if any(address.values()):
                for k in ("recipient", "phone", "line1", "city", "province"):
                    if not address[k]:
                        r._fail(f"address_{k}", _("An address needs a recipient, phone, address, city and province."))
                for k, problem in (("phone", phone_problem(address["phone"])),
                                   ("postal_code", postal_code_problem(address["postal_code"], "CN"))):
                    if problem:
                        r._fail(f"address_{k}", problem)
                address["region"] = region or (existing[code].region if code in existing else None)
            if r.ok and code:
                units.append(Unit([number], code, {"fields": data, "contact": contact if contact["name"] else None,
                                                   "address": address if address.get("line1") else None},
                                  "create" if is_new else "update"))
        return _duplicates(errors, units, "code", _("Customer code"))

    def apply(self, unit, *, actor, job):
        from customers.services.companies import save_company

        _company, created = save_company(actor=actor, code=unit.key, contact=unit.data["contact"],
                                         address=unit.data["address"], **unit.data["fields"])
        return "create" if created else "update"


# --- orders --------------------------------------------------------------------------------------

def order_idempotency_key(company_code, external_ref):
    return f"import:{company_code.upper()}:{external_ref}"[:80]


class OrdersKind(ImportKind):
    key = ImportJob.Kind.ORDERS
    label = gettext_lazy("Orders")
    perm = Perm.ORDERS_MANAGE
    columns = (
        Column("external_ref", True, "ERP-2024-0001",
               gettext_lazy("Your order number: rows with the same one form one order; importing it again adds nothing.")),
        Column("customer", True, "D-1001", gettext_lazy("Customer code (must exist).")),
        Column("sku", True, "VALVE-25", gettext_lazy("Product SKU or barcode.")),
        Column("quantity", True, "10"),
        Column("unit_price", False, "", gettext_lazy("Leave empty for the customer's price.")),
        Column("customer_po", False, "PO-7788"),
        Column("requested_date", False, "2030-01-31", gettext_lazy("YYYY-MM-DD")),
        Column("ship_to", False, "", gettext_lazy("Label of one of the customer's addresses; empty for the default.")),
        Column("notes", False, ""),
    )
    field_columns = {"lines": "sku", "ship_to": "ship_to", "payment_terms": "customer", "idempotency_key": "external_ref"}
    isolated_dry_run = True  # placing an order reserves stock: never hold those locks for the whole file

    def prepare(self, table, errors):
        from customers.models import Address, Company
        from inventory.models import Product
        from orders.models import Order

        codes = {(r.get("customer") or "").strip().upper() for _n, r in table.rows}
        companies = {c.code.upper(): c for c in Company.objects.filter(code__in=codes)}
        skus = {(r.get("sku") or "").strip().upper() for _n, r in table.rows}
        products = {p.sku.upper(): p for p in Product.objects.filter(sku__in=skus).only("id", "sku", "barcode", "active")}
        for p in Product.objects.filter(barcode__in=skus - set(products)).only("id", "sku", "barcode", "active"):
            products[p.barcode] = p
        addresses = {}
        for a in Address.objects.filter(company__in=companies.values(), kind=Address.Kind.SHIPPING):
            addresses.setdefault(a.company_id, {})[(a.label or "").lower()] = a
        groups = {}
        for number, row in table.rows:
            r = RowReader(number, row, errors)
            ref = r.text("external_ref", required=True, max_length=60)
            company = r.reference("customer", companies, required=True, message=_("Unknown customer “%(value)s”."))
            product = r.reference("sku", products, required=True, message=_("Unknown SKU “%(value)s”."))
            quantity = r.integer("quantity", required=True, minimum=1)
            price = r.decimal("unit_price", minimum=0, places=2)
            head = {"customer_po": r.text("customer_po", max_length=60), "requested_date": r.date("requested_date"),
                    "notes": r.text("notes", max_length=1000), "ship_to_label": r.text("ship_to", max_length=80)}
            ship_to = None
            if company is not None and head["ship_to_label"]:
                ship_to = addresses.get(company.pk, {}).get(head["ship_to_label"].lower())
                if ship_to is None:
                    r._fail("ship_to", _("%(code)s has no shipping address labelled “%(label)s”.")
                            % {"code": company.code, "label": head["ship_to_label"]})
            if not r.ok or ref is None:
                groups.setdefault(ref, None)
                continue
            group = groups.get(ref)
            if ref in groups and group is None:
                continue  # an earlier row of this order was bad; its errors are listed
            if group is None:
                group = groups[ref] = Unit([], ref, {"company": company, "ship_to": ship_to, "lines": [], **head})
            elif group.data["company"].pk != company.pk:
                errors.add(number, "customer", _("Order %(ref)s is for %(code)s on row %(row)d; one order has one customer.")
                           % {"ref": ref, "code": group.data["company"].code, "row": group.rows[0]})
                continue
            if any(ln["sku"] == product.sku for ln in group.data["lines"]):
                errors.add(number, "sku", _("%(sku)s is already in order %(ref)s on an earlier row; put the total on one row.")
                           % {"sku": product.sku, "ref": ref})
                continue
            group.rows.append(number)
            group.data["lines"].append({"sku": product.sku, "quantity": quantity, "unit_price": price})
        units = [u for u in groups.values() if u is not None]
        keys = {order_idempotency_key(u.data["company"].code, u.key): u for u in units}
        done = dict(Order.objects.filter(idempotency_key__in=keys).values_list("idempotency_key", "number"))
        for key, unit in keys.items():
            unit.data["idempotency_key"] = key
            if key in done:
                unit.action, unit.detail = "skip", _("already imported as %(number)s") % {"number": done[key]}
            else:
                unit.action = "create"
                n = len(unit.data["lines"])
                unit.detail = ngettext("%(n)d line", "%(n)d lines", n) % {"n": n}
        return units

    def apply(self, unit, *, actor, job):
        from orders.models import Channel
        from orders.services.intake import LineInput, place_order

        d = unit.data
        order, created = place_order(
            actor=actor, company=d["company"], channel=Channel.IMPORT, idempotency_key=d["idempotency_key"],
            external_ref=unit.key, customer_po=d["customer_po"] or "", requested_date=d["requested_date"],
            notes=d["notes"] or "", ship_to=d["ship_to"], source="import",
            lines=[LineInput(sku=ln["sku"], quantity=ln["quantity"], unit_price=ln["unit_price"]) for ln in d["lines"]],
        )
        unit.detail = order.number if created else _("already imported as %(number)s") % {"number": order.number}
        return "create" if created else "skip"


KINDS = {k.key: k for k in (ProductsKind(), StockKind(), CustomersKind(), OrdersKind())}


def get_kind(key) -> ImportKind:
    return KINDS[ImportJob.Kind(key)]
