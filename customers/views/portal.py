"""Dealer portal pages of customers: home and account, support tickets, loyalty, the dealer
admin's users and addresses. Every read goes through a selector that takes the dealer's own
company, so another company's id is simply not found (404)."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oms.actions import run_action
from oms.errors import DomainError
from oms.pagination import keyset_page
from oms.money import format_money
from oms.permissions import DealerRole, Perm, dealer_account, dealer_required, has_perm

from .. import selectors, services
from ..forms import AddressForm, BuyerLimitForm, InviteForm, RoleForm, TicketForm, TicketReplyForm
from ..models import Address, DealerAccount, LoyaltyEntry, Ticket, TicketAttachment, TicketStatus
from ..selectors import active_loyalty_rule
from ..services.tickets import DEALER_TRANSITIONS

TICKET_KEY = ("-updated_at", "-id")


def _company(request):
    return dealer_account(request.user).company


@dealer_required(Perm.PORTAL)
def home(request):
    account = dealer_account(request.user)
    company = account.company
    return render(request, "customers/portal_home.html", {
        "account": account, "company": company,
        "addresses": selectors.dealer_addresses(company),
    })


@dealer_required(Perm.PORTAL)
def account(request):
    company = _company(request)
    return render(request, "customers/portal_account.html", {
        "company": company,
        "addresses": selectors.dealer_addresses(company),
        "users": selectors.dealer_users(company),
        "is_admin": has_perm(request.user, Perm.PORTAL_ADMIN),
    })


def _address(company, pk) -> Address:
    """An address of the dealer's own company (another company's is simply not there: 404)."""
    try:
        return selectors.dealer_address(company, pk)
    except Address.DoesNotExist:
        raise Http404


@dealer_required(Perm.PORTAL)
def address_detail(request, pk):
    company = _company(request)
    address = _address(company, pk)
    return render(request, "customers/portal_address.html", {
        "address": address, "company": company, "is_admin": has_perm(request.user, Perm.PORTAL_ADMIN)})


# --- support tickets -------------------------------------------------------------------------------

def _ticket(request, pk) -> Ticket:
    try:
        return selectors.dealer_ticket(_company(request), pk)
    except Ticket.DoesNotExist:
        raise Http404


@dealer_required(Perm.PORTAL)
def ticket_list(request):
    status = request.GET.get("status", "")
    if status not in ("", "active", *TicketStatus.values):
        status = ""
    page = keyset_page(selectors.dealer_tickets(_company(request), status=status), key=TICKET_KEY,
                       after=request.GET.get("after"), before=request.GET.get("before"), size=25)
    return render(request, "customers/portal_ticket_list.html", {
        "page": page, "status": status, "statuses": TicketStatus.choices})


@dealer_required(Perm.PORTAL)
def ticket_create(request):
    company = _company(request)
    initial = {"order_number": request.GET.get("order", "")[:40], "category": request.GET.get("category", "question")}
    form = TicketForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.open_ticket(actor=request.user, company=company, subject=data["subject"], body=data["body"],
                                          category=data["category"], order_number=data["order_number"],
                                          attachments=data["attachments"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Ticket %(number)s is open; we will answer by %(due)s")
                             % {"number": ticket.number, "due": _local(ticket.first_response_due)})
            return redirect("portal:ticket_detail", ticket.pk)
    return render(request, "customers/portal_ticket_form.html", {"form": form}, status=422 if form.errors else 200)


def _local(dt):
    return formats.date_format(timezone.localtime(dt), "SHORT_DATETIME_FORMAT")


@dealer_required(Perm.PORTAL)
def ticket_detail(request, pk):
    ticket = _ticket(request, pk)
    form = TicketReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_to_ticket(actor=request.user, ticket=ticket, body=form.cleaned_data["body"],
                                     attachments=form.cleaned_data["attachments"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("portal:ticket_detail", ticket.pk)
    return render(request, "customers/portal_ticket_detail.html", {
        "ticket": ticket, "form": form,
        "thread": selectors.ticket_thread(ticket, include_internal=False),
        "order_url": selectors.order_link(ticket.company, ticket.order_number, surface="portal"),
        "can_close": TicketStatus.CLOSED in DEALER_TRANSITIONS.get(ticket.status, ()),
        "can_reopen": TicketStatus.AWAITING_STAFF in DEALER_TRANSITIONS.get(ticket.status, ()),
    }, status=422 if form.errors else 200)


@dealer_required(Perm.PORTAL)
@require_POST
def ticket_status(request, pk):
    ticket = _ticket(request, pk)
    action = request.POST.get("action")
    comment = request.POST.get("comment", "")[:10_000]
    if action == "close":
        run_action(request, lambda: services.close_ticket(actor=request.user, ticket=ticket, comment=comment),
                   _("Ticket %(number)s is closed.") % {"number": ticket.number})
    elif action == "reopen":
        run_action(request, lambda: services.reopen_ticket(actor=request.user, ticket=ticket, comment=comment),
                   _("Ticket %(number)s is open again.") % {"number": ticket.number})
    else:
        messages.error(request, _("Choose close or reopen."))
    return redirect("portal:ticket_detail", ticket.pk)


def attachment_response(attachment):
    """Serve a ticket file as a download (never rendered inline: a PDF or image only, but
    still from an upload)."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404
    response = FileResponse(handle, as_attachment=attachment.content_type == "application/pdf",
                            filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response


@dealer_required(Perm.PORTAL)
def ticket_attachment(request, pk, attachment_pk):
    ticket = _ticket(request, pk)
    try:
        attachment = selectors.ticket_attachment(pk=attachment_pk, ticket=ticket, include_internal=False)
    except TicketAttachment.DoesNotExist:
        raise Http404
    return attachment_response(attachment)


# --- loyalty ---------------------------------------------------------------------------------

@dealer_required(Perm.PORTAL)
def loyalty(request):
    company = _company(request)
    rule = active_loyalty_rule(company)
    balance = selectors.loyalty_balance(company)
    return render(request, "customers/portal_loyalty.html", {
        "company": company, "balance": balance, "rule": rule,
        "balance_value": services.points_value(company=company, points=balance),
        "entries": selectors.loyalty_history(company, limit=50),
        "promotions": selectors.promotions_for(company),
        "Kind": LoyaltyEntry.Kind,
    })


# --- dealer admin: users -------------------------------------------------------------------------

def _member(request, pk) -> DealerAccount:
    try:
        return selectors.dealer_account_of(_company(request), pk)
    except DealerAccount.DoesNotExist:
        raise Http404


def _users_page(request, company, *, form=None, limit_form=None):
    form = form or InviteForm()
    limit_form = limit_form or BuyerLimitForm(initial={"buyer_order_limit": company.buyer_order_limit})
    members = list(selectors.dealer_users(company).order_by("user__username"))
    return render(request, "customers/portal_users.html", {
        "company": company, "form": form, "limit_form": limit_form, "members": members,
        "roles": RoleForm.base_fields["role"].choices,
        "has_approver": any(m.is_active and m.role != DealerRole.BUYER for m in members),
    }, status=422 if form.errors or limit_form.errors else 200)


@dealer_required(Perm.PORTAL_ADMIN)
def dealer_users(request):
    company = _company(request)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invited = services.invite_dealer_user(actor=request.user, company=company, email=data["email"],
                                                  role=data["role"], first_name=data["first_name"],
                                                  last_name=data["last_name"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invited.user.email})
            return redirect("portal:dealer_users")
    return _users_page(request, company, form=form)


@dealer_required(Perm.PORTAL_ADMIN)
@require_POST
def dealer_buyer_limit(request):
    """The dealer admin sets (or clears) the total above which a buyer's order needs approval."""
    company = _company(request)
    form = BuyerLimitForm(request.POST)
    if form.is_valid():
        try:
            company = services.set_buyer_order_limit(actor=request.user, company=company,
                                                     limit=form.cleaned_data["buyer_order_limit"])
        except DomainError as err:
            form.add_domain_error(err)
        else:
            if company.buyer_order_limit is None:
                messages.success(request, _("Buyers' orders no longer need approval."))
            else:
                messages.success(request, _("Buyers' orders above %(limit)s now wait for an approver.")
                                 % {"limit": format_money(company.buyer_order_limit, company.currency)})
            return redirect("portal:dealer_users")
    return _users_page(request, company, limit_form=form)


@dealer_required(Perm.PORTAL_ADMIN)
@require_POST
def dealer_user_role(request, pk):
    member = _member(request, pk)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
    else:
        run_action(request, lambda: services.change_dealer_role(actor=request.user, company=member.company,
                                                                account=member, role=form.cleaned_data["role"]),
                   lambda a: _("%(user)s is now %(role)s.") % {"user": a.user, "role": a.get_role_display().lower()})
    return redirect("portal:dealer_users")


@dealer_required(Perm.PORTAL_ADMIN)
@require_POST
def dealer_user_active(request, pk):
    member = _member(request, pk)
    if request.POST.get("active") == "1":
        run_action(request, lambda: services.reactivate_dealer_user(actor=request.user, company=member.company,
                                                                    account=member),
                   _("%(user)s can sign in again.") % {"user": member.user})
    else:
        run_action(request, lambda: services.deactivate_dealer_user(actor=request.user, company=member.company,
                                                                    account=member),
                   _("%(user)s can no longer sign in to the portal.") % {"user": member.user})
    return redirect("portal:dealer_users")


# --- dealer admin: addresses ----------------------------------------------------------------------

@dealer_required(Perm.PORTAL_ADMIN)
def address_create(request):
    company = _company(request)
    form = AddressForm(request.POST or None, initial={"region": company.region, "country": "CN"})
    if request.method == "POST" and form.is_valid():
        try:
            address = services.create_address(actor=request.user, company=company,
                                              make_default=form.cleaned_data["make_default"], **form.service_data())
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Address added."))
            return redirect("portal:address_detail", address.pk)
    return render(request, "customers/portal_address_form.html", {"form": form, "address": None},
                  status=422 if form.errors else 200)


@dealer_required(Perm.PORTAL_ADMIN)
def address_edit(request, pk):
    company = _company(request)
    address = _address(company, pk)
    form = AddressForm(request.POST or None, instance=address)
    form.fields.pop("make_default")
    if request.method == "POST" and form.is_valid():
        try:
            services.update_address(actor=request.user, company=company, address=address, **form.service_data())
        except DomainError as err:
            form.add_domain_error(err)
        else:
            messages.success(request, _("Address saved."))
            return redirect("portal:address_detail", address.pk)
    return render(request, "customers/portal_address_form.html", {"form": form, "address": address},
                  status=422 if form.errors else 200)


@dealer_required(Perm.PORTAL_ADMIN)
@require_POST
def address_delete(request, pk):
    company = _company(request)
    address = _address(company, pk)
    label = str(address)
    if run_action(request, lambda: services.delete_address(actor=request.user, company=company, address=address),
                  _("Address “%(address)s” deleted.") % {"address": label}):
        return redirect("portal:account")
    return redirect("portal:address_detail", pk)


@dealer_required(Perm.PORTAL_ADMIN)
@require_POST
def address_default(request, pk):
    company = _company(request)
    address = _address(company, pk)
    run_action(request, lambda: services.set_default_address(actor=request.user, company=company, address=address),
               lambda a: _("This is now your default %(kind)s address.") % {"kind": a.get_kind_display().lower()})
    return redirect("portal:address_detail", address.pk)
