"""The payment state machine as data; payments.services.transition_payment is the only code
that changes Payment.status, and it checks this map."""

from .models import PaymentStatus as S

ALLOWED: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.AUTHORIZED, S.PAID, S.PARTIALLY_PAID, S.FAILED, S.CANCELLED}),
    S.AUTHORIZED: frozenset({S.PAID, S.PARTIALLY_PAID, S.FAILED, S.CANCELLED}),
    # a success reported after a failure (out-of-order callbacks, a retried card) wins
    S.FAILED: frozenset({S.PAID, S.CANCELLED}),
    S.CANCELLED: frozenset({S.PAID}),
    S.PARTIALLY_PAID: frozenset({S.PAID, S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PAID: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.PARTIALLY_REFUNDED: frozenset({S.PARTIALLY_REFUNDED, S.REFUNDED}),
    S.REFUNDED: frozenset(),
}

SETTLED = frozenset({S.PAID, S.PARTIALLY_PAID, S.PARTIALLY_REFUNDED, S.REFUNDED})  # money arrived


def can_transition(current, target) -> bool:
    return target in ALLOWED.get(current, frozenset())
