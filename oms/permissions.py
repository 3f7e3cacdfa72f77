"""Roles and what each may do — the one place that says so.

Staff roles work in the console; dealer roles work in the portal. Views declare the
permission they need with `@staff_required(Perm.X)` / `@dealer_required(Perm.Y)`; templates
ask `perms_of(user)` (exposed as `oms_perms` in every page's context)."""

from enum import StrEnum, nonmember
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    SALES = "sales", _("Sales rep")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    FINANCE = "finance", _("Finance")
    WAREHOUSE = "warehouse", _("Warehouse")
    MANAGER = "manager", _("Manager")
    ADMIN = "admin", _("Administrator")


class DealerRole(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    APPROVER = "approver", _("Approver")
    ADMIN = "admin", _("Dealer admin")


class Perm(StrEnum):
    do_not_call_in_templates = nonmember(True)  # templates read Perm.X, never call Perm()
    # console
    CONSOLE = "console.access"
    ORDERS_VIEW = "orders.view"
    ORDERS_MANAGE = "orders.manage"
    ORDERS_APPROVE = "orders.approve"
    CATALOG_VIEW = "catalog.view"
    CATALOG_MANAGE = "catalog.manage"
    INVENTORY_VIEW = "inventory.view"
    INVENTORY_MANAGE = "inventory.manage"
    PURCHASING_MANAGE = "purchasing.manage"
    CUSTOMERS_VIEW = "customers.view"
    CUSTOMERS_MANAGE = "customers.manage"
    CREDIT_MANAGE = "customers.credit"
    PAYMENTS_VIEW = "payments.view"
    PAYMENTS_MANAGE = "payments.manage"
    RETURNS_VIEW = "returns.view"
    RETURNS_MANAGE = "returns.manage"
    REPORTS_VIEW = "reports.view"
    REPORTS_SCHEDULE = "reports.schedule"
    INTEGRATIONS_MANAGE = "integrations.manage"
    ADMIN_SITE = "admin.site"
    # portal
    PORTAL = "portal.access"
    PORTAL_ORDER = "portal.order"
    PORTAL_APPROVE = "portal.approve"
    PORTAL_ADMIN = "portal.admin"


_EVERY_CONSOLE_VIEW = {
    Perm.CONSOLE, Perm.ORDERS_VIEW, Perm.CATALOG_VIEW, Perm.INVENTORY_VIEW,
    Perm.CUSTOMERS_VIEW, Perm.PAYMENTS_VIEW, Perm.RETURNS_VIEW, Perm.REPORTS_VIEW,
}

STAFF_PERMISSIONS: dict[str, frozenset[Perm]] = {
    StaffRole.SALES: frozenset({
        Perm.CONSOLE, Perm.ORDERS_VIEW, Perm.ORDERS_MANAGE, Perm.CATALOG_VIEW,
        Perm.INVENTORY_VIEW, Perm.CUSTOMERS_VIEW, Perm.RETURNS_VIEW,
    }),
    StaffRole.SALES_MANAGER: frozenset({
        Perm.CONSOLE, Perm.ORDERS_VIEW, Perm.ORDERS_MANAGE, Perm.ORDERS_APPROVE,
        Perm.CATALOG_VIEW, Perm.INVENTORY_VIEW, Perm.CUSTOMERS_VIEW, Perm.CUSTOMERS_MANAGE,
        Perm.RETURNS_VIEW, Perm.RETURNS_MANAGE, Perm.REPORTS_VIEW, Perm.REPORTS_SCHEDULE,
    }),
    StaffRole.FINANCE: frozenset({
        Perm.CONSOLE, Perm.ORDERS_VIEW, Perm.ORDERS_APPROVE, Perm.CUSTOMERS_VIEW,
        Perm.CREDIT_MANAGE, Perm.PAYMENTS_VIEW, Perm.PAYMENTS_MANAGE, Perm.RETURNS_VIEW,
        Perm.REPORTS_VIEW,
    }),
    StaffRole.WAREHOUSE: frozenset({
        Perm.CONSOLE, Perm.ORDERS_VIEW, Perm.CATALOG_VIEW, Perm.INVENTORY_VIEW,
        Perm.INVENTORY_MANAGE, Perm.PURCHASING_MANAGE, Perm.RETURNS_VIEW, Perm.RETURNS_MANAGE,
    }),
    StaffRole.MANAGER: frozenset(_EVERY_CONSOLE_VIEW | {
        Perm.ORDERS_MANAGE, Perm.ORDERS_APPROVE, Perm.CUSTOMERS_MANAGE, Perm.CREDIT_MANAGE,
        Perm.INVENTORY_MANAGE, Perm.PURCHASING_MANAGE, Perm.RETURNS_MANAGE, Perm.REPORTS_SCHEDULE,
    }),
    StaffRole.ADMIN: frozenset(p for p in Perm if not p.startswith("portal.")),
}

DEALER_PERMISSIONS: dict[str, frozenset[Perm]] = {
    DealerRole.BUYER: frozenset({Perm.PORTAL, Perm.PORTAL_ORDER}),
    DealerRole.APPROVER: frozenset({Perm.PORTAL, Perm.PORTAL_ORDER, Perm.PORTAL_APPROVE}),
    DealerRole.ADMIN: frozenset({Perm.PORTAL, Perm.PORTAL_ORDER, Perm.PORTAL_APPROVE, Perm.PORTAL_ADMIN}),
}


def dealer_account(user):
    """The user's dealer account (customers.DealerAccount, with its company) or None.
    Loaded once per request and kept on the user object."""
    if not user.is_authenticated or user.staff_role:
        return None
    if not hasattr(user, "_oms_dealer"):
        from django.apps import apps

        model = apps.get_model("customers", "DealerAccount")
        # the price list comes along: every portal page that prices products needs it
        user._oms_dealer = model.objects.select_related("company", "company__price_list").filter(user=user).first()
    return user._oms_dealer


def perms_of(user) -> frozenset[Perm]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = getattr(user, "_oms_perms", None)
    if cached is not None:
        return cached
    if user.staff_role:
        perms = STAFF_PERMISSIONS.get(user.staff_role, frozenset())
    else:
        account = dealer_account(user)
        active = account is not None and account.is_active and account.company.can_use_portal
        perms = DEALER_PERMISSIONS.get(account.role, frozenset()) if active else frozenset()
    user._oms_perms = perms
    return perms


def has_perm(user, perm: Perm) -> bool:
    return perm in perms_of(user)


def _guard(perm: Perm, login_url_name: str):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path(), reverse(login_url_name))
            if not has_perm(request.user, perm):
                raise PermissionDenied(_("Your role does not allow this page."))
            return view(request, *args, **kwargs)

        wrapped.required_perm = perm
        return wrapped

    return decorator


def staff_required(perm: Perm = Perm.CONSOLE):
    return _guard(perm, "console:login")


def dealer_required(perm: Perm = Perm.PORTAL):
    return _guard(perm, "portal:login")
