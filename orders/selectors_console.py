"""Reads for the console's order pages that orders.selectors does not cover: the entry form's
pickers and SKU preview, the edit form's rows, the approvals inbox badge, the fulfilment lists,
the SLA board and the dashboard's counts. Each costs a fixed number of queries whatever the
number of rows."""

import re

from django.db.models import Case, Count, Exists, F, Func, IntegerField, OuterRef, Prefetch, Q, Sum, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from customers.models import Address, Company, Contact
from inventory.models import Product, Stock

from .errors import NoPrice
from .models import Order, OrderEvent, OrderLine, Shipment, ShipmentLine, SlaTarget, Status, TrackingEvent
from .pricing import PricingContext
from .selectors import shipments_to_work
from .services.sla import overdue_q, with_due
from .state import OPEN
from .services.workflow import approvals_waiting_for

# --- order entry -----------------------------------------------------------------------------

def entry_customers():
    """Customers staff may key an order for (closed accounts are left out)."""
    return Company.objects.exclude(status=Company.Status.CLOSED).order_by("name", "code")


def shipping_addresses(company):
    if company is None:
        return Address.objects.none()
    return Address.objects.filter(company=company, kind=Address.Kind.SHIPPING).order_by("-is_default", "label", "pk")


def find_product(code):
    """The product a typed SKU (any case) or scanned barcode means, or None."""
    code = (code or "").strip()
    if not code:
        return None
    return (
        Product.objects.select_related("category", "category__parent")
        .filter(Q(sku__iexact=code) | Q(barcode=code)).order_by("pk").first()
    )


def available_units(product):
    """Units free to promise across active warehouses (on hand − reserved)."""
    row = Stock.objects.filter(product=product, warehouse__active=True).aggregate(
        available=Sum(F("on_hand") - F("reserved")))
    return max(row["available"] or 0, 0)


def sku_preview(*, code, company=None, quantity=None, region=None):
    """What the entry form shows next to a line: the product, this customer's price for the
    quantity (with the rule that produced it) and the units available now."""
    product = find_product(code)
    if product is None:
        return {"code": code, "product": None}
    try:
        qty = int(quantity)
    except (TypeError, ValueError):
        qty = 0
    qty = qty if qty > 0 else product.pack_size
    result = {"code": code, "product": product, "quantity": qty, "available": available_units(product),
              "priced": None, "price_error": "", "currency": company.currency if company else ""}
    if company is not None:
        try:
            pricing = PricingContext(company=company, products=[product], on=timezone.localdate(), region=region)
            result["priced"] = pricing.price(product, qty)
        except NoPrice as err:
            result["price_error"] = str(err.message)
    return result


# --- the entry form's pickers (customer search, SKU autocomplete) ---------------------------------

PICKER_LIMIT = 10
PICKER_MIN_CHARS = 2


def _squash(text, limit):
    return " ".join(str(text or "").split())[:limit]


def search_customers(q, limit=PICKER_LIMIT, among=None, contacts=True):
    """Customers staff may key an order for (or those of `among`) whose code or name, or one
    of whose contacts' phone or e-mail (unless `contacts` is False), contains `q` (phone
    numbers match digits only, so 138-0013 finds 13800138000): the exact code first, then
    codes and names that start with `q`, then the rest by name. One query; [] for fewer than
    two characters."""
    q = _squash(q, 80)
    if len(q) < PICKER_MIN_CHARS:
        return []
    match = Q(code__icontains=q) | Q(name__icontains=q)
    if contacts:
        contact_match = Q(email__icontains=q) | Q(phone__icontains=q)
        contact_rows = Contact.objects.filter(company=OuterRef("pk"))
        digits = re.sub(r"\D", "", q)
        if len(digits) >= 4:
            contact_rows = contact_rows.annotate(phone_digits=Func(F("phone"), Value("[^0-9]"), Value(""), Value("g"),
                                                                   function="regexp_replace"))
            contact_match |= Q(phone_digits__contains=digits)
        match |= Exists(contact_rows.filter(contact_match))
    return list(
        (entry_customers() if among is None else among).filter(match)
        .annotate(rank=Case(When(code__iexact=q, then=0), When(code__istartswith=q, then=1),
                            When(name__istartswith=q, then=2), default=3, output_field=IntegerField()))
        .order_by("rank", "name", "code")[:limit]
    )


