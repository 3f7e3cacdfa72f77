"""A dealer sees only its own company's data, whatever URL it types."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import AddressFactory, CompanyFactory, PriceListFactory, PriceListItemFactory, ProductFactory


@pytest.fixture
def two_companies(db, dealer):
    list_a, list_b = PriceListFactory(), PriceListFactory()
    a = CompanyFactory(name="Alpha Hardware", price_list=list_a)
    b = CompanyFactory(name="Beta Building Supply", price_list=list_b)
    return {
        "a": a, "b": b,
        "user_a": dealer(company=a, first_name="Ann"),
        "user_b": dealer(company=b, first_name="Bob"),
        "addr_a": AddressFactory(company=a, label="Alpha depot"),
        "addr_b": AddressFactory(company=b, label="Beta depot"),
        "list_a": list_a, "list_b": list_b,
    }


def test_dealer_cannot_open_another_companys_address(client, two_companies):
    client.force_login(two_companies["user_a"])
    own = client.get(reverse("portal:address_detail", args=[two_companies["addr_a"].pk]))
    other = client.get(reverse("portal:address_detail", args=[two_companies["addr_b"].pk]))
    assert own.status_code == 200 and "Alpha depot" in own.content.decode()
    assert other.status_code == 404
    assert "Beta depot" not in other.content.decode()


def test_portal_pages_show_only_own_company(client, two_companies):
    client.force_login(two_companies["user_a"])
    for name in ("portal:home", "portal:account"):
        html = client.get(reverse(name)).content.decode()
        assert "Alpha Hardware" in html
        assert "Beta Building Supply" not in html
        assert "Beta depot" not in html
        assert "Bob" not in html


def test_catalog_shows_own_price_list_only(client, two_companies):
    product = ProductFactory(name="Brass ball valve DN20")
    PriceListItemFactory(price_list=two_companies["list_a"], product=product, unit_price=Decimal("12.50"))
    PriceListItemFactory(price_list=two_companies["list_b"], product=product, unit_price=Decimal("99.90"))
    client.force_login(two_companies["user_a"])
    html = client.get(reverse("portal:catalog")).content.decode()
    assert "Brass ball valve DN20" in html
    assert "12.50" in html
    assert "99.90" not in html


def test_inbox_shows_only_own_notifications(client, two_companies):
    from tests.factories import NotificationFactory

    NotificationFactory(recipient=two_companies["user_a"], subject="Your order shipped")
    NotificationFactory(recipient=two_companies["user_b"], subject="Beta invoice overdue")
    client.force_login(two_companies["user_a"])
    html = client.get(reverse("portal:inbox")).content.decode()
    assert "Your order shipped" in html and "Beta invoice overdue" not in html


def test_inactive_products_are_not_in_the_portal_catalog(client, two_companies):
    ProductFactory(name="Discontinued widget", active=False)
    ProductFactory(name="Current widget")
    client.force_login(two_companies["user_a"])
    html = client.get(reverse("portal:catalog")).content.decode()
    assert "Current widget" in html and "Discontinued widget" not in html


def test_mark_read_touches_only_own_notifications(client, two_companies):
    from tests.factories import NotificationFactory

    mine = NotificationFactory(recipient=two_companies["user_a"])
    theirs = NotificationFactory(recipient=two_companies["user_b"])
    client.force_login(two_companies["user_a"])
    client.post(reverse("inbox_mark_read"), {"id": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


# --- tickets, loyalty, dealer admin (portal issue #5): every URL with an id is scoped ------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def scoped(db, settings, tmp_path, dealer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from customers.services import open_ticket

    settings.MEDIA_ROOT = tmp_path
    a = CompanyFactory(name="Alpha Hardware")
    b = CompanyFactory(name="Beta Building Supply")
    admin_a, admin_b = dealer(company=a, role="admin"), dealer(company=b, role="admin", first_name="Bob")
    colleague_b = dealer(company=b, first_name="Bea")

    def ticket(user, company, subject):
        return open_ticket(actor=user, company=company, subject=subject, body="Body of " + subject,
                           attachments=[SimpleUploadedFile(f"{subject}.png", PNG)])

    ticket_a, ticket_b = ticket(admin_a, a, "Alpha claim"), ticket(admin_b, b, "Beta secret claim")
    return {
        "a": a, "b": b, "admin_a": admin_a, "colleague_b": colleague_b,
        "ticket_a": ticket_a, "ticket_b": ticket_b,
        "file_a": ticket_a.messages.get().attachments.get(), "file_b": ticket_b.messages.get().attachments.get(),
        "addr_b": AddressFactory(company=b, label="Beta depot"),
    }


def _other_company_urls(s):
    """(method, url) of every portal URL that takes an id, pointed at company B's objects."""
    tb, fb = s["ticket_b"], s["file_b"]
    member_b = s["colleague_b"].dealer_account
    return [
        ("get", reverse("portal:ticket_detail", args=[tb.pk])),
        ("post", reverse("portal:ticket_detail", args=[tb.pk])),
        ("post", reverse("portal:ticket_status", args=[tb.pk])),
        ("get", reverse("portal:ticket_attachment", args=[tb.pk, fb.pk])),
        ("get", reverse("portal:ticket_attachment", args=[s["ticket_a"].pk, fb.pk])),  # own ticket, their file
        ("get", reverse("portal:address_detail", args=[s["addr_b"].pk])),
        ("get", reverse("portal:address_edit", args=[s["addr_b"].pk])),
        ("post", reverse("portal:address_edit", args=[s["addr_b"].pk])),
        ("post", reverse("portal:address_default", args=[s["addr_b"].pk])),
        ("post", reverse("portal:dealer_user_role", args=[member_b.pk])),
        ("post", reverse("portal:dealer_user_active", args=[member_b.pk])),
    ]


