"""Rollup tables the sales and customer reports read instead of millions of raw order lines.

DailySales: booked sales per local day × customer × product × channel × region × sales rep ×
currency; DailyCustomerSales: the same without the product. "Booked" = order lines of orders that are neither draft nor cancelled, dated by the
order's creation date in settings.TIME_ZONE. Maintained by reports.rollup (recomputed per
(day, customer) on every order status event, rebuilt nightly for recent days); never edited
by hand.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from oms import money
from oms.regions import Region

# Sums of many lines need more digits than one line's amount.
SUM = {"max_digits": 20, "decimal_places": money.DECIMAL_PLACES, "default": Decimal("0")}


class _BookedSales(models.Model):
    """The key and the figures both rollups share (DailySales adds the product)."""

    day = models.DateField(_("day"))
    # Foreign keys are indexed by the composite (x, day) indexes, not on their own.
    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="+", verbose_name=_("customer"),
                                db_index=False)
    channel = models.CharField(_("channel"), max_length=10)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    # The customer's sales rep when the day's figures were first computed (kept on recompute).
    sales_rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("sales rep"), db_index=False)
    currency = models.CharField(_("currency"), max_length=3)
    quantity = models.BigIntegerField(_("quantity"), default=0)
    net_amount = models.DecimalField(_("net"), **SUM)
    discount_amount = models.DecimalField(_("discount"), **SUM)
    tax_amount = models.DecimalField(_("tax"), **SUM)
    gross_amount = models.DecimalField(_("gross"), **SUM)
    lines = models.IntegerField(_("order lines"), default=0)
    # DailySales: orders containing this product (summing over products counts an order once
    # per product); DailyCustomerSales counts each order once.
    orders = models.IntegerField(_("orders"), default=0)

    class Meta:
        abstract = True


class DailySales(_BookedSales):
    product = models.ForeignKey("inventory.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("product"),
                                db_index=False)

    class Meta:
        verbose_name = _("daily sales")
        verbose_name_plural = _("daily sales")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "company", "product", "channel", "region", "sales_rep", "currency"],
                nulls_distinct=False, name="dailysales_unique_key",
            ),
        ]
        indexes = [
            models.Index(fields=["day", "currency"], name="dailysales_day_idx"),
            models.Index(fields=["company", "day"], name="dailysales_company_day_idx"),
            models.Index(fields=["product", "day"], name="dailysales_product_day_idx"),
            models.Index(fields=["region", "day"], name="dailysales_region_day_idx"),
            models.Index(fields=["channel", "day"], name="dailysales_channel_day_idx"),
            models.Index(fields=["sales_rep", "day"], name="dailysales_rep_day_idx"),
        ]

    def __str__(self):
        return f"{self.day} {self.company_id} {self.product_id} {self.net_amount} {self.currency}"


class DailyCustomerSales(_BookedSales):
    """DailySales without the product: booked sales per day × customer × channel × region ×
    sales rep × currency, with exact order counts. Several times smaller than DailySales (an
    order's lines fold into one row), so the reports that do not group or filter by product
    (customer, region, channel, rep, period, customer analytics) read this one. Written by the
    same recompute, in the same transaction, as DailySales."""

    class Meta:
        verbose_name = _("daily customer sales")
        verbose_name_plural = _("daily customer sales")
        constraints = [
            models.UniqueConstraint(fields=["day", "company", "channel", "region", "sales_rep", "currency"],
                                    nulls_distinct=False, name="dailycustsales_unique_key"),
        ]
        indexes = [
            models.Index(fields=["day", "currency"], name="dailycustsales_day_idx"),
            models.Index(fields=["company", "day"], name="dailycustsales_company_day_idx"),
            models.Index(fields=["sales_rep", "day"], name="dailycustsales_rep_day_idx"),
        ]

    def __str__(self):
        return f"{self.day} {self.company_id} {self.net_amount} {self.currency}"


__all__ = ["DailyCustomerSales", "DailySales"]
