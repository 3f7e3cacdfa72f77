from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from oms import money
from oms.permissions import DealerRole
from oms.regions import Region


class Tier(models.TextChoices):
    PLATINUM = "platinum", _("Platinum")
    GOLD = "gold", _("Gold")
    SILVER = "silver", _("Silver")
    STANDARD = "standard", _("Standard")


class PriceList(models.Model):
    """Prices in one currency, applying to a tier and/or region (blank = any), with volume
    breaks per product (PriceListItem.min_quantity)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=120)
    currency = models.CharField(_("currency"), max_length=3, choices=money.CURRENCY_CHOICES)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, blank=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True) | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="pricelist_valid_range",
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.name} ({self.currency})"


class PriceListItem(models.Model):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items", verbose_name=_("price list"))
    product = models.ForeignKey(
        "inventory.Product", on_delete=models.PROTECT, related_name="price_items", verbose_name=_("product")
    )
    min_quantity = models.PositiveIntegerField(_("from quantity"), default=1, validators=[MinValueValidator(1)], help_text=_("Volume break: applies from this quantity up."))
    unit_price = models.DecimalField(
        _("unit price"), max_digits=money.MAX_DIGITS, decimal_places=money.DECIMAL_PLACES, validators=[MinValueValidator(0)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("price")
        verbose_name_plural = _("prices")
        ordering = ["price_list", "product", "min_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["price_list", "product", "min_quantity"], name="pricelistitem_unique_break"),
            models.CheckConstraint(condition=models.Q(min_quantity__gte=1), name="pricelistitem_min_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="pricelistitem_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.product.sku} ≥{self.min_quantity}: {self.unit_price}"


class Company(models.Model):
    """A dealer (B2B customer) account."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ON_HOLD = "on_hold", _("On hold")
        CLOSED = "closed", _("Closed")

    class ShippingPolicy(models.TextChoices):
        SHIP_PARTIAL = "ship_partial", _("Ship what is available, backorder the rest")
        SHIP_COMPLETE = "ship_complete", _("Ship only complete orders")

    class PaymentTerms(models.TextChoices):
        PREPAID = "prepaid", _("Prepaid")
        COD = "cod", _("Cash on delivery")
        NET15 = "net15", _("Net 15 days")
        NET30 = "net30", _("Net 30 days")
        NET60 = "net60", _("Net 60 days")

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.STANDARD)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=money.CURRENCY_CHOICES, default="CNY")
    payment_terms = models.CharField(_("payment terms"), max_length=10, choices=PaymentTerms.choices, default=PaymentTerms.NET30)
    credit_limit = models.DecimalField(
        _("credit limit"), max_digits=money.MAX_DIGITS, decimal_places=money.DECIMAL_PLACES, default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    tax_id = models.CharField(_("tax id"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    sales_rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="accounts", limit_choices_to={"staff_role__in": ["sales", "sales_manager"]},
        verbose_name=_("sales rep"),
    )
    price_list = models.ForeignKey(
        PriceList, on_delete=models.SET_NULL, null=True, blank=True, related_name="companies", verbose_name=_("price list")
    )
    shipping_policy = models.CharField(
        _("shipping policy"), max_length=20, choices=ShippingPolicy.choices, default=ShippingPolicy.SHIP_PARTIAL
    )
    buyer_order_limit = models.DecimalField(
        _("buyer order limit"), max_digits=money.MAX_DIGITS, decimal_places=money.DECIMAL_PLACES, null=True, blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The dealer's own rule: portal orders by a buyer above this total wait for the dealer's approver. "
                    "Empty means no limit."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer company")
        verbose_name_plural = _("customer companies")
        ordering = ["name"]
        indexes = [models.Index(fields=["region", "tier"], name="company_region_tier_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(credit_limit__gte=0), name="company_credit_limit_not_negative"),
        ]

    def __str__(self):
        return f"{self.code} — {self.name}"

    @property
    def can_use_portal(self):
        return self.status != self.Status.CLOSED


class Contact(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("company"))
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("job title"), max_length=80, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(fields=["company"], condition=models.Q(is_primary=True), name="contact_one_primary"),
        ]

    def __str__(self):
        return self.name


class Address(models.Model):
    class Kind(models.TextChoices):
        SHIPPING = "shipping", _("Shipping")
        BILLING = "billing", _("Billing")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("company"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SHIPPING)
    label = models.CharField(_("label"), max_length=80, blank=True)
    recipient = models.CharField(_("recipient"), max_length=120)
    phone = models.CharField(_("phone"), max_length=40)
    line1 = models.CharField(_("address"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=80)
    province = models.CharField(_("province"), max_length=80)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    country = models.CharField(_("country"), max_length=2, default="CN")
    is_default = models.BooleanField(_("default"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "label", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind"], condition=models.Q(is_default=True), name="address_one_default_per_kind"
            ),
        ]

    def __str__(self):
        return ", ".join(p for p in [self.label or self.recipient, self.line1, self.city] if p)

    @property
    def is_complete(self):
        return all([self.recipient, self.phone, self.line1, self.city, self.province, self.region])


class DealerAccount(models.Model):
    """Links a portal user to the one company they buy for, with their dealer-side role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dealer_account", verbose_name=_("user")
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="dealer_accounts", verbose_name=_("company"))
    role = models.CharField(_("dealer role"), max_length=10, choices=DealerRole.choices, default=DealerRole.BUYER)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dealer user")
        verbose_name_plural = _("dealer users")
        ordering = ["company", "user__username"]

    def __str__(self):
        return f"{self.user} @ {self.company.code}"


class CustomerPrice(models.Model):
    """A price agreed with one customer for one product; beats any price list."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="special_prices", verbose_name=_("company"))
    product = models.ForeignKey("inventory.Product", on_delete=models.CASCADE, related_name="+", verbose_name=_("product"))
    min_quantity = models.PositiveIntegerField(_("from quantity"), default=1, validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(_("unit price"), max_digits=money.MAX_DIGITS, decimal_places=money.DECIMAL_PLACES,
                                     validators=[MinValueValidator(0)])
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("customer price")
        verbose_name_plural = _("customer prices")
        constraints = [
            models.UniqueConstraint(fields=["company", "product", "min_quantity"], name="customerprice_unique_break"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="customerprice_not_negative"),
        ]

    def __str__(self):
        return f"{self.company.code} {self.product.sku} ≥{self.min_quantity}: {self.unit_price}"


class Promotion(models.Model):
    """A date-ranged discount: percent or amount off per unit, for a product or a category,
    optionally limited to a tier and/or region."""

    class Kind(models.TextChoices):
        PERCENT = "percent", _("Percent off")
        AMOUNT = "amount", _("Amount off per unit")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERCENT)
    value = models.DecimalField(_("value"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)])
    product = models.ForeignKey("inventory.Product", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                verbose_name=_("product"))
    category = models.ForeignKey("inventory.Category", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("category"))
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, blank=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="promotion_dates_in_order"),
            models.CheckConstraint(
                condition=~models.Q(kind="percent") | models.Q(value__lte=100), name="promotion_percent_at_most_100"
            ),
        ]

    def __str__(self):
        return self.name


class TaxRate(models.Model):
    """VAT by product tax class, optionally per region (a regional rate beats the national one)."""

    tax_class = models.CharField(_("tax class"), max_length=10, choices=[
        ("standard", _("Standard rate")), ("reduced", _("Reduced rate")), ("exempt", _("Exempt"))])
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    rate = models.DecimalField(_("rate (%)"), max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tax rate")
        verbose_name_plural = _("tax rates")
        constraints = [
            models.UniqueConstraint(fields=["tax_class", "region"], name="taxrate_unique_class_region"),
            models.CheckConstraint(condition=models.Q(rate__gte=0) & models.Q(rate__lte=100), name="taxrate_sane"),
        ]

    def __str__(self):
        return f"{self.get_tax_class_display()} {self.region or '*'}: {self.rate}%"
