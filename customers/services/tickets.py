"""Support tickets: a dealer opens one, dealer and staff reply in a thread (staff may also
leave internal notes), staff assign and move it through its states, and a Celery job reminds
the desk when the first answer is overdue.

Status machine (ALLOWED_TRANSITIONS): a dealer's reply puts the ticket in "awaiting staff",
a staff reply in "awaiting customer"; resolved and closed tickets can be reopened."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oms.errors import PermissionDeniedError, ValidationFailed
from oms.models import Notification, NotificationPreference
from oms.notifications import notify
from oms.permissions import DealerRole, StaffRole, dealer_account
from oms.sequences import next_number

from ..errors import IllegalTicketTransition
from ..models import Company, Ticket, TicketAttachment, TicketCategory, TicketMessage, TicketSla, TicketStatus
from ..selectors import overdue_tickets
from ..uploads import validate_attachments

User = get_user_model()
TS = TicketStatus
TICKETS = NotificationPreference.Category.TICKETS

ALLOWED_TRANSITIONS = {
    TS.OPEN: {TS.AWAITING_CUSTOMER, TS.AWAITING_STAFF, TS.RESOLVED, TS.CLOSED},
    TS.AWAITING_CUSTOMER: {TS.AWAITING_STAFF, TS.RESOLVED, TS.CLOSED},
    TS.AWAITING_STAFF: {TS.AWAITING_CUSTOMER, TS.RESOLVED, TS.CLOSED},
    TS.RESOLVED: {TS.AWAITING_STAFF, TS.CLOSED},
    TS.CLOSED: {TS.AWAITING_STAFF},
}
# What a dealer may do by hand: close, or reopen a finished ticket.
DEALER_TRANSITIONS = {
    TS.OPEN: {TS.CLOSED}, TS.AWAITING_CUSTOMER: {TS.CLOSED}, TS.AWAITING_STAFF: {TS.CLOSED},
    TS.RESOLVED: {TS.AWAITING_STAFF, TS.CLOSED}, TS.CLOSED: {TS.AWAITING_STAFF},
}
DEFAULT_FIRST_RESPONSE_HOURS = 24
MAX_BODY = 10_000


def first_response_hours(category) -> int:
    """Hours within which staff must first answer a ticket of `category` (admin's TicketSla,
    else settings.TICKET_DEFAULT_FIRST_RESPONSE_HOURS, else 24)."""
    hours = TicketSla.objects.filter(category=category).values_list("first_response_hours", flat=True).first()
    return hours or getattr(settings, "TICKET_DEFAULT_FIRST_RESPONSE_HOURS", DEFAULT_FIRST_RESPONSE_HOURS)


# --- who is who ------------------------------------------------------------------------------

def _is_staff(actor):
    return bool(actor is not None and actor.staff_role)


def _check_dealer(actor, company_id):
    """A dealer acts only on its own, active company's tickets."""
    account = dealer_account(actor)
    if account is None or not account.is_active or account.company_id != company_id:
        raise PermissionDeniedError(_("This ticket belongs to another company."))


def _desk(ticket):
    """Staff to tell about a ticket: its assignee, else the company's sales rep, else the sales managers."""
    if ticket.assignee_id and ticket.assignee.is_active:
        return [ticket.assignee]
    if ticket.company.sales_rep_id and ticket.company.sales_rep.is_active:
        return [ticket.company.sales_rep]
    return list(User.objects.filter(staff_role=StaffRole.SALES_MANAGER, is_active=True))


def _dealers(ticket):
    """Dealer users to tell: the one who opened it, else the company's active dealer admins."""
    opener = ticket.opened_by
    if opener is not None and not opener.staff_role and opener.is_active:
        return [opener]
    return list(User.objects.filter(dealer_account__company_id=ticket.company_id, dealer_account__is_active=True,
                                    dealer_account__role=DealerRole.ADMIN, is_active=True))


def _portal_link(ticket):
    return reverse("portal:ticket_detail", args=[ticket.pk])


def _console_link(ticket):
    return reverse("console:ticket_detail", args=[ticket.pk])


# --- writes ------------------------------------------------------------------------------------

def _clean_text(value, *, field, required, max_length):
    value = (value or "").strip()
    if required and not value:
        raise ValidationFailed(_("This field is required."), field=field, code="required")
    if len(value) > max_length:
        raise ValidationFailed(_("Keep it under %(n)d characters.") % {"n": max_length}, field=field, code="too_long")
    return value


def _lock(ticket) -> Ticket:
    pk = ticket.pk if isinstance(ticket, Ticket) else ticket
    return Ticket.objects.select_for_update(of=("self",)).select_related("company", "company__sales_rep", "assignee",
                                                                         "opened_by").get(pk=pk)


