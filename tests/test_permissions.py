"""Who may open what: each staff role × each console area, dealers vs the console, staff vs
the portal, and anonymous visitors. The expected table is written out by hand on purpose."""

import pytest
from django.urls import reverse

from oms.permissions import DEALER_PERMISSIONS, STAFF_PERMISSIONS, DealerRole, Perm, StaffRole, has_perm
from tests.factories import (
    CompanyFactory, InvoiceFactory, OrderFactory, PaymentFactory, ProductFactory, ReturnRequestFactory, TicketFactory,
)

AREAS = [
    "dashboard", "products", "product", "warehouses", "customers", "customer", "inbox", "admin",
    "stock", "low_stock", "transfers", "purchase_orders",
    "orders", "order", "order_new", "order_edit", "sla_board", "approvals", "fulfilment",
    "tickets", "ticket", "preferences",
    "payments", "payment", "invoices", "invoice", "ar_aging", "bank_transfer", "credit_notes", "bank_statement",
    "returns", "return", "return_new",
]

INVENTORY_PAGES = {"stock", "low_stock", "transfers", "purchase_orders"}  # INVENTORY_VIEW
TICKET_PAGES = {"tickets", "ticket"}  # CUSTOMERS_VIEW: the ticket desk
FINANCE_PAGES = {"payments", "payment", "invoices", "invoice", "ar_aging", "credit_notes"}  # PAYMENTS_VIEW
RETURN_PAGES = {"returns", "return"}  # RETURNS_VIEW: every staff role sees the returns desk

# role -> areas it may open (everything else must be refused)
ALLOWED = {
    "sales": {"dashboard", "products", "product", "warehouses", "customers", "customer", "inbox",
              *INVENTORY_PAGES, "orders", "order", "order_new", "order_edit", "sla_board",
              *TICKET_PAGES, "preferences", *RETURN_PAGES},
    "sales_manager": {"dashboard", "products", "product", "warehouses", "customers", "customer", "inbox",
                      *INVENTORY_PAGES, "orders", "order", "order_new", "order_edit", "sla_board", "approvals",
                      *TICKET_PAGES, "preferences", *RETURN_PAGES, "return_new"},
    "finance": {"dashboard", "customers", "customer", "inbox", "orders", "order", "sla_board", "approvals",
                *TICKET_PAGES, "preferences", *FINANCE_PAGES, "bank_transfer", "bank_statement", *RETURN_PAGES},
    "warehouse": {"dashboard", "products", "product", "warehouses", "inbox",
                  *INVENTORY_PAGES, "orders", "order", "sla_board", "fulfilment", "preferences", *RETURN_PAGES, "return_new"},
    "manager": {"dashboard", "products", "product", "warehouses", "customers", "customer", "inbox",
                *INVENTORY_PAGES, "orders", "order", "order_new", "order_edit", "sla_board", "approvals", "fulfilment",
                *TICKET_PAGES, "preferences", *FINANCE_PAGES, *RETURN_PAGES, "return_new"},
    "admin": {"dashboard", "products", "product", "warehouses", "customers", "customer", "inbox", "admin",
              *INVENTORY_PAGES, "orders", "order", "order_new", "order_edit", "sla_board", "approvals", "fulfilment",
              *TICKET_PAGES, "preferences", *FINANCE_PAGES, "bank_transfer", "bank_statement", *RETURN_PAGES,
              "return_new"},
}


