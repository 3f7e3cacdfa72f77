"""PostgreSQL sequences for document numbers that may have gaps (orders, shipments): nextval
takes no row lock, so concurrent order intake is not serialised on one counter row the way
the gapless oms_sequence counters (invoices, purchase orders, transfers) must be. Each one
starts after the counter it replaces."""

from django.db import migrations

NAMES = ("order", "shipment")


def forwards_sql(name):
    return (f"CREATE SEQUENCE IF NOT EXISTS oms_number_{name}; "
            f"SELECT setval('oms_number_{name}', COALESCE((SELECT last_value FROM oms_sequence WHERE name = '{name}'), 0) + 1, false);")


class Migration(migrations.Migration):
    dependencies = [("oms", "0002_sequence")]

    operations = [migrations.RunSQL(forwards_sql(n), f"DROP SEQUENCE IF EXISTS oms_number_{n};") for n in NAMES]
