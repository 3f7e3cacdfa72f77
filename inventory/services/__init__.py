"""Every write to stock goes through these services (see ARCHITECTURE.md, rule 1)."""

from .purchasing import cancel_purchase_order, create_purchase_order, receive_purchase_order, send_purchase_order
from .replenishment import run_replenishment
from .reservations import (
    consume_reservations, keep_reservations, release_expired_reservations, release_reservations, reserve_stock,
)
from .stock import adjust_stock, count_stock, receive_stock
from .transfers import cancel_transfer, create_transfer, receive_transfer, ship_transfer

__all__ = [
    "adjust_stock", "cancel_purchase_order", "cancel_transfer", "consume_reservations", "count_stock",
    "create_purchase_order", "create_transfer", "keep_reservations", "receive_purchase_order", "receive_stock", "receive_transfer",
    "release_expired_reservations", "release_reservations", "reserve_stock", "run_replenishment", "send_purchase_order", "ship_transfer",
]
