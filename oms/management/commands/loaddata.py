"""Django's loaddata, then the customers' credit balances rebuilt from the orders.

The balances (orders.CreditBalance) are kept by database triggers as orders are written, and
a fixture's orders go through those triggers like any other insert; a fixture taken with
dumpdata also carries the balance rows themselves, so without a rebuild the loaded balances
would count those orders twice."""

from django.core.management.commands.loaddata import Command as LoadData
from django.db import connections, transaction


class Command(LoadData):
    def handle(self, *fixture_labels, **options):
        super().handle(*fixture_labels, **options)  # committed: the triggers' changes are folded in
        using = options.get("database") or "default"
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SELECT orders_rebuild_credit_balances()")
        if options.get("verbosity", 1) >= 1:
            self.stdout.write("Rebuilt the customers' credit balances from the orders.")
