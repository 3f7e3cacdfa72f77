"""Customers' open receivables kept as a running balance (orders.CreditBalance) instead of a
sum over every open order on each credit check.

- orders_credit_counted(status, is_paid, total): what one order adds to its customer's open
  receivables: its total while it is unpaid and neither a draft, cancelled nor completed
  (review.CREDIT_STATUSES; a test holds the two together).
- A row trigger on orders_order records every change of that amount as a CreditChange row,
  stamped with the transaction's id (review reads its own by customer and txid).
- A deferred constraint trigger folds the transaction's CreditChange rows into CreditBalance
  and deletes them as it commits: balance rows are locked only then, when the transaction
  needs no other lock, and in customer id order.
- orders_rebuild_credit_balances() recomputes every balance from the orders (here, and after
  a bulk load that bypassed the triggers); it blocks order writes while it runs."""

from decimal import Decimal

from django.db import migrations, models

SQL = [
    """
    CREATE FUNCTION orders_credit_counted(status text, is_paid boolean, total numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN NOT is_paid AND status NOT IN ('draft', 'cancelled', 'completed') THEN total ELSE 0 END
    $$
    """,
    """
    CREATE FUNCTION orders_credit_change() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        was numeric := 0;
        now_counted numeric := 0;
    BEGIN
        IF TG_OP <> 'INSERT' THEN was := orders_credit_counted(OLD.status, OLD.is_paid, OLD.total); END IF;
        IF TG_OP <> 'DELETE' THEN now_counted := orders_credit_counted(NEW.status, NEW.is_paid, NEW.total); END IF;
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
    """,
    """
    CREATE TRIGGER orders_credit_change AFTER INSERT OR DELETE OR UPDATE OF status, is_paid, total, company_id
    ON orders_order FOR EACH ROW EXECUTE FUNCTION orders_credit_change()
    """,
    """
    CREATE FUNCTION orders_credit_fold() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        -- The first call of a commit folds all of the transaction's changes, customer by
        -- customer in id order, so two transactions that touched the same customers lock their
        -- balances in the same order; the later calls find nothing left.
        INSERT INTO orders_creditbalance AS b (company_id, amount)
        SELECT company_id, SUM(amount) FROM orders_creditchange WHERE txid = NEW.txid
        GROUP BY company_id ORDER BY company_id
        ON CONFLICT (company_id) DO UPDATE SET amount = b.amount + EXCLUDED.amount;
        DELETE FROM orders_creditchange WHERE txid = NEW.txid;
        RETURN NULL;
    END $$
    """,
    """
    CREATE CONSTRAINT TRIGGER orders_credit_fold AFTER INSERT ON orders_creditchange
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION orders_credit_fold()
    """,
    """
    CREATE FUNCTION orders_rebuild_credit_balances() RETURNS void LANGUAGE sql AS $$
        LOCK TABLE orders_order IN SHARE MODE;
        DELETE FROM orders_creditbalance;
        INSERT INTO orders_creditbalance (company_id, amount)
        SELECT company_id, SUM(orders_credit_counted(status, is_paid, total)) FROM orders_order GROUP BY company_id;
    $$
    """,
    "SELECT orders_rebuild_credit_balances()",
]

REVERSE_SQL = [
    "DROP FUNCTION orders_rebuild_credit_balances()",
    "DROP TRIGGER orders_credit_fold ON orders_creditchange",
    "DROP FUNCTION orders_credit_fold()",
    "DROP TRIGGER orders_credit_change ON orders_order",
    "DROP FUNCTION orders_credit_change()",
    "DROP FUNCTION orders_credit_counted(text, boolean, numeric)",
]


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0012_orderline_product_order_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="CreditBalance",
            fields=[
                ("company_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("amount", models.DecimalField(decimal_places=2, default=Decimal("0"), max_digits=18)),
            ],
            options={"verbose_name": "credit balance", "verbose_name_plural": "credit balances"},
        ),
        migrations.CreateModel(
            name="CreditChange",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("company_id", models.BigIntegerField()),
                ("amount", models.DecimalField(decimal_places=2, max_digits=18)),
                ("txid", models.BigIntegerField()),
            ],
            options={
                "verbose_name": "credit change", "verbose_name_plural": "credit changes",
                "indexes": [models.Index(fields=["txid", "company_id"], name="creditchange_txid_company_idx")],
            },
        ),
        migrations.RunSQL(sql=SQL, reverse_sql=REVERSE_SQL),
    ]
