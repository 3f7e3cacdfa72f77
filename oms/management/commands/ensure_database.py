import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql


class Command(BaseCommand):
    help = "Create the configured PostgreSQL database if it does not exist yet."

    def handle(self, *args, **options):
        db = settings.DATABASES["default"]
        params = {
            "host": db.get("HOST") or None, "port": db.get("PORT") or None,
            "user": db.get("USER") or None, "password": db.get("PASSWORD") or None,
        }
        name = db["NAME"]
        try:
            with psycopg.connect(dbname=name, connect_timeout=5, **params):
                return
        except psycopg.OperationalError as exc:
            if "does not exist" not in str(exc):
                raise CommandError(f"Cannot reach PostgreSQL: {exc}") from exc
        try:
            with psycopg.connect(dbname="postgres", autocommit=True, connect_timeout=5, **params) as conn:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        except psycopg.errors.DuplicateDatabase:
            return
        except psycopg.OperationalError as exc:
            raise CommandError(f"Cannot create database {name!r}: {exc}") from exc
        self.stdout.write(f"Created database {name!r}.")
