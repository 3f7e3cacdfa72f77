"""Tracking in the console: the shipment page's Tracking section (list, add an event with
field-level errors), the carrier CSV upload with per-row results, the order page's latest
tracking status per shipment at a bounded query count, and who may do it."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orders.models import Shipment, Status, TrackingEvent
from tests.factories import OrderFactory, ShipmentFactory, TrackingEventFactory

from .tracking_helpers import packed_shipment, shipped_shipment

pytestmark = pytest.mark.django_db
UPLOAD = reverse("console:tracking_upload")


def url(name, obj):
    return reverse(f"console:{name}", args=[obj.pk])


def local(dt):
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def csv_file(text, name="tracking.csv", content_type="text/csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type=content_type)


@pytest.fixture
def clerk(client, shop):
    client.force_login(shop["warehouse"])
    return client


# --- the shipment page -------------------------------------------------------------------------

def test_the_tracking_section_lists_events_newest_first(clerk, shop):
    shipment = shipped_shipment(shop)
    now = timezone.now()
    TrackingEventFactory(shipment=shipment, status="picked_up", location="Shanghai", occurred_at=now - timedelta(hours=9))
    TrackingEventFactory(shipment=shipment, status="out_for_delivery", location="Hangzhou", occurred_at=now - timedelta(hours=1))
    TrackingEventFactory(shipment=shipment, status="in_transit", location="Wuhan hub", occurred_at=now - timedelta(hours=5))

    html = clerk.get(url("shipment_detail", shipment)).content.decode()

    assert 'id="tracking"' in html and "Add tracking event" in html
    order_shown = [html.index(f'data-tracking="{s}"') for s in ("out_for_delivery", "in_transit", "picked_up")]
    assert order_shown == sorted(order_shown)


def test_a_packed_shipment_has_no_tracking_section(clerk, shop):
    html = clerk.get(url("shipment_detail", packed_shipment(shop))).content.decode()
    assert 'id="tracking"' not in html


def test_staff_add_an_event_from_the_shipment_page(clerk, shop):
    shipment = shipped_shipment(shop)
    when = timezone.now() - timedelta(hours=2)

    response = clerk.post(url("shipment_tracking", shipment), {
        "status": "in_transit", "occurred_at": local(when), "location": "Wuhan hub", "description": "Departed"})

    assert response.status_code == 302 and response.url == url("shipment_detail", shipment)
    event = TrackingEvent.objects.get()
    assert (event.status, event.location, event.source, event.recorded_by) == ("in_transit", "Wuhan hub", "console",
                                                                               shop["warehouse"])
    page = clerk.get(response.url).content.decode()
    assert "Tracking event recorded: In transit." in page and "Wuhan hub" in page


def test_a_delivered_event_from_the_page_delivers_the_order(clerk, shop):
    shipment = shipped_shipment(shop)
    clerk.post(url("shipment_tracking", shipment), {"status": "delivered", "occurred_at": local(timezone.now())})
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.DELIVERED and shipment.order.status == Status.DELIVERED


def test_missing_and_bad_fields_come_back_on_their_fields(clerk, shop):
    shipment = shipped_shipment(shop)

    response = clerk.post(url("shipment_tracking", shipment), {"status": "", "occurred_at": "not a time"})

    assert response.status_code == 200
    errors = response.context["tracking_form"].errors
    assert errors["status"] == ["Choose the tracking status."]
    assert errors["occurred_at"] == ["Enter a date and time."]
    html = response.content.decode()
    assert 'id="id_tracking_status_error"' in html and 'aria-invalid="true"' in html
    assert TrackingEvent.objects.count() == 0


def test_a_future_time_is_an_error_on_the_time_field(clerk, shop):
    shipment = shipped_shipment(shop)
    response = clerk.post(url("shipment_tracking", shipment), {
        "status": "in_transit", "occurred_at": local(timezone.now() + timedelta(days=1))})
    assert response.status_code == 200
    assert "in the future" in response.context["tracking_form"].errors["occurred_at"][0]
    assert TrackingEvent.objects.count() == 0


def test_an_event_on_a_shipment_not_shipped_is_refused_on_the_form(clerk, shop):
    shipment = packed_shipment(shop)
    response = clerk.post(url("shipment_tracking", shipment), {"status": "in_transit", "occurred_at": local(timezone.now())})
    assert response.status_code == 200
    assert "tracking events are kept once it has shipped" in " ".join(response.context["tracking_form"].non_field_errors())
    assert TrackingEvent.objects.count() == 0


# --- the carrier's file ------------------------------------------------------------------------

def test_the_upload_page_records_good_rows_and_lists_the_bad_ones(clerk, shop):
    shipped_shipment(shop, tracking_number="SF1234567890")
    text = (
        "Tracking Number,Status,Occurred At,Location,Description,External ID\n"
        "SF1234567890,picked_up,2026-01-05 09:00,Shanghai,Collected,E1\n"
        "SF1234567890,in_transit,2026-01-05 18:30,Wuhan hub,,E2\n"
        "\n"
        "NOPE-404,in_transit,2026-01-05 10:00,,,\n"
        "SF1234567890,lost,2026-01-05 10:00,,,\n"
        "SF1234567890,in_transit,05.01.2026,,,\n"
        "SF1234567890,picked_up,2026-01-05 09:00,Shanghai,Collected,E1\n"
    )

    response = clerk.post(UPLOAD, {"file": csv_file(text)})

    assert response.status_code == 200
    result = response.context["result"]
    assert [(r.row, r.outcome) for r in result.rows] == [
        (2, "recorded"), (3, "recorded"), (5, "error"), (6, "error"), (7, "error"), (8, "duplicate")]
    html = response.content.decode()
    assert "2 events recorded" in html and "1 already recorded" in html and "3 rows with errors, not recorded" in html
    assert "No shipment has the tracking number NOPE-404" in html
    assert 'data-line="6" data-outcome="error"' in html
    assert TrackingEvent.objects.count() == 2


def test_a_gb18030_semicolon_file_from_excel_is_read(clerk, shop):
    shipped_shipment(shop, tracking_number="SF1")
    text = "tracking_number;status;occurred_at;location\nSF1;in_transit;2026-01-05 18:30;武汉转运中心\n"
    response = clerk.post(UPLOAD, {"file": csv_file(text, encoding="gb18030", content_type="application/vnd.ms-excel")})
    assert response.context["result"].recorded == 1
    assert TrackingEvent.objects.get().location == "武汉转运中心"


@pytest.mark.parametrize("upload,message", [
    (SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", content_type="image/png"), "Upload a .csv file"),
    (SimpleUploadedFile("fake.csv", b"\x89PNG\r\n\x1a\n\x00\x00", content_type="text/csv"), "not a text CSV file"),
    (SimpleUploadedFile("big.csv", b"tracking_number,status,occurred_at\n" + b"x" * (2 * 1024 * 1024),
                        content_type="text/csv"), "it may be at most 2 MB"),
    (SimpleUploadedFile("cols.csv", b"number,state\nSF1,moving\n", content_type="text/csv"),
     "missing: tracking_number, status, occurred_at"),
    (SimpleUploadedFile("head.csv", b"tracking_number,status,occurred_at\n", content_type="text/csv"), "no events"),
])
def test_a_wrong_file_is_a_field_error_and_nothing_is_recorded(clerk, shop, upload, message):
    response = clerk.post(UPLOAD, {"file": upload})
    assert response.status_code == 200 and response.context["result"] is None
    assert message in " ".join(response.context["form"].errors["file"])
    assert TrackingEvent.objects.count() == 0


def test_no_file_is_a_field_error(clerk):
    response = clerk.post(UPLOAD, {})
    assert response.context["form"].errors["file"] == ["Choose the CSV file to upload."]


# --- who may -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["sales", "finance"])
def test_roles_without_fulfilment_permission_are_refused(client, shop, role, staff_user):
    shipment = shipped_shipment(shop)
    client.force_login(staff_user(role))
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": csv_file("tracking_number,status,occurred_at\nSF1234567890,in_transit,"
                                                 "2026-01-05 10:00\n")}).status_code == 403
    assert client.post(url("shipment_tracking", shipment),
                       {"status": "in_transit", "occurred_at": local(timezone.now())}).status_code == 403
    assert TrackingEvent.objects.count() == 0


def test_the_warehouse_opens_the_upload_page(clerk):
    response = clerk.get(UPLOAD)
    assert response.status_code == 200 and "Upload carrier tracking CSV" in response.content.decode()


# --- the order page ----------------------------------------------------------------------------

def test_the_order_page_shows_each_shipments_latest_tracking_and_the_timeline(client, shop):
    from orders.services.tracking import record_tracking_event

    shipment = shipped_shipment(shop)
    now = timezone.now()
    record_tracking_event(actor=None, shipment=shipment, status="out_for_delivery", occurred_at=now - timedelta(hours=1),
                          location="Hangzhou")
    record_tracking_event(actor=None, shipment=shipment, status="in_transit", occurred_at=now - timedelta(hours=6),
                          location="Wuhan hub")  # arrives late
    client.force_login(shop["sales"])

    html = client.get(url("order_detail", shipment.order)).content.decode()

    card = html[html.index(f'data-shipment="{shipment.number}"'):]
    latest = card[card.index('data-field="latest-tracking"'):]
    assert latest.startswith('data-field="latest-tracking" data-tracking="out_for_delivery"')
    assert "Out for delivery</strong> — Hangzhou" in latest
    timeline = html[html.index('id="timeline"'):]
    assert f"{shipment.number}: In transit — Wuhan hub" in timeline and "happened" in timeline


def test_the_order_page_costs_the_same_queries_with_more_shipments_and_events(client, shop):
    def order_with(n_shipments, n_events):
        order = OrderFactory(company=shop["company"], status="shipped")
        for _ in range(n_shipments):
            shipment = ShipmentFactory(order=order, warehouse=shop["sh"], status="shipped", tracking_number="T")
            for _ in range(n_events):
                TrackingEventFactory(shipment=shipment)
        return order

    small, big = order_with(1, 1), order_with(4, 5)
    client.force_login(shop["manager"])

    def count(order):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("order_detail", order)).status_code == 200
        return len(ctx.captured_queries)

    count(small)  # warm up (session, content types)
    assert count(big) == count(small)
