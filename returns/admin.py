from django.contrib import admin

from .models import ReturnEvent, ReturnLine, ReturnPhoto, ReturnRequest


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    readonly_fields = ["order_line", "quantity", "reason", "notes", "received_quantity", "restock_quantity",
                       "quarantine_quantity", "scrap_quantity"]
    can_delete = False


class ReturnEventInline(admin.TabularInline):
    model = ReturnEvent
    extra = 0
    readonly_fields = ["created_at", "from_status", "to_status", "message", "actor"]
    can_delete = False


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    """Read-only view for support: every change goes through returns.services (the console)."""

    list_display = ["number", "company", "order", "status", "resolution", "finance_status", "created_at"]
    list_filter = ["status", "resolution", "finance_status"]
    search_fields = ["number", "order__number", "company__code", "company__name"]
    list_select_related = ["company", "order"]
    inlines = [ReturnLineInline, ReturnEventInline]
    readonly_fields = [f.name for f in ReturnRequest._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(ReturnPhoto)
