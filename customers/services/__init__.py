"""Every write on customers: verb_noun(*, actor, ...) in transaction.atomic.

    dealers.py   portal users (create, invite, role, deactivate) and addresses
    tickets.py   support tickets: open, reply, assign, status, SLA reminders
    loyalty.py   points: award (idempotent per order), redeem, adjust
    accounts.py  staff notes, credit hold and release

Other apps import from here (`from customers.services import open_ticket`), never from the
submodules, so the split can change without breaking callers."""

from .accounts import add_customer_note, hold_credit, release_credit
from .dealers import (
    change_dealer_role, create_address, create_dealer_user, deactivate_dealer_user, delete_address, invite_dealer_user,
    reactivate_dealer_user, set_buyer_order_limit, set_default_address, update_address,
)
from .loyalty import (
    adjust_points, award_points, follow_order_payment, points_value, points_worth, redeem_points, return_order_points,
)
from .tickets import (
    assign_ticket, change_ticket_status, close_ticket, open_ticket, remind_overdue_tickets, reopen_ticket,
    reply_to_ticket,
)

__all__ = [
    "add_customer_note", "hold_credit", "release_credit",
    "change_dealer_role", "create_address", "create_dealer_user", "deactivate_dealer_user", "delete_address",
    "invite_dealer_user",
    "reactivate_dealer_user", "set_buyer_order_limit", "set_default_address", "update_address",
    "adjust_points", "award_points", "follow_order_payment", "points_value", "points_worth", "redeem_points",
    "return_order_points",
    "assign_ticket", "change_ticket_status", "close_ticket", "open_ticket", "remind_overdue_tickets",
    "reopen_ticket", "reply_to_ticket",
]
