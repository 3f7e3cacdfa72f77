"""Catalogue master data: create or update a product by SKU (used by the product import).

Validation is the model's own (field validators, the barcode check digit, choices); a
problem becomes a ValidationFailed naming the field."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from oms.errors import ValidationFailed

from ..models import Product

PRODUCT_FIELDS = ("name", "description", "category", "unit", "pack_size", "barcode", "weight_kg", "tax_class",
                  "supplier", "average_cost", "active")


def _validation_failed(err: ValidationError):
    field, messages = next(iter(err.message_dict.items()))
    return ValidationFailed(messages[0], field=None if field == "__all__" else field, code="invalid")


def save_product(*, actor, sku, **fields) -> tuple[Product, bool]:
    """Create the product `sku` or update the given fields of the existing one.
    Returns (product, created). Unknown field names are refused."""
    unknown = set(fields) - set(PRODUCT_FIELDS)
    if unknown:
        raise ValueError(f"not product fields: {sorted(unknown)}")
    sku = (sku or "").strip().upper()
    if not sku:
        raise ValidationFailed(_("A product needs a SKU."), field="sku", code="required")
    with transaction.atomic():
        product = Product.objects.select_for_update(of=("self",)).filter(sku__iexact=sku).order_by("pk").first()
        created = product is None
        if created:
            product = Product(sku=sku)
        for name, value in fields.items():
            setattr(product, name, value)
        if product.barcode and Product.objects.filter(barcode=product.barcode).exclude(pk=product.pk).exists():
            raise ValidationFailed(_("Another product already has the barcode %(barcode)s.")
                                   % {"barcode": product.barcode}, field="barcode", code="duplicate_barcode")
        try:
            product.full_clean(exclude=["image"], validate_unique=False)
        except ValidationError as err:
            raise _validation_failed(err) from None
        product.save()
    return product, created


def save_products(*, actor, items) -> list[bool]:
    """Create or update many products at once — what an import of thousands of rows needs:
    one lock query, model validation per product, bulk writes (with history rows).
    `items` are (sku, {field: value}); returns, per item, whether it was created.
    Every problem is collected first and raised together, before any write, as one
    ValidationFailed whose extra["errors"] lists {"index", "field", "message"}."""
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    items = [((sku or "").strip().upper(), dict(fields)) for sku, fields in items]
    for _sku, fields in items:
        unknown = set(fields) - set(PRODUCT_FIELDS)
        if unknown:
            raise ValueError(f"not product fields: {sorted(unknown)}")
    with transaction.atomic():
        existing = {p.sku.upper(): p for p in Product.objects.select_for_update(of=("self",))
                    .filter(sku__in=[s for s, _f in items]).order_by("pk")}
        barcodes = {f.get("barcode") for _s, f in items if f.get("barcode")}
        owners = dict(Product.objects.filter(barcode__in=barcodes).values_list("barcode", "sku"))
        errors, new, changed, created, fields_changed = [], [], [], [], {"updated_at"}
        for index, (sku, fields) in enumerate(items):
            product = existing.get(sku)
            created.append(product is None)
            if product is None:
                product = Product(sku=sku)
            for name, value in fields.items():
                setattr(product, name, value)
            fields_changed.update(n if n not in ("category", "supplier") else f"{n}_id" for n in fields)
            problem = None
            if not sku:
                problem = ("sku", _("A product needs a SKU."))
            elif product.barcode and owners.get(product.barcode, sku).upper() != sku:
                problem = ("barcode", _("Another product already has the barcode %(barcode)s.") % {"barcode": product.barcode})
            elif not product.category_id:
                problem = ("category", _("Choose a category."))
            else:
                try:  # foreign keys come resolved and the barcode is checked above: no query per row;
                    # the table's check constraints mirror the field validators (and hold in the database)
                    product.full_clean(exclude=["image", "category", "supplier"], validate_unique=False,
                                       validate_constraints=False)
                except ValidationError as err:
                    failed = _validation_failed(err)
                    problem = (failed.field, failed.message)
            if problem:
                errors.append({"index": index, "field": problem[0], "message": str(problem[1])})
                continue
            (new if created[-1] else changed).append(product)
        seen = {}
        for product in new + changed:
            if product.barcode and seen.setdefault(product.barcode, product.sku) != product.sku:
                errors.append({"index": next(i for i, (s, _f) in enumerate(items) if s == product.sku),
                               "field": "barcode", "message": str(_("The barcode %(barcode)s is given twice.")
                                                                    % {"barcode": product.barcode})})
        if errors:
            raise ValidationFailed(errors[0]["message"], field=errors[0]["field"], code="invalid",
                                   extra={"errors": errors})
        now = timezone.now()
        for product in new + changed:
            product.updated_at = now
        user = actor if getattr(actor, "pk", None) else None
        if new:
            bulk_create_with_history(new, Product, batch_size=500, default_user=user)
        if changed:
            bulk_update_with_history(changed, Product, [f.removesuffix("_id") for f in sorted(fields_changed)],
                                     batch_size=500, default_user=user)
    return created
