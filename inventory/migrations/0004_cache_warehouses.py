"""Stamp the warehouses generation on every change, so processes refresh their copy
(oms.config_cache)."""

from django.db import migrations

from oms.config_cache import watch_table


class Migration(migrations.Migration):

    dependencies = [
        ("inventory", "0003_stock_ledger"),
        ("oms", "0005_config_generation"),
    ]

    operations = [watch_table("inventory_warehouse", "warehouses")]
