"""Configuration tables read on every order are kept per process and re-read when they change
— whoever changes them, however, and whether or not the change commits."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from inventory.atp import active_warehouses
from orders.approval import active_rules
from orders.models import ApprovalRule
from tests.factories import ApprovalRuleFactory, WarehouseFactory


@pytest.mark.django_db
def test_an_unchanged_table_costs_one_primary_key_read():
    rule = ApprovalRuleFactory(threshold=Decimal("5000"))
    assert [r.pk for r in active_rules()] == [rule.pk]
    with CaptureQueriesContext(connection) as ctx:
        assert [r.pk for r in active_rules()] == [rule.pk]
    assert [q["sql"] for q in ctx.captured_queries] == [
        "SELECT generation FROM oms_config_generation WHERE name = 'approval_rules'"]


@pytest.mark.django_db
def test_any_change_is_seen_at_once_even_a_bulk_update_or_raw_sql():
    rule = ApprovalRuleFactory()
    assert [r.pk for r in active_rules()] == [rule.pk]
    ApprovalRule.objects.filter(pk=rule.pk).update(active=False)  # no signals: the trigger still fires
    assert active_rules() == []
    with connection.cursor() as cursor:
        cursor.execute("UPDATE orders_approvalrule SET active = true, threshold = 7 WHERE id = %s", [rule.pk])
    assert [(r.pk, r.threshold) for r in active_rules()] == [(rule.pk, Decimal("7.00"))]


@pytest.mark.django_db
def test_a_rolled_back_change_never_sticks():
    first = WarehouseFactory(code="W1", priority=1)
    assert [w.code for w in active_warehouses()] == ["W1"]
    with pytest.raises(RuntimeError), transaction.atomic():
        WarehouseFactory(code="W2", priority=2)
        assert [w.code for w in active_warehouses()] == ["W1", "W2"]  # the transaction sees its own change
        raise RuntimeError("rolled back")
    assert [w.code for w in active_warehouses()] == ["W1"]  # not the copy read inside the rolled-back block
    WarehouseFactory(code="W3", priority=3)  # a new change after the rollback gets a new number
    assert [w.code for w in active_warehouses()] == ["W1", "W3"]
    assert first.pk in [w.pk for w in active_warehouses()]


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_connection_is_seen_and_an_uncommitted_one_is_not():
    ApprovalRuleFactory(name="Big orders")
    assert [r.name for r in active_rules()] == ["Big orders"]
    written, release = threading.Event(), threading.Event()

    def other_process():
        try:
            with transaction.atomic():
                ApprovalRule.objects.create(name="Manual prices", condition="manual_price", threshold=0, levels=["sales_manager"])
                written.set()
                release.wait(10)
        finally:
            connections.close_all()

    t = threading.Thread(target=other_process)
    t.start()
    written.wait(10)
    assert [r.name for r in active_rules()] == ["Big orders"]  # not committed yet
    release.set()
    t.join()
    assert sorted(r.name for r in active_rules()) == ["Big orders", "Manual prices"]


@pytest.mark.django_db
def test_a_unit_of_work_reads_every_generation_in_one_statement():
    from oms.config_cache import read_once

    rule, house = ApprovalRuleFactory(), WarehouseFactory(code="W1")
    active_rules(), active_warehouses()  # copies loaded
    with CaptureQueriesContext(connection) as ctx, read_once():
        assert [r.pk for r in active_rules()] == [rule.pk]
        assert [w.pk for w in active_warehouses()] == [house.pk]
        with read_once():  # nested: the outer read serves
            assert [r.pk for r in active_rules()] == [rule.pk]
    assert [q["sql"] for q in ctx.captured_queries] == ["SELECT name, generation FROM oms_config_generation"]


@pytest.mark.django_db
def test_after_a_unit_of_work_changes_are_seen_again():
    from oms.config_cache import read_once

    with read_once():
        assert [w.code for w in active_warehouses()] == []
    WarehouseFactory(code="W1")
    with read_once():
        assert [w.code for w in active_warehouses()] == ["W1"]
    assert [w.code for w in active_warehouses()] == ["W1"]
