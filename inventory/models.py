from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
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