def test_every_portal_url_with_an_id_is_404_for_another_company(client, scoped):
    client.force_login(scoped["admin_a"])
    for method, url in _other_company_urls(scoped):
        data = {"body": "hi", "action": "close", "role": "admin", "recipient": "X"} if method == "post" else None
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url, response.status_code)
        assert "Beta" not in response.content.decode()
    scoped["ticket_b"].refresh_from_db()
    scoped["colleague_b"].dealer_account.refresh_from_db()
    assert scoped["ticket_b"].status == "open" and scoped["ticket_b"].messages.count() == 1
    assert scoped["colleague_b"].dealer_account.role == "buyer" and scoped["colleague_b"].dealer_account.is_active


def test_ticket_list_loyalty_and_users_show_only_own_company(client, scoped):
    client.force_login(scoped["admin_a"])
    for name in ("portal:ticket_list", "portal:loyalty", "portal:dealer_users", "portal:account"):
        html = client.get(reverse(name)).content.decode()
        assert "Beta secret claim" not in html and "Bob" not in html and "Bea" not in html, name
    assert "Alpha claim" in client.get(reverse("portal:ticket_list")).content.decode()


def test_own_ticket_and_file_open(client, scoped):
    client.force_login(scoped["admin_a"])
    assert client.get(reverse("portal:ticket_detail", args=[scoped["ticket_a"].pk])).status_code == 200
    url = reverse("portal:ticket_attachment", args=[scoped["ticket_a"].pk, scoped["file_a"].pk])
    assert client.get(url).status_code == 200


# --- portal ordering: every URL that takes an id, asked by another company's user -> 404 ----------

@pytest.fixture
def alpha_orders(shop, dealer):
    """Alpha (the shop's company) has an order with a shipped shipment, a buyer's request
    waiting for its approver and an open cart; Bob is an approver at another company."""
    from customers.models import Company

    from oms.permissions import DealerRole
    from orders.services import cart as cart_service
    from orders.services import portal_checkout
    from orders.services.intake import place_order
    from tests.factories import ship_order

    alpha = shop["company"]
    Company.objects.filter(pk=alpha.pk).update(buyer_order_limit=Decimal("1"))
    alpha.refresh_from_db()
    ann = dealer(company=alpha, first_name="Ann")
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    order, _ = place_order(actor=ann, company=alpha, channel="portal", lines=[{"sku": "VALVE", "quantity": 2}])
    shipment = ship_order(order, shop["warehouse"])[0]
    cart_service.add_to_cart(actor=ann, company=alpha, product=shop["products"]["TAPE"], quantity=1)
    waiting = portal_checkout.checkout_cart(actor=ann, company=alpha, ship_to=shop["address"],
                                            payment_method="on_account", idempotency_key="alpha-1").cart
    line = cart_service.add_to_cart(actor=ann, company=alpha, product=shop["products"]["TAPE"], quantity=2)
    bob = dealer(company=CompanyFactory(name="Beta Building Supply"), role=DealerRole.APPROVER, first_name="Bob")
    return {"order": order, "shipment": shipment, "waiting": waiting, "line": line, "ann": ann, "bob": bob}


