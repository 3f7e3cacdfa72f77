"""An unpaid order counts against its customer's credit for what it still owes, not its whole
total: Order.amount_paid (what payments and credit notes paid on its invoice, kept by
payments) is taken off. orders_credit_counted gets a fourth argument, the row trigger also
fires when amount_paid changes, and every balance is rebuilt."""

from decimal import Decimal

from django.db import migrations, models

COUNTED_4 = """
    CREATE FUNCTION orders_credit_counted(status text, is_paid boolean, total numeric, amount_paid numeric)
    RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN NOT is_paid AND status NOT IN ('draft', 'cancelled') THEN GREATEST(total - amount_paid, 0)
        ELSE 0 END
    $$
"""
COUNTED_3 = """
    CREATE FUNCTION orders_credit_counted(status text, is_paid boolean, total numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN NOT is_paid AND status NOT IN ('draft', 'cancelled') THEN total ELSE 0 END
    $$
"""


def change_function(args):
    old = "OLD.status, OLD.is_paid, OLD.total" + (", OLD.amount_paid" if args == 4 else "")
    new = "NEW.status, NEW.is_paid, NEW.total" + (", NEW.amount_paid" if args == 4 else "")
    return f"""
    CREATE OR REPLACE FUNCTION orders_credit_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        was numeric := 0;
        now_counted numeric := 0;
    BEGIN
        IF TG_OP <> 'INSERT' THEN was := orders_credit_counted({old}); END IF;
        IF TG_OP <> 'DELETE' THEN now_counted := orders_credit_counted({new}); END IF;
        IF TG_OP = 'UPDATE' AND OLD.company_id <> NEW.company_id THEN
            IF was <> 0 THEN
                INSERT INTO orders_creditchange (company_id, amount, txid) VALUES (OLD.company_id, -was, txid_current());
            END IF;
            IF now_counted <> 0 THEN
                INSERT INTO orders_creditchange (company_id, amount, txid) VALUES (NEW.company_id, now_counted, txid_current());
            END IF;
        ELSIF now_counted <> was THEN
            INSERT INTO orders_creditchange (company_id, amount, txid)
            VALUES (CASE WHEN TG_OP = 'DELETE' THEN OLD.company_id ELSE NEW.company_id END, now_counted - was, txid_current());
        END IF;
        RETURN NULL;
    END $$
    """


def trigger(columns):
    return f"""
    CREATE TRIGGER orders_credit_change AFTER INSERT OR DELETE OR UPDATE OF {columns}
    ON orders_order FOR EACH ROW EXECUTE FUNCTION orders_credit_change()
    """


def rebuild_function(args):
    call = "status, is_paid, total" + (", amount_paid" if args == 4 else "")
    return f"""
    CREATE OR REPLACE FUNCTION orders_rebuild_credit_balances() RETURNS void LANGUAGE sql AS $$
        LOCK TABLE orders_order IN SHARE MODE;
        DELETE FROM orders_creditbalance;
        INSERT INTO orders_creditbalance (company_id, amount)
        SELECT company_id, SUM(orders_credit_counted({call})) FROM orders_order GROUP BY company_id;
    $$
    """


# What was paid on each order's invoices so far (void invoices keep nothing paid).
BACKFILL = """
    UPDATE orders_order o SET amount_paid = paid.amount
    FROM (SELECT order_id, SUM(amount_paid) AS amount FROM payments_invoice
          WHERE order_id IS NOT NULL GROUP BY order_id) paid
    WHERE paid.order_id = o.id AND paid.amount <> 0
"""

FORWARD = [
    "DROP TRIGGER orders_credit_change ON orders_order",
    COUNTED_4,
    change_function(4),
    rebuild_function(4),
    "DROP FUNCTION orders_credit_counted(text, boolean, numeric)",
    trigger("status, is_paid, total, amount_paid, company_id"),
    BACKFILL,
    "SELECT orders_rebuild_credit_balances()",
]
BACKWARD = [
    "DROP TRIGGER orders_credit_change ON orders_order",
    COUNTED_3,
    change_function(3),
    rebuild_function(3),
    "DROP FUNCTION orders_credit_counted(text, boolean, numeric, numeric)",
    trigger("status, is_paid, total, company_id"),
    "SELECT orders_rebuild_credit_balances()",
]


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0015_credit_counts_completed_unpaid"),
        ("payments", "0002_methods_and_void"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="amount_paid",
            field=models.DecimalField(decimal_places=2, db_default=Decimal("0"), default=Decimal("0"), max_digits=14,
                                      verbose_name="amount paid"),
        ),
        migrations.RunSQL(FORWARD, reverse_sql=BACKWARD),
    ]
