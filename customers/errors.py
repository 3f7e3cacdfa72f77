"""Broken business rules in customers: tickets, loyalty, dealer users, credit holds."""

from oms.errors import DomainError, ValidationFailed


class InsufficientPoints(DomainError):
    """A redemption asks for more points than the company has (nothing was written)."""

    code = "insufficient_points"


class LoyaltyUnavailable(DomainError):
    """No active loyalty rule covers the company today, or the redemption is below its minimum."""

    code = "loyalty_unavailable"


class IllegalTicketTransition(DomainError):
    code = "illegal_ticket_transition"


class InvalidAttachment(ValidationFailed):
    code = "invalid_attachment"


class LastDealerAdmin(DomainError):
    """The change would leave the company without an active dealer admin, or lock yourself out."""

    code = "last_dealer_admin"


class CreditStateError(DomainError):
    code = "credit_state"