def _post(ticket, *, author, body, internal=False, status_change="", files=()):
    message = TicketMessage.objects.create(ticket=ticket, author=author, body=body, from_staff=_is_staff(author),
                                           internal=internal, status_change=status_change)
    for f, name, content_type in files:
        TicketAttachment.objects.create(message=message, file=f, name=name, content_type=content_type, size=f.size)
    return message


def open_ticket(*, actor, company, subject, body, category=TicketCategory.QUESTION, order_number="", attachments=()):
    """Open a support ticket for `company` and return it (status "open", SLA clock started).

    - actor: the dealer user (must belong to `company`) or a staff user opening it on the
      dealer's behalf; None for the system.
    - category: "question", "claim" (a delivery discrepancy), "return", "billing" or "other".
    - order_number: the order it is about, as typed (stored as text, not checked against
      orders — customers never import orders; pages resolve it within the company's orders).
    - attachments: Django UploadedFile objects; images (JPEG/PNG/GIF/WebP) or PDF, ≤ 5 MB
      each, ≤ 5 files, checked by content.
    Raises ValidationFailed (with `field`: subject, body, category, order_number or
    attachments) before anything is written. The company's desk (sales rep, else sales
    managers) is notified after commit; first_response_due comes from TicketSla."""
    subject = _clean_text(subject, field="subject", required=True, max_length=200)
    body = _clean_text(body, field="body", required=True, max_length=MAX_BODY)
    order_number = _clean_text(order_number, field="order_number", required=False, max_length=40).upper()
    if category not in TicketCategory.values:
        raise ValidationFailed(_("Choose a category."), field="category", code="invalid_choice")
    files = validate_attachments(attachments)
    if actor is not None and not _is_staff(actor):
        _check_dealer(actor, company.pk)
    if company.status == Company.Status.CLOSED:
        raise ValidationFailed(_("Closed accounts cannot open tickets."), code="company_closed")
    with transaction.atomic():
        now = timezone.now()
        ticket = Ticket.objects.create(
            number=next_number("ticket", "TK"), company=company, subject=subject, category=category,
            order_number=order_number, opened_by=actor,
            first_response_due=now + timedelta(hours=first_response_hours(category)),
        )
        _post(ticket, author=actor, body=body, files=files)
        ticket.company = company
        notify(recipients=_desk(ticket), kind=Notification.Kind.GENERAL, category=TICKETS,
               subject=format_lazy(gettext_lazy("New ticket {number} from {company}: {subject}"),
                                   number=ticket.number, company=company.name, subject=subject),
               body=body[:500], link=_console_link(ticket))
    return ticket


def reply_to_ticket(*, actor, ticket, body, internal=False, attachments=()) -> TicketMessage:
    """Add a message to the thread. A staff reply answers the dealer (status → awaiting
    customer; the first one stops the SLA clock); `internal=True` is a staff-only note that
    changes nothing. A dealer reply puts the ticket back with staff (awaiting staff) — also
    a resolved one; a closed ticket must be reopened first."""
    body = _clean_text(body, field="body", required=True, max_length=MAX_BODY)
    files = validate_attachments(attachments)
    staff = _is_staff(actor)
    if internal and not staff:
        raise PermissionDeniedError(_("Only staff can write internal notes."))
    with transaction.atomic():
        ticket = _lock(ticket)
        if not staff:
            _check_dealer(actor, ticket.company_id)
        if ticket.status == TS.CLOSED and not internal:
            raise IllegalTicketTransition(_("Ticket %(number)s is closed; reopen it to write again.")
                                          % {"number": ticket.number}, field="body")
        message = _post(ticket, author=actor, body=body, internal=internal, files=files)
        fields = ["updated_at"]
        if staff and not internal:
            ticket.status = TS.AWAITING_CUSTOMER
            fields.append("status")
            if ticket.first_responded_at is None:
                ticket.first_responded_at = message.created_at
                fields.append("first_responded_at")
            notify(recipients=_dealers(ticket), kind=Notification.Kind.GENERAL, category=TICKETS,
                   subject=format_lazy(gettext_lazy("Reply on ticket {number}: {subject}"),
                                       number=ticket.number, subject=ticket.subject),
                   body=body[:500], link=_portal_link(ticket))
        elif not staff:
            ticket.status, ticket.closed_at = TS.AWAITING_STAFF, None
            fields += ["status", "closed_at"]
            notify(recipients=_desk(ticket), kind=Notification.Kind.GENERAL, category=TICKETS,
                   subject=format_lazy(gettext_lazy("{company} replied on ticket {number}"),
                                       company=ticket.company.name, number=ticket.number),
                   body=body[:500], link=_console_link(ticket))
        ticket.save(update_fields=fields)
        return message


