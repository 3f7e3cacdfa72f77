"""Stamp the webhook subscriptions generation on every change, so processes refresh their copy
(oms.config_cache)."""

from django.db import migrations

from oms.config_cache import watch_table


class Migration(migrations.Migration):

    dependencies = [
        ("integrations", "0002_api_idempotency_keys"),
        ("oms", "0005_config_generation"),
    ]

    operations = [watch_table("integrations_webhooksubscription", "webhook_subscriptions")]
