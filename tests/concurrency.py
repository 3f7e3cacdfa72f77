"""Running a service from many threads at once against PostgreSQL (tests with
django_db(transaction=True)): each thread waits at a barrier, then calls fn(i)."""

import threading
from concurrent.futures import ThreadPoolExecutor

from celery._state import _set_task_join_will_block
from django.db import connections

from oms.errors import DomainError


def race(n, fn):
    """[("ok", result) | ("refused", message) | ("error", repr)] for n concurrent calls of
    fn(i): a DomainError is a clean refusal a user would read; anything else is a bug."""
    barrier, results = threading.Barrier(n), []

    def work(i):
        try:
            barrier.wait()
            results.append(("ok", fn(i)))
        except DomainError as exc:
            results.append(("refused", str(exc)))
        except Exception as exc:  # anything else is a bug a user would see
            results.append(("error", repr(exc)))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(n) as pool:
        list(pool.map(work, range(n)))
    # Eager Celery (the tests' mode) marks "inside a task" in a process-wide flag around each
    # apply_async and restores the value it saw: threads interleaving there can leave it set,
    # and every later .get() in this process would then refuse. No thread runs a task now.
    _set_task_join_will_block(False)
    return results
