"""Payments in the admin: to look things up. Money changes go through the console (services),
so amounts and statuses are read-only here."""

from django.contrib import admin

from .models import CreditNote, GatewayEvent, Invoice, Payment, PaymentAllocation, PaymentProfile, Refund


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("display_number", "company", "order", "method", "gateway", "amount", "currency", "status", "created_at")
    list_filter = ("status", "method", "gateway", "currency")
    search_fields = ("company__code", "company__name", "order__number", "gateway_ref", "reference")
    list_select_related = ("company", "order")


@admin.register(GatewayEvent)
class GatewayEventAdmin(ReadOnlyAdmin):
    list_display = ("gateway", "event_id", "event_type", "signature_ok", "outcome", "received_at", "processed_at")
    list_filter = ("gateway", "signature_ok", "outcome")
    search_fields = ("event_id", "error")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("payment", "amount", "status", "reason", "created_at")
    list_filter = ("status",)
    search_fields = ("reason", "gateway_ref")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "company", "order", "issue_date", "due_date", "total", "amount_paid", "currency", "status")
    list_filter = ("status", "currency")
    search_fields = ("number", "company__code", "company__name", "order__number")
    list_select_related = ("company", "order")


@admin.register(CreditNote)
class CreditNoteAdmin(ReadOnlyAdmin):
    list_display = ("number", "company", "amount", "remaining", "currency", "source_ref", "created_at")
    search_fields = ("number", "company__code", "source_ref", "reason")


@admin.register(PaymentAllocation)
class PaymentAllocationAdmin(ReadOnlyAdmin):
    list_display = ("invoice", "payment", "credit_note", "amount", "created_at")
    search_fields = ("invoice__number",)


@admin.register(PaymentProfile)
class PaymentProfileAdmin(admin.ModelAdmin):
    list_display = ("company", "methods", "updated_at")
    search_fields = ("company__code", "company__name")
    raw_id_fields = ("company",)
    readonly_fields = ("updated_by", "updated_at")
