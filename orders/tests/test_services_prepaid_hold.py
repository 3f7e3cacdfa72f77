"""A prepaid order holds its stock while the payment comes, for a configurable time; when the
hold lapses the stock goes back on sale and the order waits; paid later, it is allocated afresh."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.models import Reservation, Stock
from inventory.services import release_expired_reservations
from orders.models import OrderEvent, Shipment, Status
from orders.services.intake import place_order
from orders.services.workflow import record_payment_received

pytestmark = pytest.mark.django_db


@pytest.fixture
def prepaid(shop, settings):
    settings.PREPAID_RESERVATION_HOURS = 24
    shop["company"].payment_terms = "prepaid"
    shop["company"].save()
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    return shop


def place(shop, qty=4):
    order, _ = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                           lines=[{"sku": "VALVE", "quantity": qty}])
    order.refresh_from_db()
    return order


def held(order):
    return list(Reservation.objects.filter(ref_type="order", ref_id=str(order.pk), status="open"))


def free_valves(shop):
    s = Stock.objects.get(product=shop["products"]["VALVE"], warehouse=shop["sh"])
    return s.on_hand - s.reserved


def test_unpaid_prepaid_order_holds_its_stock_until_the_deadline(prepaid):
    before = timezone.now()
    order = place(prepaid)
    assert order.status == Status.ON_HOLD and [r["code"] for r in order.hold_reasons] == ["awaiting_payment"]
    [reservation] = held(order)
    assert reservation.quantity == 4
    assert before + timedelta(hours=24) <= reservation.expires_at <= timezone.now() + timedelta(hours=24)
    assert free_valves(prepaid) == 6  # nobody else can buy what this customer is paying for
    assert order.events.filter(kind=OrderEvent.Kind.NOTE, message__startswith="Stock held until").exists()


def test_payment_in_time_keeps_the_stock_and_allocates(prepaid):
    order = place(prepaid)
    record_payment_received(actor=None, order=order)
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED and order.is_paid
    [reservation] = held(order)
    assert reservation.expires_at is None  # paid: the hold no longer lapses
    assert release_expired_reservations(now=timezone.now() + timedelta(days=30)) == []
    assert free_valves(prepaid) == 6


def test_lapsed_hold_releases_stock_and_payment_later_allocates_again(prepaid, django_capture_on_commit_callbacks):
    order = place(prepaid)
    with django_capture_on_commit_callbacks(execute=True):  # orders hears inventory's expiry event after commit
        release_expired_reservations(now=timezone.now() + timedelta(hours=25))
    order.refresh_from_db()
    assert held(order) == [] and free_valves(prepaid) == 10
    assert order.status == Status.ON_HOLD  # still waiting for the money
    assert all(ln.allocated_quantity == 0 for ln in order.lines.all())
    assert not order.shipments.filter(status=Shipment.Status.PENDING).exists()
    assert order.events.filter(message__startswith="Payment did not arrive in time").exists()

    record_payment_received(actor=None, order=order)
    order.refresh_from_db()
    assert order.status == Status.ALLOCATED
    assert [r.quantity for r in held(order)] == [4] and held(order)[0].expires_at is None
    assert order.shipments.filter(status=Shipment.Status.PENDING).count() == 1


def test_a_hold_extended_by_payment_is_not_released_by_a_late_expiry_run(prepaid):
    """The expiry job re-checks each hold under its lock, so a payment that landed between
    the job's scan and its release keeps the stock."""
    order = place(prepaid)
    later = timezone.now() + timedelta(hours=25)
    record_payment_received(actor=None, order=order)  # clears the deadline
    from inventory.services import release_reservations

    assert release_reservations(ref_type="order", ref_id=order.pk, expired_by=later) == 0
    assert [r.quantity for r in held(order)] == [4]
