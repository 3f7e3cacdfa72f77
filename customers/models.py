from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
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

    def clean(self):
        from .validators import phone_problem, postal_code_problem

        problems = {"phone": phone_problem(self.phone), "postal_code": postal_code_problem(self.postal_code, self.country)}
        problems = {field: message for field, message in problems.items() if message}
        if problems:
            raise ValidationError(problems)

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


# --- support tickets -----------------------------------------------------------------------------

class TicketCategory(models.TextChoices):
    QUESTION = "question", _("Question")
    CLAIM = "claim", _("Delivery claim (discrepancy)")
    RETURN = "return", _("Return")
    BILLING = "billing", _("Billing")
    OTHER = "other", _("Other")


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Open")
    AWAITING_CUSTOMER = "awaiting_customer", _("Awaiting customer")
    AWAITING_STAFF = "awaiting_staff", _("Awaiting staff")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


class TicketSla(models.Model):
    """How soon staff must first answer a ticket of one category (admin-configured).
    A category without a row uses settings.TICKET_DEFAULT_FIRST_RESPONSE_HOURS (24 h)."""

    category = models.CharField(_("category"), max_length=20, choices=TicketCategory.choices, unique=True)
    first_response_hours = models.PositiveIntegerField(_("first response within (hours)"), validators=[MinValueValidator(1)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ticket SLA")
        verbose_name_plural = _("ticket SLAs")
        ordering = ["category"]
        constraints = [
            models.CheckConstraint(condition=models.Q(first_response_hours__gte=1), name="ticketsla_hours_positive"),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.first_response_hours} h"


class Ticket(models.Model):
    """A dealer's support request (question, delivery claim, return, billing...). It names an
    order by its number only: customers never import orders."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="tickets", verbose_name=_("company"))
    subject = models.CharField(_("subject"), max_length=200)
    category = models.CharField(_("category"), max_length=20, choices=TicketCategory.choices, default=TicketCategory.QUESTION)
    status = models.CharField(_("status"), max_length=20, choices=TicketStatus.choices, default=TicketStatus.OPEN)
    order_number = models.CharField(_("order number"), max_length=40, blank=True, db_index=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+", verbose_name=_("opened by"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="assigned_tickets", limit_choices_to=~models.Q(staff_role=""),
                                 verbose_name=_("assignee"))
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last update"), auto_now=True)
    first_response_due = models.DateTimeField(_("first response due"))
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("support ticket")
        verbose_name_plural = _("support tickets")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-updated_at"], name="ticket_company_recent_idx"),
            models.Index(fields=["first_response_due"], name="ticket_awaiting_first_idx",
                         condition=models.Q(first_responded_at__isnull=True)),
            models.Index(fields=["status", "-updated_at"], name="ticket_status_recent_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    @property
    def is_finished(self):
        return self.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)

    def is_overdue(self, now=None):
        """First response still missing after its due time (finished tickets are never overdue)."""
        from django.utils import timezone

        return (self.first_responded_at is None and not self.is_finished
                and self.first_response_due < (now or timezone.now()))

    overdue = property(is_overdue)


class TicketMessage(models.Model):
    """One post in a ticket's thread (append-only). Internal notes are for staff eyes only."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages", verbose_name=_("ticket"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("author"))
    body = models.TextField(_("message"), blank=True)
    from_staff = models.BooleanField(_("from staff"), default=False)
    internal = models.BooleanField(_("internal note"), default=False)
    status_change = models.CharField(_("status changed to"), max_length=20, choices=TicketStatus.choices, blank=True,
                                     help_text=_("Set on the thread entry that records a status change."))
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticketmessage_thread_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(internal=False) | models.Q(from_staff=True),
                                   name="ticketmessage_internal_only_staff"),
        ]

    def __str__(self):
        return f"{self.ticket.number} #{self.pk}"


def ticket_upload_path(instance, filename):
    """tickets/2026/11/<random>.pdf: the stored name is never the uploader's, so it can be
    neither guessed nor used to climb directories; the original name is kept in `name`."""
    import uuid

    from django.utils import timezone

    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"tickets/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext[:5]}"


