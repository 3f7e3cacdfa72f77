"""Due / overdue reminders (once per invoice and stage) and the overdue credit hold."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from oms.models import Notification
from payments.services.receivables import hold_overdue_customers, send_payment_reminders
from payments.tasks import payment_reminders
from tests.factories import CompanyFactory, InvoiceFactory

pytestmark = pytest.mark.django_db


def test_reminders_for_due_and_overdue_invoices_are_sent_once(dealer):
    company = CompanyFactory()
    user = dealer(company=company)
    today = timezone.localdate()
    due = InvoiceFactory(company=company, due_date=today + timedelta(days=2), total=Decimal("10.00"))
    late = InvoiceFactory(company=company, due_date=today - timedelta(days=5), total=Decimal("20.00"))
    InvoiceFactory(company=company, due_date=today + timedelta(days=20))  # not yet
    InvoiceFactory(company=company, due_date=today - timedelta(days=5), status="paid", amount_paid=Decimal("100.00"))
    assert send_payment_reminders() == 2
    assert send_payment_reminders() == 0  # the job ran twice: nothing twice
    subjects = set(Notification.objects.filter(recipient=user).values_list("subject", flat=True))
    assert any(due.number in s and "due on" in s for s in subjects)
    assert any(late.number in s and "overdue" in s for s in subjects)


def test_customers_overdue_past_the_threshold_go_on_credit_hold(settings):
    today = timezone.localdate()
    late = CompanyFactory(code="LATE")
    InvoiceFactory(company=late, due_date=today - timedelta(days=40))
    fine = CompanyFactory(code="FINE")
    InvoiceFactory(company=fine, due_date=today - timedelta(days=10))
    settings.PAYMENTS_CREDIT_HOLD_DAYS = 0
    assert hold_overdue_customers() == []
    settings.PAYMENTS_CREDIT_HOLD_DAYS = 30
    assert payment_reminders()["held"] == ["LATE"]
    late.refresh_from_db(), fine.refresh_from_db()
    assert late.status == "on_hold" and fine.status == "active"
    assert hold_overdue_customers() == []  # already on hold


@pytest.mark.parametrize("name", ["payment", "invoice", "gatewayevent", "refund", "creditnote", "paymentallocation"])
def test_admin_changelists_open(client, staff_user, name):
    InvoiceFactory()
    client.force_login(staff_user("admin"))
    url = reverse(f"admin:payments_{name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "x"}).status_code == 200
