"""Webhook URLs may not reach internal services: loopback, private networks and the cloud
metadata address are refused when saving a subscription and again before each POST."""

import pytest
from django.urls import reverse

from integrations.models import WebhookDelivery
from integrations.webhooks.targets import BlockedTarget, check_target


@pytest.fixture
def guarded(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = False


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/hook", "http://192.168.0.5/hook",
    "http://169.254.169.254/latest/meta-data/", "http://[::1]/hook", "http://0.0.0.0/hook",
])
def test_internal_addresses_are_refused(guarded, url):
    with pytest.raises(BlockedTarget, match="private or reserved"):
        check_target(url)


def test_a_public_address_is_allowed(guarded):
    check_target("https://93.184.215.14/hooks/oms")  # a literal public IP: no DNS needed


def test_development_may_post_to_local_receivers(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_TARGETS = True
    check_target("http://127.0.0.1:8080/hook")


@pytest.mark.django_db
def test_the_console_refuses_an_internal_url_with_a_field_error(guarded, client, staff_user):
    client.force_login(staff_user("admin"))
    response = client.post(reverse("console:webhook_create"), {
        "name": "Metadata", "url": "http://169.254.169.254/latest/meta-data/", "event_types": ["order.created"],
        "active": "on",
    })
    assert response.status_code in (200, 422)
    assert "private or reserved" in response.content.decode()
    from integrations.models import WebhookSubscription

    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_a_delivery_to_an_internal_address_fails_without_sending(guarded, settings):
    from integrations.tests.factories import WebhookSubscriptionFactory
    from integrations.webhooks import dispatcher
    from oms.events import publish
    from django.db import transaction

    settings.WEBHOOK_MAX_ATTEMPTS = 1
    WebhookSubscriptionFactory(url="http://127.0.0.1:9/hook", event_types=["*"])
    with transaction.atomic():
        publish("order.status_changed", order_id=1, number="SO1", from_status="a", to_status="b")
    dispatcher.deliver_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.FAILED
    assert "private or reserved" in delivery.last_error and delivery.last_status_code is None
