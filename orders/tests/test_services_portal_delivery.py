"""Delivery sign-off in the portal: confirm receipt with a typed or drawn signature, or report
a discrepancy that records the delivery, notes it on the timeline and opens a claim."""

import base64
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from oms.errors import PermissionDeniedError
from orders import selectors
from orders.models import OrderEvent, Shipment, Status
from orders.services import portal_delivery
from orders.services.intake import place_order
from orders.services.portal_delivery import DeliveryInvalid
from tests.factories import dealer_user, ship_order


def png_bytes(size=(60, 20)):
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 0, 0)).save(out, format="PNG")
    return out.getvalue()


def data_url(raw):
    return "data:image/png;base64," + base64.b64encode(raw).decode()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def shipped(shop, media):
    """A dealer's order of 4 valves and 20 pipes, shipped from Shanghai."""
    p = shop["products"]
    shop["stock_of"](p["VALVE"], shop["sh"], on_hand=10)
    shop["stock_of"](p["PIPE"], shop["sh"], on_hand=100)
    buyer = dealer_user(company=shop["company"], username="receiver")
    order, _ = place_order(actor=buyer, company=shop["company"], channel="portal",
                           lines=[{"sku": "VALVE", "quantity": 4}, {"sku": "PIPE", "quantity": 20}])
    shipment = ship_order(order, shop["warehouse"])[0]
    return {**shop, "buyer": buyer, "order": order, "shipment": shipment}


def test_confirming_receipt_with_a_drawn_signature_delivers_the_order(shipped):
    s = shipped

    portal_delivery.confirm_receipt(actor=s["buyer"], company=s["company"], shipment=s["shipment"], received_by="Wang Wei",
                                    signature_image=data_url(png_bytes()))

    s["shipment"].refresh_from_db()
    s["order"].refresh_from_db()
    assert s["shipment"].status == Shipment.Status.DELIVERED and s["shipment"].received_by == "Wang Wei"
    assert s["order"].status == Status.DELIVERED
    event = s["order"].events.filter(kind=OrderEvent.Kind.NOTE, data__portal_event="receipt").get()
    assert default_storage.exists(event.data["signature_file"])
    assert "Receipt confirmed" in [e.title for e in selectors.customer_timeline(s["order"])]


def test_a_typed_signature_is_enough(shipped):
    s = shipped
    portal_delivery.confirm_receipt(actor=s["buyer"], company=s["company"], shipment=s["shipment"],
                                    received_by="Wang Wei", signature_text="W. Wei")
    s["shipment"].refresh_from_db()
    assert s["shipment"].status == Shipment.Status.DELIVERED


@pytest.mark.parametrize("kwargs,field", [
    ({"received_by": ""}, "received_by"),
    ({"signature_text": "", "signature_image": ""}, "signature_text"),
    ({"signature_image": "data:image/jpeg;base64,AAAA"}, "signature_image"),
    ({"signature_image": "data:image/png;base64,@@not base64@@"}, "signature_image"),
    ({"signature_image": data_url(b"GIF89a" + b"0" * 100)}, "signature_image"),
    ({"signature_image": data_url(b"\x89PNG\r\n\x1a\n" + b"broken")}, "signature_image"),
    ({"signature_image": data_url(b"\x89PNG\r\n\x1a\n" + b"0" * 300_000)}, "signature_image"),
    ({"received_at": timezone.now() + timedelta(days=1)}, "received_at"),
    ({"received_at": timezone.now() - timedelta(days=30)}, "received_at"),
])
def test_bad_sign_off_input_is_refused_and_nothing_is_recorded(shipped, media, kwargs, field):
    s = shipped
    params = {"received_by": "Wang Wei", "signature_text": "W. Wei", **kwargs}
    with pytest.raises(DeliveryInvalid) as err:
        portal_delivery.confirm_receipt(actor=s["buyer"], company=s["company"], shipment=s["shipment"], **params)
    assert err.value.field == field
    s["shipment"].refresh_from_db()
    assert s["shipment"].status == Shipment.Status.SHIPPED
    assert not any(media.rglob("*.png"))


