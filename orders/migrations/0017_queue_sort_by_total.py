"""The order queue sorts by total: an index on (total, id) behind both directions, built
without blocking order writes on a large table."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0016_credit_counts_what_is_still_owed"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="order",
            index=models.Index(fields=["total", "id"], name="order_total_id_idx"),
        ),
    ]
