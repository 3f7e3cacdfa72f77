from django.utils.translation import gettext as _

from oms.errors import DomainError, ValidationFailed


class InsufficientStock(DomainError):
    code = "insufficient_stock"

    def __init__(self, *, sku, warehouse, requested, available):
        super().__init__(
            _("Only %(available)d of %(sku)s available at %(warehouse)s; %(requested)d requested.")
            % {"available": max(available, 0), "sku": sku, "warehouse": warehouse, "requested": requested},
            extra={"sku": sku, "warehouse": warehouse, "requested": requested, "available": available},
        )


class InvalidQuantity(ValidationFailed):
    code = "invalid_quantity"


class BelowReserved(DomainError):
    code = "below_reserved"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class InactiveProduct(ValidationFailed):
    code = "inactive_product"