@pytest.fixture
def area_urls(db):
    product = ProductFactory()
    company = CompanyFactory()
    order = OrderFactory(company=company)
    ticket = TicketFactory(company=company)
    rma = ReturnRequestFactory(order=order)
    payment = PaymentFactory(company=company, order=order)
    invoice = InvoiceFactory(company=company, order=order)
    return {
        "dashboard": reverse("console:home"),
        "products": reverse("console:product_list"),
        "product": reverse("console:product_detail", args=[product.pk]),
        "warehouses": reverse("console:warehouse_list"),
        "customers": reverse("console:company_list"),
        "customer": reverse("console:company_detail", args=[company.pk]),
        "inbox": reverse("console:inbox"),
        "admin": reverse("admin:index"),
        "stock": reverse("console:stock_list"),
        "low_stock": reverse("console:low_stock"),
        "transfers": reverse("console:transfer_list"),
        "purchase_orders": reverse("console:purchase_order_list"),
        "orders": reverse("console:order_list"),
        "order": reverse("console:order_detail", args=[order.pk]),
        "order_new": reverse("console:order_create"),
        "order_edit": reverse("console:order_edit", args=[order.pk]),
        "sla_board": reverse("console:sla_board"),
        "approvals": reverse("console:approvals"),
        "fulfilment": reverse("console:fulfilment"),
        "tickets": reverse("console:ticket_desk"),
        "ticket": reverse("console:ticket_detail", args=[ticket.pk]),
        "preferences": reverse("console:preferences"),
        "returns": reverse("console:return_desk"),
        "return": reverse("console:return_detail", args=[rma.pk]),
        "return_new": reverse("console:return_create"),
        "payments": reverse("console:payment_list"),
        "payment": reverse("console:payment_detail", args=[payment.pk]),
        "invoices": reverse("console:invoice_list"),
        "invoice": reverse("console:invoice_detail", args=[invoice.pk]),
        "ar_aging": reverse("console:ar_aging"),
        "bank_transfer": reverse("console:bank_transfer"),
        "credit_notes": reverse("console:credit_notes"),
        "bank_statement": reverse("console:bank_statement"),
    }


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("area", AREAS)
def test_staff_role_matrix(client, staff_user, area_urls, role, area):
    client.force_login(staff_user(role))
    response = client.get(area_urls[area])
    if area in ALLOWED[role]:
        assert response.status_code == 200
    elif area == "admin":
        # Django admin sends people without access to its own login page.
        assert response.status_code == 302 and "/admin/login/" in response.url
    else:
        assert response.status_code == 403
        assert "Not allowed" in response.content.decode()


@pytest.mark.parametrize("role", list(DealerRole))
@pytest.mark.parametrize("area", AREAS)
def test_dealer_cannot_open_the_console(client, dealer, area_urls, role, area):
    client.force_login(dealer(role=role))
    response = client.get(area_urls[area])
    assert response.status_code in (403, 302)
    if response.status_code == 302:
        assert "/admin/login/" in response.url


@pytest.mark.parametrize("area", AREAS)
def test_anonymous_is_sent_to_sign_in(client, area_urls, area):
    response = client.get(area_urls[area])
    assert response.status_code == 302
    assert "login" in response.url


@pytest.mark.parametrize("role", list(StaffRole))
def test_staff_cannot_open_the_portal(client, staff_user, role):
    client.force_login(staff_user(role))
    assert client.get(reverse("portal:home")).status_code == 403
    assert client.get(reverse("portal:catalog")).status_code == 403


@pytest.mark.parametrize("role", list(DealerRole))
def test_every_dealer_role_opens_the_portal(client, dealer, role):
    client.force_login(dealer(role=role))
    for name in ("portal:home", "portal:catalog", "portal:account", "portal:inbox", "portal:ticket_list",
                 "portal:ticket_create", "portal:loyalty", "portal:preferences", "portal:return_list"):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", list(DealerRole))
def test_only_dealer_admins_manage_portal_users_and_addresses(client, dealer, role):
    client.force_login(dealer(role=role))
    for name in ("portal:dealer_users", "portal:address_create"):
        assert client.get(reverse(name)).status_code == (200 if role == DealerRole.ADMIN else 403)


@pytest.mark.parametrize("role,allowed", [
    ("sales", False), ("sales_manager", False), ("warehouse", False), ("finance", True), ("manager", True),
    ("admin", True),
])
def test_credit_hold_is_for_finance_and_managers(client, staff_user, role, allowed):
    company = CompanyFactory()
    client.force_login(staff_user(role))
    response = client.post(reverse("console:company_credit", args=[company.pk]), {"action": "hold", "reason": "Overdue"})
    assert response.status_code == (302 if allowed else 403)
    company.refresh_from_db()
    assert (company.status == "on_hold") is allowed


