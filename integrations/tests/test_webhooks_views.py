"""Console pages for webhooks and sales channels (Perm.INTEGRATIONS_MANAGE: admins)."""

import pytest
from django.urls import reverse

from integrations.models import OutboxEvent, SalesChannel, WebhookDelivery, WebhookSubscription
from integrations.webhooks import dispatcher
from oms.events import publish

from .factories import SalesChannelFactory, WebhookReceiver, WebhookSubscriptionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user("admin"))
    return client


def test_only_integration_managers_get_in(client, staff_user):
    client.force_login(staff_user("manager"))
    for name in ("console:webhook_list", "console:webhook_deliveries", "console:channel_list", "console:webhook_create"):
        assert client.get(reverse(name)).status_code == 403


def test_create_edit_pause_rotate_and_test_a_subscription(admin_client, django_capture_on_commit_callbacks):
    bad = admin_client.post(reverse("console:webhook_create"), {"name": "ERP", "url": "ftp://x", "event_types": []})
    assert bad.status_code == 422 and {"url", "event_types"} <= set(bad.context["form"].errors)
    with WebhookReceiver(statuses=[200]) as hook:
        response = admin_client.post(reverse("console:webhook_create"), {
            "name": "ERP", "url": hook.url, "event_types": ["order.created", "shipment.shipped"], "active": "on"})
        sub = WebhookSubscription.objects.get()
        assert response.status_code == 302 and sub.event_types == ["order.created", "shipment.shipped"]
        page = admin_client.get(reverse("console:webhook_detail", args=[sub.pk]))
        assert page.status_code == 200 and sub.secret in page.content.decode()

        old_secret = sub.secret
        admin_client.post(reverse("console:webhook_rotate", args=[sub.pk]))
        sub.refresh_from_db()
        assert sub.secret != old_secret and sub.secret_rotated_at

        with django_capture_on_commit_callbacks(execute=True):  # the kick delivers at once (eager Celery)
            admin_client.post(reverse("console:webhook_test", args=[sub.pk]))
        delivery = WebhookDelivery.objects.get(subscription=sub)
        assert delivery.event.event_type == "webhook.test" and delivery.status == WebhookDelivery.Status.SUCCEEDED
        assert len(hook.received) == 1

    admin_client.post(reverse("console:webhook_toggle", args=[sub.pk]))
    sub.refresh_from_db()
    assert not sub.active
    paused = admin_client.post(reverse("console:webhook_test", args=[sub.pk]), follow=True)
    assert "paused" in paused.content.decode()

    edit = admin_client.post(reverse("console:webhook_edit", args=[sub.pk]), {
        "name": "ERP 2", "url": "https://erp.example.com/hook", "event_types": ["*", "order.created"]})
    sub.refresh_from_db()
    assert edit.status_code == 302 and sub.name == "ERP 2" and sub.event_types == ["*"] and not sub.active


def test_delivery_log_shows_failures_and_retries_by_hand(admin_client, settings, django_assert_max_num_queries):
    settings.WEBHOOK_MAX_ATTEMPTS = 1
    with WebhookReceiver(statuses=[500, 200]) as hook:
        sub = WebhookSubscriptionFactory(url=hook.url)
        for n in range(5):
            publish("order.status_changed", order_id=n, number=f"SO{n}", from_status="a", to_status="b")
        dispatcher.deliver_due()
        failed = WebhookDelivery.objects.get(status=WebhookDelivery.Status.FAILED)
        with django_assert_max_num_queries(12):
            page = admin_client.get(reverse("console:webhook_deliveries"), {"status": "failed"})
        html = page.content.decode()
        assert page.status_code == 200 and "HTTP 500" in html and str(failed.event.event_id) in html
        with django_assert_max_num_queries(12):
            assert admin_client.get(reverse("console:webhook_detail", args=[sub.pk])).status_code == 200
        detail = admin_client.get(reverse("console:webhook_delivery_detail", args=[failed.pk]))
        assert str(failed.event.event_id) in detail.content.decode()

        response = admin_client.post(reverse("console:webhook_delivery_retry", args=[failed.pk]),
                                     {"next": reverse("console:webhook_deliveries")})
        assert response.status_code == 302 and response.url == reverse("console:webhook_deliveries")
        failed.refresh_from_db()
        assert failed.status == WebhookDelivery.Status.PENDING
        dispatcher.deliver_due()
    failed.refresh_from_db()
    assert failed.status == WebhookDelivery.Status.SUCCEEDED
    assert OutboxEvent.objects.count() == 5


def test_create_and_edit_a_sales_channel(admin_client, shop):
    missing = admin_client.post(reverse("console:channel_create"), {"code": "shop", "name": "Shop"})
    assert missing.status_code == 422 and "default_customer" in missing.context["form"].errors
    unknown = admin_client.post(reverse("console:channel_create"), {"code": "shop", "name": "Shop",
                                                                    "default_customer": "NOPE"})
    assert "default_customer" in unknown.context["form"].errors
    ok = admin_client.post(reverse("console:channel_create"), {"code": "shop", "name": "Shop", "active": "on",
                                                               "default_customer": shop["company"].code})
    channel = SalesChannel.objects.get()
    assert ok.status_code == 302 and channel.default_company == shop["company"] and channel.active
    page = admin_client.get(reverse("console:channel_edit", args=[channel.pk]))
    assert "/channels/shop/orders/" in page.content.decode()
    old = channel.secret
    admin_client.post(reverse("console:channel_rotate", args=[channel.pk]))
    channel.refresh_from_db()
    assert channel.secret != old
    admin_client.post(reverse("console:channel_edit", args=[channel.pk]),
                      {"code": "changed", "name": "Shop 2", "customer_by_code": "on"})
    channel.refresh_from_db()
    assert channel.code == "shop" and channel.name == "Shop 2" and channel.customer_by_code and not channel.active
    duplicate = admin_client.post(reverse("console:channel_create"), {"code": "shop", "name": "Again",
                                                                      "customer_by_code": "on"})
    assert duplicate.status_code == 422 and "code" in duplicate.context["form"].errors
    SalesChannelFactory()
    assert admin_client.get(reverse("console:channel_list")).status_code == 200
    assert admin_client.get(reverse("console:webhook_list")).status_code == 200