def change_ticket_status(*, actor, ticket, status, comment="") -> Ticket:
    """Move a ticket along ALLOWED_TRANSITIONS (dealers: only close and reopen). The change
    is written into the thread; the other side is told when staff resolve or a dealer reopens."""
    comment = _clean_text(comment, field="comment", required=False, max_length=MAX_BODY)
    if status not in TS.values:
        raise ValidationFailed(_("Choose a status."), field="status", code="invalid_choice")
    status = TS(status)
    staff = _is_staff(actor)
    with transaction.atomic():
        ticket = _lock(ticket)
        if not staff:
            _check_dealer(actor, ticket.company_id)
        allowed = (ALLOWED_TRANSITIONS if staff else DEALER_TRANSITIONS).get(ticket.status, set())
        if status not in allowed:
            raise IllegalTicketTransition(
                _("Ticket %(number)s is %(from)s; it cannot be set to %(to)s.")
                % {"number": ticket.number, "from": ticket.get_status_display().lower(), "to": status.label.lower()},
                field="status")
        ticket.status = status
        ticket.closed_at = timezone.now() if status in (TS.RESOLVED, TS.CLOSED) else None
        ticket.save(update_fields=["status", "closed_at", "updated_at"])
        _post(ticket, author=actor, body=comment, status_change=status)
        if staff and status == TS.RESOLVED:
            notify(recipients=_dealers(ticket), kind=Notification.Kind.GENERAL, category=TICKETS,
                   subject=format_lazy(gettext_lazy("Ticket {number} is resolved"), number=ticket.number),
                   body=comment or gettext_lazy("Reopen it if anything is still wrong."), link=_portal_link(ticket))
        elif not staff and status == TS.AWAITING_STAFF:
            notify(recipients=_desk(ticket), kind=Notification.Kind.GENERAL, category=TICKETS,
                   subject=format_lazy(gettext_lazy("Ticket {number} was reopened by {company}"),
                                       number=ticket.number, company=ticket.company.name),
                   body=comment, link=_console_link(ticket))
        return ticket


def close_ticket(*, actor, ticket, comment="") -> Ticket:
    return change_ticket_status(actor=actor, ticket=ticket, status=TS.CLOSED, comment=comment)


def reopen_ticket(*, actor, ticket, comment="") -> Ticket:
    return change_ticket_status(actor=actor, ticket=ticket, status=TS.AWAITING_STAFF, comment=comment)


def assign_ticket(*, actor, ticket, assignee) -> Ticket:
    """Give the ticket to a staff member (the desk's "assign to me"); tells them if it is someone else."""
    if not _is_staff(actor):
        raise PermissionDeniedError(_("Only staff can assign tickets."))
    if assignee is not None and (not assignee.staff_role or not assignee.is_active):
        raise ValidationFailed(_("Tickets can only be assigned to active staff."), field="assignee")
    with transaction.atomic():
        ticket = _lock(ticket)
        if (assignee.pk if assignee else None) == ticket.assignee_id:
            return ticket
        ticket.assignee = assignee
        ticket.save(update_fields=["assignee", "updated_at"])
        if assignee is not None and assignee.pk != actor.pk:
            notify(recipients=[assignee], kind=Notification.Kind.GENERAL, category=TICKETS,
                   subject=format_lazy(gettext_lazy("Ticket {number} was assigned to you"), number=ticket.number),
                   body=ticket.subject, link=_console_link(ticket))
        return ticket


def remind_overdue_tickets(*, now=None) -> int:
    """Tell the desk about tickets whose first answer is overdue: the assignee, else the
    company's sales rep, else the sales managers. Once per ticket (notify's dedupe_key), so
    the beat job may run as often as it likes. Returns how many tickets caused a reminder."""
    reminded = 0
    managers = None
    for ticket in overdue_tickets(now).select_related("company", "company__sales_rep", "assignee").order_by("pk"):
        if ticket.assignee_id and ticket.assignee.is_active:
            recipients = [ticket.assignee]
        elif ticket.company.sales_rep_id and ticket.company.sales_rep.is_active:
            recipients = [ticket.company.sales_rep]
        else:
            if managers is None:  # loaded once, not per ticket
                managers = list(User.objects.filter(staff_role=StaffRole.SALES_MANAGER, is_active=True))
            recipients = managers
        sent = notify(
            recipients=recipients, kind=Notification.Kind.SLA, category=TICKETS,
            subject=format_lazy(gettext_lazy("Overdue: ticket {number} from {company} has no answer yet"),
                                number=ticket.number, company=ticket.company.name),
            body=ticket.subject, link=_console_link(ticket), dedupe_key=f"ticket-sla:{ticket.pk}",
        )
        reminded += bool(sent)
    return reminded
