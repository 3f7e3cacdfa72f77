"""Races on carrier tracking events with real threads on PostgreSQL: a carrier (or its webhook
retries) sending the same event several times at once makes one row and one timeline entry;
a delivered event racing a staff member's proof of delivery delivers the order once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import OrderEvent, Shipment, Status, TrackingEvent
from orders.services.fulfilment import record_delivery
from orders.services.tracking import record_tracking_event
from orders.tests.tracking_helpers import shipped_shipment
from tests.concurrency import race

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_same_carrier_event_sent_at_once_makes_one_row(shop):
    shipment = shipped_shipment(shop)
    when = timezone.now() - timedelta(hours=1)

    results = race(8, lambda i: record_tracking_event(
        actor=None, shipment=shipment, status="in_transit", occurred_at=when, location="Wuhan hub", source="carrier",
        external_id="SF-EVT-1").pk)

    assert {r[0] for r in results} == {"ok"}, results
    assert len({r[1] for r in results}) == 1  # everyone got the same row back
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 1
    assert OrderEvent.objects.filter(order=shipment.order, kind=OrderEvent.Kind.TRACKING).count() == 1


def test_a_delivered_event_and_a_manual_delivery_at_once_deliver_once(shop):
    shipment = shipped_shipment(shop)

    def act(i):
        if i == 0:
            return record_tracking_event(actor=None, shipment=shipment, status="delivered",
                                         occurred_at=timezone.now() - timedelta(minutes=5), source="carrier").pk
        return record_delivery(actor=shop["warehouse"], shipment=shipment, received_by="Li Na").pk

    results = race(2, act)

    assert all(r[0] in ("ok", "refused") for r in results), results
    shipment.refresh_from_db()
    shipment.order.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED and shipment.order.status == Status.DELIVERED
    assert shipment.order.events.filter(kind=OrderEvent.Kind.STATUS, to_status=Status.DELIVERED).count() == 1
