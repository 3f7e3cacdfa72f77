"""Rebuild the DailySales rollup from the raw order lines for a range of days.

    manage.py rebuild_sales_rollup                       # every day from the first order to today
    manage.py rebuild_sales_rollup --days 7              # the last 7 days
    manage.py rebuild_sales_rollup --from 2026-01-01 --to 2026-03-31
"""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import rollup


class Command(BaseCommand):
    help = "Rebuild the daily sales rollup (reports_dailysales) from order lines for a range of days."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", type=date.fromisoformat, help="first day (YYYY-MM-DD)")
        parser.add_argument("--to", dest="date_to", type=date.fromisoformat, help="last day, inclusive (default today)")
        parser.add_argument("--days", type=int, help="the last N days up to --to")

    def handle(self, *args, date_from=None, date_to=None, days=None, verbosity=1, **options):
        date_to = date_to or timezone.localdate()
        if days is not None:
            if days < 1:
                raise CommandError("--days must be at least 1")
            date_from = date_to - timedelta(days=days - 1)
        elif date_from is None:
            date_from = rollup.first_sales_day() or date_to
        if date_from > date_to:
            raise CommandError("--from is after --to")
        result = rollup.rebuild_range(date_from, date_to)
        if verbosity:
            self.stdout.write(f"Rebuilt {result['days']} day(s) {date_from} – {date_to}: {result['rows']} rollup row(s).")