def _id_urls(o):
    order, shipment, cart, line = o["order"].pk, o["shipment"].pk, o["waiting"].pk, o["line"].pk
    return [
        ("get", "portal:order_detail", order), ("post", "portal:order_cancel", order),
        ("post", "portal:order_reorder", order),
        ("get", "portal:packing_slip", shipment), ("get", "portal:delivery_confirm", shipment),
        ("post", "portal:delivery_confirm", shipment), ("get", "portal:delivery_discrepancy", shipment),
        ("post", "portal:delivery_discrepancy", shipment),
        ("get", "portal:approval_detail", cart), ("post", "portal:approval_approve", cart),
        ("post", "portal:approval_reject", cart), ("post", "portal:approval_restore", cart),
        ("post", "portal:cart_line_update", line), ("post", "portal:cart_line_remove", line),
    ]


def test_every_portal_ordering_url_with_an_id_is_404_for_another_company(client, alpha_orders):
    from orders.models import Cart, Order, Shipment

    client.force_login(alpha_orders["bob"])
    data = {"reason": "x", "comment": "x", "quantity": "5", "received_by": "Bob", "signature_text": "Bob",
            "description": "x"}
    for method, name, pk in _id_urls(alpha_orders):
        url = reverse(name, args=[pk])
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, (method, name)
        assert alpha_orders["order"].number not in response.content.decode()
    assert Order.objects.get().status == "shipped"
    assert Shipment.objects.get().status == "shipped"
    assert Cart.objects.get(pk=alpha_orders["waiting"].pk).status == Cart.Status.AWAITING_APPROVAL
    alpha_orders["line"].refresh_from_db()
    assert alpha_orders["line"].quantity == 2


def test_own_company_users_reach_the_same_urls(client, alpha_orders):
    client.force_login(alpha_orders["ann"])
    for method, name, pk in _id_urls(alpha_orders):
        if method == "get":
            assert client.get(reverse(name, args=[pk])).status_code == 200, name


def test_a_colleagues_cart_line_is_404(client, alpha_orders, dealer):
    colleague = dealer(company=alpha_orders["order"].company)
    client.force_login(colleague)
    response = client.post(reverse("portal:cart_line_update", args=[alpha_orders["line"].pk]), {"quantity": "9"})
    assert response.status_code == 404


def test_portal_order_list_and_home_show_only_own_orders(client, alpha_orders):
    client.force_login(alpha_orders["bob"])
    number = alpha_orders["order"].number
    for name in ("portal:order_list", "portal:home", "portal:approvals", "portal:cart"):
        response = client.get(reverse(name))
        assert response.status_code == 200 and number not in response.content.decode(), name
    assert f'data-cart="{alpha_orders["waiting"].pk}"' not in client.get(reverse("portal:approvals")).content.decode()


# --- returns (task E) ----------------------------------------------------------------------------

def test_another_companys_return_is_404_on_every_portal_url(client, two_companies):
    from tests.factories import OrderFactory, ReturnRequestFactory

    theirs = ReturnRequestFactory(order=OrderFactory(company=two_companies["b"], status="delivered"))
    mine = ReturnRequestFactory(order=OrderFactory(company=two_companies["a"], status="delivered"))
    client.force_login(two_companies["user_a"])
    assert client.get(reverse("portal:return_detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("portal:return_detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("portal:return_cancel", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("portal:return_photo", args=[theirs.pk, 1])).status_code == 404
    assert client.get(reverse("portal:return_create", args=[theirs.order_id])).status_code == 404
    listing = client.get(reverse("portal:return_list")).content.decode()
    assert mine.number in listing and theirs.number not in listing
    theirs.refresh_from_db()
    assert theirs.status == "requested"