def picker_label(company):
    """What the customer picker shows once a customer is chosen (and reads back without JS)."""
    return f"{company.code} — {company.name}"


def is_picker_label(text, company):
    """True when the picker's text is still what it wrote for `company` (white space aside):
    the customer picked stands; any other text was typed after the pick."""
    return _squash(text, 200) == _squash(picker_label(company), 200)


def resolve_customer(text, among=None, contacts=True):
    """The customer a typed text means when the picker was not used (no JavaScript, or typed
    and sent at once): "CODE — Name" as the picker writes it, a code, an exact name, or a search
    with a single match, among the customers staff may key an order for (or those of `among`;
    `contacts` as for search_customers). Returns (company, None) or (None, number of matches:
    0 or 2+)."""
    text = _squash(text, 200)
    if not text:
        return None, 0
    pool = entry_customers() if among is None else among
    code = text.split(" — ")[0].strip()
    found = pool.filter(Q(code__iexact=code) | Q(code__iexact=text)).first()
    if found is not None:
        return found, None
    named = list(pool.filter(name__iexact=text)[:2])
    if len(named) == 1:
        return named[0], None
    matches = named or search_customers(text, limit=2, among=among, contacts=contacts)
    if len(matches) == 1:
        return matches[0], None
    return None, len(matches)


def search_products(q, limit=PICKER_LIMIT):
    """Active products whose SKU or name contains `q`, or whose barcode starts with it: exact
    SKU or barcode first, then SKUs and names that start with `q`, then the rest by SKU. One
    query (the category is joined for pricing); [] for fewer than two characters."""
    q = _squash(q, 40)
    if len(q) < PICKER_MIN_CHARS:
        return []
    return list(
        Product.objects.filter(active=True)
        .filter(Q(sku__icontains=q) | Q(name__icontains=q) | Q(barcode__startswith=q))
        .select_related("category")
        .annotate(rank=Case(When(Q(sku__iexact=q) | Q(barcode=q), then=0), When(sku__istartswith=q, then=1),
                            When(name__istartswith=q, then=2), default=3, output_field=IntegerField()))
        .order_by("rank", "sku")[:limit]
    )


def product_choices(*, q, company=None, quantity=None, region=None, today=None, limit=PICKER_LIMIT):
    """The SKU autocomplete's rows: up to `limit` active products matching `q`, each with this
    customer's unit price (the intake's pricing engine, for the typed quantity or else the
    product's pack size), its pack size and the units free now in all and per active warehouse.
    A fixed number of queries whatever the number of rows: the products, the stock, and the
    pricing rules (PricingContext) when a customer is given."""
    products = search_products(q, limit)
    try:
        typed = int(str(quantity).strip())
    except (TypeError, ValueError):
        typed = 0
    free = {}
    if products:
        rows = (Stock.objects.filter(product__in=products, warehouse__active=True)
                .order_by("warehouse__priority", "warehouse__code")
                .values_list("product_id", "warehouse__code", "on_hand", "reserved"))
        for product_id, code, on_hand, reserved in rows:
            free.setdefault(product_id, []).append((code, max(on_hand - reserved, 0)))
    pricing = None
    if company is not None and products:
        pricing = PricingContext(company=company, products=products, on=today or timezone.localdate(), region=region)
    choices = []
    for p in products:
        qty = typed if typed > 0 else p.pack_size
        row = {"product": p, "quantity": qty, "priced": None, "price_error": "",
               "currency": company.currency if company else "",
               "by_warehouse": [(code, n) for code, n in free.get(p.pk, []) if n],
               "available": sum(n for _c, n in free.get(p.pk, []))}
        if pricing is not None:
            try:
                row["priced"] = pricing.price(p, qty)
            except NoPrice as err:
                row["price_error"] = str(err.message)
        choices.append(row)
    return choices


# --- changes to an order (hold, edit) ----------------------------------------------------------

# Shipments in these statuses have not reached the warehouse floor: an order whose shipments
# are all in them may still be held or edited (orders.services.changes checks the same).
NOT_STARTED = (Shipment.Status.PENDING, Shipment.Status.CANCELLED)


def picking_started(shipments):
    """Whether any of the order's shipments (already loaded) is past pending."""
    return any(s.status not in NOT_STARTED for s in shipments)


