"""The read-replica router: report computation reads go to "replica" when one is configured;
writes, and reads outside report computation, stay on "default"."""

import threading

from django.conf import settings

from orders.models import Order
from reports.models import ReportRun
from reports.routers import ReportingRouter, replica_alias, reporting


def with_replica():
    return {**settings.DATABASES, "replica": {**settings.DATABASES["default"], "TEST": {"MIRROR": "default"}}}


def test_report_reads_go_to_the_replica_when_configured(settings):
    settings.DATABASES = with_replica()
    router = ReportingRouter()
    assert router.db_for_read(Order) is None  # outside report computation: the default choice
    with reporting():
        assert router.db_for_read(Order) == "replica"
        assert replica_alias() == "replica"
        assert router.db_for_write(ReportRun) == "default"  # progress and results are writes
        with reporting():
            pass
        assert router.db_for_read(Order) == "replica"  # nested blocks keep it
    assert router.db_for_read(Order) is None


def test_without_a_replica_everything_stays_on_default(settings):
    settings.DATABASES = {k: v for k, v in settings.DATABASES.items() if k != "replica"}
    router = ReportingRouter()
    with reporting():
        assert router.db_for_read(Order) is None
        assert replica_alias() == "default"


def test_the_reporting_flag_is_per_thread(settings):
    settings.DATABASES = with_replica()
    router, seen = ReportingRouter(), []
    with reporting():
        thread = threading.Thread(target=lambda: seen.append(router.db_for_read(Order)))
        thread.start()
        thread.join()
    assert seen == [None]  # an order-entry request in another thread never reads the replica


def test_migrations_only_run_on_default():
    router = ReportingRouter()
    assert router.allow_migrate("default", "orders") and not router.allow_migrate("replica", "orders")
