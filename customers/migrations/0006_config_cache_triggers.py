"""Stamp the tax rates' and the promotions' generations on every change, so processes refresh
their copies (oms.config_cache)."""

from django.db import migrations

from oms.config_cache import watch_table


class Migration(migrations.Migration):

    dependencies = [
        ("customers", "0005_tickets_loyalty_notes"),
        ("oms", "0005_config_generation"),
    ]

    operations = [watch_table("customers_taxrate", "tax_rates"), watch_table("customers_promotion", "promotions")]
