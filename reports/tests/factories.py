"""Factories shared by the report tests (other report helpers may append below).

booked_order() writes an order and its lines with known amounts straight to the database (no
events, no rollup refresh): tests then call reports.rollup.rebuild_range and read the reports."""

from datetime import datetime, time
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from tests.factories import OrderFactory, OrderLineFactory

CENT = Decimal("0.01")


def local_noon(day):
    return datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def booked_order(*, company, day, lines, status="approved", channel="console", ship_region=None, created_at=None,
                 currency=None):
    """An order created on local `day` (noon) with `lines` = [(product, quantity, unit_price[, tax_rate[,
    list_price]])], prices as strings or Decimals. Net = quantity × unit price; discount = quantity ×
    (list − unit); tax = net × rate rounded half-up to the cent; total = net + tax."""
    order = OrderFactory(company=company, status=status, channel=channel, currency=currency or company.currency,
                         ship_region=company.region if ship_region is None else ship_region,
                         created_at=created_at or local_noon(day))
    subtotal = tax_total = discount_total = Decimal(0)
    for no, spec in enumerate(lines, start=1):
        product, quantity, unit_price = spec[0], spec[1], Decimal(spec[2])
        rate = Decimal(spec[3]) if len(spec) > 3 else Decimal("13")
        list_price = Decimal(spec[4]) if len(spec) > 4 else unit_price
        net = (unit_price * quantity).quantize(CENT)
        tax = (net * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        discount = ((list_price - unit_price) * quantity).quantize(CENT)
        OrderLineFactory(order=order, line_no=no, product=product, quantity=quantity, list_price=list_price,
                         unit_price=unit_price, discount_amount=discount, tax_rate=rate, tax_amount=tax,
                         net_amount=net, total_amount=net + tax)
        subtotal, tax_total, discount_total = subtotal + net, tax_total + tax, discount_total + discount
    order.subtotal, order.tax_total, order.discount_total, order.total = subtotal, tax_total, discount_total, subtotal + tax_total
    order.save(update_fields=["subtotal", "tax_total", "discount_total", "total"])
    return order
