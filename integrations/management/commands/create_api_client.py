"""python manage.py create_api_client NAME --scopes orders:read orders:write [--rate-limit 600]

Prints the token once: store it in the client's configuration; only its digest is kept."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from integrations.api.services import create_api_client
from integrations.models import ApiScope
from oms.errors import DomainError


class Command(BaseCommand):
    help = "Create a REST API client and print its token (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--scopes", nargs="+", required=True, metavar="SCOPE",
                            help="One or more of: " + ", ".join(ApiScope.values) + " (or 'all').")
        parser.add_argument("--rate-limit", type=int, default=600, help="Requests per minute (default 600).")
        parser.add_argument("--created-by", default="", help="Username of the staff member creating the client.")

    def handle(self, *args, name, scopes, rate_limit, created_by, **options):
        actor = None
        if created_by:
            actor = get_user_model().objects.filter(username=created_by).first()
            if actor is None:
                raise CommandError(f"No user {created_by!r}.")
        if "all" in scopes:
            scopes = list(ApiScope.values)
        try:
            new = create_api_client(actor=actor, name=name, scopes=scopes, rate_limit_per_minute=rate_limit)
        except DomainError as err:
            raise CommandError(str(err.message))
        self.stderr.write(f"API client {new.client.name!r} created with scopes {', '.join(new.client.scopes)}. "
                          "The token is shown only now:")
        self.stdout.write(new.token)
