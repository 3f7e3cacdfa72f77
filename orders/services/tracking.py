"""Carrier tracking events: what happened to a parcel after it left the warehouse.

    record_tracking_event(actor=..., shipment=..., status="in_transit", occurred_at=..., location="Wuhan hub")
    import_tracking_events(actor=..., rows=[{"tracking_number": ..., "status": ..., "occurred_at": ...}, ...])

Events are appended, never changed. They are kept for shipped (and delivered) shipments only;
the carrier's own event id makes a re-sent event a no-op. Events may arrive out of order: they
are stored as they come and read sorted by when they happened, and they never move a shipment
backwards — a `delivered` event delivers the shipment (and the order, through record_delivery),
an older `in_transit` arriving after it changes nothing. Problems (exception, returned to
sender) are told to the customer's sales rep, or the sales managers when it has none."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from oms.errors import DomainError, ValidationFailed
from oms.i18n import Message
from oms.models import Notification
from oms.notifications import notify
from oms.permissions import StaffRole

from ..models import OrderEvent, Shipment, TrackingEvent
from .fulfilment import record_delivery
from .transitions import lock_order, record_event
from .workflow import _link, _staff_with_role

SS = Shipment.Status
TS = TrackingEvent.Status

FUTURE_TOLERANCE = timedelta(minutes=5)  # carriers' clocks drift a little; more than this is a typo
TRACKABLE = (SS.SHIPPED, SS.DELIVERED)  # handed to the carrier (late events may follow delivery)
PROBLEMS = (TS.EXCEPTION, TS.RETURNED_TO_SENDER)
MAX_IMPORT_ROWS = 5000


class NotShipped(DomainError):
    code = "not_shipped"


# --- input ---------------------------------------------------------------------------------

def _key(text):
    return re.sub(r"[\s\-]+", "_", str(text or "").strip().lower())


_STATUS_NAMES = {**{_key(s.value): s for s in TS}, **{_key(s.label): s for s in TS}}


def parse_status(value):
    """The tracking status a carrier's word means ("in_transit", "In transit", "IN-TRANSIT"...)."""
    status = _STATUS_NAMES.get(_key(value))
    if status is None:
        raise ValidationFailed(
            _("“%(value)s” is not a tracking status (use one of: %(choices)s).")
            % {"value": str(value or "").strip()[:40], "choices": ", ".join(TS.values)},
            field="status", code="bad_status")
    return status


def parse_when(value):
    """A datetime from a datetime or a text like 2026-03-01 10:20, 2026/03/01 10:20:00 or
    2026-03-01T10:20:00+08:00 (no zone: the site's time zone)."""
    when = value
    if not isinstance(value, datetime):
        text = str(value or "").strip().replace("/", "-")
        try:
            when = parse_datetime(text) if text else None
        except ValueError:
            when = None
        if when is None and not text:
            raise ValidationFailed(_("The event time is missing (write it like 2026-03-01 14:30)."),
                                   field="occurred_at", code="bad_date")
        if when is None:
            raise ValidationFailed(
                _("“%(value)s” is not a date and time (write it like 2026-03-01 14:30).") % {"value": str(value)[:40]},
                field="occurred_at", code="bad_date")
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def _check_not_future(when, now):
    if when > now + FUTURE_TOLERANCE:
        raise ValidationFailed(
            _("The event time %(when)s is in the future.") % {"when": timezone.localtime(when).strftime("%Y-%m-%d %H:%M")},
            field="occurred_at", code="future_date")


def _clean_text(value, limit):
    return " ".join(str(value or "").split())[:limit]


# --- one event -----------------------------------------------------------------------------

def record_tracking_event(*, actor, shipment, status, occurred_at, description="", location="", source="console",
                          external_id=""):
    """Append one tracking event to a shipped shipment and show it on the order's timeline.

    Returns the TrackingEvent; `event.is_new` is False when the carrier's `external_id` was
    already recorded for this shipment (the first row is returned, nothing is written).
    Raises ValidationFailed (bad status, bad or future time) or NotShipped before writing."""
    status = parse_status(status)
    source = TrackingEvent.Source(source)
    occurred_at = parse_when(occurred_at)
    _check_not_future(occurred_at, timezone.now())
    description, location = _clean_text(description, 500), _clean_text(location, 120)
    external_id = str(external_id or "").strip()[:100]

    with transaction.atomic():
        order = lock_order(shipment.order_id)  # the order first, then the shipment: record_delivery's order
        shipment = Shipment.objects.select_for_update(of=("self",)).get(pk=shipment.pk)
        if external_id:
            existing = TrackingEvent.objects.filter(shipment=shipment, external_id=external_id).first()
            if existing is not None:
                existing.is_new = False
                return existing
        if shipment.status not in TRACKABLE:
            raise NotShipped(_("Shipment %(number)s is %(status)s: tracking events are kept once it has shipped.")
                             % {"number": shipment.number, "status": shipment.get_status_display().lower()},
                             field="shipment")
        newest = (TrackingEvent.objects.filter(shipment=shipment).order_by("-occurred_at", "-id")
                  .values_list("occurred_at", flat=True).first())
        event = TrackingEvent(
            shipment=shipment, status=status, description=description, location=location, occurred_at=occurred_at,
            source=source, external_id=external_id, recorded_by=actor if actor is not None and actor.pk else None,
        )
        try:
            with transaction.atomic():
                event.save(force_insert=True)
        except IntegrityError:  # the same carrier event raced us past the check: keep the first
            if not external_id:
                raise
            existing = TrackingEvent.objects.get(shipment=shipment, external_id=external_id)
            existing.is_new = False
            return existing
        event.is_new = True
        late = newest is not None and occurred_at < newest

        # only the status is translated (the carrier's words stay as it wrote them): pure formats
        text = Message("%(number)s: %(status)s", number=shipment.number, status=status.label)
        if location:
            text = Message("%(text)s — %(location)s", text=text, location=location)
        if description:
            text = Message("%(text)s. %(description)s", text=text, description=description)
        record_event(order, OrderEvent.Kind.TRACKING, actor=actor, message=text, source=source,
                     data={"shipment": shipment.number, "tracking_event": event.pk, "status": status.value,
                           "location": location, "occurred_at": occurred_at.isoformat(), "late": late})

        if status == TS.DELIVERED and shipment.status == SS.SHIPPED:
            record_delivery(actor=actor, shipment=shipment, at=occurred_at)
        if status in PROBLEMS:
            _tell_problem(order, shipment, event)
        return event


