"""Read-only figures for dashboards, gathered through the other apps' selectors."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from customers import selectors as customer_selectors
from inventory import selectors as inventory_selectors
from oms.models import Notification
from oms.permissions import Perm, perms_of
from orders import selectors_console as order_selectors

from .queries import dashboard as dashboard_queries


def console_dashboard(user):
    perms = perms_of(user)
    data = {
        "recent_notifications": list(Notification.objects.filter(recipient=user).order_by("-created_at", "-id")[:5]),
    }
    if Perm.CATALOG_VIEW in perms or Perm.INVENTORY_VIEW in perms:
        data["catalog"] = inventory_selectors.catalog_counts()
    if Perm.ORDERS_VIEW in perms:
        data["orders"] = order_selectors.order_status_counts()
    if Perm.REPORTS_VIEW in perms:
        # Booked business (counts and revenue) is a reporting figure: managers and finance.
        data["today"] = dashboard_queries.orders_today()
        data["revenue_months"] = dashboard_queries.monthly_revenue()
    if Perm.INVENTORY_VIEW in perms:
        data["low_stock"] = dashboard_queries.low_stock_count()
    if Perm.PAYMENTS_VIEW in perms:
        data["receivables"] = dashboard_queries.overdue_receivables()
    if Perm.CUSTOMERS_VIEW in perms:
        data["customers"] = customer_selectors.company_counts()
        data["customers_by_region"] = customer_selectors.companies_by_region()
    if Perm.ADMIN_SITE in perms:
        data["staff_by_role"] = list(
            get_user_model().objects.filter(is_active=True).exclude(staff_role="")
            .values("staff_role").annotate(n=Count("pk")).order_by("staff_role")
        )
        data["dealer_users"] = get_user_model().objects.filter(
            Q(dealer_account__isnull=False) & Q(is_active=True)
        ).count()
    return data
