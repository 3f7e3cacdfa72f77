"""Support tickets: open, reply, close and reopen, attachments, the first-answer SLA."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from customers.errors import IllegalTicketTransition, InvalidAttachment
from customers.models import Ticket, TicketAttachment, TicketMessage, TicketStatus
from customers.services import (
    assign_ticket, change_ticket_status, close_ticket, open_ticket, remind_overdue_tickets, reopen_ticket,
    reply_to_ticket,
)
from oms.errors import PermissionDeniedError, ValidationFailed
from oms.models import Notification
from tests.factories import CompanyFactory, StaffFactory, TicketSlaFactory, dealer_user

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


def png(name="photo.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


@pytest.fixture
def desk(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    rep = StaffFactory(staff_role="sales")
    company = CompanyFactory(name="Alpha Hardware", sales_rep=rep)
    return {"company": company, "rep": rep, "buyer": dealer_user(company=company, email="buyer@alpha.cn"),
            "other": dealer_user(company=CompanyFactory())}


def test_opening_a_ticket_starts_the_sla_clock_and_tells_the_sales_rep(desk):
    TicketSlaFactory(category="claim", first_response_hours=4)
    before = timezone.now()
    ticket = open_ticket(actor=desk["buyer"], company=desk["company"], subject="2 valves missing", body="Box 3 of 4",
                         category="claim", order_number=" so-0000042 ", attachments=[png(), SimpleUploadedFile("dn.pdf", PDF)])
    assert ticket.status == TicketStatus.OPEN and ticket.number.startswith("TK-")
    assert ticket.order_number == "SO-0000042"
    assert before + timedelta(hours=4) <= ticket.first_response_due <= timezone.now() + timedelta(hours=4)
    [message] = ticket.messages.all()
    assert message.body == "Box 3 of 4" and not message.from_staff
    assert sorted(a.content_type for a in TicketAttachment.objects.all()) == ["application/pdf", "image/png"]
    assert Notification.objects.filter(recipient=desk["rep"], subject__contains=ticket.number).exists()


def test_without_an_sla_row_the_default_is_24_hours(desk):
    ticket = open_ticket(actor=desk["buyer"], company=desk["company"], subject="Price?", body="For DN25")
    assert timedelta(hours=23, minutes=59) < ticket.first_response_due - ticket.created_at <= timedelta(hours=24, seconds=5)


@pytest.mark.parametrize("field,kwargs", [
    ("subject", {"subject": "  "}), ("body", {"body": ""}), ("category", {"category": "complaint"}),
])
def test_missing_or_bad_fields_are_refused_on_the_field(desk, field, kwargs):
    data = {"subject": "Hello", "body": "Text", **kwargs}
    with pytest.raises(ValidationFailed) as err:
        open_ticket(actor=desk["buyer"], company=desk["company"], **data)
    assert err.value.field == field
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("upload,why", [
    (SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"x" * 40), "not an image"),
    (SimpleUploadedFile("photo.exe", PNG), "not an image"),
    (SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024)), "larger than 5 MB"),
    (SimpleUploadedFile("empty.png", b""), "empty"),
])
def test_attachments_must_be_small_images_or_pdfs(desk, upload, why):
    with pytest.raises(InvalidAttachment) as err:
        open_ticket(actor=desk["buyer"], company=desk["company"], subject="S", body="B", attachments=[upload])
    assert err.value.field == "attachments" and why in str(err.value.message)
    assert not Ticket.objects.exists() and not TicketAttachment.objects.exists()


def test_at_most_five_attachments(desk):
    with pytest.raises(InvalidAttachment):
        open_ticket(actor=desk["buyer"], company=desk["company"], subject="S", body="B",
                    attachments=[png(f"p{i}.png") for i in range(6)])


def test_a_dealer_cannot_open_a_ticket_for_another_company(desk):
    with pytest.raises(PermissionDeniedError):
        open_ticket(actor=desk["other"], company=desk["company"], subject="S", body="B")


def test_staff_reply_answers_the_dealer_and_stops_the_sla_clock(desk):
    ticket = open_ticket(actor=desk["buyer"], company=desk["company"], subject="Where?", body="Order late")
    reply_to_ticket(actor=desk["rep"], ticket=ticket, body="Internal: checking with WH", internal=True)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN and ticket.first_responded_at is None  # a note is not an answer
    assert not Notification.objects.filter(recipient=desk["buyer"]).exists()

    reply_to_ticket(actor=desk["rep"], ticket=ticket, body="It ships today.")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_CUSTOMER and ticket.first_responded_at is not None
    assert Notification.objects.filter(recipient=desk["buyer"], subject__contains=ticket.number).exists()

    reply_to_ticket(actor=desk["buyer"], ticket=ticket, body="Thanks, and the tape?")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_STAFF


def test_dealers_cannot_write_internal_notes_or_reply_to_others_tickets(desk):
    ticket = open_ticket(actor=desk["buyer"], company=desk["company"], subject="S", body="B")
    with pytest.raises(PermissionDeniedError):
        reply_to_ticket(actor=desk["buyer"], ticket=ticket, body="psst", internal=True)
    with pytest.raises(PermissionDeniedError):
        reply_to_ticket(actor=desk["other"], ticket=ticket, body="hi")
    assert TicketMessage.objects.count() == 1


def test_close_and_reopen(desk):
    ticket = open_ticket(actor=desk["buyer"], company=desk["company"], subject="S", body="B")
    close_ticket(actor=desk["buyer"], ticket=ticket, comment="Found it")
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_at is not None
    with pytest.raises(IllegalTicketTransition):
        reply_to_ticket(actor=desk["buyer"], ticket=ticket, body="One more thing")
    reopen_ticket(actor=desk["buyer"], ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.AWAITING_STAFF and ticket.closed_at is None
    assert list(ticket.messages.exclude(status_change="").values_list("status_change", flat=True)) == [
        "closed", "awaiting_staff"]


def test_dealers_may_only_close_or_reopen_and_staff_follow_the_map(desk):
    ticket = open_ticket(actor=desk["buyer"], company=desk["company"], subject="S", body="B")
    with pytest.raises(IllegalTicketTransition):
        change_ticket_status(actor=desk["buyer"], ticket=ticket, status="resolved")
    change_ticket_status(actor=desk["rep"], ticket=ticket, status="resolved", comment="Credit note sent")
    assert Notification.objects.filter(recipient=desk["buyer"], subject__contains="resolved").exists()
    with pytest.raises(IllegalTicketTransition):
        change_ticket_status(actor=desk["rep"], ticket=ticket, status="open")


def test_assign_to_me(desk):
    ticket = open_ticket(actor=desk["buyer"], company=desk["company"], subject="S", body="B")
    colleague = StaffFactory(staff_role="sales_manager")
    assign_ticket(actor=colleague, ticket=ticket, assignee=colleague)
    ticket.refresh_from_db()
    assert ticket.assignee == colleague
    with pytest.raises(ValidationFailed):
        assign_ticket(actor=colleague, ticket=ticket, assignee=desk["buyer"])
    with pytest.raises(PermissionDeniedError):
        assign_ticket(actor=desk["buyer"], ticket=ticket, assignee=colleague)


def test_overdue_first_answers_are_reminded_once(desk):
    manager = StaffFactory(staff_role="sales_manager")
    late = open_ticket(actor=desk["buyer"], company=desk["company"], subject="Late", body="B")
    no_rep = open_ticket(actor=None, company=CompanyFactory(), subject="Nobody's", body="B")
    answered = open_ticket(actor=desk["buyer"], company=desk["company"], subject="Answered", body="B")
    reply_to_ticket(actor=desk["rep"], ticket=answered, body="Done")
    on_time = open_ticket(actor=desk["buyer"], company=desk["company"], subject="Fresh", body="B")
    Ticket.objects.filter(pk__in=[late.pk, no_rep.pk, answered.pk]).update(
        first_response_due=timezone.now() - timedelta(minutes=1))

    assert remind_overdue_tickets() == 2
    assert remind_overdue_tickets() == 0  # deduplicated: the beat job may run again
    reminders = Notification.objects.filter(kind="sla")
    assert {(n.recipient, n.link.rstrip("/").rsplit("/", 1)[1]) for n in reminders} == {
        (desk["rep"], str(late.pk)), (manager, str(no_rep.pk))}
    assert not reminders.filter(subject__contains=on_time.number).exists()
