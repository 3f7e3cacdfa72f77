from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from oms import money
from oms.i18n import event_text
from oms.permissions import StaffRole
from oms.regions import Region

MONEY = {"max_digits": money.MAX_DIGITS, "decimal_places": money.DECIMAL_PLACES}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ON_HOLD = "on_hold", _("On hold")
    PENDING_APPROVAL = "pending_approval", _("Pending approval")
    APPROVED = "approved", _("Approved")
    ALLOCATED = "allocated", _("Allocated")
    BACKORDERED = "backordered", _("Backordered")
    PICKING = "picking", _("Picking")
    PACKED = "packed", _("Packed")
    PARTIALLY_SHIPPED = "partially_shipped", _("Partially shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Channel(models.TextChoices):
    CONSOLE = "console", _("Console (phone / e-mail)")
    PORTAL = "portal", _("Dealer portal")
    API = "api", _("REST API")
    IMPORT = "import", _("Import")
    SALES_CHANNEL = "channel", _("Sales channel (web shop, marketplace)")  # signed POST /channels/<code>/orders/


class Tag(models.TextChoices):
    VIP = "vip", _("VIP")
    RUSH = "rush", _("Rush")
    GIFT = "gift", _("Gift")
    EXCHANGE = "exchange", _("Exchange")


def _choice_label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


class Order(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    company = models.ForeignKey("customers.Company", on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer"))
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("placed by"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    external_ref = models.CharField(_("external reference"), max_length=80, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    status_changed_at = models.DateTimeField(_("status since"), default=timezone.now)
    currency = models.CharField(_("currency"), max_length=3, choices=money.CURRENCY_CHOICES)
    customer_po = models.CharField(_("customer PO number"), max_length=60, blank=True)
    requested_date = models.DateField(_("requested delivery"), null=True, blank=True)
    promised_date = models.DateField(_("promised delivery"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = ArrayField(models.CharField(max_length=12, choices=Tag.choices), default=list, blank=True, verbose_name=_("tags"))
    payment_terms = models.CharField(_("payment terms"), max_length=10)
    is_paid = models.BooleanField(_("paid"), default=False)
    # ship-to, copied from the address book at order time
    ship_to = models.ForeignKey("customers.Address", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                verbose_name=_("ship-to address"))
    ship_recipient = models.CharField(_("recipient"), max_length=120, blank=True)
    ship_phone = models.CharField(_("phone"), max_length=40, blank=True)
    ship_line1 = models.CharField(_("address"), max_length=200, blank=True)
    ship_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    ship_city = models.CharField(_("city"), max_length=80, blank=True)
    ship_province = models.CharField(_("province"), max_length=80, blank=True)
    ship_postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    ship_region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    # money, in the order's currency, rounded by oms.money
    subtotal = models.DecimalField(_("subtotal"), default=Decimal("0"), **MONEY)
    discount_total = models.DecimalField(_("discounts"), default=Decimal("0"), **MONEY)
    loyalty_discount = models.DecimalField(_("loyalty points discount"), default=Decimal("0"), db_default=Decimal("0"), **MONEY)
    tax_total = models.DecimalField(_("tax"), default=Decimal("0"), **MONEY)
    total = models.DecimalField(_("total"), default=Decimal("0"), **MONEY)
    # what payments and credit notes have paid on the order's invoice (kept by payments)
    amount_paid = models.DecimalField(_("amount paid"), default=Decimal("0"), db_default=Decimal("0"), **MONEY)
    # review and routing
    hold_reasons = models.JSONField(_("hold reasons"), default=list, blank=True)
    approval_reasons = models.JSONField(_("approval reasons"), default=list, blank=True)
    allocation = models.JSONField(_("allocation plan"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], condition=models.Q(idempotency_key__isnull=False),
                                    name="order_idempotency_key_unique"),
            models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_not_negative"),
        ]
        # The queue is newest first by id; every filter it offers has an index that serves it.
        indexes = [
            models.Index(fields=["status", "-id"], name="order_status_id_idx"),
            models.Index(fields=["company", "-id"], name="order_company_id_idx"),
            models.Index(fields=["channel", "-id"], name="order_channel_id_idx"),
            models.Index(fields=["total", "id"], name="order_total_id_idx"),  # the queue sorted by total
            models.Index(fields=["external_ref"], name="order_external_ref_idx"),
            models.Index(fields=["customer_po"], name="order_customer_po_idx"),
            models.Index(fields=["created_at"], name="order_created_idx"),
            models.Index(fields=["status", "status_changed_at"], name="order_status_since_idx"),
            GinIndex(fields=["tags"], name="order_tags_gin"),
            # a dealer's prepaid orders waiting for payment (payments.selectors.unpaid_prepaid_orders):
            # only those orders are in it, so intake of other orders never writes to it
            models.Index(fields=["company", "-created_at"], condition=models.Q(payment_terms="prepaid", is_paid=False),
                         name="order_prepaid_unpaid_idx"),
        ]

    # Cheaper than get_status_display() in long lists, which rebuilds (and translates) the
    # whole choice list on every call.
    @property
    def status_label(self):
        return _choice_label(Status, self.status)

    @property
    def channel_label(self):
        return _choice_label(Channel, self.channel)

    @property
    def tag_labels(self):
        """[(tag, label)] for the badges in lists and the detail header."""
        return [(t, _choice_label(Tag, t)) for t in self.tags]

    def __str__(self):
        return self.number


class CreditBalance(models.Model):
    """A customer's open receivables: what its unpaid orders that count against credit
    (review.CREDIT_STATUSES) still owe, their total less what was paid on them, so the credit
    check reads one row instead of summing every open order. Kept by database triggers
    (migrations 0013 and 0016) and written by nothing else:
    a change to an order's status, payment or total in a transaction is recorded as a
    CreditChange, which is folded into this row as the transaction commits."""

    company_id = models.BigIntegerField(primary_key=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2, default=Decimal(0))

    class Meta:
        verbose_name = _("credit balance")
        verbose_name_plural = _("credit balances")


class CreditChange(models.Model):
    """A change to a customer's open receivables made by a transaction still in progress;
    the transaction itself sees it (review.open_receivables), others never do: it is folded
    into CreditBalance and deleted at commit, so the balance row is locked only then, when the
    transaction needs no other lock. `txid` is the transaction's: a reader looks up its own
    changes by (txid, customer) and never walks the deleted rows of transactions that
    committed before vacuum removed them."""

    company_id = models.BigIntegerField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    txid = models.BigIntegerField()

    class Meta:
        verbose_name = _("credit change")
        verbose_name_plural = _("credit changes")
        indexes = [models.Index(fields=["txid", "company_id"], name="creditchange_txid_company_idx")]


class OrderLine(models.Model):
    # no single-column indexes: orderline_unique_no (order, line_no) serves the order's lines
    # and orderline_product_order_idx a product's lines (the queue's search for a rarely sold SKU)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"), db_index=False)
    line_no = models.PositiveSmallIntegerField(_("line"))
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product"),
                                db_index=False)
    quantity = models.PositiveIntegerField(_("quantity"))
    list_price = models.DecimalField(_("list price"), **MONEY)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    discount_amount = models.DecimalField(_("discount"), default=Decimal("0"), **MONEY)
    tax_rate = models.DecimalField(_("tax rate (%)"), max_digits=5, decimal_places=2, default=Decimal("0"))
    tax_amount = models.DecimalField(_("tax"), default=Decimal("0"), **MONEY)
    net_amount = models.DecimalField(_("net"), **MONEY)
    total_amount = models.DecimalField(_("line total"), **MONEY)
    price_explanation = models.CharField(_("price rule"), max_length=300)
    manual_price = models.BooleanField(_("manual price"), default=False)
    allocated_quantity = models.PositiveIntegerField(_("allocated"), default=0)
    shipped_quantity = models.PositiveIntegerField(_("shipped"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "line_no"]
        indexes = [models.Index(fields=["product", "order"], name="orderline_product_order_idx")]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="orderline_unique_no"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=models.Q(shipped_quantity__lte=models.F("quantity")), name="orderline_not_over_shipped"),
            models.CheckConstraint(condition=models.Q(allocated_quantity__lte=models.F("quantity")), name="orderline_not_over_allocated"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0), name="orderline_price_not_negative"),
        ]

    @property
    def backordered_quantity(self):
        return self.quantity - self.allocated_quantity


class OrderEvent(models.Model):
    """The order's timeline and audit trail: appended, never changed."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        REVIEW = "review", _("Review")
        APPROVAL = "approval", _("Approval")
        ALLOCATION = "allocation", _("Allocation")
        SHIPMENT = "shipment", _("Shipment")
        TRACKING = "tracking", _("Tracking")
        EDIT = "edit", _("Edited")
        NOTE = "note", _("Note")
        SLA = "sla", _("SLA")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=Status.choices, blank=True)
    message = models.TextField(_("message"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    source = models.CharField(_("from where"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"], name="orderevent_order_idx")]

    @property
    def text(self):
        """The message in the reader's language (see oms.i18n)."""
        return event_text(self.message, self.data)


class ApprovalRule(models.Model):
    """When an order matches, it needs the approval of each level's role, in order."""

    class Condition(models.TextChoices):
        DISCOUNT_ABOVE = "discount_above", _("Discount above X %")
        TOTAL_ABOVE = "total_above", _("Order total above Y")
        CREDIT_OVERRUN = "credit_overrun", _("Credit limit overrun")
        MANUAL_PRICE = "manual_price", _("Manual price on a line")

    name = models.CharField(_("name"), max_length=120)
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=14, decimal_places=2, default=Decimal("0"),
                                    help_text=_("Percent for discounts, amount for totals; unused otherwise."))
    levels = ArrayField(models.CharField(max_length=20, choices=StaffRole.choices), verbose_name=_("approver roles, in order"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("approval rule")
        verbose_name_plural = _("approval rules")
        ordering = ["condition", "threshold"]

    def __str__(self):
        return self.name


class OrderApproval(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="approvals", verbose_name=_("order"))
    step = models.PositiveSmallIntegerField(_("step"))
    role = models.CharField(_("role"), max_length=20, choices=StaffRole.choices)
    reasons = models.JSONField(_("reasons"), default=list)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    round = models.PositiveSmallIntegerField(_("round"), default=1, help_text=_("Edits that need re-approval start a new round."))

    class Meta:
        verbose_name = _("order approval")
        verbose_name_plural = _("order approvals")
        ordering = ["order", "round", "step"]
        constraints = [models.UniqueConstraint(fields=["order", "round", "step"], name="orderapproval_unique_step")]
        indexes = [models.Index(fields=["role", "decision"], name="orderapproval_inbox_idx")]


class Shipment(models.Model):
    """What one warehouse sends for an order: picked, packed, then shipped with tracking."""

    class Status(models.TextChoices):
        PENDING = "pending", _("To pick")
        PICKING = "picking", _("Picking")
        PACKED = "packed", _("Packed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="shipments", verbose_name=_("order"))
    warehouse = models.ForeignKey("inventory.Warehouse", on_delete=models.PROTECT, related_name="+", verbose_name=_("warehouse"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    service = models.CharField(_("service"), max_length=60, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True)
    cost = models.DecimalField(_("shipping cost"), null=True, blank=True, **MONEY)
    box = models.CharField(_("box"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    received_by = models.CharField(_("received by"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["warehouse", "status"], name="shipment_warehouse_status_idx")]

    def __str__(self):
        return self.number


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="lines", verbose_name=_("shipment"))
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="shipment_lines", verbose_name=_("order line"))
    quantity = models.PositiveIntegerField(_("quantity"))
    picked_quantity = models.PositiveIntegerField(_("picked"), default=0)
    packed_quantity = models.PositiveIntegerField(_("packed"), default=0)

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="shipmentline_quantity_positive"),
            models.CheckConstraint(condition=models.Q(picked_quantity__lte=models.F("quantity")), name="shipmentline_not_over_picked"),
            models.CheckConstraint(condition=models.Q(packed_quantity__lte=models.F("picked_quantity")), name="shipmentline_pack_le_pick"),
        ]


class SlaTarget(models.Model):
    """How long an order may stay in a status before it is overdue, who is reminded, and
    after how much longer a manager is told."""

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, unique=True)
    hours = models.PositiveIntegerField(_("target (hours)"))
    responsible_role = models.CharField(_("responsible role"), max_length=20, choices=StaffRole.choices)
    escalate_after_hours = models.PositiveIntegerField(_("escalate after (hours past target)"), default=24)

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["status"]

    def __str__(self):
        return f"{self.get_status_display()}: {self.hours} h"


class Cart(models.Model):
    """A dealer user's basket in the portal, kept on the server so it survives signing out.

    Each user has at most one open cart per company. Checking out turns it into an order
    (status `ordered`); a buyer's cart above the company's buyer order limit is instead
    submitted for the dealer's approver (`awaiting_approval`) with the checkout details kept
    here, then `ordered` or `rejected`. Closed carts stay as the record of what was asked."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        ORDERED = "ordered", _("Ordered")
        REJECTED = "rejected", _("Rejected")

    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="carts",
                                verbose_name=_("customer"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="carts",
                             verbose_name=_("user"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    # the checkout details, kept while the cart waits for the dealer's approver
    ship_to = models.ForeignKey("customers.Address", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("ship-to address"))
    requested_date = models.DateField(_("requested delivery"), null=True, blank=True)
    customer_po = models.CharField(_("customer PO number"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    payment_method = models.CharField(_("payment method"), max_length=20, blank=True)
    loyalty_points = models.PositiveIntegerField(_("loyalty points to redeem"), default=0)
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, null=True, blank=True)
    total = models.DecimalField(_("total when submitted"), null=True, blank=True, **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=money.CURRENCY_CHOICES, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    order = models.ForeignKey(Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("order"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], condition=models.Q(status="open"),
                                    name="cart_one_open_per_user"),
            models.UniqueConstraint(fields=["idempotency_key"], condition=models.Q(idempotency_key__isnull=False),
                                    name="cart_idempotency_key_unique"),
        ]
        indexes = [models.Index(fields=["company", "status"], name="cart_company_status_idx")]

    def __str__(self):
        return f"{self.company_id}/{self.user_id} #{self.pk} ({self.status})"


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines", verbose_name=_("cart"))
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    quantity = models.PositiveIntegerField(_("quantity"))
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cartline_one_per_product"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="cartline_quantity_positive"),
        ]


class TrackingEvent(models.Model):
    """What the carrier says happened to a shipped parcel: appended, never changed. A carrier
    that sends the same event again (same `external_id` for the shipment) makes one row."""

    class Status(models.TextChoices):
        INFO_RECEIVED = "info_received", _("Information received")
        PICKED_UP = "picked_up", _("Picked up")
        IN_TRANSIT = "in_transit", pgettext_lazy("parcel tracking", "In transit")  # not a stock transfer's
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        DELIVERED = "delivered", _("Delivered")
        EXCEPTION = "exception", _("Exception")
        RETURNED_TO_SENDER = "returned_to_sender", _("Returned to sender")

    class Source(models.TextChoices):
        CONSOLE = "console", _("Console")
        CARRIER = "carrier", _("Carrier file")
        API = "api", _("REST API")

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="tracking_events",
                                 verbose_name=_("shipment"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    location = models.CharField(_("location"), max_length=120, blank=True)
    occurred_at = models.DateTimeField(_("happened"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.CONSOLE)
    external_id = models.CharField(_("carrier's event id"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "external_id"], condition=~models.Q(external_id=""),
                                    name="trackingevent_external_id_unique"),
        ]
        indexes = [models.Index(fields=["shipment", "occurred_at"], name="trackingevent_shipment_idx")]

    def __str__(self):
        return f"{self.shipment_id} {self.status} @ {self.occurred_at:%Y-%m-%d %H:%M}"
