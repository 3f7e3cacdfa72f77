"""The pricing engine: deterministic, explained, Decimal throughout.

For each line, in this order:
1. base unit price — the customer's own price if one is agreed (best volume break), else the
   customer's price list (best break), else an active list for its tier/region/currency;
2. the best matching promotion in date (product or category; tier and region if set) —
   promotions do not stack;
3. a manual override, if staff typed one (the order then needs approval);
4. tax by the product's tax class and the ship-to region (a regional rate beats the national).
Amounts are rounded by oms.money.quantize only. Every line carries an explanation like
"Gold dealer prices (CNY-GOLD), 50+ break ¥104.70 · Spring promo −5% · VAT 13%"."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from customers.models import CustomerPrice, PriceList, PriceListItem, Promotion, TaxRate
from oms.config_cache import cached
from oms.money import format_money, quantize

from .errors import NoPrice

HUNDRED = Decimal(100)


@dataclass
class PricedLine:
    product: object
    quantity: int
    list_price: Decimal
    unit_price: Decimal
    discount_amount: Decimal
    tax_rate: Decimal
    tax_amount: Decimal
    net_amount: Decimal
    total_amount: Decimal
    explanation: str
    manual_price: bool = False
    promotion: str = ""
    rules: list = field(default_factory=list)

    @property
    def discount_percent(self):
        if not self.list_price:
            return Decimal(0)
        return (self.list_price - self.unit_price) / self.list_price * HUNDRED


def active_promotions() -> list:
    """Every active promotion, by id (a process copy, re-read when the table changes; the
    table holds a few hundred rows even after years, and dates are checked per order)."""
    return cached("promotions", lambda: list(Promotion.objects.filter(active=True).order_by("pk")))


@dataclass(frozen=True)
class Break:
    """One volume break of a customer price or a price list item."""

    min_quantity: int
    unit_price: Decimal


_BREAKS_SQL = f"""
SELECT 'customer', product_id, min_quantity, unit_price FROM {CustomerPrice._meta.db_table}
 WHERE company_id = %(company)s AND product_id = ANY(%(ids)s)
   AND (valid_from IS NULL OR valid_from <= %(on)s) AND (valid_to IS NULL OR valid_to >= %(on)s)
UNION ALL
SELECT 'list', product_id, min_quantity, unit_price FROM {PriceListItem._meta.db_table}
 WHERE price_list_id = %(list)s AND product_id = ANY(%(ids)s)
