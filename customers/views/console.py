"""Console pages of customers: the customer list, the customer 360 page with notes and the
credit hold, and the support ticket desk."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oms.actions import back_to, run_action
from oms.errors import DomainError
from oms.pagination import keyset_page
from oms.permissions import Perm, has_perm, staff_required

from .. import selectors, services
from ..filters import CompanyFilter, TicketDeskFilter
from ..forms import AssignForm, CreditForm, CustomerNoteForm, StaffReplyForm, TicketStatusForm
from ..models import Company, Ticket, TicketAttachment
from ..services.tickets import ALLOWED_TRANSITIONS
from .portal import TICKET_KEY, attachment_response


def _template(request, template):
    if request.htmx and not request.htmx.boosted:
        return f"{template}#results"
    return template


@staff_required(Perm.CUSTOMERS_VIEW)
def company_list(request):
    base = selectors.company_search()
    company_filter = CompanyFilter(request.GET or None, queryset=base)
    qs = company_filter.qs if company_filter.is_valid() else base
    page = keyset_page(qs, key="code", after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
    return render(request, _template(request, "customers/company_list.html"),
                  {"form": company_filter.form, "page": page})


def _company(pk) -> Company:
    try:
        return selectors.company_detail(pk)
    except Company.DoesNotExist:
        raise Http404


@staff_required(Perm.CUSTOMERS_VIEW)
def company_detail(request, pk, note_form=None, credit_form=None):
    company = _company(pk)
    on_hold = company.status == Company.Status.ON_HOLD
    return render(request, "customers/company_detail.html", {
        "company": company, **selectors.company_360(company),
        "note_form": note_form or CustomerNoteForm(),
        "credit_form": credit_form or CreditForm(initial={"action": "release" if on_hold else "hold"}),
        "can_manage_credit": has_perm(request.user, Perm.CREDIT_MANAGE) and company.status != Company.Status.CLOSED,
        "now": timezone.now(),
    }, status=422 if (note_form and note_form.errors) or (credit_form and credit_form.errors) else 200)


@staff_required(Perm.CUSTOMERS_VIEW)
@require_POST
def company_note(request, pk):
    company = _company(pk)
    form = CustomerNoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_customer_note(actor=request.user, company=company, body=form.cleaned_data["body"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Note added."))
            return redirect("console:company_detail", pk)
    return company_detail(request, pk, note_form=form)


@staff_required(Perm.CREDIT_MANAGE)
@require_POST
def company_credit(request, pk):
    company = _company(pk)
    form = CreditForm(request.POST)
    if form.is_valid():
        hold = form.cleaned_data["action"] == "hold"
        action = services.hold_credit if hold else services.release_credit
        try:
            action(actor=request.user, company=company, reason=form.cleaned_data["reason"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            if hold:
                messages.warning(request, _("%(company)s is on credit hold: new orders wait for review.")
                                 % {"company": company.name})
            else:
                messages.success(request, _("%(company)s is released from credit hold.") % {"company": company.name})
            return redirect("console:company_detail", pk)
    return company_detail(request, pk, credit_form=form)


# --- ticket desk -------------------------------------------------------------------------------------

@staff_required(Perm.CUSTOMERS_VIEW)
def ticket_desk(request):
    base = selectors.desk_tickets()
    params = request.GET.copy() if request.GET else None
    if params is None:
        params = {"status": "active"}  # the desk opens on what still needs work
    desk_filter = TicketDeskFilter(params, queryset=base, request=request)
    qs = desk_filter.qs if desk_filter.is_valid() else base
    page = keyset_page(qs, key=TICKET_KEY, after=request.GET.get("after"), before=request.GET.get("before"), size=request.GET.get("size"))
    return render(request, _template(request, "customers/ticket_desk.html"),
                  {"form": desk_filter.form, "page": page, "now": timezone.now()})


def _ticket(pk) -> Ticket:
    try:
        return selectors.ticket_detail(pk)
    except Ticket.DoesNotExist:
        raise Http404


@staff_required(Perm.CUSTOMERS_VIEW)
def ticket_detail(request, pk):
    ticket = _ticket(pk)
    form = StaffReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.reply_to_ticket(actor=request.user, ticket=ticket, body=data["body"], internal=data["internal"],
                                     attachments=data["attachments"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Internal note added.") if data["internal"] else _("Reply sent to the customer."))
            return redirect("console:ticket_detail", ticket.pk)
    allowed = ALLOWED_TRANSITIONS.get(ticket.status, set())
    status_form = TicketStatusForm()
    status_form.fields["status"].choices = [(v, label) for v, label in status_form.fields["status"].choices if v in allowed]
    return render(request, "customers/ticket_detail.html", {
        "ticket": ticket, "form": form, "status_form": status_form,
        "thread": selectors.ticket_thread(ticket, include_internal=True),
        "order_url": selectors.order_link(ticket.company, ticket.order_number, surface="console"),
    }, status=422 if form.errors else 200)


@staff_required(Perm.CUSTOMERS_VIEW)
@require_POST
def ticket_assign(request, pk):
    ticket = _ticket(pk)
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose who takes the ticket."))
        return back_to(request, "console:ticket_detail", pk)
    me = form.cleaned_data["assignee"] == "me"
    run_action(request, lambda: services.assign_ticket(actor=request.user, ticket=ticket,
                                                       assignee=request.user if me else None),
               _("The ticket is yours.") if me else _("The ticket is unassigned."))
    return back_to(request, "console:ticket_detail", pk)


@staff_required(Perm.CUSTOMERS_VIEW)
@require_POST
def ticket_status(request, pk):
    ticket = _ticket(pk)
    form = TicketStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return back_to(request, "console:ticket_detail", pk)
    run_action(request, lambda: services.change_ticket_status(actor=request.user, ticket=ticket,
                                                              status=form.cleaned_data["status"],
                                                              comment=form.cleaned_data["comment"]),
               lambda t: _("Ticket %(number)s is now %(status)s.") % {"number": t.number,
                                                                      "status": t.get_status_display().lower()})
    return back_to(request, "console:ticket_detail", pk)


@staff_required(Perm.CUSTOMERS_VIEW)
def ticket_attachment(request, pk, attachment_pk):
    ticket = _ticket(pk)
    try:
        attachment = selectors.ticket_attachment(pk=attachment_pk, ticket=ticket, include_internal=True)
    except TicketAttachment.DoesNotExist:
        raise Http404
    return attachment_response(attachment)
