"""Staff notes on a customer, and the credit hold: finance or a manager stops a customer's new
orders (they wait for review while the company is on hold) and releases it again. Both leave
an append-only CustomerNote with the reason, the company's history row, and a message to the
sales rep."""

from django.db import transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oms.errors import PermissionDeniedError, ValidationFailed
from oms.models import Notification
from oms.notifications import notify
from oms.permissions import Perm, has_perm

from ..errors import CreditStateError
from ..models import Company, CustomerNote


def add_customer_note(*, actor, company: Company, body) -> CustomerNote:
    """A staff member's note on the customer (append-only: notes are never edited)."""
    body = (body or "").strip()
    if not body:
        raise ValidationFailed(_("The note is empty."), field="body", code="required")
    if len(body) > 5000:
        raise ValidationFailed(_("Keep the note under 5000 characters."), field="body", code="too_long")
    return CustomerNote.objects.create(company=company, author=actor, body=body)


def _set_credit(*, actor, company, reason, to, kind, allowed_from, subject):
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("Give a reason."), field="reason", code="required")
    if actor is not None and not has_perm(actor, Perm.CREDIT_MANAGE):
        raise PermissionDeniedError(_("Your role does not manage credit."))
    with transaction.atomic():
        company = Company.objects.select_for_update(of=("self",)).select_related("sales_rep").get(pk=company.pk)
        if company.status not in allowed_from:
            raise CreditStateError(_("%(company)s is %(status)s: that cannot be done now.")
                                   % {"company": company.name, "status": company.get_status_display().lower()})
        company.status = to
        company._change_reason = reason[:100]  # simple-history keeps who (request middleware) and why
        company.save(update_fields=["status"])
        note = CustomerNote.objects.create(company=company, author=actor, kind=kind, body=reason)
        if company.sales_rep_id and company.sales_rep_id != getattr(actor, "pk", None):
            notify(recipients=[company.sales_rep], kind=Notification.Kind.PAYMENT,
                   category="",  # operational: always e-mailed to the rep
                   subject=format_lazy(subject, company=company.name, who=actor or "OMS"), body=reason,
                   link=reverse("console:company_detail", args=[company.pk]))
        return note


def hold_credit(*, actor, company: Company, reason) -> CustomerNote:
    """Put an active customer on credit hold: new orders wait for review until released."""
    return _set_credit(actor=actor, company=company, reason=reason, to=Company.Status.ON_HOLD,
                       kind=CustomerNote.Kind.CREDIT_HOLD, allowed_from={Company.Status.ACTIVE},
                       subject=gettext_lazy("{company} was put on credit hold by {who}"))


def release_credit(*, actor, company: Company, reason) -> CustomerNote:
    """Take a customer off credit hold (back to active)."""
    return _set_credit(actor=actor, company=company, reason=reason, to=Company.Status.ACTIVE,
                       kind=CustomerNote.Kind.CREDIT_RELEASE, allowed_from={Company.Status.ON_HOLD},
                       subject=gettext_lazy("{company} was released from credit hold by {who}"))
