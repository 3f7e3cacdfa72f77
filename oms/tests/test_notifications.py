import pytest
from django.core import mail
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from oms.models import Notification
from oms.notifications import notify
from tests.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_notify_writes_inbox_rows_and_emails_after_commit():
    alice, bob = UserFactory(email="alice@example.com"), UserFactory(email="bob@example.com")
    notify(recipients=[alice, bob, alice], subject="Stock is low", body="SKU-1 at SH01", link="/console/")
    assert Notification.objects.filter(subject="Stock is low").count() == 2  # duplicates folded
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.com", "bob@example.com"]
    message = mail.outbox[0]
    assert "SKU-1 at SH01" in message.body
    assert message.alternatives and "Stock is low" in message.alternatives[0][0]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_each_recipient_reads_it_in_their_own_language():
    en = UserFactory(language="en", email="en@example.com")
    zh = UserFactory(language="zh-hans", email="zh@example.com")
    notify(recipients=[en, zh], subject=format_lazy("{}: {}", _("Dashboard"), "SH01"))
    assert Notification.objects.get(recipient=en).subject == "Dashboard: SH01"
    assert Notification.objects.get(recipient=zh).subject == "仪表板: SH01"


@pytest.mark.django_db(transaction=True)
def test_dedupe_key_makes_a_repeated_notification_a_no_op():
    user = UserFactory()
    notify(recipients=[user], subject="Low stock", dedupe_key="low:SKU-1:SH01")
    notify(recipients=[user], subject="Low stock", dedupe_key="low:SKU-1:SH01")
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_no_email_for_users_without_address_or_when_not_wanted():
    quiet = UserFactory(email="")
    notify(recipients=[quiet], subject="Inbox only")
    other = UserFactory()
    notify(recipients=[other], subject="Also inbox only", email=False)
    assert Notification.objects.count() == 2
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_delivering_twice_sends_once():
    from oms.notifications import deliver_emails

    user = UserFactory()
    [n] = notify(recipients=[user], subject="Once")
    assert deliver_emails([n.pk]) == 0  # already delivered after commit
    assert len(mail.outbox) == 1


def test_inbox_lists_and_marks_read(client, staff_user):
    user = staff_user("warehouse")
    notify(recipients=[user], subject="Transfer TR-1 arrived", email=False)
    client.force_login(user)
    page = client.get(reverse("console:inbox")).content.decode()
    assert "Transfer TR-1 arrived" in page
    assert 'class="badge">1<' in page
    client.post(reverse("inbox_mark_read"))
    page = client.get(reverse("console:inbox")).content.decode()
    assert 'class="badge"' not in page


@pytest.mark.django_db(transaction=True)
def test_email_links_are_absolute(settings):
    settings.OMS_BASE_URL = "https://oms.example.com"
    user = UserFactory()
    notify(recipients=[user], subject="Shipped", link="/portal/")
    assert "https://oms.example.com/portal/" in mail.outbox[0].body


@pytest.mark.django_db
def test_switching_the_language_makes_it_the_persons_notification_language(client):
    user = UserFactory(language="zh-hans", email="switch@example.com")
    client.force_login(user)
    r = client.post(reverse("set_language"), {"language": "en", "next": "/console/"})
    assert r.status_code == 302 and r.cookies["django_language"].value == "en"
    user.refresh_from_db()
    assert user.language == "en"
    notify(recipients=[user], subject=format_lazy("{}: {}", _("Dashboard"), "SH01"))
    assert Notification.objects.get(recipient=user).subject == "Dashboard: SH01"
    client.post(reverse("set_language"), {"language": "xx", "next": "/console/"})  # not offered: nothing saved
    user.refresh_from_db()
    assert user.language == "en"


def test_switching_the_language_signed_out_only_sets_the_cookie(client):
    r = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert r.status_code == 302 and r.cookies["django_language"].value == "zh-hans"
