"""Stamp the approval rules generation on every change, so processes refresh their copy
(oms.config_cache)."""

from django.db import migrations

from oms.config_cache import watch_table


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0009_loyalty_discount_db_default"),
        ("oms", "0005_config_generation"),
    ]

    operations = [watch_table("orders_approvalrule", "approval_rules")]
