"""Reads of orders: the console's, then the portal's (each takes the dealer's company and
filters by it — there is no portal query without that filter)."""

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from inventory.models import Reservation
from oms.money import quantize

from .models import Order, OrderApproval, OrderEvent, OrderLine, Shipment, ShipmentLine
from .services.sla import with_due


# what a queue row shows (orders/templatetags/order_console.py), as plain rows: the rest of an
# order (addresses, JSON plans and reasons) is not read, and no model instances are built for
# a list of 50
QUEUE_COLUMNS = ("id", "number", "customer_po", "company__code", "company__name", "channel", "status", "tags", "total",
                 "currency", "created_at", "promised_date", "sla_due")


def order_queue(params=None):
    """(filterset, queryset of row dicts) for the queue: newest first, with what a row shows."""
    from .filters import OrderQueueFilter

    base = with_due(Order.objects.all())
    f = OrderQueueFilter(params or None, queryset=base)
    if f.is_valid():
        qs = f.qs
    else:  # the errors are shown; a customer that could not be told shows no one's orders
        qs = base.none() if "customer" in f.form.errors else base
    return f, qs.order_by("-created_at", "-id").values(*QUEUE_COLUMNS)


def order_detail(pk):
    order = Order.objects.select_related("company", "company__sales_rep", "placed_by", "ship_to").get(pk=pk)
    lines = list(OrderLine.objects.filter(order=order).select_related("product").order_by("line_no"))
    shipments = list(
        Shipment.objects.filter(order=order).select_related("warehouse").prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line__product")))
        .order_by("created_at", "pk")
    )
    events = list(OrderEvent.objects.filter(order=order).select_related("actor").order_by("created_at", "id"))
    approvals = list(OrderApproval.objects.filter(order=order).select_related("decided_by").order_by("round", "step"))
    reservations = list(
        Reservation.objects.filter(ref_type="order", ref_id=str(order.pk)).select_related("stock__product", "stock__warehouse")
        .order_by("pk")
    )
    return {"order": order, "lines": lines, "shipments": shipments, "events": events, "approvals": approvals,
            "reservations": reservations}


def shipments_to_work(*, warehouse=None, status=None):
    qs = Shipment.objects.select_related("order", "order__company", "warehouse").exclude(status__in=["shipped", "delivered", "cancelled"])
    if warehouse:
        qs = qs.filter(warehouse=warehouse)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("created_at", "pk")


# --- portal: every read takes the dealer's company and filters by it -------------------------

PORTAL_EVENT_KINDS = ("created", "status", "shipment", "tracking")
# events the portal writes for the dealer to see (data["portal_event"]), titled in the reader's language
PORTAL_EVENT_TITLES = {
    "receipt": gettext_lazy("Receipt confirmed"),
    "discrepancy": gettext_lazy("Discrepancy reported"),
    "loyalty": gettext_lazy("Loyalty points"),
    "dealer_approval": gettext_lazy("Approved by your approver"),
}
# hold reasons a dealer may read (the rest are staff matters: a rejection comment, a manual hold)
CUSTOMER_HOLD_CODES = {"awaiting_payment", "credit_limit", "address_incomplete", "customer_on_hold"}
LOW_STOCK_PACKS = 5


def dealer_shipping_addresses(company):
    from customers.models import Address

    return Address.objects.filter(company=company, kind=Address.Kind.SHIPPING).order_by("-is_default", "label", "pk")


def default_region(company):
    """The region prices and promises are computed for before a ship-to is chosen: the
    company's default shipping address, else the company's own region."""
    address = dealer_shipping_addresses(company).only("region").first()
    return address.region if address else company.region


@dataclass
class Credit:
    applies: bool
    limit: Decimal
    open: Decimal
    available: Decimal
    currency: str


def available_credit(company) -> Credit:
    """Credit limit minus the value of the company's open, unpaid orders (what the intake's
    credit check counts). Prepaid accounts do not use credit."""
    from customers.models import Company

    from .review import open_receivables

    if company.payment_terms == Company.PaymentTerms.PREPAID:
        zero = quantize(0, company.currency)
        return Credit(False, zero, zero, zero, company.currency)
    open_total = quantize(open_receivables(company), company.currency)
    limit = quantize(company.credit_limit, company.currency)
    return Credit(True, limit, open_total, limit - open_total, company.currency)


@dataclass
class CartRow:
    line: object
    product: object
    quantity: int
    priced: object = None  # orders.pricing.PricedLine, None when it cannot be priced
    promise: object = None  # inventory.atp.Promise
    problem: str = ""


@dataclass
class CartSummary:
    cart: object
    rows: list
    currency: str
    region: str
    subtotal: Decimal
    discount_total: Decimal
    tax_total: Decimal
    total: Decimal
    promised_date: object

    @property
    def has_problems(self):
        return any(r.problem for r in self.rows)

    @property
    def is_empty(self):
        return not self.rows

    @property
    def fingerprint(self):
        """What is in the cart (products and quantities) as a short token: the checkout page
        sends back the one it showed, so an order is never placed from a cart changed since."""
        content = ";".join(f"{r.product.pk}:{r.quantity}" for r in sorted(self.rows, key=lambda r: r.product.pk))
        return hashlib.sha256(content.encode()).hexdigest()[:16]