def order_for_edit(pk):
    """The order (customer joined) with `picking_started`, and its lines as the edit form's
    rows: SKU, quantity, and the unit price where it was typed by hand. Two queries; raises
    Order.DoesNotExist."""
    started = Shipment.objects.filter(order=OuterRef("pk")).exclude(status__in=NOT_STARTED)
    order = Order.objects.select_related("company").annotate(picking_started=Exists(started)).get(pk=pk)
    rows = []
    for ln in OrderLine.objects.filter(order=order).select_related("product").order_by("line_no"):
        row = {"sku": ln.product.sku, "quantity": str(ln.quantity)}
        if ln.manual_price:
            row["unit_price"] = ln.unit_price
        rows.append(row)
    return order, rows


# --- approvals -------------------------------------------------------------------------------

def approvals_waiting_count(user):
    return approvals_waiting_for(user).count()


# --- fulfilment ------------------------------------------------------------------------------

def fulfilment_shipments(*, warehouse=None, status=None):
    """Shipments still to pick, pack or ship, with their line and unit counts."""
    return shipments_to_work(warehouse=warehouse, status=status).annotate(
        line_count=Count("lines"), units=Sum("lines__quantity"), packed_units=Sum("lines__packed_quantity"),
    )


def shipment_for_packing(pk):
    """The shipment with its order, warehouse and lines (products joined); raises
    Shipment.DoesNotExist. Adds `units`, `packed_units` and `percent_packed`."""
    shipment = (
        Shipment.objects.select_related("order", "order__company", "warehouse")
        .prefetch_related(Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line__product")
                                   .order_by("order_line__line_no", "pk")))
        .get(pk=pk)
    )
    lines = list(shipment.lines.all())
    shipment.units = sum(ln.quantity for ln in lines)
    shipment.packed_units = sum(ln.packed_quantity for ln in lines)
    shipment.percent_packed = round(100 * shipment.packed_units / shipment.units) if shipment.units else 0
    return shipment


def shipment_tracking(shipment):
    """The shipment's tracking events, the latest to happen first (one query)."""
    return list(TrackingEvent.objects.filter(shipment=shipment).select_related("recorded_by")
                .order_by("-occurred_at", "-id"))


def attach_latest_tracking(shipments):
    """Set `latest_tracking` on each shipment: the event that happened last (by its time, not
    by when it arrived), or None. One query for all of them."""
    shipments = list(shipments)
    ids = [s.pk for s in shipments if s.status in (Shipment.Status.SHIPPED, Shipment.Status.DELIVERED)]
    latest = {}
    if ids:
        latest = {e.shipment_id: e for e in TrackingEvent.objects.filter(shipment_id__in=ids)
                  .order_by("shipment_id", "-occurred_at", "-id").distinct("shipment_id")}
    for s in shipments:
        s.latest_tracking = latest.get(s.pk)
    return shipments


def attach_tracking_times(events):
    """Set `occurred_at` on the timeline's tracking events (when the carrier says it happened,
    which may be earlier than when it was recorded). No query."""
    for e in events:
        when = e.data.get("occurred_at") if e.kind == OrderEvent.Kind.TRACKING and isinstance(e.data, dict) else None
        e.occurred_at = parse_datetime(when) if isinstance(when, str) else None
    return events


MAX_PICK_LIST_SHIPMENTS = 300


def shipments_for_pick_list(*, ids=None, order=None, warehouse=None, status=None):
    """The shipments one pick list covers: a selection (wave or batch), one order, or a zone
    (a warehouse's shipments still to pick)."""
    if ids is not None:
        qs = Shipment.objects.filter(pk__in=ids)
    elif order is not None:
        qs = Shipment.objects.filter(order=order).exclude(status__in=["shipped", "delivered", "cancelled"])
    else:
        qs = shipments_to_work(warehouse=warehouse, status=status or None)
        if not status:
            qs = qs.filter(status__in=[Shipment.Status.PENDING, Shipment.Status.PICKING])
    return list(qs.select_related("order", "warehouse").order_by("created_at", "pk")[:MAX_PICK_LIST_SHIPMENTS])


# --- dashboard -------------------------------------------------------------------------------

DASHBOARD_COUNT_CAP = 10_000  # beyond this a backlog figure reads "10,000+"

