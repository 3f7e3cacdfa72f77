from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from oms.regions import Region

from .validators import validate_barcode


class Category(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(parent=models.F("id")), name="category_not_own_parent"),
        ]

    def __str__(self):
        return f"{self.parent} / {self.name}" if self.parent_id else self.name


class Product(models.Model):
    class Unit(models.TextChoices):
        PIECE = "pcs", _("piece")
        BOX = "box", _("box")
        CARTON = "ctn", _("carton")
        SET = "set", _("set")
        KG = "kg", _("kilogram")
        METER = "m", _("metre")
        LITER = "l", _("litre")

    class TaxClass(models.TextChoices):
        STANDARD = "standard", _("Standard rate")
        REDUCED = "reduced", _("Reduced rate")
        EXEMPT = "exempt", _("Exempt")

    sku = models.CharField(_("SKU"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category"))
    unit = models.CharField(_("unit of measure"), max_length=8, choices=Unit.choices, default=Unit.PIECE)
    pack_size = models.PositiveIntegerField(_("pack size"), default=1, validators=[MinValueValidator(1)], help_text=_("Orders must be multiples of this."))
    barcode = models.CharField(
        _("barcode"), max_length=13, blank=True, validators=[validate_barcode], help_text=_("EAN-13 or UPC-A")
    )
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=10, decimal_places=3, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    length_cm = models.DecimalField(_("length (cm)"), max_digits=8, decimal_places=1, null=True, blank=True)
    width_cm = models.DecimalField(_("width (cm)"), max_digits=8, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=8, decimal_places=1, null=True, blank=True)
    tax_class = models.CharField(_("tax class"), max_length=10, choices=TaxClass.choices, default=TaxClass.STANDARD)
    supplier = models.ForeignKey(
        "Supplier", on_delete=models.SET_NULL, null=True, blank=True, related_name="products", verbose_name=_("supplier")
    )
    average_cost = models.DecimalField(
        _("average cost"), max_digits=14, decimal_places=4, default=Decimal("0"),
        help_text=_("Moving average, updated by receipts."),
    )
    active = models.BooleanField(_("active"), default=True)
    image = models.ImageField(_("image"), upload_to="products/", blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        indexes = [
            models.Index(Lower("name"), name="product_name_lower_idx"),
            models.Index(fields=["category", "active"], name="product_category_active_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(pack_size__gte=1), name="product_pack_size_positive"),
            models.CheckConstraint(condition=models.Q(weight_kg__gte=0), name="product_weight_not_negative"),
            models.CheckConstraint(
                condition=models.Q(barcode="") | models.Q(barcode__regex=r"^[0-9]{12,13}$"),
                name="product_barcode_digits",
            ),
            models.UniqueConstraint(fields=["barcode"], condition=~models.Q(barcode=""), name="product_barcode_unique"),
        ]

    def __str__(self):
        return f"{self.sku} — {self.name}"


class Warehouse(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    address = models.CharField(_("address"), max_length=250)
    city = models.CharField(_("city"), max_length=80)
    province = models.CharField(_("province"), max_length=80, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("Lower numbers are preferred when allocating orders.")
    )
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["priority", "code"]

    def __str__(self):
        return f"{self.code} — {self.name}"


class Supplier(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), default=7)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} — {self.name}"


class Stock(models.Model):
    """Quantities of one product in one warehouse. Written only by inventory.services; every
    change of on_hand or reserved is a StockMovement row."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="stocks", verbose_name=_("product"))
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stocks", verbose_name=_("warehouse"))
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    incoming = models.IntegerField(_("incoming"), default=0, help_text=_("On purchase orders sent to suppliers."))
    in_transit = models.IntegerField(_("in transit"), default=0, help_text=_("On transfers on their way here."))
    allow_backorder = models.BooleanField(
        _("allow backorder"), default=False, help_text=_("Lets reservations exceed what is on hand.")
    )
    reorder_point = models.PositiveIntegerField(_("reorder point"), default=0)
    reorder_quantity = models.PositiveIntegerField(_("reorder quantity"), default=0)
    safety_stock = models.PositiveIntegerField(_("safety stock"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stock")
        ordering = ["product__sku", "warehouse__priority"]
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="stock_one_row_per_product_warehouse"),
            models.CheckConstraint(condition=models.Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(condition=models.Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(condition=models.Q(incoming__gte=0), name="stock_incoming_not_negative"),
            models.CheckConstraint(condition=models.Q(in_transit__gte=0), name="stock_in_transit_not_negative"),
            models.CheckConstraint(
                condition=models.Q(allow_backorder=True) | models.Q(on_hand__gte=models.F("reserved")),
                name="stock_never_oversold",
            ),
        ]
        indexes = [models.Index(fields=["warehouse", "product"], name="stock_warehouse_product_idx")]

    def __str__(self):
        return f"{self.product.sku} @ {self.warehouse.code}"

    @property
    def available(self):
        return self.on_hand - self.reserved

    @property
    def is_low(self):
        return self.reorder_point > 0 and self.available + self.incoming + self.in_transit <= self.reorder_point


class StockMovement(models.Model):
    """The append-only stock ledger: one row per change, never updated or deleted."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        RESERVATION = "reservation", _("Reservation")
        RELEASE = "release", _("Release")
        SHIPMENT = "shipment", _("Shipment")
        ADJUSTMENT = "adjustment", _("Adjustment")
        CYCLE_COUNT = "cycle_count", _("Cycle count")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        RETURN_RESTOCK = "return_restock", _("Return restock")
        QUARANTINE = "quarantine", _("Quarantine")
        SCRAP = "scrap", _("Scrap")

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="movements", verbose_name=_("stock"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    on_hand_delta = models.IntegerField(_("on-hand change"), default=0)
    reserved_delta = models.IntegerField(_("reserved change"), default=0)
    on_hand_after = models.IntegerField(_("on hand after"))
    reserved_after = models.IntegerField(_("reserved after"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    ref_type = models.CharField(_("document type"), max_length=30, blank=True)
    ref_id = models.CharField(_("document"), max_length=40, blank=True)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=4, null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["stock", "-id"], name="movement_stock_idx"),
            models.Index(fields=["ref_type", "ref_id"], name="movement_ref_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(on_hand_delta=0) | ~models.Q(reserved_delta=0) | models.Q(kind="cycle_count"),
                name="movement_changes_something",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.on_hand_delta:+d}/{self.reserved_delta:+d} {self.stock}"


class Reservation(models.Model):
    """Stock held for a document (an order line, later), until released or shipped."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RELEASED = "released", _("Released")
        CONSUMED = "consumed", _("Shipped")

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="reservations", verbose_name=_("stock"))
    quantity = models.PositiveIntegerField(_("quantity"), help_text=_("Still held (shipped or released units are deducted)."))
    original_quantity = models.PositiveIntegerField(_("reserved quantity"))
    ref_type = models.CharField(_("document type"), max_length=30)
    ref_id = models.CharField(_("document"), max_length=40)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["ref_type", "ref_id"], name="reservation_ref_idx"),
            models.Index(fields=["stock"], condition=models.Q(status="open"), name="reservation_open_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__lte=models.F("original_quantity")), name="reservation_quantity_le_original"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="open") | models.Q(quantity__gt=0), name="reservation_open_holds_units"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.stock} for {self.ref_type} {self.ref_id}"


class Transfer(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_TRANSIT = "in_transit", _("In transit")
        PARTIALLY_RECEIVED = "partially_received", _("Partially received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True)
    source = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="transfers_out", verbose_name=_("from"))
    destination = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="transfers_in", verbose_name=_("to"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    is_replenishment = models.BooleanField(_("drafted by replenishment"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), null=True, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(source=models.F("destination")), name="transfer_between_two_warehouses"),
        ]

    def __str__(self):
        return self.number


class TransferLine(models.Model):
    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="lines", verbose_name=_("transfer"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    quantity = models.PositiveIntegerField(_("quantity"))
    received_quantity = models.PositiveIntegerField(_("received"), default=0)

    class Meta:
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["transfer", "product"], name="transferline_one_per_product"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="transferline_quantity_positive"),
            models.CheckConstraint(condition=models.Q(received_quantity__lte=models.F("quantity")), name="transferline_not_over_received"),
        ]

    @property
    def outstanding(self):
        return self.quantity - self.received_quantity


class PurchaseOrder(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        PARTIALLY_RECEIVED = "partially_received", _("Partially received")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    number = models.CharField(_("number"), max_length=20, unique=True)
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="purchase_orders", verbose_name=_("supplier"))
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="purchase_orders", verbose_name=_("deliver to"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    expected_date = models.DateField(_("expected"), null=True, blank=True)
    is_replenishment = models.BooleanField(_("drafted by replenishment"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.number


class PurchaseOrderLine(models.Model):
    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines", verbose_name=_("purchase order"))
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    quantity = models.PositiveIntegerField(_("quantity"))
    received_quantity = models.PositiveIntegerField(_("received"), default=0)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=14, decimal_places=4, default=Decimal("0"))

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="poline_one_per_product"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="poline_quantity_positive"),
            models.CheckConstraint(condition=models.Q(received_quantity__lte=models.F("quantity")), name="poline_not_over_received"),
            models.CheckConstraint(condition=models.Q(unit_cost__gte=0), name="poline_cost_not_negative"),
        ]

    @property
    def outstanding(self):
        return self.quantity - self.received_quantity