class TicketAttachment(models.Model):
    """A file on a ticket message: images or PDF only, validated by content (see customers.uploads).
    Served only through the ticket's own pages (scoped to the dealer's company), never from /media/."""

    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments",
                                verbose_name=_("message"))
    file = models.FileField(_("file"), upload_to=ticket_upload_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size (bytes)"))

    class Meta:
        verbose_name = _("ticket attachment")
        verbose_name_plural = _("ticket attachments")
        ordering = ["id"]

    def __str__(self):
        return self.name


# --- loyalty -------------------------------------------------------------------------------------

class LoyaltyRule(models.Model):
    """How points are earned and what they are worth, by tier (blank = any tier) and date range.
    The most specific active rule wins: a tier rule beats an any-tier rule."""

    name = models.CharField(_("name"), max_length=120)
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, blank=True)
    points_per_unit = models.DecimalField(
        _("points per currency unit"), max_digits=8, decimal_places=4, validators=[MinValueValidator(0)],
        help_text=_("Points earned for each unit of the order's currency (e.g. 1 point per ¥1)."))
    point_value = models.DecimalField(
        _("value per point"), max_digits=8, decimal_places=4, validators=[MinValueValidator(0)],
        help_text=_("Discount, in the order's currency, that one redeemed point is worth (e.g. 0.01)."))
    min_redeem_points = models.PositiveIntegerField(_("minimum points to redeem"), default=0)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loyalty rule")
        verbose_name_plural = _("loyalty rules")
        ordering = ["tier", "-valid_from", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(points_per_unit__gte=0) & models.Q(point_value__gte=0),
                                   name="loyaltyrule_not_negative"),
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True) | models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="loyaltyrule_valid_range",
            ),
        ]

    def __str__(self):
        return self.name


class LoyaltyAccount(models.Model):
    """A company's running points balance: the row that redemptions lock. The ledger
    (LoyaltyEntry) says how it got there; the check constraint keeps it from going negative."""

    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="loyalty", verbose_name=_("company"))
    balance = models.IntegerField(_("points balance"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("loyalty account")
        verbose_name_plural = _("loyalty accounts")
        constraints = [models.CheckConstraint(condition=models.Q(balance__gte=0), name="loyaltyaccount_balance_not_negative")]

    def __str__(self):
        return f"{self.company.code}: {self.balance}"


class LoyaltyEntry(models.Model):
    """Append-only points ledger: earned (+), redeemed (−), expired (−), adjusted (±)."""

    class Kind(models.TextChoices):
        EARNED = "earned", _("Earned")
        REDEEMED = "redeemed", _("Redeemed")
        EXPIRED = "expired", _("Expired")
        ADJUSTED = "adjusted", _("Adjusted")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="loyalty_entries", verbose_name=_("company"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    points = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance after"))
    reference = models.CharField(_("reference"), max_length=80, blank=True)
    order_number = models.CharField(_("order number"), max_length=40, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=money.MAX_DIGITS, decimal_places=money.DECIMAL_PLACES,
                                 null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    rule = models.ForeignKey(LoyaltyRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("rule"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("loyalty entry")
        verbose_name_plural = _("loyalty entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "-created_at"], name="loyaltyentry_company_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(balance_after__gte=0), name="loyaltyentry_balance_not_negative"),
            models.CheckConstraint(
                condition=(models.Q(kind="earned", points__gte=0) | models.Q(kind__in=["redeemed", "expired"], points__lte=0)
                           | models.Q(kind="adjusted")),
                name="loyaltyentry_sign_matches_kind",
            ),
            # Idempotency: one "earned" entry per order, whoever calls award_points twice.
            models.UniqueConstraint(fields=["order_number"], condition=models.Q(kind="earned") & ~models.Q(order_number=""),
                                    name="loyaltyentry_earned_once_per_order"),
        ]

    def __str__(self):
        return f"{self.company.code} {self.kind} {self.points:+d}"


# --- notes ---------------------------------------------------------------------------------------

class CustomerNote(models.Model):
    """Append-only staff notes on a customer; credit holds and releases are written here too."""

    class Kind(models.TextChoices):
        NOTE = "note", _("Note")
        CREDIT_HOLD = "credit_hold", _("Credit hold")
        CREDIT_RELEASE = "credit_release", _("Credit release")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="staff_notes", verbose_name=_("company"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NOTE)
    body = models.TextField(_("note"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("author"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer note")
        verbose_name_plural = _("customer notes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["company", "-created_at"], name="customernote_company_idx")]

    def __str__(self):
        return f"{self.company.code}: {self.body[:40]}"
