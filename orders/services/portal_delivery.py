"""Delivery sign-off in the portal: the dealer confirms receipt of a shipped shipment (name,
time, a typed or drawn signature), or reports a discrepancy (quantities received per line,
photos) — both record the delivery through fulfilment.record_delivery; a discrepancy also
goes on the order's timeline and opens a claim ticket (customers.services.open_ticket).

Files (the signature PNG, photos when there is no ticket to carry them) are checked by
content before anything is written and stored under MEDIA_ROOT/delivery/<order>/; their
paths are kept in the timeline event's data."""

import base64
import binascii
import io
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from oms.errors import PermissionDeniedError, ValidationFailed
from oms.i18n import Message
from oms.notifications import notify
from oms.permissions import dealer_account

from ..models import OrderEvent, Shipment
from .fulfilment import record_delivery
from .transitions import record_event

logger = logging.getLogger(__name__)

MAX_SIGNATURE_BYTES = 200 * 1024
MAX_SIGNATURE_SIDE = 2000
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 5
CLOCK_SKEW = timedelta(minutes=5)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
PHOTO_TYPES = [(b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF87a", "gif"), (b"GIF89a", "gif")]


class DeliveryInvalid(ValidationFailed):
    code = "delivery_invalid"


# --- checks (no writes) ------------------------------------------------------------------------

def _check_shipment(actor, company, shipment):
    """The shipment as it is now (re-read), if this dealer may sign for it."""
    shipment = Shipment.objects.select_related("order", "order__company").get(pk=shipment.pk)
    account = dealer_account(actor)
    if account is None or account.company_id != company.pk or shipment.order.company_id != company.pk:
        raise PermissionDeniedError(_("That shipment belongs to another company."))
    if shipment.status == Shipment.Status.DELIVERED:
        raise DeliveryInvalid(_("%(number)s was already signed for.") % {"number": shipment.number}, code="already_delivered")
    if shipment.status != Shipment.Status.SHIPPED:
        raise DeliveryInvalid(_("%(number)s has not been shipped yet.") % {"number": shipment.number}, code="not_shipped")
    return shipment


def _check_receiver(received_by, received_at, shipment, now):
    received_by = (received_by or "").strip()
    if not received_by:
        raise DeliveryInvalid(_("Enter the name of the person who received the goods."), field="received_by")
    if len(received_by) > 120:
        raise DeliveryInvalid(_("Keep the name under 120 characters."), field="received_by")
    received_at = received_at or now
    if received_at > now + CLOCK_SKEW:
        raise DeliveryInvalid(_("The time of receipt cannot be in the future."), field="received_at")
    if shipment.shipped_at and received_at < shipment.shipped_at - CLOCK_SKEW:
        raise DeliveryInvalid(_("The goods cannot arrive before they were shipped (%(when)s).")
                              % {"when": timezone.localtime(shipment.shipped_at).strftime("%Y-%m-%d %H:%M")},
                              field="received_at")
    return received_by, received_at


def decode_signature(data_url):
    """The PNG bytes of a canvas drawing sent as a data URL, checked; b"" when none was drawn."""
    data_url = (data_url or "").strip()
    if not data_url:
        return b""
    if not data_url.startswith(DATA_URL_PREFIX):
        raise DeliveryInvalid(_("The drawn signature must be a PNG image."), field="signature_image")
    encoded = data_url[len(DATA_URL_PREFIX):]
    if len(encoded) > MAX_SIGNATURE_BYTES * 4 // 3 + 4:
        raise DeliveryInvalid(_("The drawn signature is too large."), field="signature_image")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise DeliveryInvalid(_("The drawn signature could not be read; draw it again."), field="signature_image")
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise DeliveryInvalid(_("The drawn signature is too large."), field="signature_image")
    if not raw.startswith(PNG_MAGIC):
        raise DeliveryInvalid(_("The drawn signature must be a PNG image."), field="signature_image")
    try:
        from PIL import Image

        with Image.open(io.BytesIO(raw)) as image:
            image.verify()
            width, height = image.size
    except Exception:  # noqa: BLE001 - any decoder error means a broken upload
        raise DeliveryInvalid(_("The drawn signature could not be read; draw it again."), field="signature_image")
    if width > MAX_SIGNATURE_SIDE or height > MAX_SIGNATURE_SIDE:
        raise DeliveryInvalid(_("The drawn signature is too large."), field="signature_image")
    return raw


def check_photos(photos):
    """[(file, extension)] for the uploaded photos, checked by their first bytes: JPEG, PNG,
    GIF or WebP, at most 5 MB each and 5 in all."""
    photos = [p for p in (photos or ()) if p]
    if len(photos) > MAX_PHOTOS:
        raise DeliveryInvalid(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS}, field="photos")
    checked = []
    for f in photos:
        name = (getattr(f, "name", "") or "photo")[-100:]
        size = getattr(f, "size", 0) or 0
        if size <= 0:
            raise DeliveryInvalid(_("“%(name)s” is empty.") % {"name": name}, field="photos")
        if size > MAX_PHOTO_BYTES:
            raise DeliveryInvalid(_("“%(name)s” is larger than 5 MB.") % {"name": name}, field="photos")
        f.seek(0)
        head = f.read(16)
        f.seek(0)
        ext = next((e for magic, e in PHOTO_TYPES if head.startswith(magic)), None)
        if ext is None and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            ext = "webp"
        if ext is None:
            raise DeliveryInvalid(_("“%(name)s” is not a photo (JPEG, PNG, GIF or WebP).") % {"name": name}, field="photos")
        checked.append((f, ext))
    return checked


def _store(path, content):
    return default_storage.save(path, content)


def _folder(shipment):
    return f"delivery/{shipment.order.number}/{shipment.number}-{uuid.uuid4().hex[:8]}"


# --- confirm receipt ---------------------------------------------------------------------------

def confirm_receipt(*, actor, company, shipment, received_by, received_at=None, signature_text="",
                    signature_image="", now=None) -> Shipment:
    """The dealer signs for a shipped shipment: typed name and/or a drawn signature (a PNG data
    URL from the portal's canvas). Records the delivery (the order becomes delivered when all
    its shipments are) and puts the sign-off on the order's timeline."""
    now = now or timezone.now()
    shipment = _check_shipment(actor, company, shipment)
    received_by, received_at = _check_receiver(received_by, received_at, shipment, now)
    signature_text = (signature_text or "").strip()[:120]
    png = decode_signature(signature_image)
    if not signature_text and not png:
        raise DeliveryInvalid(_("Sign: type your name or draw your signature."), field="signature_text")
    path = _store(f"{_folder(shipment)}-signature.png", ContentFile(png)) if png else ""
    try:
        with transaction.atomic():
            shipment = record_delivery(actor=actor, shipment=shipment, received_by=received_by, at=received_at)
            how = gettext_lazy("drawn signature") if png else gettext_lazy("typed signature")
            record_event(shipment.order, OrderEvent.Kind.NOTE, actor=actor, source="portal",
                         message=Message(gettext_noop("%(number)s received by %(who)s, signed “%(sign)s” (%(how)s)."),
                                         number=shipment.number, who=received_by, sign=signature_text or received_by, how=how),
                         data={"customer_visible": True, "portal_event": "receipt", "shipment": shipment.number,
                               "received_at": received_at.isoformat(), "signed_as": signature_text,
                               "signature_file": path})
    except Exception:
        if path:
            default_storage.delete(path)
        raise
    return shipment


# --- report a discrepancy ----------------------------------------------------------------------

@dataclass
class DiscrepancyResult:
    shipment: Shipment
    differences: list  # [(sku, shipped, received)]
    ticket: object = None


def _open_claim(**kwargs):
    try:
        from customers.services import open_ticket
    except ImportError:
        return None
    return open_ticket(**kwargs)


def report_discrepancy(*, actor, company, shipment, received_by, received_quantities, description, received_at=None,
                       photos=(), now=None) -> DiscrepancyResult:
    """The goods arrived, but not as shipped: `received_quantities` {shipment line id: units
    received} for the lines that differ (others count as received in full), what is wrong in
    `description`, photos. Records the delivery, notes the discrepancy on the timeline and
    opens a claim ticket for the sales desk."""
    now = now or timezone.now()
    shipment = _check_shipment(actor, company, shipment)
    received_by, received_at = _check_receiver(received_by, received_at, shipment, now)
    description = (description or "").strip()
    if not description:
        raise DeliveryInvalid(_("Describe what is wrong (missing, damaged, wrong item...)."), field="description")
    if len(description) > 4000:
        raise DeliveryInvalid(_("Keep the description under 4000 characters."), field="description")
    lines = {ln.pk: ln for ln in shipment.lines.select_related("order_line__product")}
    differences = []
    for line_id, value in (received_quantities or {}).items():
        line = lines.get(int(line_id)) if str(line_id).isdigit() else None
        if line is None:
            raise DeliveryInvalid(_("That line is not in this shipment."), field="lines")
        try:
            qty = int(str(value).strip())
        except (TypeError, ValueError):
            qty = -1
        if qty < 0 or qty > line.quantity * 10 + 1000:
            raise DeliveryInvalid(_("%(sku)s: enter the units received as a whole number (0 or more).")
                                  % {"sku": line.order_line.product.sku}, field="lines")
        if qty != line.quantity:
            differences.append((line.order_line.product.sku, line.quantity, qty))
    checked_photos = check_photos(photos)
    order = shipment.order
    detail = "; ".join(_("%(sku)s: shipped %(shipped)d, received %(received)d") % {"sku": s, "shipped": a, "received": b}
                       for s, a, b in differences)
    stored = []
    try:
        with transaction.atomic():
            shipment = record_delivery(actor=actor, shipment=shipment, received_by=received_by, at=received_at)
            body = "\n".join(filter(None, [
                _("Shipment %(number)s of order %(order)s, received by %(who)s on %(when)s.")
                % {"number": shipment.number, "order": order.number, "who": received_by,
                   "when": timezone.localtime(received_at).strftime("%Y-%m-%d %H:%M")},
                detail, description]))
            ticket = _open_claim(actor=actor, company=company, category="claim", order_number=order.number,
                                 subject=_("Delivery discrepancy: %(order)s / %(number)s")
                                 % {"order": order.number, "number": shipment.number},
                                 body=body, attachments=[f for f, _e in checked_photos])
            if ticket is None:  # no ticket desk to carry the photos: keep them with the order
                folder = _folder(shipment)
                for i, (f, ext) in enumerate(checked_photos, start=1):
                    f.seek(0)
                    stored.append(_store(f"{folder}-photo{i}.{ext}", f))
                if order.company.sales_rep_id:
                    notify(recipients=[order.company.sales_rep], body=body, link=f"/console/orders/{order.pk}/",
                           subject=Message(gettext_noop("Delivery discrepancy on %(order)s"), order=order.number))
            ticket_number = getattr(ticket, "number", "")
            message = "; ".join(filter(None, [detail, description[:500]]))
            if ticket_number:
                message += " " + _("(claim %(ticket)s opened)") % {"ticket": ticket_number}
            record_event(order, OrderEvent.Kind.NOTE, actor=actor, source="portal", message=message,
                         data={"customer_visible": True, "portal_event": "discrepancy",
                               "shipment": shipment.number, "received_by": received_by,
                               "received_at": received_at.isoformat(),
                               "differences": [{"sku": s, "shipped": a, "received": b} for s, a, b in differences],
                               "ticket": ticket_number, "photos": stored})
    except Exception:
        for path in stored:
            default_storage.delete(path)
        raise
    return DiscrepancyResult(shipment=shipment, differences=differences, ticket=ticket)