def cart_summary(cart, *, company, ship_to=None, today=None) -> CartSummary:
    """The cart priced by the intake's engine (same company, date and ship-to region, so the
    order will carry these prices), with each line's promised delivery and what is wrong with
    it. A fixed number of queries whatever the number of lines."""
    from django.utils.translation import gettext as _

    from inventory.atp import promise_many

    from .errors import NoPrice
    from .models import CartLine
    from .pricing import PricingContext

    if cart.company_id != company.pk:
        raise CartLine.DoesNotExist
    today = today or timezone.localdate()
    region = ship_to.region if ship_to is not None else default_region(company)
    lines = list(CartLine.objects.filter(cart=cart).select_related("product", "product__category",
                                                                      "product__category__parent").order_by("added_at", "pk"))
    products = [ln.product for ln in lines]
    pricing = PricingContext(company=company, products=products, on=today, region=region) if lines else None
    promises = promise_many(items=[(ln.product, ln.quantity) for ln in lines], region=region, today=today) if lines else {}
    rows = []
    for ln in lines:
        row = CartRow(line=ln, product=ln.product, quantity=ln.quantity, promise=promises.get(ln.product_id))
        if not ln.product.active:
            row.problem = _("No longer sold: remove it.")
        elif ln.quantity % ln.product.pack_size:
            from .services.cart import pack_size_message

            row.problem = pack_size_message(ln.product, ln.quantity)
        try:
            row.priced = pricing.price(ln.product, ln.quantity)
        except NoPrice as err:
            row.problem = row.problem or str(err.message)
        rows.append(row)
    cur = company.currency
    priced = [r.priced for r in rows if r.priced is not None]
    subtotal = sum((p.net_amount for p in priced), Decimal(0))
    tax = sum((p.tax_amount for p in priced), Decimal(0))
    discount = sum((p.discount_amount for p in priced), Decimal(0))
    promised = max((r.promise.delivery_date for r in rows if r.promise), default=None)
    return CartSummary(cart=cart, rows=rows, currency=cur, region=region, subtotal=quantize(subtotal, cur),
                       discount_total=quantize(discount, cur), tax_total=quantize(tax, cur),
                       total=quantize(subtotal + tax, cur), promised_date=promised)


def cart_count(*, user, company) -> int:
    """How many products are in the user's open cart (the nav badge): one query."""
    from .models import Cart, CartLine

    return CartLine.objects.filter(cart__company=company, cart__user=user, cart__status=Cart.Status.OPEN).count()


def own_cart_line_exists(*, company, user, pk) -> bool:
    """Whether line `pk` is in the user's own open cart (else the portal answers 404)."""
    from .models import Cart, CartLine

    return CartLine.objects.filter(pk=pk, cart__company=company, cart__user=user, cart__status=Cart.Status.OPEN).exists()


def dealer_cart(company, pk):
    """A cart of the company sent for approval (by any of its users), for the approval pages;
    DoesNotExist for another company's cart or a cart still being filled."""
    from .models import Cart

    return (Cart.objects.select_related("user", "decided_by", "ship_to", "order").exclude(status=Cart.Status.OPEN)
            .get(company=company, pk=pk))


def carts_awaiting_approval(company):
    from .models import Cart

    return (Cart.objects.filter(company=company, status=Cart.Status.AWAITING_APPROVAL)
            .select_related("user", "ship_to").order_by("submitted_at", "pk"))


def submitted_carts(company, user, *, limit=10):
    """The user's own carts sent to the dealer's approver (waiting, approved or rejected), newest first."""
    from .models import Cart

    return list(Cart.objects.filter(company=company, user=user).exclude(status=Cart.Status.OPEN)
                .exclude(submitted_at=None).select_related("decided_by", "order").order_by("-submitted_at", "-pk")[:limit])


def dealer_orders(company, *, status="", q=""):
    """The company's orders, newest first, filtered by status and a number/PO search."""
    qs = Order.objects.filter(company=company).select_related("placed_by")
    if status:
        qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__icontains=q) | Q(customer_po__icontains=q))
    return qs


def dealer_recent_orders(company, *, limit=5):
    return list(Order.objects.filter(company=company).order_by("-id")[:limit])


def dealer_order(company, pk) -> Order:
    return Order.objects.select_related("company").get(company=company, pk=pk)


@dataclass
class TimelineEntry:
    at: object
    kind: str
    title: str
    detail: str = ""