def test_a_shipment_can_be_signed_for_once(shipped):
    s = shipped
    portal_delivery.confirm_receipt(actor=s["buyer"], company=s["company"], shipment=s["shipment"],
                                    received_by="Wang Wei", signature_text="W")
    with pytest.raises(DeliveryInvalid, match="already signed"):
        portal_delivery.confirm_receipt(actor=s["buyer"], company=s["company"], shipment=s["shipment"],
                                        received_by="Wang Wei", signature_text="W")


def test_another_companys_dealer_cannot_sign(shipped):
    stranger = dealer_user()
    with pytest.raises(PermissionDeniedError):
        portal_delivery.confirm_receipt(actor=stranger, company=stranger.dealer_account.company,
                                        shipment=shipped["shipment"], received_by="X", signature_text="X")


def test_a_discrepancy_records_the_delivery_notes_it_and_opens_a_claim(shipped):
    from customers.models import Ticket

    s = shipped
    valve_line = s["shipment"].lines.get(order_line__product__sku="VALVE")
    photo = SimpleUploadedFile("box.png", png_bytes((200, 200)), content_type="image/png")

    result = portal_delivery.report_discrepancy(
        actor=s["buyer"], company=s["company"], shipment=s["shipment"], received_by="Wang Wei",
        received_quantities={valve_line.pk: 3}, description="One valve missing, carton torn", photos=[photo])

    s["order"].refresh_from_db()
    assert s["order"].status == Status.DELIVERED
    assert result.differences == [("VALVE", 4, 3)]
    ticket = Ticket.objects.get()
    assert ticket.category == "claim" and ticket.order_number == s["order"].number and ticket.company == s["company"]
    assert result.ticket == ticket
    event = s["order"].events.get(data__portal_event="discrepancy")
    assert event.data["differences"] == [{"sku": "VALVE", "shipped": 4, "received": 3}]
    assert ticket.number in event.message
    timeline = {e.title: e.detail for e in selectors.customer_timeline(s["order"])}
    assert "VALVE: shipped 4, received 3" in timeline["Discrepancy reported"]


@pytest.mark.parametrize("photo,message", [
    (SimpleUploadedFile("x.exe", b"MZ\x90\x00 windows program", content_type="image/png"), "not a photo"),
    (SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024 + 1), content_type="image/png"),
     "larger than 5 MB"),
])
def test_a_discrepancy_with_a_bad_photo_changes_nothing(shipped, photo, message):
    s = shipped
    with pytest.raises(DeliveryInvalid, match=message):
        portal_delivery.report_discrepancy(actor=s["buyer"], company=s["company"], shipment=s["shipment"],
                                           received_by="Wang Wei", received_quantities={}, description="Damaged",
                                           photos=[photo])
    s["shipment"].refresh_from_db()
    assert s["shipment"].status == Shipment.Status.SHIPPED


def test_a_discrepancy_needs_a_description_and_sane_quantities(shipped):
    s = shipped
    line = s["shipment"].lines.first()
    with pytest.raises(DeliveryInvalid) as err:
        portal_delivery.report_discrepancy(actor=s["buyer"], company=s["company"], shipment=s["shipment"],
                                           received_by="Wang Wei", received_quantities={line.pk: 1}, description=" ")
    assert err.value.field == "description"
    with pytest.raises(DeliveryInvalid, match="whole number"):
        portal_delivery.report_discrepancy(actor=s["buyer"], company=s["company"], shipment=s["shipment"],
                                           received_by="Wang Wei", received_quantities={line.pk: -1}, description="x")
    with pytest.raises(DeliveryInvalid, match="not in this shipment"):
        portal_delivery.report_discrepancy(actor=s["buyer"], company=s["company"], shipment=s["shipment"],
                                           received_by="Wang Wei", received_quantities={999999: 1}, description="x")
