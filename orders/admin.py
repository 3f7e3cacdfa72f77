from django.contrib import admin

from .models import ApprovalRule, Order, OrderEvent, SlaTarget, TrackingEvent


@admin.register(ApprovalRule)
class ApprovalRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "condition", "threshold", "levels", "active")
    list_filter = ("active", "condition")
    search_fields = ("name",)


@admin.register(SlaTarget)
class SlaTargetAdmin(admin.ModelAdmin):
    list_display = ("status", "hours", "responsible_role", "escalate_after_hours")
    list_filter = ("responsible_role",)
    search_fields = ("status",)


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "from_status", "to_status", "message", "actor")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Read-only: orders change through the console and the services, never here."""

    list_display = ("number", "company", "channel", "status", "total", "currency", "created_at")
    list_filter = ("status", "channel")
    search_fields = ("number", "external_ref", "customer_po", "company__code", "company__name")
    list_select_related = ("company",)
    show_full_result_count = False  # no COUNT(*) over millions of orders
    inlines = [OrderEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TrackingEvent)
class TrackingEventAdmin(admin.ModelAdmin):
    """Read-only: carrier events are appended by orders.services.tracking, never edited."""

    list_display = ("shipment", "status", "occurred_at", "location", "source", "external_id", "created_at")
    list_filter = ("status", "source")
    search_fields = ("shipment__number", "shipment__tracking_number", "external_id", "location")
    list_select_related = ("shipment",)
    date_hierarchy = "occurred_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
