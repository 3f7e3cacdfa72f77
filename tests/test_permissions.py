"""Who may open what: each staff role × each console area, dealers vs the console, staff vs
the portal, and anonymous visitors. The expected table is written out by hand on purpose."""

import pytest
from django.urls import reverse

from oms.permissions import DEALER_PERMISSIONS, STAFF_PERMISSIONS, DealerRole, Perm, StaffRole, has_perm
from tests.factories import CompanyFactory, OrderFactory, ProductFactory

AREAS = [
    "dashboard", "products", "product", "warehouses", "customers", "customer", "inbox", "admin",
    "stock", "low_stock", "transfers", "purchase_orders",
    "orders", "order", "order_new", "order_edit", "sla_board", "approvals", "fulfilment",
]

INVENTORY_PAGES = {"stock", "low_stock", "transfers", "purchase_orders"}  # INVENTORY_VIEW

# role -> areas it may open (everything else must be refused)
ALLOWED = {
    "sales": {"dashboard", "products", "product", "warehouses", "customers", "customer", "inbox",
              *INVENTORY_PAGES, "orders", "order", "order_new", "order_edit", "sla_board"},
    "sales_manager": {"dashboard", "products", "product", "warehouses", "customers", "customer", "inbox",
                      *INVENTORY_PAGES, "orders", "order", "order_new", "order_edit", "sla_board", "approvals"},
    "finance": {"dashboard", "customers", "customer", "inbox", "orders", "order", "sla_board", "approvals"},
    "warehouse": {"dashboard", "products", "product", "warehouses", "inbox",
                  *INVENTORY_PAGES, "orders", "order", "sla_board", "fulfilment"},
    "manager": {"dashboard", "products", "product", "warehouses", "customers", "customer", "inbox",
                *INVENTORY_PAGES, "orders", "order", "order_new", "order_edit", "sla_board", "approvals", "fulfilment"},
    "admin": {"dashboard", "products", "product", "warehouses", "customers", "customer", "inbox", "admin",
              *INVENTORY_PAGES, "orders", "order", "order_new", "order_edit", "sla_board", "approvals", "fulfilment"},
}


@pytest.fixture
def area_urls(db):
    product = ProductFactory()
    company = CompanyFactory()
    order = OrderFactory(company=company)
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
    for name in ("portal:home", "portal:catalog", "portal:account", "portal:inbox"):
        assert client.get(reverse(name)).status_code == 200


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