ORDER BY 3"""


class PricingContext:
    """Loads every rule that can apply to these products in a fixed number of queries."""

    def __init__(self, *, company, products, on: date, region: str | None = None):
        self.company = company
        self.currency = company.currency
        self.on = on
        self.region = region or company.region
        ids = {p.pk for p in products}
        self.price_list = self._price_list()
        self.customer_prices, self.list_items = {}, {}
        for kind, product_id, min_quantity, unit_price in self._breaks(ids):
            rows = self.customer_prices if kind == "customer" else self.list_items
            rows.setdefault(product_id, []).append(Break(min_quantity, unit_price))
        category_ids = {p.category_id for p in products} | {p.category.parent_id for p in products if p.category.parent_id}
        self.promotions = [
            promo for promo in active_promotions()
            if promo.starts_on <= on <= promo.ends_on and (promo.product_id in ids or promo.category_id in category_ids)
            and promo.tier in ("", company.tier) and promo.region in ("", self.region)
        ]
        self.tax_rates = cached("tax_rates", lambda: {(t.tax_class, t.region): t.rate for t in TaxRate.objects.all()})

    def _breaks(self, ids):
        """The customer's own prices valid today and its price list's prices for these
        products, by quantity break: one statement (every order and price preview runs it)."""
        with connection.cursor() as cursor:
            cursor.execute(_BREAKS_SQL, {"company": self.company.pk, "ids": list(ids), "on": self.on,
                                         "list": self.price_list.pk if self.price_list else None})
            return cursor.fetchall()

    def _price_list(self):
        plist = self.company.price_list
        valid = Q(active=True, currency=self.currency) & (Q(valid_from__isnull=True) | Q(valid_from__lte=self.on)) & (
            Q(valid_to__isnull=True) | Q(valid_to__gte=self.on))
        if plist is not None and plist.active and plist.currency == self.currency and (
                plist.valid_from is None or plist.valid_from <= self.on) and (plist.valid_to is None or plist.valid_to >= self.on):
            return plist  # the customer's own list, already loaded with the company
        # fall back: a list for the tier and region, then tier only, then region only
        candidates = PriceList.objects.filter(valid).filter(Q(tier=self.company.tier) | Q(tier="")).filter(
            Q(region=self.region) | Q(region=""))
        return candidates.order_by("-tier", "-region", "code").first()

    # -- per line -----------------------------------------------------------------------------
    @staticmethod
    def _best_break(rows, quantity):
        best = None
        for row in rows:
            if row.min_quantity <= quantity:
                best = row
        return best

    def base_price(self, product, quantity):
        cp = self._best_break(self.customer_prices.get(product.pk, []), quantity)
        if cp is not None:
            rule = _("Customer price") + (f", {cp.min_quantity}+ " + _("break") if cp.min_quantity > 1 else "")
            return cp.unit_price, rule
        item = self._best_break(self.list_items.get(product.pk, []), quantity)
        if item is None:
            raise NoPrice(_("%(sku)s has no price for %(customer)s in %(currency)s.")
                          % {"sku": product.sku, "customer": self.company.code, "currency": self.currency}, field="lines")
        rule = f"{self.price_list.name} ({self.price_list.code})"
        if item.min_quantity > 1:
            rule += f", {item.min_quantity}+ " + _("break")
        return item.unit_price, rule

    def best_promotion(self, product, unit):
        best, best_off = None, Decimal(0)
        categories = {product.category_id, product.category.parent_id}
        for promo in self.promotions:
            if promo.product_id and promo.product_id != product.pk:
                continue
            if not promo.product_id and promo.category_id not in categories:
                continue
            off = unit * promo.value / HUNDRED if promo.kind == Promotion.Kind.PERCENT else min(promo.value, unit)
            if off > best_off:
                best, best_off = promo, off
        return best, best_off

    def tax_rate(self, product):
        rate = self.tax_rates.get((product.tax_class, self.region))
        if rate is None:
            rate = self.tax_rates.get((product.tax_class, ""), Decimal(0))
        return rate

    def price(self, product, quantity, manual_price=None) -> PricedLine:
        cur = self.currency
        base, rule = self.base_price(product, quantity)
        base = quantize(base, cur)
        parts = [f"{rule} {format_money(base, cur)}"]
        promo, off = self.best_promotion(product, base)
        unit = quantize(base - off, cur)
        if promo is not None:
            label = f"−{promo.value.normalize():f}%" if promo.kind == Promotion.Kind.PERCENT else f"−{format_money(promo.value, cur)}"
            parts.append(f"{promo.name} {label}")
        manual = manual_price is not None
        if manual:
            unit = quantize(manual_price, cur)
            parts.append(_("manual price %(price)s") % {"price": format_money(unit, cur)})
        rate = self.tax_rate(product)
        net = quantize(unit * quantity, cur)
        discount = quantize((base - unit) * quantity, cur) if unit < base else quantize(0, cur)
        tax = quantize(net * rate / HUNDRED, cur)
        parts.append(_("VAT %(rate)s%%") % {"rate": f"{rate.normalize():f}"})
        return PricedLine(
            product=product, quantity=quantity, list_price=base, unit_price=unit, discount_amount=discount,
            tax_rate=rate, tax_amount=tax, net_amount=net, total_amount=net + tax, explanation=" · ".join(parts)[:300],
            manual_price=manual, promotion=promo.name if promo else "",
        )
