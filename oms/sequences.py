"""Gapless, human-readable document numbers: next_number("transfer", "TR") -> "TR-000042".

The counter row is incremented with an atomic UPDATE ... RETURNING inside the caller's
transaction, so a rolled-back document gives its number back and numbers never repeat."""

from django.db import connection, transaction


def next_number(name: str, prefix: str, width: int = 6) -> str:
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO oms_sequence (name, last_value) VALUES (%s, 1) "
                "ON CONFLICT (name) DO UPDATE SET last_value = oms_sequence.last_value + 1 RETURNING last_value",
                [name],
            )
            value = cursor.fetchone()[0]
    return f"{prefix}-{value:0{width}d}"
