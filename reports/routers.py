"""Send report computation reads to the read replica (when DATABASE_REPLICA_URL is set).

Only code running inside `reporting()` reads from "replica": the Celery task and the report
page wrap Report.compute / detail_rows in it. Writes always go to "default" (a replica cannot
take them), and so does everything outside the block — order entry never reads a lagging copy.

    with reporting():
        result = report.compute(params, progress)
"""

import threading
from contextlib import contextmanager

from django.conf import settings

REPLICA = "replica"
_state = threading.local()


@contextmanager
def reporting():
    depth = getattr(_state, "depth", 0)
    _state.depth = depth + 1
    try:
        yield
    finally:
        _state.depth = depth


def in_reporting() -> bool:
    return getattr(_state, "depth", 0) > 0


def replica_alias() -> str:
    """The alias report reads should use right now: "replica" when configured and inside reporting()."""
    if in_reporting() and REPLICA in settings.DATABASES:
        return REPLICA
    return "default"


class ReportingRouter:
    def db_for_read(self, model, **hints):
        if in_reporting() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as default

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
