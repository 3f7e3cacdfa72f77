from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Category, Product, Stock, StockMovement, Supplier, Warehouse


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
    list_filter = ("active", "category", "unit", "tax_class", "supplier")
    search_fields = ("sku", "name", "barcode")
    list_select_related = ("category", "category__parent")
    list_per_page = 50
    autocomplete_fields = ("category", "supplier")
    readonly_fields = ("average_cost",)


@admin.register(Warehouse)
class WarehouseAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "region", "city", "priority", "active")
    list_filter = ("active", "region")
    search_fields = ("code", "name", "city")


@admin.register(Supplier)
class SupplierAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "email", "phone", "lead_time_days", "active")
    list_filter = ("active",)
    search_fields = ("code", "name", "email")


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    """Reorder settings and the backorder policy are edited here; quantities only change
    through the inventory services (receipts, adjustments, counts, transfers, orders)."""

    list_display = ("product", "warehouse", "on_hand", "reserved", "incoming", "in_transit",
                    "reorder_point", "reorder_quantity", "safety_stock", "allow_backorder")
    list_filter = ("warehouse", "allow_backorder", "product__category")
    search_fields = ("product__sku", "product__name", "product__barcode")
    list_select_related = ("product", "warehouse")
    readonly_fields = ("product", "warehouse", "on_hand", "reserved", "incoming", "in_transit", "updated_at")
    fields = readonly_fields + ("reorder_point", "reorder_quantity", "safety_stock", "allow_backorder")
    list_editable = ("reorder_point", "reorder_quantity", "safety_stock")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockMovement)
class StockMovementAdmin(admin.ModelAdmin):
    """The ledger, read-only: rows are appended by the services and never changed."""

    list_display = ("created_at", "stock", "kind", "on_hand_delta", "reserved_delta", "on_hand_after",
                    "reserved_after", "reason", "ref_type", "ref_id", "user")
    list_filter = ("kind", "stock__warehouse")
    search_fields = ("stock__product__sku", "ref_id", "reason")
    list_select_related = ("stock__product", "stock__warehouse", "user")
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
