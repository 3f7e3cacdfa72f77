"""Two dealers' users ask to return the same last units at the same moment: one wins."""

import threading

import pytest
from django.db import connections

from returns import services
from returns.errors import ReturnInvalid
from returns.models import ReturnLine

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_requests_for_the_same_last_units_one_wins(delivered):
    d = delivered
    line = d["lines"]["VALVE"]  # 4 delivered
    barrier, won, refused, errors = threading.Barrier(2), [], [], []

    def request(i):
        try:
            barrier.wait()
            services.request_return(actor=d["buyer"], company=d["company"], order=d["order"],
                                    lines=[{"order_line": line.pk, "quantity": 3, "reason": "excess"}])
            won.append(i)
        except ReturnInvalid:
            refused.append(i)
        except Exception as exc:  # anything else is a failure the user would see
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    assert len(won) == 1 and len(refused) == 1
    assert sum(ReturnLine.objects.filter(order_line=line).values_list("quantity", flat=True)) == 3
