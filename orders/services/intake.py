"""One intake service for every channel: console entry, portal checkout, REST API, import."""

from dataclasses import dataclass
from functools import wraps
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from customers.models import Address
from customers.services import points_value, points_worth, redeem_points
from inventory.atp import promise_many, stock_snapshot
from inventory.models import Product
from oms import config_cache, money
from oms.events import publish
from oms.i18n import Message
from oms.sequences import sequence_number

from ..errors import CreditChanged, OrderInvalid
from ..models import Channel, Order, OrderEvent, OrderLine, Status, Tag
from ..pricing import PricingContext
from .transitions import defer_writes, record_event, transition_order
from .workflow import submit_order

MAX_LINES = 500
CREDIT_ATTEMPTS = 3  # another order of the customer used its credit while this one was checked
MAX_QUANTITY = 1_000_000


@dataclass
class LineInput:
    sku: str
    quantity: object
    unit_price: object = None  # a manual price typed by staff


def _parse_lines(lines, *, strict):
    """Resolve SKUs (or barcodes) and validate quantities; one query. Raises OrderInvalid
    with a message per bad line and writes nothing."""
    if not lines:
        raise OrderInvalid(_("Add at least one line."), field="lines")
    if len(lines) > MAX_LINES:
        raise OrderInvalid(_("An order has at most %(n)d lines.") % {"n": MAX_LINES}, field="lines")
    codes = {str(ln.sku).strip().upper() for ln in lines}
    found = {}
    for p in Product.objects.select_related("category", "category__parent").filter(sku__in=codes):
        found[p.sku.upper()] = p
    missing = codes - set(found)
    if missing:
        for p in Product.objects.select_related("category", "category__parent").filter(barcode__in=missing):
            found[p.barcode] = p
    errors, fields, parsed = [], [], []

    def fail(no, field, message):
        errors.append(message)
        fields.append({"line": no, "field": field, "message": str(message)})

    for no, ln in enumerate(lines, start=1):
        code = str(ln.sku).strip().upper()
        product = found.get(code)
        if not code:
            fail(no, "sku", _("Line %(no)d: enter the SKU or barcode.") % {"no": no})
            continue
        if product is None:
            fail(no, "sku", _("Line %(no)d: unknown SKU “%(sku)s”.") % {"no": no, "sku": ln.sku})
            continue
        try:
            qty = Decimal(str(ln.quantity).strip())
        except (InvalidOperation, ValueError):
            qty = None
        if qty is None or qty != qty.to_integral_value() or qty <= 0:
            fail(no, "quantity", _("Line %(no)d: the quantity of %(sku)s must be a whole number above zero.") % {"no": no, "sku": product.sku})
            continue
        qty = int(qty)
        if qty > MAX_QUANTITY:
            fail(no, "quantity", _("Line %(no)d: %(qty)d is more than one order may ask for.") % {"no": no, "qty": qty})
            continue
        if strict and not product.active:
            fail(no, "sku", _("Line %(no)d: %(sku)s is no longer sold.") % {"no": no, "sku": product.sku})
            continue
        if strict and qty % product.pack_size:
            lower = qty // product.pack_size * product.pack_size
            options = f"{lower} / {lower + product.pack_size}" if lower else str(product.pack_size)
            fail(no, "quantity", _("Line %(no)d: %(sku)s is sold in packs of %(pack)d; order %(options)s.")
                          % {"no": no, "sku": product.sku, "pack": product.pack_size, "options": options})
            continue
        manual = None
        if ln.unit_price not in (None, ""):
            manual, problem = _manual_price(ln.unit_price)
            if problem:
                fail(no, "unit_price", _("Line %(no)d: %(problem)s") % {"no": no, "problem": problem})
                continue
        parsed.append((product, qty, manual))
    if errors:
        raise OrderInvalid(" ".join(map(str, errors)), field="lines",
                           extra={"lines": [str(e) for e in errors], "line_fields": fields})
    return parsed


def _manual_price(value):
    """(price, None) for a price staff typed, or (None, what is wrong with it): a plain amount
    of zero or more, with no more decimals than prices keep (never silently rounded)."""
    text = str(value).strip()
    try:
        price = Decimal(text)
    except (InvalidOperation, ValueError):
        price = None
    if price is None or not price.is_finite() or "e" in text.lower():
        return None, _("the price must be an amount such as 12.50.")
    if price < 0:
        return None, _("the price cannot be below zero.")
    if -price.normalize().as_tuple().exponent > money.DECIMAL_PLACES:
        return None, _("the price has more than %(places)d decimals.") % {"places": money.DECIMAL_PLACES}
    return price, None


