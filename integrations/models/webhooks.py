"""Outbound webhooks (outbox events, subscriptions, deliveries), inbound sales channels and the
SMS log. See integrations/webhooks/ for the services that write them."""

import secrets
import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["OutboxEvent", "WebhookSubscription", "WebhookDelivery", "SalesChannel", "SmsMessage", "new_secret"]


def new_secret() -> str:
    """A fresh signing secret (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    """A receiver of outbound events: a URL, the event types it wants ("*" for all) and the
    secret its deliveries are signed with."""

    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500)
    event_types = models.JSONField(_("event types"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    secret_rotated_at = models.DateTimeField(_("secret rotated"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def wants(self, event_type: str) -> bool:
        return "*" in self.event_types or event_type in self.event_types


class OutboxEvent(models.Model):
    """One domain event, written in the same transaction as the change it reports. `event_id`
    is stable: every delivery and every retry of it carries the same id."""

    event_id = models.UUIDField(_("event id"), unique=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("event type"), max_length=60)
    payload = models.JSONField(_("payload"), default=dict, encoder=DjangoJSONEncoder)
    # An optional business key ("low-stock:<stock>:<day>"): the same key is recorded once.
    dedupe_key = models.CharField(_("dedupe key"), max_length=160, null=True, blank=True, unique=True)
    occurred_at = models.DateTimeField(_("occurred"), default=timezone.now)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("outbox event")
        verbose_name_plural = _("outbox events")
        indexes = [models.Index(fields=["event_type", "-created_at"], name="outbox_type_created")]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"


class WebhookDelivery(models.Model):
    """The delivery of one event to one subscription, with its retry state and last outcome."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event"))
    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries",
                                     verbose_name=_("subscription"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # Set when a dispatcher claims the delivery; only that claim may record the outcome.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    response_excerpt = models.TextField(_("response"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [models.UniqueConstraint(fields=["event", "subscription"], name="webhookdelivery_once_per_sub")]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=models.Q(status="pending"), name="webhookdelivery_due"),
            models.Index(fields=["subscription", "-created_at", "-id"], name="webhookdelivery_sub_recent"),
        ]

    def __str__(self):
        return f"{self.event_id} → {self.subscription_id}"


class SalesChannel(models.Model):
    """A web shop or marketplace that posts its orders to /channels/<code>/orders/, signed with
    `secret`. Orders go to `default_company`, or to the customer whose code the payload names
    when `customer_by_code` is on."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    default_company = models.ForeignKey("customers.Company", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("default customer"))
    customer_by_code = models.BooleanField(_("customer by code"), default=False,
                                           help_text=_("Take the customer from the order's customer_code."))
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_order_at = models.DateTimeField(_("last order"), null=True, blank=True)
    rejected_count = models.PositiveIntegerField(_("rejected requests"), default=0)
    last_rejected_at = models.DateTimeField(_("last rejected"), null=True, blank=True)
    last_rejection = models.CharField(_("last rejection"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("sales channel")
        verbose_name_plural = _("sales channels")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} · {self.name}"


class SmsMessage(models.Model):
    """One text message to one person: the log, and (by dedupe_key) the guard against sending
    the same notice twice when a task runs again."""

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("recipient"))
    phone = models.CharField(_("phone"), max_length=40)
    text = models.TextField(_("text"))
    dedupe_key = models.CharField(_("dedupe key"), max_length=160, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SENT)
    backend = models.CharField(_("backend"), max_length=60, blank=True)
    provider_ref = models.CharField(_("provider reference"), max_length=120, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")

    def __str__(self):
        return f"{self.phone}: {self.text[:40]}"
