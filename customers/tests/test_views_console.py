"""Console pages: the customer list with filters, the customer 360, notes and credit hold, the
ticket desk."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Company, CustomerNote, Ticket, TicketStatus
from customers.services import open_ticket
from tests.factories import CompanyFactory, CustomerNoteFactory, StaffFactory, TicketFactory, dealer_user


@pytest.fixture
def book(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rep = StaffFactory(staff_role="sales", first_name="Rita", last_name="Rep")
    alpha = CompanyFactory(code="ALPHA", name="Alpha Hardware", tier="gold", region="east", sales_rep=rep)
    beta = CompanyFactory(code="BETA", name="Beta Supply", tier="silver", region="north")
    return {"rep": rep, "alpha": alpha, "beta": beta, "buyer": dealer_user(company=alpha)}


def test_customer_list_filters(client, book):
    client.force_login(StaffFactory(staff_role="sales"))
    url = reverse("console:company_list")
    by_tier = client.get(url, {"tier": "gold"}).content.decode()
    assert "Alpha Hardware" in by_tier and "Beta Supply" not in by_tier
    by_rep = client.get(url, {"sales_rep": book["rep"].pk}).content.decode()
    assert "Alpha Hardware" in by_rep and "Beta Supply" not in by_rep
    by_search = client.get(url, {"q": "beta"}).content.decode()
    assert "Beta Supply" in by_search and "Alpha Hardware" not in by_search
    assert client.get(url, {"sales_rep": "nonsense", "tier": "wood", "after": "{{"}).status_code == 200
    partial = client.get(url, {"region": "north"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()


def test_customer_list_query_count_is_constant(client, book, django_assert_max_num_queries):
    reps = [StaffFactory(staff_role="sales") for _ in range(3)]
    for i in range(60):
        CompanyFactory(sales_rep=reps[i % 3])
    client.force_login(StaffFactory(staff_role="manager"))
    client.get(reverse("console:company_list"))  # warm the session
    with django_assert_max_num_queries(8):
        response = client.get(reverse("console:company_list"))
    assert response.status_code == 200 and len(response.context["page"].items) == 50


def test_ticket_desk_query_count_is_constant(client, book, django_assert_max_num_queries):
    for i in range(40):
        TicketFactory(company=book["alpha"] if i % 2 else book["beta"], assignee=book["rep"])
    client.force_login(StaffFactory(staff_role="manager"))
    client.get(reverse("console:ticket_desk"))
    with django_assert_max_num_queries(8):
        response = client.get(reverse("console:ticket_desk"))
    assert len(response.context["page"].items) == 40


def test_customer_360_shows_tickets_loyalty_notes_and_orders_block(client, book):
    open_ticket(actor=book["buyer"], company=book["alpha"], subject="Missing tape", body="B")
    CustomerNoteFactory(company=book["alpha"], body="Prefers WeChat")
    client.force_login(StaffFactory(staff_role="sales"))
    html = client.get(reverse("console:company_detail", args=[book["alpha"].pk])).content.decode()
    for text in ("Missing tape", "Prefers WeChat", "Loyalty", 'id="customer-orders"', "Rita Rep"):
        assert text in html
    assert "Put on credit hold" not in html  # sales reps do not manage credit


def test_staff_adds_a_note_and_empty_note_is_a_field_error(client, book):
    client.force_login(StaffFactory(staff_role="sales"))
    url = reverse("console:company_note", args=[book["alpha"].pk])
    bad = client.post(url, {"body": "   "})
    assert bad.status_code == 422 and "body" in bad.context["note_form"].errors
    client.post(url, {"body": "Visited the shop"})
    assert CustomerNote.objects.get(company=book["alpha"]).body == "Visited the shop"


def test_finance_puts_a_customer_on_credit_hold_and_releases_it(client, book):
    finance = StaffFactory(staff_role="finance")
    client.force_login(finance)
    url = reverse("console:company_credit", args=[book["alpha"].pk])
    assert "Put on credit hold" in client.get(reverse("console:company_detail", args=[book["alpha"].pk])).content.decode()
    bad = client.post(url, {"action": "hold", "reason": ""})
    assert bad.status_code == 422 and "reason" in bad.context["credit_form"].errors
    client.post(url, {"action": "hold", "reason": "Overdue invoices"})
    book["alpha"].refresh_from_db()
    assert book["alpha"].status == Company.Status.ON_HOLD
    again = client.post(url, {"action": "hold", "reason": "again"})
    assert again.status_code == 422  # already on hold: a form error, not a crash
    client.post(url, {"action": "release", "reason": "Paid"})
    book["alpha"].refresh_from_db()
    assert book["alpha"].status == Company.Status.ACTIVE


def test_sales_manager_cannot_hold_credit(client, book):
    client.force_login(StaffFactory(staff_role="sales_manager"))
    response = client.post(reverse("console:company_credit", args=[book["alpha"].pk]), {"action": "hold", "reason": "x"})
    assert response.status_code == 403


def test_ticket_desk_filters_and_overdue_highlight(client, book):
    late = TicketFactory(company=book["alpha"], subject="Late one", first_response_due=timezone.now() - timedelta(hours=1))
    TicketFactory(company=book["beta"], subject="Beta billing", category="billing")
    TicketFactory(company=book["beta"], subject="Done one", status=TicketStatus.CLOSED)
    me = StaffFactory(staff_role="sales")
    client.force_login(me)
    url = reverse("console:ticket_desk")
    default = client.get(url).content.decode()
    assert "Late one" in default and "Beta billing" in default and "Done one" not in default
    overdue = client.get(url, {"overdue": "true"}).content.decode()
    assert "Late one" in overdue and "Beta billing" not in overdue and 'class="row-low"' in overdue
    assert "Beta billing" not in client.get(url, {"category": "question", "status": ""}).content.decode()
    assert "Late one" in client.get(url, {"q": "ALPHA"}).content.decode()
    client.post(reverse("console:ticket_assign", args=[late.pk]), {"assignee": "me"})
    mine = client.get(url, {"assignee": "me"}).content.decode()
    assert "Late one" in mine and "Beta billing" not in mine
    assert client.get(url, {"status": "zzz", "overdue": "maybe", "after": "[1"}).status_code == 200


def test_staff_reply_internal_note_and_status_change(client, book):
    ticket = open_ticket(actor=book["buyer"], company=book["alpha"], subject="Q", body="B")
    client.force_login(book["rep"])
    url = reverse("console:ticket_detail", args=[ticket.pk])
    assert client.post(url, {"body": ""}).status_code == 422
    client.post(url, {"body": "Checking stock", "internal": "on"})
    client.post(url, {"body": "Ships Monday"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_CUSTOMER and ticket.first_responded_at
    html = client.get(url).content.decode()
    assert "Checking stock" in html and "Internal note" in html
    client.post(reverse("console:ticket_status", args=[ticket.pk]), {"status": "resolved", "comment": "Done"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.RESOLVED
    response = client.post(reverse("console:ticket_status", args=[ticket.pk]), {"status": "open"}, follow=True)
    assert response.status_code == 200 and "cannot be set" in response.content.decode()
    assert client.post(reverse("console:ticket_status", args=[ticket.pk]), {"status": "bogus"}).status_code == 302


def test_ticket_links_to_the_customers_own_order_only(client, book):
    from tests.factories import OrderFactory

    own = OrderFactory(company=book["alpha"], number="SO-7000001")
    OrderFactory(company=book["beta"], number="SO-7000002")
    mine = open_ticket(actor=book["buyer"], company=book["alpha"], subject="Q", body="B", order_number=own.number)
    theirs = open_ticket(actor=book["buyer"], company=book["alpha"], subject="Q", body="B", order_number="SO-7000002")
    client.force_login(book["rep"])
    assert reverse("console:order_detail", args=[own.pk]) in client.get(
        reverse("console:ticket_detail", args=[mine.pk])).content.decode()
    html = client.get(reverse("console:ticket_detail", args=[theirs.pk])).content.decode()
    assert "no such order for this customer" in html


def test_console_preferences(client, book):
    client.force_login(book["rep"])
    assert client.get(reverse("console:preferences")).status_code == 200
    response = client.post(reverse("console:preferences"), {"email_orders": "on"})
    assert response.status_code == 302
