"""Subscriptions to domain events (oms.events); imported by ReportsConfig.ready().

order.status_changed is emitted after commit for every status change of an order, including
its first submit by intake (draft -> submitted inside place_order), cancellation and the
re-submit after an edit of its lines. Booked sales change only when an order enters or leaves
draft/cancelled or its lines are edited (edits happen before picking and send the order back
through submitted/review), so status changes along fulfilment are skipped."""

import logging
from datetime import datetime

from oms.events import first_in_commit, subscribe

from . import rollup
from .tasks_rollup import queue_recompute, queue_refresh

logger = logging.getLogger("reports.rollup")

# Once picking starts, lines cannot change and the order cannot be cancelled: nothing to do.
FULFILMENT = {"picking", "packed", "partially_shipped", "shipped", "delivered", "completed"}
NOT_BOOKED = {"draft", "cancelled"}


def affects_sales(from_status: str, to_status: str) -> bool:
    return to_status not in FULFILMENT or from_status in NOT_BOOKED


@subscribe("order.status_changed")
def refresh_sales_rollup_on_status_change(payload):
    if not affects_sales(payload.get("from_status", ""), payload.get("to_status", "")):
        return
    if not (payload.get("created_at") and payload.get("company_id")):  # an older payload: look the order up
        queue_refresh(payload["order_id"])
        return
    # The event names the order's day and customer: queue that group's recompute directly
    # (nothing is sent while one is already waiting), once for the events committed together.
    day = rollup.sales_day(datetime.fromisoformat(payload["created_at"]))
    if first_in_commit(("sales-rollup", day, payload["company_id"])):
        queue_recompute(day, payload["company_id"])
