"""An order's page and its actions through the views: approve, reject, cancel, put on hold,
release a hold, tags, notes. Each role sees (and may post) only what it may do now."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.models import Stock
from orders.models import OrderEvent, Status
from orders.services.fulfilment import start_picking
from orders.services.intake import place_order
from tests.factories import ApprovalRuleFactory, PriceListItemFactory, ProductFactory, StaffFactory

pytestmark = pytest.mark.django_db


def url(name, order):
    return reverse(f"console:{name}", args=[order.pk])


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def follow(client, name, order, data=None):
    return client.post(url(name, order), data or {}, follow=True)


@pytest.fixture
def stocked(shop):
    for sku in ("VALVE", "PIPE", "TAPE"):
        shop["stock_of"](shop["products"][sku], shop["sh"], on_hand=100)
    return shop


def place(shop, lines=None, **kw):
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                           lines=lines or [{"sku": "VALVE", "quantity": 2}], **kw)
    order.refresh_from_db()
    return order


@pytest.fixture
def pending(stocked):
    """An order waiting for the sales manager (total above a low threshold)."""
    ApprovalRuleFactory(condition="total_above", threshold=Decimal("100"), levels=["sales_manager"])
    order = place(stocked)
    assert order.status == Status.PENDING_APPROVAL
    return order


# --- the page ------------------------------------------------------------------------------

def test_the_detail_page_shows_the_whole_order(client, stocked):
    order = place(stocked, lines=[{"sku": "VALVE", "quantity": 2}, {"sku": "PIPE", "quantity": 20}], customer_po="PO-55")
    client.force_login(stocked["warehouse"])
    response = client.get(url("order_detail", order))
    html = response.content.decode()
    assert response.status_code == 200
    assert order.number in html and "PO-55" in html and 'data-status="allocated"' in html
    assert "Gold (CNY-GOLD)" in html and "VAT 13%" in html  # each line's price explanation
    assert order.allocation["reason"] in html  # the allocation plan and its reason
    assert "Reserved stock" in html
    shipment = order.shipments.get()
    assert shipment.number in html
    assert url("packing_slip", shipment) in html and url("shipping_label", shipment) in html
    timeline = html.split('id="timeline"')[1]
    assert timeline.index("Created") < timeline.index("Allocation")  # oldest first
    assert str(stocked["sales"]) in timeline  # with the actor


def test_the_detail_page_costs_the_same_queries_for_many_lines(client, stocked):
    client.force_login(stocked["manager"])
    few = place(stocked, lines=[{"sku": "VALVE", "quantity": 1}])
    products = ProductFactory.create_batch(12)
    for p in products:
        PriceListItemFactory(price_list=stocked["plist"], product=p)
        stocked["stock_of"](p, stocked["sh"], on_hand=10)
    many = place(stocked, lines=[{"sku": p.sku, "quantity": 1} for p in products])

    def count(order):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("order_detail", order)).status_code == 200
        return len(ctx.captured_queries)

    assert count(few) == count(many)


def test_unknown_order_is_404(client, stocked):
    client.force_login(stocked["sales"])
    assert client.get(reverse("console:order_detail", args=[999999])).status_code == 404


# --- which actions each role sees ------------------------------------------------------------

def test_sales_rep_sees_cancel_tags_and_notes_but_not_approval(client, pending, shop):
    client.force_login(shop["sales"])
    html = client.get(url("order_detail", pending)).content.decode()
    assert url("order_cancel", pending) in html and url("order_tags", pending) in html and url("order_note", pending) in html
    assert url("order_approve", pending) not in html and url("order_reject", pending) not in html
    assert url("order_release", pending) not in html  # not on hold


def test_the_sales_manager_sees_approve_and_reject_on_their_step(client, pending, shop):
    client.force_login(shop["manager"])
    html = client.get(url("order_detail", pending)).content.decode()
    assert url("order_approve", pending) in html and url("order_reject", pending) in html


def test_finance_sees_no_decision_on_a_sales_manager_step_and_no_manage_actions(client, pending, shop):
    client.force_login(shop["finance"])
    html = client.get(url("order_detail", pending)).content.decode()
    assert url("order_approve", pending) not in html
    assert "Your role does not decide this step." in html
    for name in ("order_cancel", "order_tags", "order_note", "order_release"):
        assert url(name, pending) not in html


def test_warehouse_sees_documents_but_no_order_actions(client, stocked):
    order = place(stocked)
    client.force_login(stocked["warehouse"])
    html = client.get(url("order_detail", order)).content.decode()
    for name in ("order_cancel", "order_tags", "order_note", "order_release", "order_approve"):
        assert url(name, order) not in html
    assert url("packing_slip", order.shipments.get()) in html


def test_sales_rep_sees_no_documents(client, stocked):
    order = place(stocked)
    client.force_login(stocked["sales"])
    html = client.get(url("order_detail", order)).content.decode()
    assert url("packing_slip", order.shipments.get()) not in html


# --- approve and reject ----------------------------------------------------------------------

def test_approve_through_the_view_allocates_the_order(client, pending, shop):
    client.force_login(shop["manager"])
    step = pending.approvals.get()
    response = follow(client, "order_approve", pending, {"approval_id": step.pk, "comment": "ok, good customer"})
    pending.refresh_from_db()
    step.refresh_from_db()
    assert pending.status == Status.ALLOCATED
    assert step.decision == "approved" and step.decided_by == shop["manager"] and step.comment == "ok, good customer"
    assert response.redirect_chain[-1][0] == url("order_detail", pending)
    assert f"Approved. {pending.number} is now allocated." in messages_of(response)


def test_reject_needs_a_comment(client, pending, shop):
    client.force_login(shop["manager"])
    step = pending.approvals.get()
    response = follow(client, "order_reject", pending, {"approval_id": step.pk, "comment": " "})
    pending.refresh_from_db()
    assert pending.status == Status.PENDING_APPROVAL
    assert "Say why the order is rejected." in messages_of(response)

    response = follow(client, "order_reject", pending, {"approval_id": step.pk, "comment": "Price too low"})
    pending.refresh_from_db()
    assert pending.status == Status.ON_HOLD
    assert pending.hold_reasons[0]["code"] == "rejected"
    assert any(m.startswith("Rejected.") for m in messages_of(response))


def test_the_second_approver_sees_the_already_decided_message(client, pending, shop):
    other_manager = StaffFactory(staff_role="sales_manager")
    step = pending.approvals.get()
    client.force_login(shop["manager"])
    follow(client, "order_approve", pending, {"approval_id": step.pk})
    client.force_login(other_manager)
    response = follow(client, "order_approve", pending, {"approval_id": step.pk})
    assert any("already decided" in m for m in messages_of(response))
    assert pending.events.filter(kind=OrderEvent.Kind.APPROVAL).count() == 1


def test_finance_cannot_decide_a_sales_manager_step(client, pending, shop):
    client.force_login(shop["finance"])
    step = pending.approvals.get()
    response = follow(client, "order_approve", pending, {"approval_id": step.pk})
    pending.refresh_from_db()
    assert pending.status == Status.PENDING_APPROVAL
    assert "This step needs a Sales manager." in messages_of(response)


def test_sales_rep_may_not_post_a_decision(client, pending, shop):
    client.force_login(shop["sales"])
    assert client.post(url("order_approve", pending), {"approval_id": pending.approvals.get().pk}).status_code == 403
    pending.refresh_from_db()
    assert pending.status == Status.PENDING_APPROVAL


# --- release a hold --------------------------------------------------------------------------

def test_release_hold_reviews_the_order_again(client, stocked):
    company = stocked["company"]
    company.status = "on_hold"
    company.save()
    order = place(stocked)
    assert order.status == Status.ON_HOLD
    client.force_login(stocked["sales"])
    html = client.get(url("order_detail", order)).content.decode()
    assert url("order_release", order) in html and "is on hold" in html

    # still on hold: the reason comes back
    response = follow(client, "order_release", order, {"comment": "try again"})
    order.refresh_from_db()
    assert order.status == Status.ON_HOLD
    assert any("is now on hold" in m for m in messages_of(response))

    company.status = "active"
    company.save()
    follow(client, "order_release", order, {"comment": "customer paid the overdue invoices"})
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED


def test_release_is_refused_when_not_on_hold(client, stocked):
    order = place(stocked)
    client.force_login(stocked["sales"])
    response = follow(client, "order_release", order)
    assert f"{order.number} is not on hold: there is nothing to release." in messages_of(response)
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED


# --- cancel ----------------------------------------------------------------------------------

def test_cancel_with_a_reason_releases_the_stock(client, stocked):
    order = place(stocked)
    client.force_login(stocked["sales"])
    response = follow(client, "order_cancel", order, {"reason": "Customer changed their mind"})
    order.refresh_from_db()
    assert order.status == Status.CANCELLED
    assert f"{order.number} cancelled; its reserved stock was released." in messages_of(response)
    html = response.content.decode()
    assert url("order_cancel", order) not in html  # nothing left to cancel


def test_cancel_needs_a_reason(client, stocked):
    order = place(stocked)
    client.force_login(stocked["sales"])
    response = follow(client, "order_cancel", order, {"reason": ""})
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED
    assert "Give a reason for cancelling." in messages_of(response)


def test_finance_and_warehouse_may_not_cancel(client, stocked):
    order = place(stocked)
    for role in ("finance", "warehouse"):
        client.force_login(stocked[role])
        assert client.post(url("order_cancel", order), {"reason": "x"}).status_code == 403
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED


def test_cancel_only_by_post(client, stocked):
    order = place(stocked)
    client.force_login(stocked["sales"])
    assert client.get(url("order_cancel", order)).status_code == 405


# --- tags and notes --------------------------------------------------------------------------

def test_tags_are_saved_through_the_view(client, stocked):
    order = place(stocked)
    client.force_login(stocked["sales"])
    response = follow(client, "order_tags", order, {"tags": ["vip", "rush"]})
    order.refresh_from_db()
    assert order.tags == ["rush", "vip"]
    assert "Tags saved." in messages_of(response)
    assert order.events.filter(kind=OrderEvent.Kind.EDIT, actor=stocked["sales"]).exists()

    follow(client, "order_tags", order, {"tags": ["nonsense"]})
    order.refresh_from_db()
    assert order.tags == ["rush", "vip"]


def test_a_note_goes_on_the_timeline(client, stocked):
    order = place(stocked)
    client.force_login(stocked["sales"])
    response = follow(client, "order_note", order, {"text": "Customer asks for delivery before 10 am"})
    assert "Note added to the timeline." in messages_of(response)
    assert "Customer asks for delivery before 10 am" in response.content.decode().split('id="timeline"')[1]
    response = follow(client, "order_note", order, {"text": "  "})
    assert "The note is empty." in messages_of(response)
    assert order.events.filter(kind=OrderEvent.Kind.NOTE).count() == 1


def test_warehouse_may_not_tag_or_note(client, stocked):
    order = place(stocked)
    client.force_login(stocked["warehouse"])
    assert client.post(url("order_tags", order), {"tags": ["vip"]}).status_code == 403
    assert client.post(url("order_note", order), {"text": "hi"}).status_code == 403


# --- the approvals inbox ---------------------------------------------------------------------

INBOX = reverse("console:approvals")


def test_the_inbox_lists_what_waits_for_the_users_role(client, pending, shop):
    client.force_login(shop["manager"])
    response = client.get(INBOX)
    html = response.content.decode()
    step = pending.approvals.get()
    assert response.status_code == 200
    assert pending.number in html and shop["company"].name in html
    assert "¥" in html and step.reasons[0]["message"] in html  # the total and why it needs approval
    assert f'name="approval_id" value="{step.pk}"' in html
    assert url("order_approve", pending) in html and url("order_reject", pending) in html


def test_finance_has_nothing_waiting_on_a_sales_manager_rule(client, pending, shop):
    client.force_login(shop["finance"])
    html = client.get(INBOX).content.decode()
    assert pending.number not in html and "Nothing waits for your approval." in html


def test_sales_rep_cannot_open_the_inbox(client, pending, shop):
    client.force_login(shop["sales"])
    assert client.get(INBOX).status_code == 403
    assert client.get(reverse("console:approvals_badge")).status_code == 403


def test_approve_from_the_inbox_comes_back_to_it(client, pending, shop):
    client.force_login(shop["manager"])
    step = pending.approvals.get()
    response = client.post(url("order_approve", pending), {"approval_id": step.pk, "next": INBOX}, follow=True)
    assert response.redirect_chain[-1][0] == INBOX
    assert f"Approved. {pending.number} is now allocated." in messages_of(response)
    assert "Nothing waits for your approval." in response.content.decode()


def test_reject_from_the_inbox_needs_a_comment(client, pending, shop):
    client.force_login(shop["manager"])
    step = pending.approvals.get()
    response = client.post(url("order_reject", pending), {"approval_id": step.pk, "next": INBOX}, follow=True)
    assert "Say why the order is rejected." in messages_of(response)
    assert pending.number in response.content.decode()  # still waiting


def test_two_managers_deciding_at_once_the_loser_is_told(client, pending, shop):
    """Both opened the inbox; the first approves, the second's reject arrives second."""
    second = StaffFactory(staff_role="sales_manager")
    step = pending.approvals.get()
    client.force_login(shop["manager"])
    assert pending.number in client.get(INBOX).content.decode()
    client.post(url("order_approve", pending), {"approval_id": step.pk, "next": INBOX})

    client.force_login(second)
    response = client.post(url("order_reject", pending), {"approval_id": step.pk, "comment": "no", "next": INBOX},
                           follow=True)
    msgs = messages_of(response)
    assert any(f"Order {pending.number} was already decided by {shop['manager']}" in m for m in msgs)
    pending.refresh_from_db()
    assert pending.status == Status.ALLOCATED


