"""Customers' open receivables as a running balance kept by database triggers (migrations
0013 and 0016): it must always equal what the customer's unpaid open orders still owe,
whatever changed them, and a transaction sees its own changes before it commits."""

from decimal import Decimal

import pytest
from django.db import connection, transaction

from orders.models import CreditBalance, CreditChange, Order, Status
from orders.review import CREDIT_STATUSES, open_receivables
from orders.services.changes import edit_order
from orders.services.intake import place_order
from orders.services.workflow import cancel_order, record_payment_received
from tests.factories import CompanyFactory, OrderFactory


def summed(company):
    """The open receivables the slow way: what each unpaid counted order still owes."""
    return sum((max(o.total - o.amount_paid, 0)
                for o in Order.objects.filter(company=company, is_paid=False, status__in=CREDIT_STATUSES)), Decimal(0))


def balance(company):
    row = CreditBalance.objects.filter(company_id=company.pk).first()
    return row.amount if row else Decimal(0)


@pytest.mark.django_db
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("is_paid", [False, True])
@pytest.mark.parametrize("paid", [0, 4, 12])
def test_the_database_counts_exactly_the_orders_review_counts(status, is_paid, paid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT orders_credit_counted(%s, %s, 10, %s)", [str(status), is_paid, paid])
        counted = cursor.fetchone()[0]
    assert counted == (max(10 - paid, 0) if status in CREDIT_STATUSES and not is_paid else 0)


def place(shop, quantity=1, **kwargs):
    return place_order(actor=shop["sales"], company=shop["company"], channel="console",
                       lines=[{"sku": "VALVE", "quantity": quantity}], **kwargs)[0]


@pytest.mark.django_db(transaction=True)
def test_balance_follows_every_change_to_an_order_as_it_commits(shop):
    company = shop["company"]
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    a, b, c = place(shop), place(shop, 2), place(shop, 3)
    assert a.status == Status.ALLOCATED and balance(company) == a.total + b.total + c.total == summed(company)

    cancel_order(actor=shop["sales"], order=a, reason="duplicate")
    assert balance(company) == b.total + c.total == summed(company)

    record_payment_received(actor=None, order=b)
    assert balance(company) == c.total == summed(company)

    edited = edit_order(actor=shop["sales"], order=c, lines=[{"sku": "VALVE", "quantity": 5}], reason="customer called")
    assert edited.total > c.total and balance(company) == edited.total == summed(company)

    other = CompanyFactory()
    Order.objects.filter(pk=c.pk).update(company=other)  # moved by hand in the admin or the shell
    assert balance(company) == 0 and balance(other) == edited.total

    with pytest.raises(RuntimeError), transaction.atomic():  # rolled back: counts for nothing
        place(shop)
        raise RuntimeError
    assert balance(company) == 0 == summed(company)

    bare = OrderFactory(company=other, status=Status.SHIPPED, total=Decimal("70.00"))  # no lines: it may be deleted
    assert balance(other) == edited.total + bare.total
    bare.delete()
    assert balance(other) == edited.total == summed(other)
    assert not CreditChange.objects.exists()  # every change was folded in at its commit


@pytest.mark.django_db(transaction=True)
def test_a_completed_order_still_unpaid_counts_against_credit_until_paid(shop):
    """Delivered and closed is not paid: the invoice of a completed order can still be open
    (or reopened by a refund), and the credit check must see it, as the aging report does."""
    company = shop["company"]
    done = OrderFactory(company=company, status=Status.COMPLETED, total=Decimal("4197.72"))
    assert open_receivables(company) == done.total == summed(company)
    record_payment_received(actor=None, order=done)
    assert open_receivables(company) == 0 == summed(company)


@pytest.mark.django_db(transaction=True)
def test_a_partly_paid_order_counts_for_what_it_still_owes(shop):
    """A customer paid part of an invoice: the credit check counts only the rest, and a
    refund of that money counts it again."""
    from payments.services import allocate_payment, issue_invoice, record_bank_transfer, refund_payment

    company = shop["company"]
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    order = place(shop, 4)
    invoice = issue_invoice(actor=None, order=order)
    payment = record_bank_transfer(actor=None, amount="100.00", reference="TT-PART-1", invoice=invoice)
    order.refresh_from_db()
    assert not order.is_paid and order.amount_paid == Decimal("100.00")
    assert open_receivables(company) == order.total - Decimal("100.00") == summed(company)

    refund_payment(actor=None, payment=payment, amount="40", reason="wrong amount")
    order.refresh_from_db()
    assert order.amount_paid == Decimal("60.00")
    assert open_receivables(company) == order.total - Decimal("60.00") == summed(company)

    rest = record_bank_transfer(actor=None, amount=str(order.total - Decimal("60.00")), reference="TT-PART-2",
                                company=company, currency=order.currency)
    allocate_payment(actor=None, payment=rest, invoice=invoice)
    order.refresh_from_db()
    assert order.is_paid and order.amount_paid == order.total
    assert open_receivables(company) == 0 == summed(company)

    cancel_order(actor=shop["sales"], order=place(shop, 1), reason="test")  # nothing paid: nothing moves
    assert open_receivables(company) == 0 == summed(company)


@pytest.mark.django_db
def test_a_transaction_counts_the_orders_it_placed_before_committing(shop):
    """An import places several orders of one customer in one transaction: each is checked
    against the ones before it."""
    company = shop["company"]
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    first = place(shop, 4)
    company.credit_limit = first.total * 2 + Decimal("1")  # room for two such orders
    company.save()
    with transaction.atomic():
        second = place(shop, 4)
        assert open_receivables(company) == first.total + second.total
        third = place(shop, 4)
    assert (second.status, third.status) == (Status.ALLOCATED, Status.ON_HOLD)
    assert third.hold_reasons[0]["code"] == "credit_limit"
    # a held order re-reviewed does not count itself twice
    assert open_receivables(company, exclude_order=third) == first.total + second.total


@pytest.mark.django_db(transaction=True)
def test_rebuild_recomputes_balances_from_the_orders(shop):
    """After a bulk load that bypassed the triggers (bench/queue_data.py), one call puts every
    balance right."""
    company = shop["company"]
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    order = place(shop, 2)
    CreditBalance.objects.all().delete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT orders_rebuild_credit_balances()")
    assert balance(company) == order.total == summed(company)


@pytest.mark.django_db
def test_intake_locks_the_customers_credit_in_its_last_statements(shop):
    """A customer's orders wait for each other on that lock until commit: every other write
    of the order comes before it (the lock, then the balance read again under it)."""
    from django.test.utils import CaptureQueriesContext

    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    with CaptureQueriesContext(connection) as ctx:
        order = place(shop)
    assert order.status == Status.ALLOCATED
    statements = [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert statements[-2].endswith("FOR NO KEY UPDATE") and "customers_company" in statements[-2]
    assert f"FROM {CreditBalance._meta.db_table}" in statements[-1]


@pytest.mark.django_db(transaction=True)
def test_an_order_rolled_back_to_a_savepoint_counts_for_nothing_when_the_rest_commits(shop):
    """Intake retries an order inside its caller's transaction (CreditChanged) and an import
    places many in one: a part rolled back to its savepoint must leave no trace in the balance."""
    company = shop["company"]
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=100)
    with transaction.atomic():
        kept = place(shop, 2)
        with pytest.raises(RuntimeError), transaction.atomic():
            place(shop, 3)
            raise RuntimeError
    assert balance(company) == kept.total == summed(company)
    assert not CreditChange.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_dump_loaded_back_counts_each_order_once(tmp_path):
    """dumpdata carries the balance rows and the orders; loading both back must not count the
    orders twice (the triggers count them as they are inserted)."""
    from django.core.management import call_command

    company = CompanyFactory()
    order = OrderFactory(company=company, status=Status.SHIPPED, total=Decimal("321.00"))  # no lines: may be deleted
    assert balance(company) == Decimal("321.00")
    fixture = tmp_path / "backup.json"
    call_command("dumpdata", "orders.order", "orders.creditbalance", output=str(fixture), verbosity=0)
    Order.objects.filter(pk=order.pk).delete()
    CreditBalance.objects.all().delete()
    call_command("loaddata", str(fixture), verbosity=0)
    assert balance(company) == Decimal("321.00") == summed(company)
