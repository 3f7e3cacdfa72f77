"""Portal pages of tickets, loyalty, dealer admin and preferences: what a dealer sees and
submits, field errors, and no 500 on garbage."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from customers.models import Address, DealerAccount, Ticket, TicketStatus
from customers.services import award_points, open_ticket, reply_to_ticket
from oms.models import NotificationPreference
from tests.factories import AddressFactory, CompanyFactory, LoyaltyRuleFactory, StaffFactory, dealer_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def alpha(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    company = CompanyFactory(name="Alpha Hardware", sales_rep=StaffFactory(staff_role="sales"))
    return {"company": company, "buyer": dealer_user(company=company, first_name="Ann"),
            "admin": dealer_user(company=company, role="admin", first_name="Ada")}


def test_dealer_opens_a_ticket_with_a_photo_and_sees_the_thread(client, alpha):
    client.force_login(alpha["buyer"])
    response = client.post(reverse("portal:ticket_create"), {
        "subject": "Cracked valve", "category": "claim", "order_number": "SO-0000009", "body": "Arrived cracked",
        "attachments": [SimpleUploadedFile("crack.png", PNG, content_type="image/png")]})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response.url == reverse("portal:ticket_detail", args=[ticket.pk])
    html = client.get(response.url).content.decode()
    assert "Cracked valve" in html and "Arrived cracked" in html and "SO-0000009" in html and "crack.png" in html
    attachment = ticket.messages.get().attachments.get()
    download = client.get(reverse("portal:ticket_attachment", args=[ticket.pk, attachment.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "image/png"
    assert b"".join(download.streaming_content) == PNG


def test_ticket_form_shows_field_errors(client, alpha):
    client.force_login(alpha["buyer"])
    response = client.post(reverse("portal:ticket_create"), {
        "subject": "", "category": "nonsense", "body": "x",
        "attachments": [SimpleUploadedFile("notes.txt", b"hello there", content_type="text/plain")]})
    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) >= {"subject", "category"}
    response = client.post(reverse("portal:ticket_create"), {
        "subject": "S", "category": "question", "body": "x",
        "attachments": [SimpleUploadedFile("notes.txt", b"hello there", content_type="text/plain")]})
    assert response.status_code == 422
    assert "attachments" in response.context["form"].errors
    assert 'id="id_attachments_error"' in response.content.decode()
    assert not Ticket.objects.exists()


def test_reply_close_and_reopen_from_the_portal(client, alpha):
    ticket = open_ticket(actor=alpha["buyer"], company=alpha["company"], subject="Q", body="B")
    reply_to_ticket(actor=alpha["company"].sales_rep, ticket=ticket, body="Staff answer")
    reply_to_ticket(actor=alpha["company"].sales_rep, ticket=ticket, body="Secret staff note", internal=True)
    client.force_login(alpha["buyer"])
    html = client.get(reverse("portal:ticket_detail", args=[ticket.pk])).content.decode()
    assert "Staff answer" in html and "Secret staff note" not in html
    assert client.post(reverse("portal:ticket_detail", args=[ticket.pk]), {"body": ""}).status_code == 422
    client.post(reverse("portal:ticket_detail", args=[ticket.pk]), {"body": "Thanks"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_STAFF
    client.post(reverse("portal:ticket_status", args=[ticket.pk]), {"action": "close"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED
    client.post(reverse("portal:ticket_status", args=[ticket.pk]), {"action": "reopen"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_STAFF
    assert client.post(reverse("portal:ticket_status", args=[ticket.pk]), {"action": "explode"}).status_code == 302


def test_ticket_list_shows_own_tickets_with_status_filter(client, alpha):
    open_ticket(actor=alpha["buyer"], company=alpha["company"], subject="Our question", body="B")
    client.force_login(alpha["buyer"])
    for status in ("", "active", "closed", "garbage"):
        response = client.get(reverse("portal:ticket_list"), {"status": status, "after": "not-a-cursor"})
        assert response.status_code == 200
    assert "Our question" in client.get(reverse("portal:ticket_list")).content.decode()


def test_loyalty_page_shows_balance_history_and_promotions(client, alpha):
    from tests.factories import PromotionFactory
    from django.utils import timezone

    LoyaltyRuleFactory(points_per_unit=Decimal("1"), point_value=Decimal("0.05"))
    award_points(company=alpha["company"], order_number="SO-0000100", amount=Decimal("200"), currency="CNY", reason="")
    PromotionFactory(name="Tape week", starts_on=timezone.localdate(), ends_on=timezone.localdate())
    client.force_login(alpha["buyer"])
    html = client.get(reverse("portal:loyalty")).content.decode()
    assert "200" in html and "SO-0000100" in html and "¥10.00" in html and "Tape week" in html


def test_dealer_admin_invites_changes_role_and_deactivates(client, alpha, django_capture_on_commit_callbacks):
    client.force_login(alpha["admin"])
    assert client.get(reverse("portal:dealer_users")).status_code == 200
    bad = client.post(reverse("portal:dealer_users"), {"email": "not-an-email", "role": "boss"})
    assert bad.status_code == 422 and set(bad.context["form"].errors) == {"email", "role"}
    taken = client.post(reverse("portal:dealer_users"), {"email": alpha["buyer"].email, "role": "buyer"})
    assert taken.status_code == 422 and "already uses the portal for your company" in taken.context["form"].errors["email"][0]
    outsider = dealer_user(company=CompanyFactory(name="Rival Co"), first_name="Rita", email="rita@rival.cn")
    elsewhere = client.post(reverse("portal:dealer_users"), {"email": "RITA@rival.cn", "role": "buyer"})
    message = elsewhere.context["form"].errors["email"][0]
    assert elsewhere.status_code == 422 and "cannot be invited" in message
    assert "Rita" not in message and "Rival" not in message and str(outsider) not in elsewhere.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:dealer_users"), {"email": "li@alpha.cn", "role": "approver"})
    assert response.status_code == 302
    invited = DealerAccount.objects.get(user__email="li@alpha.cn")
    client.post(reverse("portal:dealer_user_role", args=[invited.pk]), {"role": "admin"})
    client.post(reverse("portal:dealer_user_active", args=[invited.pk]), {})
    invited.refresh_from_db()
    assert invited.role == "admin" and not invited.is_active
    # the last-admin rule comes back as a message, not a 500
    response = client.post(reverse("portal:dealer_user_role", args=[alpha["admin"].dealer_account.pk]),
                           {"role": "buyer"}, follow=True)
    assert response.status_code == 200 and "only dealer admin" in response.content.decode()


def test_dealer_admin_sets_and_clears_the_buyer_order_limit(client, alpha):
    company = alpha["company"]
    client.force_login(alpha["admin"])
    url = reverse("portal:dealer_buyer_limit")
    page = client.get(reverse("portal:dealer_users")).content.decode()
    assert "orders go straight to us" in page and 'action="%s"' % url in page

    for bad in ("-5", "abc", "1e3", "12.345"):
        response = client.post(url, {"buyer_order_limit": bad})
        assert response.status_code == 422 and "buyer_order_limit" in response.context["limit_form"].errors, bad
    company.refresh_from_db()
    assert company.buyer_order_limit is None

    response = client.post(url, {"buyer_order_limit": "5000"}, follow=True)
    company.refresh_from_db()
    assert company.buyer_order_limit == Decimal("5000.00")
    assert "orders above ¥5,000.00 now wait for an approver." in response.content.decode()
    assert company.history.first().history_change_reason == "buyer order limit set in the portal"
    # the admin is the only one who may approve so far: no warning; everyone sees the rule
    assert "Nobody active here is an approver" not in response.content.decode()
    client.force_login(alpha["buyer"])
    account = client.get(reverse("portal:account")).content.decode()
    assert 'data-field="buyer-limit"' in account and "¥5,000.00" in account
    assert client.post(url, {"buyer_order_limit": ""}).status_code == 403  # buyers cannot change it

    client.force_login(alpha["admin"])
    client.post(url, {"buyer_order_limit": ""})
    company.refresh_from_db()
    assert company.buyer_order_limit is None


def test_only_dealer_admins_manage_users_and_addresses(client, alpha):
    address = AddressFactory(company=alpha["company"])
    client.force_login(alpha["buyer"])
    for url in (reverse("portal:dealer_users"), reverse("portal:address_create"),
                reverse("portal:address_edit", args=[address.pk])):
        assert client.get(url).status_code == 403
    assert client.post(reverse("portal:address_default", args=[address.pk])).status_code == 403


def test_dealer_admin_adds_edits_and_sets_default_address(client, alpha):
    client.force_login(alpha["admin"])
    data = {"kind": "shipping", "label": "North depot", "recipient": "Zhao", "phone": "139 0000 1234", "line1": "8 Road",
            "city": "Suzhou", "province": "Jiangsu", "region": "east", "country": "CN"}
    bad = client.post(reverse("portal:address_create"), {**data, "recipient": "", "region": "mars"})
    assert bad.status_code == 422 and {"recipient", "region"} <= set(bad.context["form"].errors)
    client.post(reverse("portal:address_create"), data)
    client.post(reverse("portal:address_create"), {**data, "label": "South depot"})
    north, south = Address.objects.get(label="North depot"), Address.objects.get(label="South depot")
    assert north.is_default and not south.is_default
    client.post(reverse("portal:address_default", args=[south.pk]))
    client.post(reverse("portal:address_edit", args=[north.pk]), {**data, "city": "Wuxi"})
    north.refresh_from_db()
    south.refresh_from_db()
    assert south.is_default and not north.is_default and north.city == "Wuxi"


@pytest.mark.parametrize("phone, postal_code, bad_fields", [
    ("139", "200120", {"phone"}),
    ("call me", "200120", {"phone"}),
    ("139 0000 1234", "2001", {"postal_code"}),
    ("12", "ABC123", {"phone", "postal_code"}),  # every problem at once
    ("+86 21-6234 5678 转 801", "200120", set()),
    ("(021) 62345678", "", set()),
])
def test_address_phone_and_postal_code_are_checked(client, alpha, phone, postal_code, bad_fields):
    client.force_login(alpha["admin"])
    data = {"kind": "shipping", "recipient": "Zhao", "phone": phone, "line1": "8 Road", "city": "Suzhou",
            "province": "Jiangsu", "postal_code": postal_code, "region": "east", "country": "CN"}
    response = client.post(reverse("portal:address_create"), data)
    if bad_fields:
        assert response.status_code == 422 and set(response.context["form"].errors) == bad_fields
        assert not Address.objects.exists()
    else:
        assert response.status_code == 302 and Address.objects.get().phone == phone


def test_dealer_admin_deletes_an_address_but_not_the_default(client, alpha):
    default = AddressFactory(company=alpha["company"], is_default=True, label="Main")
    spare = AddressFactory(company=alpha["company"], label="Old depot")
    other = AddressFactory(company=CompanyFactory(), label="Not ours")
    client.force_login(alpha["admin"])
    page = client.get(reverse("portal:address_detail", args=[spare.pk])).content.decode()
    assert reverse("portal:address_delete", args=[spare.pk]) in page and "data-confirm" in page
    assert reverse("portal:address_delete", args=[default.pk]) not in client.get(
        reverse("portal:address_detail", args=[default.pk])).content.decode()

    refused = client.post(reverse("portal:address_delete", args=[default.pk]), follow=True)
    assert "make another one the default first" in refused.content.decode()
    assert client.post(reverse("portal:address_delete", args=[other.pk])).status_code == 404
    response = client.post(reverse("portal:address_delete", args=[spare.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:account") and "Old depot" in response.content.decode()
    assert set(Address.objects.values_list("label", flat=True)) == {"Main", "Not ours"}
    client.force_login(alpha["buyer"])
    assert client.post(reverse("portal:address_delete", args=[default.pk])).status_code == 403


def test_preferences_page_saves_and_shows_field_errors(client, alpha):
    client.force_login(alpha["buyer"])
    assert client.get(reverse("portal:preferences")).status_code == 200
    bad = client.post(reverse("portal:preferences"), {"sms_opt_in": "on", "sms_phone": ""})
    assert bad.status_code == 422 and "sms_phone" in bad.context["form"].errors
    client.post(reverse("portal:preferences"), {"email_orders": "on", "email_tickets": "on"})
    pref = NotificationPreference.objects.get(user=alpha["buyer"])
    assert pref.email_orders and pref.email_tickets and not pref.email_shipments and not pref.email_marketing


@pytest.mark.parametrize("name,args", [
    ("portal:ticket_detail", [999999]), ("portal:ticket_attachment", [999999, 1]), ("portal:address_edit", [999999]),
])
def test_unknown_ids_are_404_not_500(client, alpha, name, args):
    client.force_login(alpha["admin"])
    assert client.get(reverse(name, args=args)).status_code == 404
