"""The payment state map: what may follow what, enforced by transition_payment."""

import pytest

from payments.errors import IllegalTransition
from payments.models import PaymentStatus as S
from payments.services import cancel_payment, transition_payment
from payments.state import ALLOWED, can_transition
from tests.factories import PaymentFactory

pytestmark = pytest.mark.django_db


def test_every_status_has_a_row_and_refunded_is_final():
    assert set(ALLOWED) == set(S)
    assert ALLOWED[S.REFUNDED] == frozenset()
    assert can_transition(S.FAILED, S.PAID)          # a late success wins
    assert not can_transition(S.PAID, S.PENDING)     # a late pending never undoes a payment
    assert not can_transition(S.PAID, S.FAILED)


def test_illegal_transition_raises_before_writing():
    payment = PaymentFactory(status="refunded")
    with pytest.raises(IllegalTransition, match="cannot become"):
        transition_payment(payment, S.PAID)
    payment.refresh_from_db()
    assert payment.status == "refunded"
    pending = PaymentFactory()
    assert cancel_payment(actor=None, payment=pending).status == "cancelled"
