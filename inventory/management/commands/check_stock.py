from django.core.management.base import BaseCommand, CommandError

from inventory.selectors import stock_drift


class Command(BaseCommand):
    help = "Verify every stock row against its ledger and open reservations; exit non-zero on drift."

    def handle(self, *args, **options):
        drift = stock_drift()
        for s in drift:
            self.stdout.write(
                f"DRIFT {s.product.sku} @ {s.warehouse.code}: on hand {s.on_hand} vs ledger {s.ledger_on_hand}; "
                f"reserved {s.reserved} vs open reservations {s.held}"
            )
        if drift:
            raise CommandError(f"{len(drift)} stock row(s) drift from the ledger.")
        self.stdout.write(self.style.SUCCESS("Stock matches the ledger and open reservations."))