def test_the_sidebar_badge_counts_approvals_waiting(client, pending, shop):
    client.force_login(shop["manager"])
    html = client.get(reverse("console:approvals_badge"), headers={"HX-Request": "true"}).content.decode()
    assert 'class="badge"' in html and ">1<" in html
    page = client.get(reverse("console:home")).content.decode()
    assert reverse("console:approvals_badge") in page  # loaded by the sidebar
    client.force_login(shop["finance"])
    assert client.get(reverse("console:approvals_badge")).content.decode().strip() == ""


def test_the_inbox_costs_the_same_queries_for_many_approvals(client, stocked):
    ApprovalRuleFactory(condition="total_above", threshold=Decimal("100"), levels=["sales_manager"])
    client.force_login(stocked["manager"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(INBOX).status_code == 200
        return len(ctx.captured_queries)

    place(stocked)
    few = count()
    for _ in range(6):
        place(stocked)
    assert count() == few


# --- put on hold -----------------------------------------------------------------------------

def test_hold_with_a_reason_stops_the_order_and_keeps_its_stock(client, stocked):
    order = place(stocked)
    client.force_login(stocked["sales"])
    html = client.get(url("order_detail", order)).content.decode()
    assert url("order_hold", order) in html

    response = follow(client, "order_hold", order, {"reason": "Check the delivery address with the customer"})
    order.refresh_from_db()
    assert order.status == Status.ON_HOLD
    assert order.hold_reasons[0]["code"] == "manual"
    assert any(m.startswith(f"Put on hold. {order.number} is now on hold.")
               and "Check the delivery address with the customer" in m for m in messages_of(response))
    html = response.content.decode()
    assert url("order_hold", order) not in html  # already held: release instead
    assert url("order_release", order) in html
    assert "Reserved stock" in html  # the stock stays held for the order
    assert Stock.objects.get(product=stocked["products"]["VALVE"], warehouse=stocked["sh"]).reserved == 2
    event = order.events.get(to_status=Status.ON_HOLD)
    assert event.actor == stocked["sales"] and event.message == "Check the delivery address with the customer"


def test_hold_needs_a_reason(client, stocked):
    order = place(stocked)
    client.force_login(stocked["sales"])
    response = follow(client, "order_hold", order, {"reason": "  "})
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED
    assert "Say why the order is held." in messages_of(response)


def test_hold_is_refused_once_picking_started(client, stocked):
    order = place(stocked)
    start_picking(actor=stocked["warehouse"], shipments=list(order.shipments.all()))
    client.force_login(stocked["sales"])
    html = client.get(url("order_detail", order)).content.decode()
    assert url("order_hold", order) not in html and url("order_edit", order) not in html
    response = follow(client, "order_hold", order, {"reason": "too late"})
    order.refresh_from_db()
    assert order.status == Status.PICKING
    assert any("it cannot become On hold" in m for m in messages_of(response))


def test_finance_sees_no_hold_and_may_not_post_one(client, stocked):
    order = place(stocked)
    client.force_login(stocked["finance"])
    html = client.get(url("order_detail", order)).content.decode()
    assert url("order_hold", order) not in html and url("order_edit", order) not in html
    assert client.post(url("order_hold", order), {"reason": "x"}).status_code == 403
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED


def test_hold_only_by_post(client, stocked):
    order = place(stocked)
    client.force_login(stocked["sales"])
    assert client.get(url("order_hold", order)).status_code == 405


# --- complete --------------------------------------------------------------------------------

def test_sales_completes_a_delivered_order_from_its_page(client, stocked):
    from tests.factories import deliver_order

    order = place(stocked)
    client.force_login(stocked["sales"])
    assert url("order_complete", order) not in client.get(url("order_detail", order)).content.decode()
    refused = follow(client, "order_complete", order)  # not delivered yet: a message, not a 500
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED and refused.status_code == 200 and messages_of(refused)

    deliver_order(order, stocked["warehouse"])
    order.refresh_from_db()
    page = client.get(url("order_detail", order)).content.decode()
    assert order.status == Status.DELIVERED and url("order_complete", order) in page
    assert "The order is not paid yet: it keeps counting against the customer" in page

    client.force_login(stocked["warehouse"])
    assert client.post(url("order_complete", order)).status_code == 403
    client.force_login(stocked["sales"])
    response = follow(client, "order_complete", order, {"comment": "All signed for"})
    order.refresh_from_db()
    assert order.status == Status.COMPLETED
    assert f"{order.number} completed." in messages_of(response)
    assert order.events.filter(message="All signed for").exists()
    assert url("order_complete", order) not in response.content.decode()
