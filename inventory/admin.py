from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Category, Product, Warehouse


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "parent", "slug")
    list_filter = ("parent",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    list_select_related = ("parent",)


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ("sku", "name", "category", "unit", "pack_size", "barcode", "tax_class", "active")
    list_filter = ("active", "category", "unit", "tax_class")
    search_fields = ("sku", "name", "barcode")
    list_select_related = ("category", "category__parent")
    list_per_page = 50
    autocomplete_fields = ("category",)


@admin.register(Warehouse)
class WarehouseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "region", "city", "priority", "active")
    list_filter = ("active", "region")
    search_fields = ("code", "name", "city")
