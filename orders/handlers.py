"""Domain events from other apps that orders act on (registered in OrdersConfig.ready)."""

from oms.events import subscribe

from .services.workflow import RESERVATION_REF, expire_unpaid_hold


@subscribe("inventory.reservation_expired")
def on_reservation_expired(payload):
    if payload.get("ref_type") == RESERVATION_REF:
        expire_unpaid_hold(order_id=int(payload["ref_id"]))