def _ship_to(company, address):
    if address is None:
        address = Address.objects.filter(company=company, kind=Address.Kind.SHIPPING).order_by("-is_default", "pk").first()
        if address is None:
            raise OrderInvalid(_("%(code)s has no shipping address: add one first.") % {"code": company.code}, field="ship_to")
    elif address.company_id != company.pk:
        raise OrderInvalid(_("That address belongs to another customer."), field="ship_to")
    return address


def _again_if_credit_changed(place):
    """Run intake with one read of the config generations, and again (up to CREDIT_ATTEMPTS
    times) when another order of the customer used its credit meanwhile: the attempt rolled
    back, and the next one's review sees the order that used the credit."""
    @wraps(place)
    def placing(**kwargs):
        for attempt in range(1, CREDIT_ATTEMPTS + 1):
            try:
                with config_cache.read_once():
                    return place(**kwargs)
            except CreditChanged:
                if attempt == CREDIT_ATTEMPTS:
                    raise
    return placing


@_again_if_credit_changed
def place_order(*, actor, company, lines, channel, ship_to=None, idempotency_key=None, external_ref="",
                customer_po="", requested_date=None, notes="", tags=(), strict=True, source="", today=None,
                payment_terms=None, loyalty_points=0, with_lines_and_shipments=False):
    """Create, price and submit an order (review, approval routing, allocation follow).
    Returns (order, created). The same idempotency key returns the first order, never a second.
    `payment_terms` may only make an order prepaid (a customer paying in advance); by default
    the order carries the company's terms. `loyalty_points` are redeemed in the same
    transaction and their value is taken off the lines before tax (see _apply_discount).
    `with_lines_and_shipments`: a new order comes back with the lines and shipments just
    written in its prefetch cache, for a caller that shows them at once (the API's answer)."""
    channel = Channel(channel)
    if payment_terms not in (None, "", company.payment_terms, company.PaymentTerms.PREPAID):
        raise OrderInvalid(_("An order can only be switched to prepayment, not to other terms."), field="payment_terms")
    key = (idempotency_key or "").strip() or None
    if key and (existing := _order_with_key(key)) is not None:
        if existing.company_id != company.pk:
            raise OrderInvalid(_("That idempotency key was used for another customer."), field="idempotency_key")
        return existing, False
    tags = sorted({Tag(t) for t in tags})
    parsed = _parse_lines([ln if isinstance(ln, LineInput) else LineInput(**ln) for ln in lines], strict=strict)
    address = _ship_to(company, ship_to)
    today = today or timezone.localdate()
    pricing = PricingContext(company=company, products=[p for p, _q, _m in parsed], on=today, region=address.region)
    priced = [pricing.price(p, q, manual_price=m) for p, q, m in parsed]
    loyalty_points = int(loyalty_points or 0)
    loyalty_discount = Decimal(0)
    if loyalty_points:
        net = sum((pl.net_amount for pl in priced), Decimal(0))
        loyalty_discount = points_value(company=company, points=loyalty_points)
        if loyalty_discount > net:  # never spend points for nothing
            most = points_worth(company=company, amount=net)
            raise OrderInvalid(_("This order is worth at most %(most)d points (%(net)s before tax): redeem %(most)d or fewer.")
                               % {"most": most, "net": money.format_money(net, company.currency)}, field="loyalty_points")
        _apply_discount(priced, loyalty_discount, _("loyalty points"), company.currency)
    snapshot = stock_snapshot(p.pk for p, _q, _m in parsed)
    promises = promise_many(items=[(p, q) for p, q, _m in parsed], region=address.region, today=today, snapshot=snapshot)
    promised = max((pr.delivery_date for pr in promises.values() if pr), default=None)

    try:
        with transaction.atomic():
            order = Order(
                number=sequence_number("order", "SO", 7), company=company, placed_by=actor if actor and actor.pk else None,
                channel=channel, external_ref=external_ref[:80], idempotency_key=key, currency=company.currency,
                customer_po=customer_po[:60], requested_date=requested_date, notes=notes, tags=tags,
                payment_terms=payment_terms or company.payment_terms, ship_to=address, ship_recipient=address.recipient,
                ship_phone=address.phone, ship_line1=address.line1, ship_line2=address.line2, ship_city=address.city,
                ship_province=address.province, ship_postal_code=address.postal_code, ship_region=address.region,
                promised_date=promised,
            )
            _set_totals(order, priced)
            order.loyalty_discount = loyalty_discount
            order.save(force_insert=True)
            if loyalty_points:  # locks the points balance; too few points roll the order back
                redeem_points(actor=actor, company=company, points=loyalty_points, reference=order.number)
            defer_writes(order)  # created in this transaction: nobody else can see it yet
            order_lines = OrderLine.objects.bulk_create([_line(order, no, pl) for no, pl in enumerate(priced, start=1)])
            publish("order.created", order_id=order.pk, number=order.number, company_id=company.pk, company_code=company.code, channel=str(channel), external_ref=order.external_ref, total=str(order.total), currency=order.currency, lines=len(priced))
            record_event(order, OrderEvent.Kind.CREATED, actor=actor, source=source or channel,
                         message=Message(gettext_noop("Order placed through %(channel)s."), channel=channel.label),
                         data={"lines": len(priced), "total": str(order.total), "promised": str(promised or "")})
            transition_order(actor=actor, order=order, to=Status.SUBMITTED, source=source or channel)
            submit_order(actor=actor, order=order, source=source or channel, lines=order_lines,
                         stock=(snapshot.warehouses, snapshot.available()))  # flushes the deferred writes
    except IntegrityError:
        if key:  # a double submit raced us to the unique key: hand back the winner
            existing = _order_with_key(key)
            if existing is not None:
                return existing, False
        raise
    shipments = order.__dict__.pop("_new_shipments")
    if with_lines_and_shipments:
        _known_related(order, lines=order_lines, shipments=shipments)
    return order, True


