"""Notification preferences: each person chooses which categories are also e-mailed; the inbox
always gets everything."""

import pytest
from django.core import mail

from oms.errors import ValidationFailed
from oms.models import Notification
from oms.notifications import notify
from oms.preferences import preferences_of, update_preferences
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_switched_off_category_reaches_the_inbox_but_not_the_mailbox():
    quiet, keen = UserFactory(email="quiet@example.com"), UserFactory(email="keen@example.com")
    update_preferences(actor=quiet, email_orders=False)
    notify(recipients=[quiet, keen], subject="Order SO-1 confirmed", kind=Notification.Kind.ORDER)
    assert Notification.objects.filter(subject="Order SO-1 confirmed").count() == 2
    assert [m.to for m in mail.outbox] == [["keen@example.com"]]


@pytest.mark.django_db(transaction=True)
def test_explicit_category_and_marketing_is_opt_in():
    user = UserFactory(email="u@example.com")
    notify(recipients=[user], subject="Spring promotion", category="marketing")
    assert mail.outbox == []  # nobody gets marketing mail without asking for it
    update_preferences(actor=user, email_marketing=True, email_tickets=False)
    notify(recipients=[user], subject="Autumn promotion", category="marketing")
    notify(recipients=[user], subject="Reply on ticket TK-1", category="tickets")
    assert [m.subject for m in mail.outbox] == ["Autumn promotion"]


@pytest.mark.django_db(transaction=True)
def test_operational_messages_are_always_emailed():
    user = UserFactory(email="u@example.com")
    update_preferences(actor=user, **{f: False for f in ("email_orders", "email_shipments", "email_approvals",
                                                           "email_tickets", "email_payments")})
    notify(recipients=[user], subject="Low stock", kind=Notification.Kind.STOCK)
    assert len(mail.outbox) == 1


def test_sms_needs_a_phone_number(db):
    user = UserFactory()
    with pytest.raises(ValidationFailed) as err:
        update_preferences(actor=user, sms_opt_in=True)
    assert err.value.field == "sms_phone"
    update_preferences(actor=user, sms_opt_in=True, sms_phone="+86 138 0000 0000")
    assert preferences_of(user).sms_opt_in


def test_defaults_without_a_row(db):
    pref = preferences_of(UserFactory())
    assert pref.pk is None and pref.email_orders and not pref.email_marketing
