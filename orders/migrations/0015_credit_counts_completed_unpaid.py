"""A completed order that is still unpaid (its invoice open, or reopened by a refund) counts
against the customer's credit like any other unpaid order: only drafts and cancelled orders
never do. Replaces orders_credit_counted (migration 0013) and rebuilds every balance."""

from django.db import migrations


def counted(excluded):
    statuses = ", ".join(f"'{s}'" for s in excluded)
    return f"""
    CREATE OR REPLACE FUNCTION orders_credit_counted(status text, is_paid boolean, total numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN NOT is_paid AND status NOT IN ({statuses}) THEN total ELSE 0 END
    $$
    """


REBUILD = "SELECT orders_rebuild_credit_balances()"


class Migration(migrations.Migration):
    dependencies = [("orders", "0014_prepaid_unpaid_index")]

    operations = [
        migrations.RunSQL([counted(["draft", "cancelled"]), REBUILD],
                          reverse_sql=[counted(["draft", "cancelled", "completed"]), REBUILD]),
    ]
