"""Writes for webhooks and channels: subscriptions (create, edit, pause, rotate, test), manual
retry of a delivery, sales channels (create, edit, rotate)."""

from functools import partial
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oms.errors import DomainError, ValidationFailed

from ..models import SalesChannel, WebhookDelivery, WebhookSubscription, new_secret
from . import outbox
from .events import EVENT_TYPES, TEST_EVENT, WILDCARD


class DeliveryNotRetryable(DomainError):
    code = "delivery_not_retryable"


def _clean_subscription(name, url, event_types):
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the subscription a name."), field="name")
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationFailed(_("Enter an http:// or https:// URL."), field="url")
    types = sorted(set(event_types or ()))
    unknown = [t for t in types if t != WILDCARD and t not in EVENT_TYPES]
    if unknown:
        raise ValidationFailed(_("Unknown event type: %(types)s") % {"types": ", ".join(unknown)}, field="event_types")
    if not types:
        raise ValidationFailed(_("Choose at least one event type."), field="event_types")
    if WILDCARD in types:
        types = [WILDCARD]
    return name, url, types


def create_subscription(*, actor, name, url, event_types, active=True) -> WebhookSubscription:
    name, url, types = _clean_subscription(name, url, event_types)
    outbox.forget_subscriptions()
    return WebhookSubscription.objects.create(name=name, url=url, event_types=types, active=active,
                                              created_by=actor if actor and actor.pk else None)


def update_subscription(*, actor, subscription, name, url, event_types, active=None) -> WebhookSubscription:
    name, url, types = _clean_subscription(name, url, event_types)
    with transaction.atomic():
        sub = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        sub.name, sub.url, sub.event_types = name, url, types
        if active is not None:
            sub.active = bool(active)
        sub.save()
    outbox.forget_subscriptions()
    return sub


def set_subscription_active(*, actor, subscription, active: bool) -> WebhookSubscription:
    """Pause (no new events are recorded for it; queued deliveries wait) or resume (they go)."""
    with transaction.atomic():
        WebhookSubscription.objects.filter(pk=subscription.pk).update(active=active, updated_at=timezone.now())
        outbox.forget_subscriptions()
        if active:
            transaction.on_commit(partial(outbox.kick, None))
    subscription.refresh_from_db()
    return subscription


def rotate_subscription_secret(*, actor, subscription) -> WebhookSubscription:
    """A new secret at once; deliveries from now on (including retries) are signed with it."""
    WebhookSubscription.objects.filter(pk=subscription.pk).update(secret=new_secret(), secret_rotated_at=timezone.now(),
                                                                  updated_at=timezone.now())
    subscription.refresh_from_db()
    return subscription


def send_test_event(*, actor, subscription) -> WebhookDelivery:
    """Queue a "webhook.test" event for this one subscription (delivered like any other)."""
    if not subscription.active:
        raise DomainError(_("The subscription is paused: resume it to send a test event."), code="subscription_paused")
    with transaction.atomic():
        event = outbox.write_event(TEST_EVENT, {"subscription_id": subscription.pk, "message": "Hello from OMS",
                                                "sent_by": getattr(actor, "username", "") or ""},
                                   subscriptions=[subscription])
        return event.deliveries.get()


def retry_delivery(*, actor, delivery) -> WebhookDelivery:
    """Staff send a failed (or waiting) delivery again now, with a fresh set of attempts."""
    with transaction.atomic():
        row = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        if row.status == WebhookDelivery.Status.SUCCEEDED:
            raise DeliveryNotRetryable(_("This delivery already succeeded."))
        row.status, row.attempts, row.next_attempt_at, row.claim_token = (
            WebhookDelivery.Status.PENDING, 0, timezone.now(), None)
        row.save(update_fields=["status", "attempts", "next_attempt_at", "claim_token"])
        transaction.on_commit(partial(outbox.kick, row.event_id))
    return row


# --- sales channels ----------------------------------------------------------------------------

def _clean_channel(code, name, default_company, customer_by_code):
    code = (code or "").strip().lower()
    name = (name or "").strip()
    if not code:
        raise ValidationFailed(_("Enter a code."), field="code")
    if not name:
        raise ValidationFailed(_("Enter a name."), field="name")
    if default_company is None and not customer_by_code:
        raise ValidationFailed(_("Choose a default customer, or take the customer from the order's customer code."),
                               field="default_company")
    return code, name


def create_channel(*, actor, code, name, default_company=None, customer_by_code=False, active=True) -> SalesChannel:
    code, name = _clean_channel(code, name, default_company, customer_by_code)
    if SalesChannel.objects.filter(code=code).exists():
        raise ValidationFailed(_("A channel with code %(code)s exists already.") % {"code": code}, field="code")
    return SalesChannel.objects.create(code=code, name=name, default_company=default_company,
                                       customer_by_code=bool(customer_by_code), active=active,
                                       created_by=actor if actor and actor.pk else None)


def update_channel(*, actor, channel, name, default_company=None, customer_by_code=False, active=True) -> SalesChannel:
    _code, name = _clean_channel(channel.code, name, default_company, customer_by_code)
    SalesChannel.objects.filter(pk=channel.pk).update(name=name, default_company=default_company,
                                                       customer_by_code=bool(customer_by_code), active=bool(active))
    channel.refresh_from_db()
    return channel


def rotate_channel_secret(*, actor, channel) -> SalesChannel:
    SalesChannel.objects.filter(pk=channel.pk).update(secret=new_secret())
    channel.refresh_from_db()
    return channel