_STATUS_COUNTS_SQL = """
SELECT w.status,
       (SELECT count(*) FROM (SELECT 1 FROM "orders_order" o WHERE o.status = w.status
                              ORDER BY o.status, o.status_changed_at LIMIT %(cap)s) a),
       (SELECT count(*) FROM (SELECT 1 FROM "orders_order" o WHERE o.status = w.status
                              AND o.status_changed_at < w.cutoff
                              ORDER BY o.status, o.status_changed_at LIMIT %(cap)s) b)
FROM unnest(%(statuses)s::varchar[], %(cutoffs)s::timestamptz[]) AS w(status, cutoff)
"""


def order_status_counts(now=None, cap=DASHBOARD_COUNT_CAP):
    """The backlog: open orders by status and how many of each are past their SLA target.
    One statement; each count walks the (status, status_changed_at) index in its order and
    stops at `cap`. The ORDER BY is what makes the planner take that index: ordered by
    (status, id) it may walk the primary key backwards instead, filtering millions of closed
    orders (measured: 12.7 s at 5M orders, against 0.4 s this way).
    so the dashboard costs the same with a hundred open orders or a million.
    {"by_status": [(status, label, n, overdue)...], "open": n, "overdue": n, "capped": bool}"""
    from datetime import timedelta

    from django.db import connection

    now = now or timezone.now()
    hours = dict(SlaTarget.objects.values_list("status", "hours"))
    statuses = [s for s in Status if s in OPEN]
    cutoffs = [now - timedelta(hours=hours[s]) if s in hours else now - timedelta(days=365 * 1000) for s in statuses]
    with connection.cursor() as cursor:
        cursor.execute(_STATUS_COUNTS_SQL, {"cap": cap + 1, "statuses": [str(s) for s in statuses], "cutoffs": cutoffs})
        rows = {status: (n, late) for status, n, late in cursor.fetchall()}
    by_status = [(s.value, s.label, min(rows[s][0], cap), min(rows[s][1], cap)) for s in statuses if rows.get(s, (0, 0))[0]]
    return {
        "by_status": by_status,
        "open": sum(n for _s, _l, n, _o in by_status),
        "overdue": sum(late for _s, _l, _n, late in by_status),
        "capped": any(rows[s][0] > cap for s in statuses if s in rows),
        "cap": cap,
    }


# --- SLA board -------------------------------------------------------------------------------

SLA_BOARD_CAP = 50  # overdue orders listed per status


def sla_board(now=None, cap=SLA_BOARD_CAP):
    """Per SLA target (in workflow order): its overdue orders, the most recently overdue first
    and at most `cap` of them, each with `late_by` (a timedelta) and `late_days`, `late_hours`,
    `late_minutes`; how many are overdue in all; whether the list is `capped`. Four queries
    whatever the number of orders: the targets, the targets again for overdue_q, the counts per
    status (grouped) and the listed orders (ranked per status by a window function)."""
    now = now or timezone.now()
    order_of = {s.value: i for i, s in enumerate(Status)}
    targets = sorted(SlaTarget.objects.all(), key=lambda t: order_of.get(t.status, len(order_of)))
    late = Order.objects.filter(overdue_q(now))
    counts = dict(late.values_list("status").annotate(n=Count("pk")).order_by())
    ranked = (
        with_due(late.select_related("company"))
        .annotate(rank=Window(RowNumber(), partition_by=F("status"), order_by=[F("sla_due").desc(), F("pk").desc()]))
        .filter(rank__lte=cap).order_by("status", "rank")
    )
    listed = {}
    for order in ranked:
        order.late_by = now - order.sla_due
        minutes = int(order.late_by.total_seconds() // 60)
        order.late_days, rest = divmod(minutes, 24 * 60)
        order.late_hours, order.late_minutes = divmod(rest, 60)
        listed.setdefault(order.status, []).append(order)
    groups = []
    for target in targets:
        orders = listed.get(target.status, [])
        count = counts.get(target.status, 0)
        groups.append({"target": target, "orders": orders, "count": count, "capped": count > len(orders)})
    return {"groups": groups, "overdue": sum(counts.values()), "cap": cap, "now": now}


# --- customer 360 ------------------------------------------------------------------------------

def customer_orders_summary(company, limit=10):
    """The orders block of the console's customer page: the latest orders and what the customer
    owes on open, unpaid orders (the figure the credit check uses). Two queries."""
    from .review import open_receivables

    recent = list(Order.objects.filter(company=company).order_by("-id")[:limit])
    return {"company": company, "recent_orders": recent, "open_receivables": open_receivables(company),
            "credit_limit": company.credit_limit}
