from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Address, Company, Contact, CustomerNote, CustomerPrice, DealerAccount, LoyaltyAccount, LoyaltyEntry, LoyaltyRule,
    PriceList, PriceListItem, Promotion, TaxRate, Ticket, TicketMessage, TicketSla,
)


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class AddressInline(admin.StackedInline):
    model = Address
    extra = 0


class DealerAccountInline(admin.TabularInline):
    model = DealerAccount
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "tier", "region", "currency", "credit_limit", "payment_terms", "status", "sales_rep")
    list_filter = ("status", "tier", "region", "currency", "payment_terms", "shipping_policy")
    search_fields = ("code", "name", "tax_id")
    list_select_related = ("sales_rep", "price_list")
    autocomplete_fields = ("price_list",)
    raw_id_fields = ("sales_rep",)
    inlines = [ContactInline, AddressInline, DealerAccountInline]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ("name", "company", "title", "email", "phone", "is_primary")
    search_fields = ("name", "email", "phone", "company__name", "company__code")
    list_filter = ("is_primary",)
    list_select_related = ("company",)
    autocomplete_fields = ("company",)


@admin.register(Address)
class AddressAdmin(SimpleHistoryAdmin):
    list_display = ("company", "kind", "label", "recipient", "city", "province", "region", "is_default")
    search_fields = ("company__name", "company__code", "recipient", "line1", "city")
    list_filter = ("kind", "region", "is_default")
    list_select_related = ("company",)
    autocomplete_fields = ("company",)


@admin.register(DealerAccount)
class DealerAccountAdmin(SimpleHistoryAdmin):
    list_display = ("user", "company", "role", "is_active")
    search_fields = ("user__username", "user__email", "company__name", "company__code")
    list_filter = ("role", "is_active")
    list_select_related = ("user", "company")
    autocomplete_fields = ("company",)
    raw_id_fields = ("user",)


@admin.register(PriceList)
class PriceListAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "currency", "tier", "region", "valid_from", "valid_to", "active")
    list_filter = ("active", "currency", "tier", "region")
    search_fields = ("code", "name")


@admin.register(PriceListItem)
class PriceListItemAdmin(SimpleHistoryAdmin):
    list_display = ("price_list", "product", "min_quantity", "unit_price")
    list_filter = ("price_list",)
    search_fields = ("product__sku", "product__name", "price_list__code")
    list_select_related = ("price_list", "product")
    autocomplete_fields = ("product", "price_list")


@admin.register(CustomerPrice)
class CustomerPriceAdmin(SimpleHistoryAdmin):
    list_display = ("company", "product", "min_quantity", "unit_price", "valid_from", "valid_to")
    search_fields = ("company__code", "company__name", "product__sku", "product__name")
    list_filter = ("valid_to",)
    list_select_related = ("company", "product")
    autocomplete_fields = ("company", "product")


@admin.register(Promotion)
class PromotionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "value", "product", "category", "tier", "region", "starts_on", "ends_on", "active")
    list_filter = ("active", "kind", "tier", "region")
    search_fields = ("name", "product__sku", "category__name")
    list_select_related = ("product", "category")
    autocomplete_fields = ("product", "category")
    date_hierarchy = "starts_on"


@admin.register(TaxRate)
class TaxRateAdmin(SimpleHistoryAdmin):
    list_display = ("tax_class", "region", "rate")
    list_filter = ("tax_class", "region")
    search_fields = ("tax_class", "region")


# --- tickets and loyalty: rules are master data; tickets and the ledger change only through
# customers.services, so the admin shows them read-only. ------------------------------------------

class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TicketSla)
class TicketSlaAdmin(SimpleHistoryAdmin):
    list_display = ("category", "first_response_hours")


class TicketMessageInline(admin.TabularInline):
    model = TicketMessage
    extra = 0
    fields = ("created_at", "author", "from_staff", "internal", "status_change", "body")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdmin):
    list_display = ("number", "company", "subject", "category", "status", "assignee", "first_response_due",
                    "first_responded_at", "updated_at")
    list_filter = ("status", "category")
    search_fields = ("number", "subject", "order_number", "company__code", "company__name")
    list_select_related = ("company", "assignee")
    date_hierarchy = "created_at"
    inlines = [TicketMessageInline]


@admin.register(LoyaltyRule)
class LoyaltyRuleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "tier", "points_per_unit", "point_value", "min_redeem_points", "valid_from", "valid_to",
                    "active")
    list_filter = ("active", "tier")
    search_fields = ("name",)


@admin.register(LoyaltyAccount)
class LoyaltyAccountAdmin(ReadOnlyAdmin):
    list_display = ("company", "balance", "updated_at")
    search_fields = ("company__code", "company__name")
    list_select_related = ("company",)


@admin.register(LoyaltyEntry)
class LoyaltyEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "company", "kind", "points", "balance_after", "reference", "amount", "currency", "actor")
    list_filter = ("kind",)
    search_fields = ("company__code", "company__name", "reference", "order_number")
    list_select_related = ("company", "actor")
    date_hierarchy = "created_at"


@admin.register(CustomerNote)
class CustomerNoteAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "company", "kind", "author", "body")
    list_filter = ("kind",)
    search_fields = ("company__code", "company__name", "body")
    list_select_related = ("company", "author")