def _tell_problem(order, shipment, event):
    """The customer's sales rep (or, with none, the sales managers) hears of a delivery problem.
    Inbox rows are part of this transaction; their e-mails go out after it commits."""
    recipients = [order.company.sales_rep] if order.company.sales_rep_id else _staff_with_role(StaffRole.SALES_MANAGER)
    if not recipients:
        return
    subject = format_lazy(gettext_lazy("Delivery problem on order {number}: {status}"),
                          number=order.number, status=TS(event.status).label)
    body = format_lazy(gettext_lazy("Shipment {shipment} ({carrier} {tracking}): {what}"),
                       shipment=shipment.number, carrier=shipment.carrier, tracking=shipment.tracking_number,
                       what=" — ".join(x for x in (event.description, event.location) if x) or TS(event.status).label)
    notify(recipients=recipients, subject=subject, body=body, link=_link(order), kind=Notification.Kind.ORDER,
           dedupe_key=f"tracking-problem-{event.pk}")


# --- a carrier's file ----------------------------------------------------------------------

@dataclass
class ImportedRow:
    row: int
    tracking_number: str
    status: str
    outcome: str  # "recorded", "duplicate" or "error"
    message: str = ""
    shipment: Shipment | None = None
    event: TrackingEvent | None = None


@dataclass
class ImportResult:
    rows: list = field(default_factory=list)

    def count(self, outcome):
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def recorded(self):
        return self.count("recorded")

    @property
    def duplicates(self):
        return self.count("duplicate")

    @property
    def errors(self):
        return self.count("error")


def import_tracking_events(*, actor, rows, source="carrier", start=1):
    """Record a carrier's events, given as dicts (tracking_number, status, occurred_at, and
    optionally location, description, external_id). Each row is matched to a shipped shipment
    by its tracking number (one query for the whole file) and recorded on its own: a bad row —
    unknown tracking number, bad status, bad or future date, shipment not shipped — is reported
    with its reason and writes nothing, the good rows are kept. Rows are numbered from `start`
    (or by each row's own `line`, as the CSV upload gives them). Returns an ImportResult."""
    rows = list(rows)
    if len(rows) > MAX_IMPORT_ROWS:
        raise ValidationFailed(_("A file may hold at most %(n)d events: split it and upload the parts.")
                               % {"n": MAX_IMPORT_ROWS}, field="file", code="too_many_rows")
    numbers = {str(r.get("tracking_number") or "").strip().upper() for r in rows} - {""}
    shipments = {}
    for s in (Shipment.objects.annotate(tn=Upper("tracking_number")).filter(tn__in=numbers)
              .select_related("order").order_by("pk")):
        shipments.setdefault(s.tn, []).append(s)

    result = ImportResult()
    for no, raw in enumerate(rows, start=start):
        no = raw.get("line") or no  # a file's own line number when the reader kept it
        number = str(raw.get("tracking_number") or "").strip()
        line = ImportedRow(row=no, tracking_number=number, status=str(raw.get("status") or "").strip(), outcome="error")
        result.rows.append(line)
        problems = []
        matches = [s for s in shipments.get(number.upper(), []) if s.status != SS.CANCELLED] if number else []
        if not number:
            problems.append(_("No tracking number"))
        elif not matches:
            problems.append(_("No shipment has the tracking number %(number)s") % {"number": number})
        elif len(matches) > 1:
            problems.append(_("Several shipments have the tracking number %(number)s (%(shipments)s)")
                            % {"number": number, "shipments": ", ".join(s.number for s in matches)})
        for check in (lambda: parse_status(raw.get("status")), lambda: parse_when(raw.get("occurred_at"))):
            try:
                check()
            except DomainError as err:
                problems.append(str(err.message))
        if problems:
            line.message = "; ".join(str(p).rstrip(".") for p in problems) + "."
            continue
        line.shipment = matches[0]
        try:
            event = record_tracking_event(
                actor=actor, shipment=line.shipment, status=raw.get("status"), occurred_at=raw.get("occurred_at"),
                location=raw.get("location") or "", description=raw.get("description") or "", source=source,
                external_id=raw.get("external_id") or "")
        except DomainError as err:
            line.message = str(err.message)
            continue
        line.event = event
        line.outcome = "recorded" if event.is_new else "duplicate"
        if not event.is_new:
            line.message = _("Already recorded")
    return result
