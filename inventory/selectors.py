from django.db.models import Q

from .models import Category, Product, Warehouse


def product_search(*, q: str = "", category: int | None = None, active: bool | None = None):
    qs = Product.objects.select_related("category", "category__parent")
    if q:
        qs = qs.filter(Q(sku__icontains=q) | Q(name__icontains=q) | Q(barcode=q))
    if category:
        qs = qs.filter(Q(category_id=category) | Q(category__parent_id=category))
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def category_choices():
    return Category.objects.select_related("parent").order_by("parent__name", "name")


def warehouse_list():
    return Warehouse.objects.order_by("priority", "code")


def catalog_counts():
    return {
        "products_active": Product.objects.filter(active=True).count(),
        "products_inactive": Product.objects.filter(active=False).count(),
        "warehouses_active": Warehouse.objects.filter(active=True).count(),
        "categories": Category.objects.count(),
    }
