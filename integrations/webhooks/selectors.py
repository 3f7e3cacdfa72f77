"""Reads for the webhook and channel pages (bounded queries)."""

from django.db.models import Count, Q

from ..models import SalesChannel, WebhookDelivery, WebhookSubscription

DELIVERY_KEY = ("-created_at", "-id")


def subscription_list():
    S = WebhookDelivery.Status
    return WebhookSubscription.objects.annotate(
        pending=Count("deliveries", filter=Q(deliveries__status=S.PENDING)),
        failed=Count("deliveries", filter=Q(deliveries__status=S.FAILED)),
    ).order_by("name", "pk")


def delivery_list(*, subscription=None, status=None):
    qs = WebhookDelivery.objects.select_related("event", "subscription").defer("event__payload")
    if subscription is not None:
        qs = qs.filter(subscription=subscription)
    if status:
        qs = qs.filter(status=status)
    return qs


def channel_list():
    return SalesChannel.objects.select_related("default_company").order_by("code")