def test_closed_company_users_are_refused(client, dealer):
    user = dealer(company=CompanyFactory(status="closed"))
    client.force_login(user)
    assert client.get(reverse("portal:home")).status_code == 403


def test_deactivated_dealer_account_is_refused(client, dealer):
    user = dealer()
    user.dealer_account.is_active = False
    user.dealer_account.save()
    client.force_login(user)
    assert client.get(reverse("portal:home")).status_code == 403


def test_role_table_is_complete_and_separate():
    assert set(STAFF_PERMISSIONS) == set(StaffRole)
    assert set(DEALER_PERMISSIONS) == set(DealerRole)
    for perms in STAFF_PERMISSIONS.values():
        assert Perm.CONSOLE in perms and not any(p.startswith("portal.") for p in perms)
    for perms in DEALER_PERMISSIONS.values():
        assert Perm.PORTAL in perms and not any(p.startswith(("console.", "orders.", "admin.")) for p in perms)


@pytest.mark.parametrize("role,perm,expected", [
    ("sales", Perm.ORDERS_APPROVE, False),
    ("sales_manager", Perm.ORDERS_APPROVE, True),
    ("finance", Perm.PAYMENTS_MANAGE, True),
    ("sales", Perm.PAYMENTS_MANAGE, False),
    ("warehouse", Perm.INVENTORY_MANAGE, True),
    ("finance", Perm.INVENTORY_MANAGE, False),
    ("manager", Perm.REPORTS_VIEW, True),
    ("warehouse", Perm.REPORTS_VIEW, False),
    ("admin", Perm.ADMIN_SITE, True),
    ("manager", Perm.ADMIN_SITE, False),
])
def test_capabilities_of_roles_for_later_areas(staff_user, role, perm, expected):
    assert has_perm(staff_user(role), perm) is expected


def test_console_navigation_follows_the_role(client, staff_user):
    client.force_login(staff_user("finance"))
    html = client.get(reverse("console:home")).content.decode()
    assert reverse("console:company_list") in html
    assert reverse("console:product_list") not in html
    assert reverse("admin:index") not in html

    client.force_login(staff_user("admin"))
    html = client.get(reverse("console:home")).content.decode()
    assert reverse("console:product_list") in html and reverse("admin:index") in html


@pytest.mark.parametrize("role,shown", [
    ("sales", {"console:order_list", "console:order_create", "console:sla_board"}),
    ("sales_manager", {"console:order_list", "console:order_create", "console:sla_board", "console:approvals"}),
    ("finance", {"console:order_list", "console:sla_board", "console:approvals"}),
    ("warehouse", {"console:order_list", "console:sla_board", "console:fulfilment"}),
    ("manager", {"console:order_list", "console:order_create", "console:sla_board", "console:approvals",
                 "console:fulfilment"}),
])
def test_orders_navigation_follows_the_role(client, staff_user, role, shown):
    client.force_login(staff_user(role))
    nav = client.get(reverse("console:home")).content.decode().split('class="sidebar"')[1].split("</nav>")[0]
    for name in ("console:order_list", "console:order_create", "console:sla_board", "console:approvals",
                 "console:fulfilment"):
        assert (f'href="{reverse(name)}"' in nav) is (name in shown), name


@pytest.mark.parametrize("role,allowed", [
    ("sales", False), ("finance", False), ("sales_manager", True), ("warehouse", True), ("manager", True), ("admin", True),
])
def test_only_returns_managers_act_on_returns(client, staff_user, role, allowed):
    rma = ReturnRequestFactory()
    client.force_login(staff_user(role))
    response = client.post(reverse("console:return_reject", args=[rma.pk]), {"reason": "Outside the window"})
    assert response.status_code == (302 if allowed else 403)
    rma.refresh_from_db()
    assert (rma.status == "rejected") is allowed


@pytest.mark.parametrize("role", list(DealerRole))
def test_every_dealer_role_may_ask_for_a_return(client, dealer, role):
    user = dealer(role=role)
    order = OrderFactory(company=user.dealer_account.company, status="delivered")
    client.force_login(user)
    assert client.get(reverse("portal:return_create", args=[order.pk])).status_code == 200
