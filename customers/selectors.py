"""Reads of customer data. Every portal read goes through a function here that takes the
dealer's company: there is no portal query without that filter."""

from django.apps import apps
from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import (
    Address, Company, Contact, CustomerNote, DealerAccount, LoyaltyAccount, LoyaltyEntry, LoyaltyRule, PriceListItem,
    Promotion, Ticket, TicketAttachment, TicketMessage, TicketStatus,
)


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


def dealer_account_of(company: Company, pk: int) -> DealerAccount:
    """One of the company's portal users (DoesNotExist for another company's)."""
    return DealerAccount.objects.select_related("user").get(company=company, pk=pk)


# --- loyalty ---------------------------------------------------------------------------------

def active_loyalty_rule(company: Company, on=None) -> LoyaltyRule | None:
    """The loyalty rule for the company's tier on `on` (today): a tier rule beats an any-tier
    rule, then the latest start wins."""
    on = on or timezone.localdate()
    return (
        LoyaltyRule.objects.filter(active=True)
        .filter(Q(tier=company.tier) | Q(tier=""))
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .annotate(specific=Case(When(tier="", then=Value(0)), default=Value(1), output_field=IntegerField()))
        .order_by("-specific", F("valid_from").desc(nulls_last=True), "-pk")
        .first()
    )


def loyalty_balance(company: Company) -> int:
    """The company's current points balance (0 before its first points). One query."""
    return LoyaltyAccount.objects.filter(company=company).values_list("balance", flat=True).first() or 0


def loyalty_history(company: Company, limit: int = 50):
    return list(LoyaltyEntry.objects.filter(company=company).select_related("actor").order_by("-created_at", "-id")[:limit])


def promotions_for(company: Company, on=None):
    """Active promotions today aimed at the company's tier and region (blank = everyone)."""
    on = on or timezone.localdate()
    return list(
        Promotion.objects.filter(active=True, starts_on__lte=on, ends_on__gte=on)
        .filter(Q(tier="") | Q(tier=company.tier), Q(region="") | Q(region=company.region))
        .select_related("product", "category").order_by("ends_on", "name")
    )


# --- tickets -----------------------------------------------------------------------------------

def _ticket_qs():
    return Ticket.objects.select_related("company", "assignee", "opened_by")


def dealer_tickets(company: Company, *, status: str = ""):
    qs = _ticket_qs().filter(company=company)
    if status == "active":
        qs = qs.exclude(status__in=[TicketStatus.RESOLVED, TicketStatus.CLOSED])
    elif status:
        qs = qs.filter(status=status)
    return qs


def dealer_ticket(company: Company, pk: int) -> Ticket:
    """A ticket of the company (DoesNotExist for another company's)."""
    return _ticket_qs().get(company=company, pk=pk)


def ticket_detail(pk: int) -> Ticket:
    return _ticket_qs().get(pk=pk)


def ticket_thread(ticket: Ticket, *, include_internal: bool):
    qs = TicketMessage.objects.filter(ticket=ticket).select_related("author").prefetch_related(
        Prefetch("attachments", queryset=TicketAttachment.objects.order_by("id")))
    if not include_internal:
        qs = qs.filter(internal=False)
    return list(qs.order_by("created_at", "id"))


def ticket_attachment(*, pk: int, ticket: Ticket, include_internal: bool) -> TicketAttachment:
    qs = TicketAttachment.objects.filter(pk=pk, message__ticket=ticket)
    if not include_internal:
        qs = qs.filter(message__internal=False)
    return qs.get()


def desk_tickets():
    """All tickets for the console desk (filtered by customers.filters.TicketDeskFilter)."""
    return _ticket_qs()


def overdue_tickets(now=None):
    """Tickets still waiting for their first staff answer after the SLA due time."""
    now = now or timezone.now()
    return Ticket.objects.filter(first_responded_at__isnull=True, first_response_due__lt=now).exclude(
        status__in=[TicketStatus.RESOLVED, TicketStatus.CLOSED])


def order_link(company: Company, order_number: str, *, surface: str):
    """The URL of the company's own order with that number, or None. customers never import
    orders: the model is looked up by name, and only the company's own orders are searched."""
    if not order_number:
        return None
    try:
        order_model = apps.get_model("orders", "Order")
    except LookupError:
        return None
    pk = order_model.objects.filter(company=company, number=order_number).values_list("pk", flat=True).first()
    if pk is None:
        return None
    try:
        return reverse(f"{surface}:order_detail", args=[pk])
    except NoReverseMatch:  # the portal's order pages may not exist yet
        return None


# --- customer 360 -----------------------------------------------------------------------------------

def company_360(company: Company):
    """Everything the console's customer page shows besides orders (which the orders app adds)."""
    return {
        **company_people(company),
        "tickets": list(_ticket_qs().filter(company=company).order_by("-updated_at", "-id")[:10]),
        "loyalty_balance": loyalty_balance(company),
        "loyalty_entries": loyalty_history(company, limit=10),
        "notes": list(CustomerNote.objects.filter(company=company).select_related("author").order_by("-created_at", "-id")[:50]),
    }
