"""The notification service: in-app inbox for staff and dealers, plus e-mail through Celery.

    notify(actor=user, recipients=[...], subject=format_lazy(_("Low stock: {sku}"), sku=...),
           body=..., link="/console/...", kind=Notification.Kind.STOCK)

Subjects and bodies may be lazy translations: each recipient gets them rendered in their own
preferred language. Each person's NotificationPreference decides whether a `category` (orders,
shipments, approvals, tickets, payments, marketing — by default derived from `kind`) is also
e-mailed; the inbox row is always written. Inbox rows are written in the caller's transaction; the e-mails are queued
after it commits."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .events import after_commit
from .models import Notification, NotificationPreference, User


def _email_wanted(users, category):
    """{user pk: wants e-mail for `category`} for `users`, in one query. People without
    preferences get the field's default (on for everything but marketing)."""
    if not category or not users:
        return {}
    field = f"email_{category}"
    default = NotificationPreference._meta.get_field(field).default
    wanted = {u.pk: default for u in users}
    wanted.update(NotificationPreference.objects.filter(user__in=users).values_list("user_id", field))
    return wanted


def notify(*, actor=None, recipients, subject, body="", link="", kind=Notification.Kind.GENERAL,
           email=True, dedupe_key="", category=None):
    """Create one inbox notification per recipient and queue their e-mails after commit.

    With a `dedupe_key`, a recipient who already has a notification with that key is skipped,
    so a job that runs twice does not notify twice. `category` (a NotificationPreference.Category;
    default: derived from `kind`, none for general/stock/SLA) lets each recipient turn the e-mail
    off; the inbox row is written regardless. Returns the created notifications."""
    if category is None:
        category = NotificationPreference.KIND_CATEGORY.get(kind, "")
    category = NotificationPreference.Category(category) if category else ""
    created = []
    with transaction.atomic():
        people = list({u.pk: u for u in recipients if u.is_active}.values())
        wanted = _email_wanted(people, category)
        for user in people:
            with translation.override(user.language or settings.LANGUAGE_CODE):
                row = Notification(
                    recipient=user, kind=kind, subject=str(subject)[:200], body=str(body), link=link,
                    email=email and bool(user.email) and wanted.get(user.pk, True), dedupe_key=dedupe_key,
                )
            if dedupe_key:
                try:
                    with transaction.atomic():
                        row.save()
                except IntegrityError:
                    continue
            else:
                row.save()
            created.append(row)
        ids = [n.pk for n in created if n.email]
        if ids:
            from .tasks import deliver_notification_emails

            after_commit(deliver_notification_emails, ids)
    return created


def deliver_emails(notification_ids):
    """Send the e-mail of each notification not yet e-mailed; safe to run twice."""
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            n = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(pk=pk, email=True, emailed_at__isnull=True)
                .first()
            )
            if n is None:
                continue
            with translation.override(n.recipient.language or settings.LANGUAGE_CODE):
                link = n.link if not n.link.startswith("/") else settings.OMS_BASE_URL + n.link
                context = {"notification": n, "recipient": n.recipient, "company_name": settings.OMS_COMPANY_NAME,
                           "link": link}
                text = render_to_string("emails/notification.txt", context)
                html = render_to_string("emails/notification.html", context)
            message = EmailMultiAlternatives(n.subject, text, to=[n.recipient.email])
            message.attach_alternative(html, "text/html")
            message.send()
            n.emailed_at = timezone.now()
            n.save(update_fields=["emailed_at"])
            sent += 1
    return sent


def mark_read(*, actor: User, notification_ids=None):
    """Mark the actor's own notifications read (all unread ones when no ids are given)."""
    qs = Notification.objects.filter(recipient=actor, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