def _known_related(order, **related):
    """Leave the order as prefetch_related would: `order.lines.all()` and `order.shipments.all()`
    answer from the objects intake just wrote (in line and creation order) instead of reading
    them back, so a caller showing the new order (the API's response) needs no further query."""
    cache = order.__dict__.setdefault("_prefetched_objects_cache", {})
    for name, objects in related.items():
        queryset = getattr(order, name).all()
        queryset._result_cache, queryset._prefetch_done = list(objects), True
        cache[name] = queryset


_ORDER_WITH_KEY_SQL = f"SELECT id FROM {Order._meta.db_table} WHERE idempotency_key = %s"


def _order_with_key(key):
    """The order an idempotency key already made, or None: a plain index lookup, since every
    order placed with a key asks and almost always hears no."""
    with connection.cursor() as cursor:
        cursor.execute(_ORDER_WITH_KEY_SQL, [key])
        row = cursor.fetchone()
    return Order.objects.select_related("company").get(pk=row[0]) if row else None


def _apply_discount(priced, amount, label, currency):
    """Take an order-level `amount` off the lines before tax, in proportion to their net
    amounts (the last line takes the rounding remainder), and recompute their tax and totals."""
    subtotal = sum((pl.net_amount for pl in priced), Decimal(0))
    if amount <= 0 or subtotal <= 0:
        return
    left = amount
    for i, pl in enumerate(priced):
        share = left if i == len(priced) - 1 else min(left, money.quantize(amount * pl.net_amount / subtotal, currency))
        left -= share
        pl.net_amount -= share
        pl.tax_amount = money.quantize(pl.net_amount * pl.tax_rate / 100, currency)
        pl.total_amount = pl.net_amount + pl.tax_amount
        pl.explanation += f"; −{share} ({label})"


def _set_totals(order, priced):
    order.subtotal = sum((pl.net_amount for pl in priced), Decimal(0))
    order.discount_total = sum((pl.discount_amount for pl in priced), Decimal(0))
    order.tax_total = sum((pl.tax_amount for pl in priced), Decimal(0))
    order.total = order.subtotal + order.tax_total


def _line(order, no, pl):
    return OrderLine(
        order=order, line_no=no, product=pl.product, quantity=pl.quantity, list_price=pl.list_price,
        unit_price=pl.unit_price, discount_amount=pl.discount_amount, tax_rate=pl.tax_rate, tax_amount=pl.tax_amount,
        net_amount=pl.net_amount, total_amount=pl.total_amount, price_explanation=pl.explanation,
        manual_price=pl.manual_price,
    )
