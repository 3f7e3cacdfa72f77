"""Due / overdue reminders to dealers and the credit hold for customers overdue past a threshold."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Company
from oms.models import Notification
from oms.money import format_money
from oms.notifications import notify

from ..models import Invoice

User = get_user_model()
DUE_SOON_DAYS = 3
OPEN = (Invoice.Status.OPEN, Invoice.Status.PARTIALLY_PAID)


def send_payment_reminders(*, today=None) -> int:
    """Tell the dealer's users about invoices due within DUE_SOON_DAYS and overdue ones — once
    per invoice and stage (dedupe key), so running the job twice sends nothing twice."""
    today = today or timezone.localdate()
    invoices = (Invoice.objects.filter(status__in=OPEN, due_date__lte=today + timedelta(days=DUE_SOON_DAYS))
                .select_related("company").order_by("company_id", "due_date", "pk"))
    by_company: dict[int, list] = {}
    for inv in invoices:
        by_company.setdefault(inv.company_id, []).append(inv)
    sent, reminded = 0, []
    for company_id, items in by_company.items():
        users = list(User.objects.filter(dealer_account__company_id=company_id, dealer_account__is_active=True,
                                         is_active=True))
        if not users:
            continue
        for inv in items:
            overdue = inv.due_date < today
            stage = "overdue" if overdue else "due"
            subject = (_("Invoice %(number)s is overdue: %(amount)s") if overdue
                       else _("Invoice %(number)s is due on %(date)s: %(amount)s")) % {
                "number": inv.number, "amount": format_money(inv.balance, inv.currency), "date": inv.due_date}
            made = notify(recipients=users, subject=subject, kind=Notification.Kind.PAYMENT,
                          link=reverse("portal:invoices"), dedupe_key=f"invoice:{inv.pk}:{stage}")
            sent += len(made)
            reminded.append(inv.pk)
    Invoice.objects.filter(pk__in=reminded).update(reminded_at=timezone.now())
    return sent


def hold_overdue_customers(*, today=None) -> list[str]:
    """Put active customers with an invoice overdue more than PAYMENTS_CREDIT_HOLD_DAYS on credit
    hold (off when the setting is 0). Returns the company codes held."""
    days = settings.PAYMENTS_CREDIT_HOLD_DAYS
    if days <= 0:
        return []
    from customers.services.accounts import hold_credit

    today = today or timezone.localdate()
    ids = (Invoice.objects.filter(status__in=OPEN, due_date__lt=today - timedelta(days=days))
           .values_list("company_id", flat=True).distinct())
    held = []
    for company in Company.objects.filter(pk__in=list(ids), status=Company.Status.ACTIVE).order_by("pk"):
        hold_credit(actor=None, company=company,
                    reason=_("Invoices overdue more than %(days)d days.") % {"days": days})
        held.append(company.code)
    return held
