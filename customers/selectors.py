"""Reads of customer data. Every portal read goes through a function here that takes the
dealer's company: there is no portal query without that filter."""

from django.db.models import Count, Q

from .models import Address, Company, Contact, DealerAccount, PriceListItem


def company_search(*, q: str = "", region: str = "", tier: str = "", status: str = ""):
    qs = Company.objects.select_related("sales_rep", "price_list")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(tax_id__icontains=q))
    if region:
        qs = qs.filter(region=region)
    if tier:
        qs = qs.filter(tier=tier)
    if status:
        qs = qs.filter(status=status)
    return qs


def company_detail(pk: int) -> Company:
    return Company.objects.select_related("sales_rep", "price_list").get(pk=pk)


def company_people(company: Company):
    return {
        "contacts": list(Contact.objects.filter(company=company)),
        "addresses": list(Address.objects.filter(company=company)),
        "dealer_users": list(DealerAccount.objects.filter(company=company).select_related("user")),
    }


def company_counts():
    rows = Company.objects.aggregate(
        active=Count("pk", filter=Q(status=Company.Status.ACTIVE)),
        on_hold=Count("pk", filter=Q(status=Company.Status.ON_HOLD)),
        closed=Count("pk", filter=Q(status=Company.Status.CLOSED)),
    )
    return rows


def companies_by_region():
    return list(Company.objects.values("region").annotate(n=Count("pk")).order_by("region"))


# --- portal: always scoped to the dealer's company ------------------------------------------

def dealer_addresses(company: Company):
    return Address.objects.filter(company=company)


def dealer_address(company: Company, pk: int) -> Address:
    return Address.objects.get(company=company, pk=pk)


def dealer_users(company: Company):
    return DealerAccount.objects.filter(company=company).select_related("user")


def list_prices(company: Company, product_ids):
    """{product_id: [PriceListItem ordered by min_quantity]} from the company's price list."""
    if not company.price_list_id:
        return {}
    prices = {}
    items = PriceListItem.objects.filter(price_list_id=company.price_list_id, product_id__in=list(product_ids))
    for item in items.order_by("product_id", "min_quantity"):
        prices.setdefault(item.product_id, []).append(item)
    return prices
