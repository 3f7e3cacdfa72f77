from django.utils.translation import gettext as _

from oms.errors import DomainError, ValidationFailed


class ReturnInvalid(ValidationFailed):
    code = "return_invalid"


class IllegalReturnTransition(DomainError):
    code = "illegal_transition"

    def __init__(self, rma, to):
        super().__init__(
            _("Return %(number)s is %(status)s: it cannot become %(to)s.")
            % {"number": rma.number, "status": rma.status_label, "to": str(to.label if hasattr(to, "label") else to)},
            extra={"from": rma.status, "to": str(to)},
        )
