"""Human-readable document numbers.

next_number("transfer", "TR") -> "TR-000042" is gapless: the counter row is incremented with
an atomic UPDATE ... RETURNING inside the caller's transaction, so a rolled-back document
gives its number back and numbers never repeat — but every caller waits for the row lock
until the previous one commits. Use it where the law or the auditors want no gaps.

sequence_number("order", "SO", 7) reads a PostgreSQL sequence (oms/migrations/0003): unique
and increasing, no lock, a rolled-back document leaves a gap. Orders and shipments use it so
intake is not serialised on one counter row."""

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


SEQUENCES = frozenset({"order", "shipment"})  # created by oms/migrations/0003_number_sequences.py


def sequence_number(name: str, prefix: str, width: int = 6) -> str:
    if name not in SEQUENCES:
        raise ValueError(f"no sequence for {name!r}")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval('oms_number_{name}')")
        value = cursor.fetchone()[0]
    return f"{prefix}-{value:0{width}d}"
