"""Every write of the returns domain (ARCHITECTURE rule 1).

Flow: request_return (portal or console) -> authorize_return / reject_return -> receive_return
-> inspect_return -> resolve_return; cancel_return while nothing was received. Each status
change goes through `transition_return`, which checks ALLOWED_TRANSITIONS and writes a
ReturnEvent. Every rule is checked before the first write and raises a DomainError.

Stock, honestly:
- Receiving records what arrived at which warehouse; it posts nothing to the ledger. The
  units sit in the returns bay, uninspected, and must not be sold or allocated yet.
- Inspection posts, per line, through inventory.services.adjust_stock (never Stock directly),
  every movement referencing the RMA number in its reason:
    restock    -> one RETURN_RESTOCK movement (+n): the units are sellable on hand again;
    quarantine -> RETURN_RESTOCK (+n) then QUARANTINE (−n) at the receiving warehouse: the
                  ledger shows the units came back and were taken off the sellable shelf
                  into quarantine; sellable on hand is unchanged. The quarantined count stays
                  on the return line until release_quarantine (back to sellable) or
                  scrap_quarantine decides them (returns quarantine page in the console);
    scrap      -> RETURN_RESTOCK (+n) then SCRAP (−n): came back, written off.
  The pairs run under the same stock row lock in one transaction, so nobody can reserve the
  units between the two rows.

Money: refunds and credit notes belong to payments. A credit note is issued through
payments.services.issue_credit_note; a refund goes through payments.services.refund_payment
to the order's newest payment that can take it whole. When payments cannot do it (no such
service, no refundable payment of the order), the decision and amount are recorded on the
return with finance_status "awaiting finance" and finance is told — no credit note or refund
is ever invented here."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop

from customers.uploads import validate_attachments
from inventory.models import StockMovement
from inventory.services import adjust_stock
from oms.events import publish
from oms.i18n import Message, with_message
from oms.models import Notification
from oms.money import quantize
from oms.notifications import notify
from oms.permissions import STAFF_PERMISSIONS, Perm
from oms.sequences import next_number
from orders.models import OrderLine, Shipment, ShipmentLine

from .errors import IllegalReturnTransition, ReturnInvalid
from .models import (
    ALLOWED_TRANSITIONS, CLOSED_WITHOUT_GOODS, FinanceStatus, Reason, Resolution, ReturnEvent, ReturnLine,
    ReturnPhoto, ReturnRequest, Status,
)

User = get_user_model()
MAX_NOTES = 2000
RETURNABLE_SHIPMENTS = (Shipment.Status.SHIPPED, Shipment.Status.DELIVERED)


# --- what may still be returned -----------------------------------------------------------------

def returnable(order, *, now=None):
    """{order line id: {"delivered", "returned", "available", "window_ends"}} for the order's
    lines that went out. Delivered counts shipments marked delivered, and shipped ones that
    have no delivery record; the window runs from the line's last delivery (or shipping)
    date. Returned counts every return that was not rejected or cancelled. Two queries."""
    now = now or timezone.now()
    days = settings.RETURN_WINDOW_DAYS
    sent = (
        ShipmentLine.objects.filter(order_line__order=order, shipment__status__in=RETURNABLE_SHIPMENTS)
        .values("order_line_id")
        .annotate(qty=Sum("quantity"), last=Max(Coalesce("shipment__delivered_at", "shipment__shipped_at")))
    )
    returned = dict(
        ReturnLine.objects.filter(order_line__order=order).exclude(rma__status__in=CLOSED_WITHOUT_GOODS)
        .values("order_line_id").annotate(qty=Sum("quantity")).values_list("order_line_id", "qty")
    )
    result = {}
    for row in sent:
        last = row["last"]
        window_ends = last + timedelta(days=days) if last else None
        back = returned.get(row["order_line_id"], 0) or 0
        result[row["order_line_id"]] = {
            "delivered": row["qty"], "returned": back, "available": max(0, row["qty"] - back),
            "window_ends": window_ends, "in_window": window_ends is not None and now <= window_ends,
        }
    return result


def _int(value, field, label):
    try:
        number = Decimal(str(value).strip() or "0")
    except (InvalidOperation, ValueError):
        number = None
    if number is None or number != number.to_integral_value() or number < 0:
        raise ReturnInvalid(_("%(what)s: enter a whole number of units (0 or more).") % {"what": label}, field=field)
    return int(number)


# --- timeline, notifications --------------------------------------------------------------------

def record_event(rma, *, actor, message="", from_status="", to_status="", data=None):
    """`message`: a text, or an oms.i18n.Message that each reader sees in their language."""
    message, data = with_message(message, data)
    return ReturnEvent.objects.create(rma=rma, actor=actor if actor and actor.pk else None, message=message,
                                      from_status=from_status, to_status=to_status, data=data or {})


def transition_return(*, actor, rma, to, message="", data=None, fields=()):
    """The one status change: lock the row, check the map, update, write the event. `fields`
    names other attributes the caller set on `rma` to save with it."""
    to = Status(to)
    with transaction.atomic():
        current = ReturnRequest.objects.select_for_update(of=("self",)).get(pk=rma.pk)
        if to not in ALLOWED_TRANSITIONS.get(current.status, ()):
            raise IllegalReturnTransition(current, to)
        before = current.status
        rma.status, rma.status_changed_at = to, timezone.now()
        rma.save(update_fields=["status", "status_changed_at", "updated_at", *fields])
        record_event(rma, actor=actor, from_status=before, to_status=to, message=message, data=data)
        publish("return.updated", return_id=rma.pk, number=rma.number, order_id=rma.order_id, company_id=rma.company_id, from_status=str(before), to_status=str(to))
    return rma


def _lock(rma):
    return ReturnRequest.objects.select_for_update(of=("self",)).select_related("company", "order").get(pk=rma.pk)


def _dealers(company):
    return list(User.objects.filter(dealer_account__company=company, dealer_account__is_active=True, is_active=True))


def _return_staff():
    roles = [role for role, perms in STAFF_PERMISSIONS.items() if Perm.RETURNS_MANAGE in perms]
    return list(User.objects.filter(staff_role__in=roles, is_active=True))


def _tell_dealer(rma, subject, body=""):
    people = _dealers(rma.company)
    if people:
        notify(recipients=people, subject=subject, body=body, kind=Notification.Kind.RETURN,
               link=f"/portal/returns/{rma.pk}/")


def _tell_staff(rma, subject, body=""):
    people = _return_staff()
    if rma.company.sales_rep_id:
        people.append(rma.company.sales_rep)
    if people:
        notify(recipients=people, subject=subject, body=body, kind=Notification.Kind.RETURN,
               link=f"/console/returns/{rma.pk}/")


# --- request ------------------------------------------------------------------------------------

def request_return(*, actor, company, order, lines, notes="", photos=(), source="portal", now=None):
    """Open a return against the order's delivered lines.

    `lines` is a list of {"order_line": id, "quantity": n, "reason": code, "notes": ""};
    lines with quantity 0 are skipped. Errors name the field `qty_<line id>` /
    `reason_<line id>` so the form puts them beside the line. The order's lines are locked
    (in pk order) while counting what is already returned, so two requests for the last
    units cannot both succeed."""
    if order.company_id != company.pk:
        raise ReturnInvalid(_("That order is not yours."), field="order")
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES:
        raise ReturnInvalid(_("Keep the notes under %(n)d characters.") % {"n": MAX_NOTES}, field="notes")
    checked_photos = validate_attachments(photos)
    wanted = []
    for ln in lines or ():
        try:
            line_id = int(ln.get("order_line"))
        except (TypeError, ValueError):
            raise ReturnInvalid(_("Pick the order lines to return."), field="lines")
        qty = _int(ln.get("quantity", 0), f"qty_{line_id}", _("Quantity"))
        if qty == 0:
            continue
        reason = (ln.get("reason") or "").strip()
        if reason not in Reason.values:
            raise ReturnInvalid(_("Say why these units come back."), field=f"reason_{line_id}", code="reason_required")
        line_notes = (ln.get("notes") or "").strip()[:MAX_NOTES]
        wanted.append((line_id, qty, reason, line_notes))
    if not wanted:
        raise ReturnInvalid(_("Enter the quantity to return for at least one line."), field="lines", code="empty")
    if len({w[0] for w in wanted}) != len(wanted):
        raise ReturnInvalid(_("Each order line may appear once."), field="lines")
    now = now or timezone.now()
    with transaction.atomic():
        locked = {
            ol.pk: ol for ol in OrderLine.objects.select_for_update(of=("self",)).select_related("product")
            .filter(order=order).order_by("pk")
        }
        room = returnable(order, now=now)
        for line_id, qty, _reason, _n in wanted:
            ol = locked.get(line_id)
            if ol is None:
                raise ReturnInvalid(_("That line is not on order %(number)s.") % {"number": order.number}, field="lines")
            info = room.get(line_id)
            if info is None:
                raise ReturnInvalid(_("%(sku)s has not been delivered yet: nothing to return.") % {"sku": ol.product.sku},
                                    field=f"qty_{line_id}", code="not_delivered")
            if not info["in_window"]:
                raise ReturnInvalid(
                    _("%(sku)s was delivered more than %(days)d days ago: the return window has closed.")
                    % {"sku": ol.product.sku, "days": settings.RETURN_WINDOW_DAYS},
                    field=f"qty_{line_id}", code="window_closed")
            if qty > info["available"]:
                raise ReturnInvalid(
                    _("%(sku)s: at most %(n)d can be returned (%(delivered)d delivered, %(returned)d already on returns).")
                    % {"sku": ol.product.sku, "n": info["available"], "delivered": info["delivered"],
                       "returned": info["returned"]},
                    field=f"qty_{line_id}", code="over_returnable")
        rma = ReturnRequest.objects.create(
            number=next_number("rma", "RMA"), company=company, order=order, currency=order.currency,
            requested_by=actor if actor and actor.pk else None, source=source[:10], notes=notes,
        )
        ReturnLine.objects.bulk_create([
            ReturnLine(rma=rma, order_line_id=line_id, quantity=qty, reason=reason, notes=line_notes)
            for line_id, qty, reason, line_notes in wanted
        ])
        for f, name, content_type in checked_photos:
            photo = ReturnPhoto(rma=rma, name=name, content_type=content_type, size=f.size)
            photo.file.save(name, f, save=False)
            photo.save()
        record_event(rma, actor=actor, to_status=Status.REQUESTED,
                     message=Message(gettext_noop("Return requested for %(n)d unit(s) of order %(order)s."),
                                     n=sum(w[1] for w in wanted), order=order.number),
                     data={"lines": {str(w[0]): w[1] for w in wanted}, "photos": len(checked_photos)})
        _tell_staff(rma, format_lazy(gettext_lazy("Return {number} requested by {customer}"), number=rma.number,
                                     customer=company.name))
        _tell_dealer(rma, format_lazy(gettext_lazy("Return {number} received: we will review it"), number=rma.number))
    return rma


# --- decide -------------------------------------------------------------------------------------

def authorize_return(*, actor, rma, comment=""):
    with transaction.atomic():
        rma = _lock(rma)
        rma.decision_reason = (comment or "").strip()[:MAX_NOTES]
        transition_return(actor=actor, rma=rma, to=Status.AUTHORIZED,
                          message=rma.decision_reason or Message(gettext_noop("Authorized.")),
                          fields=["decision_reason"])
        _tell_dealer(rma, format_lazy(gettext_lazy("Return {number} authorized: please send the goods back"),
                                      number=rma.number), rma.decision_reason)
    return rma


def reject_return(*, actor, rma, reason):
    reason = (reason or "").strip()
    if not reason:
        raise ReturnInvalid(_("Say why the return is rejected: the dealer sees it."), field="reason",
                            code="reason_required")
    with transaction.atomic():
        rma = _lock(rma)
        rma.decision_reason = reason[:MAX_NOTES]
        transition_return(actor=actor, rma=rma, to=Status.REJECTED, message=reason, fields=["decision_reason"])
        _tell_dealer(rma, format_lazy(gettext_lazy("Return {number} was rejected"), number=rma.number), reason)
    return rma


def cancel_return(*, actor, rma, comment=""):
    """The dealer (or staff) withdraws a return before anything was received."""
    with transaction.atomic():
        rma = _lock(rma)
        transition_return(actor=actor, rma=rma, to=Status.CANCELLED,
                          message=(comment or "").strip() or Message(gettext_noop("Cancelled.")))
        _tell_staff(rma, format_lazy(gettext_lazy("Return {number} was cancelled"), number=rma.number))
    return rma


# --- receive and inspect ------------------------------------------------------------------------

def receive_return(*, actor, rma, warehouse, quantities):
    """The parcel arrived at `warehouse`: record what came back per line ({line id: units};
    missing lines count 0). Posts nothing to the stock ledger (see the module docstring)."""
    if warehouse is None or not warehouse.active:
        raise ReturnInvalid(_("Pick an active warehouse."), field="warehouse")
    with transaction.atomic():
        rma = _lock(rma)
        if Status.RECEIVED not in ALLOWED_TRANSITIONS.get(rma.status, ()):
            raise IllegalReturnTransition(rma, Status.RECEIVED)
        lines = list(rma.lines.select_related("order_line__product").order_by("pk"))
        got = {}
        for ln in lines:
            q = _int(quantities.get(ln.pk, 0), f"received_{ln.pk}", ln.order_line.product.sku)
            if q > ln.quantity:
                raise ReturnInvalid(_("%(sku)s: %(q)d received but only %(n)d were authorized.")
                                    % {"sku": ln.order_line.product.sku, "q": q, "n": ln.quantity},
                                    field=f"received_{ln.pk}")
            got[ln.pk] = q
        if not any(got.values()):
            raise ReturnInvalid(_("Enter what arrived for at least one line."), field="quantities", code="empty")
        for ln in lines:
            ln.received_quantity = got[ln.pk]
        ReturnLine.objects.bulk_update(lines, ["received_quantity"])
        rma.warehouse = warehouse
        transition_return(actor=actor, rma=rma, to=Status.RECEIVED, fields=["warehouse"],
                          message=Message(gettext_noop("%(n)d unit(s) received at %(wh)s."),
                                          n=sum(got.values()), wh=warehouse.code),
                          data={"received": {str(k): v for k, v in got.items()}, "warehouse": warehouse.code})
        _tell_dealer(rma, format_lazy(gettext_lazy("Return {number}: your goods arrived"), number=rma.number))
    return rma


def inspect_return(*, actor, rma, outcomes):
    """Decide each received unit: outcomes = {line id: {"restock": n, "quarantine": n, "scrap": n}}
    and the three must add up to what was received. Posts the ledger movements described in
    the module docstring, at the warehouse the goods were received at."""
    with transaction.atomic():
        rma = _lock(rma)
        if Status.INSPECTED not in ALLOWED_TRANSITIONS.get(rma.status, ()):
            raise IllegalReturnTransition(rma, Status.INSPECTED)
        lines = list(rma.lines.select_related("order_line__product").order_by("pk"))
        plan = {}
        for ln in lines:
            given = outcomes.get(ln.pk, {}) or {}
            sku = ln.order_line.product.sku
            counts = {k: _int(given.get(k, 0), f"{k}_{ln.pk}", sku) for k in ("restock", "quarantine", "scrap")}
            if sum(counts.values()) != ln.received_quantity:
                raise ReturnInvalid(
                    _("%(sku)s: restock, quarantine and scrap must add up to the %(n)d unit(s) received.")
                    % {"sku": sku, "n": ln.received_quantity}, field=f"restock_{ln.pk}", code="inspection_mismatch")
            plan[ln.pk] = counts
        inactive = [ln.order_line.product.sku for ln in lines if ln.received_quantity and not ln.order_line.product.active]
        if inactive:
            raise ReturnInvalid(_("%(skus)s is inactive: activate it before inspecting the return.")
                                % {"skus": ", ".join(inactive)}, field="outcomes")
        tag = _("Return %(number)s") % {"number": rma.number}
        for ln in lines:
            counts, product = plan[ln.pk], ln.order_line.product
            for kind, n in ((StockMovement.Kind.QUARANTINE, counts["quarantine"]), (StockMovement.Kind.SCRAP, counts["scrap"])):
                if n:
                    adjust_stock(actor=actor, product=product, warehouse=rma.warehouse,
                                 kind=StockMovement.Kind.RETURN_RESTOCK, quantity=n,
                                 reason=_("%(tag)s: returned, inspected") % {"tag": tag})
                    adjust_stock(actor=actor, product=product, warehouse=rma.warehouse, kind=kind, quantity=n,
                                 reason=_("%(tag)s: %(what)s after inspection") % {"tag": tag, "what": kind.label.lower()})
            if counts["restock"]:
                adjust_stock(actor=actor, product=product, warehouse=rma.warehouse,
                             kind=StockMovement.Kind.RETURN_RESTOCK, quantity=counts["restock"],
                             reason=_("%(tag)s: restocked as sellable") % {"tag": tag})
            ln.restock_quantity, ln.quarantine_quantity, ln.scrap_quantity = (
                counts["restock"], counts["quarantine"], counts["scrap"])
        ReturnLine.objects.bulk_update(lines, ["restock_quantity", "quarantine_quantity", "scrap_quantity"])
        totals = {k: sum(c[k] for c in plan.values()) for k in ("restock", "quarantine", "scrap")}
        transition_return(actor=actor, rma=rma, to=Status.INSPECTED, data=totals,
                          message=Message(gettext_noop("Inspected: %(restock)d restocked, %(quarantine)d quarantined, "
                                                       "%(scrap)d scrapped."), **totals))
        _tell_dealer(rma, format_lazy(gettext_lazy("Return {number} inspected"), number=rma.number))
    return rma


# --- resolve ------------------------------------------------------------------------------------

def return_value(rma, lines=None):
    """What the received units were paid: each line's total (tax included) per unit × units
    received, rounded once per line by oms.money."""
    lines = lines if lines is not None else list(rma.lines.select_related("order_line"))
    total = Decimal(0)
    for ln in lines:
        ol = ln.order_line
        if ln.received_quantity and ol.quantity:
            total += quantize(ol.total_amount * ln.received_quantity / ol.quantity, rma.currency)
    return quantize(total, rma.currency)


def _payments_service(name):
    try:
        from payments import services as payments_services
    except ImportError:
        return None
    return getattr(payments_services, name, None)


REFUNDABLE_PAYMENT_STATUSES = ("paid", "partially_paid", "partially_refunded")


def _refundable_payment(rma, amount):
    """The order's newest payment that can take the whole refund, when payments offers
    refund_payment; None leaves the refund to finance (split refunds, bank transfers...)."""
    if _payments_service("refund_payment") is None or not hasattr(rma.order, "payments"):
        return None
    for payment in rma.order.payments.filter(status__in=REFUNDABLE_PAYMENT_STATUSES, currency=rma.currency).order_by("-pk"):
        if payment.refundable >= amount:
            return payment
    return None


def resolve_return(*, actor, rma, resolution, comment=""):
    """Close an inspected return: refund (recorded for finance), credit note (issued through
    payments when it offers issue_credit_note, else recorded for finance) or exchange (a
    replacement order at no charge, placed through orders intake so it reserves stock)."""
    try:
        resolution = Resolution(resolution)
    except ValueError:
        raise ReturnInvalid(_("Pick how to resolve the return."), field="resolution")
    comment = (comment or "").strip()[:MAX_NOTES]
    with transaction.atomic():
        rma = _lock(rma)
        if Status.RESOLVED not in ALLOWED_TRANSITIONS.get(rma.status, ()):
            raise IllegalReturnTransition(rma, Status.RESOLVED)
        lines = list(rma.lines.select_related("order_line__product").order_by("pk"))
        received = [ln for ln in lines if ln.received_quantity]
        if not received:
            raise ReturnInvalid(_("Nothing was received: there is nothing to refund or exchange."), field="resolution")
        amount = return_value(rma, lines)
        rma.resolution, rma.refund_amount = resolution, amount
        fields = ["resolution", "refund_amount", "finance_status", "finance_ref", "exchange_order"]
        data = {"resolution": resolution.value, "amount": str(amount)}
        if resolution == Resolution.EXCHANGE:
            from orders.services.intake import place_order

            order = rma.order
            ship_to = order.ship_to if order.ship_to_id else None
            replacement, _created = place_order(
                actor=actor, company=rma.company, channel="console", ship_to=ship_to, strict=False,
                lines=[{"sku": ln.order_line.product.sku, "quantity": ln.received_quantity, "unit_price": "0"}
                       for ln in received],
                tags=["exchange"], customer_po=order.customer_po,
                notes=_("Replacement for return %(rma)s (order %(order)s).") % {"rma": rma.number, "order": order.number},
                source=f"return:{rma.number}",
            )
            rma.exchange_order, rma.refund_amount, rma.finance_status = replacement, Decimal(0), FinanceStatus.NONE
            data["exchange_order"] = replacement.number
            message = _("Exchanged: replacement order %(order)s.") % {"order": replacement.number}
        elif resolution == Resolution.CREDIT_NOTE and _payments_service("issue_credit_note"):
            note = _payments_service("issue_credit_note")(
                actor=actor, company=rma.company, amount=amount, currency=rma.currency,
                reason=_("Return %(rma)s") % {"rma": rma.number}, source_ref=rma.number)
            rma.finance_status = FinanceStatus.SETTLED
            rma.finance_ref = str(getattr(note, "number", "") or note)[:60]
            message = _("Credit note %(ref)s issued.") % {"ref": rma.finance_ref}
        elif resolution == Resolution.REFUND and (payment := _refundable_payment(rma, amount)) is not None:
            refund = _payments_service("refund_payment")(
                actor=actor, payment=payment, amount=amount, reason=_("Return %(rma)s") % {"rma": rma.number})
            rma.finance_status = FinanceStatus.SETTLED
            rma.finance_ref = str(getattr(payment, "display_number", "") or f"refund {refund.pk}")[:60]
            message = _("Refunded to payment %(ref)s.") % {"ref": rma.finance_ref}
        else:
            rma.finance_status = FinanceStatus.AWAITING_FINANCE
            message = (_("Refund to the original payment method decided; awaiting finance.")
                       if resolution == Resolution.REFUND else _("Credit note decided; awaiting finance."))
        if comment:
            message = f"{message} {comment}"
        transition_return(actor=actor, rma=rma, to=Status.RESOLVED, fields=fields, message=message, data=data)
        _tell_dealer(rma, format_lazy(gettext_lazy("Return {number} resolved: {how}"), number=rma.number,
                                      how=resolution.label), message)
        if rma.finance_status == FinanceStatus.AWAITING_FINANCE:
            finance = [u for u in User.objects.filter(staff_role="finance", is_active=True)]
            if finance:
                notify(recipients=finance, subject=format_lazy(gettext_lazy("Return {number}: {how} to settle"),
                                                               number=rma.number, how=resolution.label),
                       kind=Notification.Kind.RETURN, link=f"/console/returns/{rma.pk}/")
    return rma


# --- quarantined units: released to sellable or scrapped ----------------------------------------

def _quarantine_decision(*, actor, line, quantity, release):
    with transaction.atomic():
        line = ReturnLine.objects.select_related("rma", "order_line__product").get(pk=getattr(line, "pk", line))
        rma = _lock(line.rma)
        line = ReturnLine.objects.select_for_update(of=("self",)).select_related("order_line__product").get(pk=line.pk)
        sku = line.order_line.product.sku
        n = _int(quantity, "quantity", sku)
        if n <= 0:
            raise ReturnInvalid(_("%(sku)s: enter at least one unit.") % {"sku": sku}, field="quantity")
        if n > line.quarantine_left:
            raise ReturnInvalid(_("%(sku)s: only %(n)d unit(s) of return %(rma)s are in quarantine.")
                                % {"sku": sku, "n": line.quarantine_left, "rma": rma.number}, field="quantity",
                                code="quarantine_exceeded")
        product, warehouse = line.order_line.product, rma.warehouse
        tag = _("Return %(number)s") % {"number": rma.number}
        # quarantined units are off the books (the QUARANTINE movement at inspection): bring them
        # back, and for scrap write them off again — the same pair inspection posts for scrap
        adjust_stock(actor=actor, product=product, warehouse=warehouse, kind=StockMovement.Kind.RETURN_RESTOCK,
                     quantity=n, reason=(_("%(tag)s: released from quarantine") if release
                                         else _("%(tag)s: out of quarantine to scrap")) % {"tag": tag})
        if release:
            line.quarantine_released += n
            message = _("%(n)d × %(sku)s released from quarantine to sellable stock.") % {"n": n, "sku": sku}
        else:
            adjust_stock(actor=actor, product=product, warehouse=warehouse, kind=StockMovement.Kind.SCRAP, quantity=n,
                         reason=_("%(tag)s: scrapped from quarantine") % {"tag": tag})
            line.quarantine_scrapped += n
            message = _("%(n)d × %(sku)s scrapped from quarantine.") % {"n": n, "sku": sku}
        line.save(update_fields=["quarantine_released", "quarantine_scrapped"])
        record_event(rma, actor=actor, message=message,
                     data={"line": line.pk, "sku": sku, "quantity": n, "decision": "release" if release else "scrap"})
    return line


def release_quarantine(*, actor, line, quantity):
    """Quarantined units of a return line passed a second look: back to sellable stock at the
    warehouse the return was received at (one RETURN_RESTOCK movement)."""
    return _quarantine_decision(actor=actor, line=line, quantity=quantity, release=True)


def scrap_quarantine(*, actor, line, quantity):
    """Quarantined units are written off (RETURN_RESTOCK then SCRAP, under one transaction;
    sellable stock is unchanged)."""
    return _quarantine_decision(actor=actor, line=line, quantity=quantity, release=False)


__all__ = [
    "authorize_return", "cancel_return", "inspect_return", "receive_return", "reject_return", "release_quarantine",
    "request_return", "resolve_return", "return_value", "returnable", "scrap_quarantine", "transition_return",
]
