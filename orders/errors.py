from django.utils.translation import gettext as _

from oms.errors import DomainError, ValidationFailed


class IllegalTransition(DomainError):
    code = "illegal_transition"

    def __init__(self, order, to_status):
        from .models import Status

        super().__init__(
            _("Order %(number)s is %(current)s: it cannot become %(target)s.")
            % {"number": order.number, "current": order.get_status_display(), "target": Status(to_status).label},
            extra={"from": order.status, "to": str(to_status)},
        )


class NoPrice(ValidationFailed):
    code = "no_price"


class OrderInvalid(ValidationFailed):
    """Input that cannot become an order at all (unknown SKU, bad quantity...): nothing saved."""

    code = "order_invalid"


class NotYourTurn(DomainError):
    code = "not_your_turn"
    http_status = 403


class StaleOrder(DomainError):
    """Someone else changed the order first."""

    code = "stale_order"


class CreditChanged(DomainError):
    """Another order of the same customer used the credit while this one was being checked:
    nothing was written. Intake tries again by itself; elsewhere the user tries again."""

    code = "credit_changed"
