from django.utils.translation import gettext as _

from oms.errors import DomainError, ValidationFailed


class IllegalTransition(DomainError):
    code = "illegal_payment_transition"

    def __init__(self, payment, to_status):
        from .models import PaymentStatus

        super().__init__(
            _("Payment %(number)s is %(current)s: it cannot become %(target)s.")
            % {"number": payment.display_number, "current": payment.get_status_display(),
               "target": PaymentStatus(to_status).label},
            extra={"from": payment.status, "to": str(to_status)},
        )


class RefundNotAllowed(DomainError):
    code = "refund_not_allowed"


class AllocationNotAllowed(DomainError):
    code = "allocation_not_allowed"


class InvoiceNotAllowed(DomainError):
    code = "invoice_not_allowed"


class InvalidPaymentInput(ValidationFailed):
    code = "invalid_payment"


class GatewayError(DomainError):
    code = "gateway_error"
    http_status = 502
