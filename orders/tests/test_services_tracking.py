"""Carrier tracking events: recorded for shipped shipments only, once per carrier event id,
a delivered event delivers the order, late (out-of-order) events never move a shipment back,
future times are refused, problems reach the sales rep; and a carrier's file row by row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from oms.errors import ValidationFailed
from oms.models import Notification
from orders import selectors_console
from orders.models import OrderEvent, Shipment, Status, TrackingEvent
from orders.services.tracking import NotShipped, import_tracking_events, record_tracking_event
from tests.factories import StaffFactory

from .tracking_helpers import allocated_shipment, packed_shipment, shipped_shipment

pytestmark = pytest.mark.django_db


def at(hours_ago):
    return timezone.now() - timedelta(hours=hours_ago)


def tracking_events_of(order):
    return list(order.events.filter(kind=OrderEvent.Kind.TRACKING).order_by("id"))


def test_an_event_is_recorded_and_shows_on_the_order_timeline(shop):
    shipment = shipped_shipment(shop)
    clerk = shop["warehouse"]

    event = record_tracking_event(actor=clerk, shipment=shipment, status="in_transit", occurred_at=at(2),
                                  location="Wuhan hub", description="Departed sorting centre", external_id="EV-1")

    assert event.is_new
    stored = TrackingEvent.objects.get()
    assert (stored.shipment, stored.status, stored.location, stored.source, stored.recorded_by, stored.external_id) == (
        shipment, "in_transit", "Wuhan hub", "console", clerk, "EV-1")
    [timeline] = tracking_events_of(shipment.order)
    assert timeline.message == f"{shipment.number}: In transit — Wuhan hub. Departed sorting centre"
    assert timeline.actor == clerk and timeline.data["status"] == "in_transit"
    shipment.refresh_from_db()
    shipment.order.refresh_from_db()
    assert shipment.status == Shipment.Status.SHIPPED and shipment.order.status == Status.SHIPPED


@pytest.mark.parametrize("stage", ["allocated", "packed"])
def test_a_shipment_not_yet_shipped_takes_no_event_and_nothing_is_written(shop, stage):
    shipment = allocated_shipment(shop) if stage == "allocated" else packed_shipment(shop)
    events_before = OrderEvent.objects.count()

    with pytest.raises(NotShipped, match="tracking events are kept once it has shipped"):
        record_tracking_event(actor=shop["warehouse"], shipment=shipment, status="picked_up", occurred_at=at(1))

    assert TrackingEvent.objects.count() == 0
    assert OrderEvent.objects.count() == events_before


def test_the_same_carrier_event_sent_twice_is_one_row(shop):
    shipment = shipped_shipment(shop)
    first = record_tracking_event(actor=None, shipment=shipment, status="picked_up", occurred_at=at(3),
                                  source="carrier", external_id="SF-EVT-77")

    again = record_tracking_event(actor=None, shipment=shipment, status="picked_up", occurred_at=at(3),
                                  source="carrier", external_id="SF-EVT-77")

    assert again.pk == first.pk and not again.is_new
    assert TrackingEvent.objects.count() == 1
    assert len(tracking_events_of(shipment.order)) == 1


def test_events_without_a_carrier_id_are_each_kept(shop):
    shipment = shipped_shipment(shop)
    for _ in range(2):
        record_tracking_event(actor=None, shipment=shipment, status="in_transit", occurred_at=at(1))
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 2


def test_a_delivered_event_records_the_delivery_and_the_order_is_delivered(shop):
    shipment = shipped_shipment(shop)
    when = at(1).replace(microsecond=0)

    record_tracking_event(actor=None, shipment=shipment, status="delivered", occurred_at=when, location="Hangzhou",
                          source="carrier")

    shipment.refresh_from_db()
    shipment.order.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED and shipment.delivered_at == when
    assert shipment.order.status == Status.DELIVERED
    messages = [e.message for e in tracking_events_of(shipment.order)]
    assert f"{shipment.number}: Delivered — Hangzhou" in messages
    assert any("delivered, received by" in m for m in messages)  # record_delivery's own entry


def test_late_events_are_stored_sorted_by_when_they_happened_and_never_move_the_shipment_back(shop):
    shipment = shipped_shipment(shop)
    record_tracking_event(actor=None, shipment=shipment, status="in_transit", occurred_at=at(5), location="Wuhan hub")
    record_tracking_event(actor=None, shipment=shipment, status="delivered", occurred_at=at(1), location="Hangzhou")
    # the carrier's earlier scans arrive after the delivery
    late = record_tracking_event(actor=None, shipment=shipment, status="out_for_delivery", occurred_at=at(2))
    record_tracking_event(actor=None, shipment=shipment, status="picked_up", occurred_at=at(9), location="Shanghai")

    shipment.refresh_from_db()
    shipment.order.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED and shipment.order.status == Status.DELIVERED
    listed = [e.status for e in selectors_console.shipment_tracking(shipment)]
    assert listed == ["delivered", "out_for_delivery", "in_transit", "picked_up"]  # newest first by time
    [with_latest] = selectors_console.attach_latest_tracking([shipment])
    assert with_latest.latest_tracking.status == "delivered"
    assert OrderEvent.objects.get(kind=OrderEvent.Kind.TRACKING, data__tracking_event=late.pk).data["late"] is True


def test_a_time_in_the_future_is_refused_and_nothing_is_written(shop):
    shipment = shipped_shipment(shop)

    with pytest.raises(ValidationFailed, match="in the future") as refused:
        record_tracking_event(actor=None, shipment=shipment, status="in_transit",
                              occurred_at=timezone.now() + timedelta(hours=1))

    assert refused.value.field == "occurred_at"
    assert TrackingEvent.objects.count() == 0
    # a carrier's clock a minute or two ahead is fine
    record_tracking_event(actor=None, shipment=shipment, status="in_transit",
                          occurred_at=timezone.now() + timedelta(minutes=2))
    assert TrackingEvent.objects.count() == 1


def test_an_unknown_status_is_refused(shop):
    shipment = shipped_shipment(shop)
    with pytest.raises(ValidationFailed, match="not a tracking status") as refused:
        record_tracking_event(actor=None, shipment=shipment, status="lost_in_space", occurred_at=at(1))
    assert refused.value.field == "status"
    assert TrackingEvent.objects.count() == 0


def test_an_exception_tells_the_customers_sales_rep(shop):
    shop["company"].sales_rep = shop["sales"]
    shop["company"].save()
    shipment = shipped_shipment(shop)

    record_tracking_event(actor=None, shipment=shipment, status="exception", occurred_at=at(1),
                          location="Wuhan hub", description="Address not found", source="carrier")

    note = Notification.objects.get(recipient=shop["sales"])
    assert note.subject == f"Delivery problem on order {shipment.order.number}: Exception"
    assert "Address not found" in note.body and note.link == f"/console/orders/{shipment.order.pk}/"
    # an ordinary event tells nobody
    record_tracking_event(actor=None, shipment=shipment, status="in_transit", occurred_at=at(1))
    assert Notification.objects.filter(subject__startswith="Delivery problem").count() == 1


def test_without_a_sales_rep_the_sales_managers_hear_of_a_problem(shop):
    shipment = shipped_shipment(shop)
    other_manager = StaffFactory(staff_role="sales_manager")

    record_tracking_event(actor=None, shipment=shipment, status="returned_to_sender", occurred_at=at(1))

    told = set(Notification.objects.filter(subject__startswith="Delivery problem").values_list("recipient", flat=True))
    assert told == {shop["manager"].pk, other_manager.pk}


# --- a carrier's file --------------------------------------------------------------------------

def test_a_file_with_good_and_bad_rows_records_the_good_ones_and_says_why_the_others_were_not(shop):
    shipment = shipped_shipment(shop, tracking_number="SF1234567890")
    not_shipped = packed_shipment(shop, sku="TAPE")
    not_shipped.tracking_number = "ZTO-NOT-YET"  # e.g. a label printed before the parcel left
    not_shipped.save()
    rows = [
        {"tracking_number": "SF1234567890", "status": "picked_up", "occurred_at": "2026-01-05 09:00",
         "location": "Shanghai", "external_id": "E1"},
        {"tracking_number": "sf1234567890", "status": "In transit", "occurred_at": "2026/01/05 18:30",
         "location": "Wuhan hub", "external_id": "E2"},
        {"tracking_number": "NOPE-404", "status": "in_transit", "occurred_at": "2026-01-05 10:00"},
        {"tracking_number": "SF1234567890", "status": "teleported", "occurred_at": "2026-01-05 10:00"},
        {"tracking_number": "SF1234567890", "status": "in_transit", "occurred_at": "yesterday-ish"},
        {"tracking_number": "SF1234567890", "status": "in_transit", "occurred_at": "2099-01-01 10:00"},
        {"tracking_number": "ZTO-NOT-YET", "status": "in_transit", "occurred_at": "2026-01-05 10:00"},
        {"tracking_number": "SF1234567890", "status": "picked_up", "occurred_at": "2026-01-05 09:00", "external_id": "E1"},
        {"tracking_number": "", "status": "in_transit", "occurred_at": "2026-01-05 10:00"},
    ]

    result = import_tracking_events(actor=shop["warehouse"], rows=rows, start=2)

    outcomes = [(r.row, r.outcome) for r in result.rows]
    assert outcomes == [(2, "recorded"), (3, "recorded"), (4, "error"), (5, "error"), (6, "error"), (7, "error"),
                        (8, "error"), (9, "duplicate"), (10, "error")]
    messages = {r.row: r.message for r in result.rows}
    assert "No shipment has the tracking number NOPE-404" in messages[4]
    assert "“teleported” is not a tracking status" in messages[5]
    assert "“yesterday-ish” is not a date and time" in messages[6]
    assert "in the future" in messages[7]
    assert "tracking events are kept once it has shipped" in messages[8]
    assert "No tracking number" in messages[10]
    assert (result.recorded, result.duplicates, result.errors) == (2, 1, 6)
    stored = list(TrackingEvent.objects.order_by("occurred_at").values_list("shipment", "status", "source", "location"))
    assert stored == [(shipment.pk, "picked_up", "carrier", "Shanghai"), (shipment.pk, "in_transit", "carrier", "Wuhan hub")]
    first = TrackingEvent.objects.get(external_id="E1")
    assert timezone.localtime(first.occurred_at).strftime("%Y-%m-%d %H:%M") == "2026-01-05 09:00"


def test_a_row_with_several_problems_lists_them_all(shop):
    result = import_tracking_events(actor=None, rows=[{"tracking_number": "X1", "status": "??", "occurred_at": ""}])
    [row] = result.rows
    assert row.outcome == "error"
    assert row.message.count(";") == 2  # unknown number; bad status; no date
    assert row.message.startswith("No shipment has the tracking number X1;")
    assert row.message.endswith("The event time is missing (write it like 2026-03-01 14:30).")
    assert TrackingEvent.objects.count() == 0
