from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Address, Company, Contact, CustomerPrice, DealerAccount, PriceList, PriceListItem, Promotion, TaxRate


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