def customer_timeline(order) -> list[TimelineEntry]:
    """The order's history as a dealer may read it: placed, each status, shipments, tracking,
    and what the dealer did in the portal. Staff notes, reviews, allocation plans, edits' price
    workings and approval comments stay internal."""
    from django.utils.translation import gettext as _

    from .models import Status

    events = OrderEvent.objects.filter(order=order).filter(
        Q(kind__in=PORTAL_EVENT_KINDS) | Q(data__customer_visible=True)).order_by("created_at", "id")
    entries = []
    for e in events:
        if e.kind == OrderEvent.Kind.CREATED:
            entries.append(TimelineEntry(e.created_at, e.kind, _("Order placed")))
        elif e.kind == OrderEvent.Kind.STATUS:
            entries.append(TimelineEntry(e.created_at, e.kind, Status(e.to_status).label if e.to_status else _("Status")))
        else:
            key = e.data.get("portal_event") if isinstance(e.data, dict) else None
            title = str(PORTAL_EVENT_TITLES.get(key) or e.get_kind_display())
            entries.append(TimelineEntry(e.created_at, key or e.kind, title, e.text))
    return entries


def dealer_order_detail(company, pk):
    """Everything the portal's order page shows; Order.DoesNotExist for another company's order."""
    order = Order.objects.select_related("company", "placed_by").get(company=company, pk=pk)
    lines = list(OrderLine.objects.filter(order=order).select_related("product").order_by("line_no"))
    shipments = list(
        Shipment.objects.filter(order=order).exclude(status=Shipment.Status.CANCELLED).prefetch_related(
            Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line__product").order_by("pk")))
        .order_by("created_at", "pk")
    )
    hold_reasons = [r for r in (order.hold_reasons or []) if r.get("code") in CUSTOMER_HOLD_CODES]
    return {"order": order, "lines": lines, "shipments": shipments, "timeline": customer_timeline(order),
            "hold_reasons": hold_reasons}


def dealer_shipment(company, pk) -> Shipment:
    """A shipment of one of the company's orders, with its lines; DoesNotExist otherwise."""
    return (Shipment.objects.select_related("order", "warehouse")
            .prefetch_related(Prefetch("lines", queryset=ShipmentLine.objects.select_related("order_line__product")
                                       .order_by("order_line__line_no", "pk")))
            .get(order__company=company, pk=pk))


# --- portal catalog: the company's own prices and availability --------------------------------

@dataclass
class Offer:
    unit_price: Decimal | None = None  # at one pack, promotion included, before tax
    list_price: Decimal | None = None  # before the promotion
    promotion: str = ""
    breaks: list = field(default_factory=list)  # [(from quantity, unit price)], promotion included
    availability: str = "lead_time"  # in_stock / low / lead_time
    lead_days: int | None = None  # when it is not in stock: the supplier's lead time

    @property
    def has_price(self):
        return self.unit_price is not None


def catalog_products(*, q=""):
    """Active products for the portal catalog, each with `free_stock` (on hand minus reserved
    over the active warehouses) and its supplier — read with the page's one product query."""
    from django.db.models import F, IntegerField, OuterRef, Subquery, Sum
    from django.db.models.functions import Coalesce, Greatest

    from inventory.models import Stock
    from inventory.selectors import product_search

    free = (Stock.objects.filter(product=OuterRef("pk"), warehouse__active=True).order_by().values("product")
            .annotate(free=Sum(Greatest(F("on_hand") - F("reserved"), 0))).values("free"))
    return product_search(q=q, active=True).select_related("supplier").annotate(
        free_stock=Coalesce(Subquery(free, output_field=IntegerField()), 0))


def catalog_offers(company, products, *, today=None) -> dict:
    """{product_id: Offer} for one catalog page (products from catalog_products), priced by the
    intake's engine — customer price, else price list, volume breaks, the best promotion — with
    availability from free stock: in stock (5 packs or more), low, or the supplier's lead time.
    A fixed number of queries for the page (the pricing engine's own)."""
    from inventory.atp import DEFAULT_LEAD_DAYS

    from .errors import NoPrice
    from .pricing import PricingContext

    products = list(products)
    if not products:
        return {}
    today = today or timezone.localdate()
    pricing = PricingContext(company=company, products=products, on=today, region=company.region)
    offers = {}
    for product in products:
        pack = product.pack_size
        offer = Offer()
        thresholds = {row.min_quantity for row in pricing.customer_prices.get(product.pk, [])}
        thresholds |= {row.min_quantity for row in pricing.list_items.get(product.pk, [])}
        points = sorted({pack} | {-(-t // pack) * pack for t in thresholds if t > pack})
        for qty in points:
            try:
                priced = pricing.price(product, qty)
            except NoPrice:
                continue
            if offer.unit_price is None:
                offer.unit_price, offer.list_price, offer.promotion = priced.unit_price, priced.list_price, priced.promotion
            if not offer.breaks or offer.breaks[-1][1] != priced.unit_price:
                offer.breaks.append((qty, priced.unit_price))
        available = getattr(product, "free_stock", 0) or 0
        if available >= pack * LOW_STOCK_PACKS:
            offer.availability = "in_stock"
        elif available >= pack:
            offer.availability = "low"
        else:
            offer.availability = "lead_time"
            supplier = product.supplier if product.supplier_id else None
            offer.lead_days = supplier.lead_time_days if supplier is not None else DEFAULT_LEAD_DAYS
        offers[product.pk] = offer
    return offers
