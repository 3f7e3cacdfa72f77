"""Review, holds, approval, allocation, cancellation: the order's path to the warehouse."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_noop

from customers.services import award_points, follow_order_payment, return_order_points
from inventory.atp import active_warehouses
from inventory.errors import InsufficientStock
from inventory.models import Stock
from inventory.services import keep_reservations, release_reservations, reserve_stock
from oms.errors import ValidationFailed
from oms.i18n import Message, Reasons, with_message
from oms.money import format_money
from oms.models import Notification
from oms.notifications import notify
from oms.permissions import StaffRole
from oms.sequences import sequence_number

from ..allocation import plan_allocation
from ..approval import active_rules, approval_chain
from ..errors import IllegalTransition, NotYourTurn, StaleOrder
from ..models import ApprovalRule, Order, OrderApproval, OrderEvent, OrderLine, Shipment, ShipmentLine, Status, Tag
from ..review import confirm_credit, credit_overrun, credit_reason, only_awaiting_payment, reason, review_order
from ..state import CANCELLABLE
from .transitions import flush_writes, is_new, lock_order, record_event, save_order, transition_order

User = get_user_model()
RESERVATION_REF = "order"


# --- notifications -------------------------------------------------------------------------

def _staff_with_role(role):
    return list(User.objects.filter(staff_role=role, is_active=True))


def _dealer_contacts(order):
    return list(User.objects.filter(dealer_account__company=order.company, dealer_account__is_active=True, is_active=True))


def _link(order, surface="console"):
    return reverse(f"{surface}:order_detail", args=[order.pk])


def _tell(recipients, order, subject, body="", kind=Notification.Kind.ORDER, category=None):
    """Notify staff with a link to the console's order page and dealers with the portal's."""
    staff = [u for u in recipients if u.staff_role]
    dealers = [u for u in recipients if not u.staff_role]
    if staff:
        notify(recipients=staff, subject=subject, body=body, kind=kind, link=_link(order), category=category)
    if dealers:
        notify(recipients=dealers, subject=subject, body=body, kind=kind, link=_link(order, "portal"), category=category)


# --- submit and review ---------------------------------------------------------------------

def submit_order(*, actor, order, source="", lines=None, stock=None):
    """Run the automatic review on a submitted order and send it on: hold, approval, or
    straight to approved and allocation. Call inside a transaction with the order locked.
    Intake passes the `lines` it just created and the `stock` snapshot it priced with
    (see allocate_order) so nothing is read twice. Ends by confirming the customer's credit
    under its lock (review.confirm_credit): CreditChanged rolls the caller back if another
    order used it meanwhile. An order new in this transaction has its deferred writes flushed
    first, so the lock, which a customer's other orders wait on, is held only for the commit."""
    if lines is None:
        lines = list(order.lines.select_related("product"))
    over = credit_overrun(order)  # one read of open receivables for the hold check and the rules
    _send_on(actor=actor, order=order, source=source, lines=lines, stock=stock, over=over)
    if is_new(order):
        flush_writes(order)
    confirm_credit(order, over)
    return order


def _send_on(*, actor, order, source, lines, stock, over):
    reasons = review_order(order, lines)
    rules = active_rules()
    credit = credit_reason(order, over)
    if credit and not any(r.condition == ApprovalRule.Condition.CREDIT_OVERRUN for r in rules):
        reasons.append(credit)
    if reasons:
        order.hold_reasons = reasons
        save_order(order, ["hold_reasons"])
        transition_order(actor=actor, order=order, to=Status.ON_HOLD, source=source,
                         message="; ".join(r["message"] for r in reasons), data={"reasons": reasons})
        if order.company.sales_rep:
            _tell([order.company.sales_rep], order, format_lazy(gettext_lazy("Order {number} is on hold"), number=order.number),
                  Reasons(reasons))
        if only_awaiting_payment(reasons):  # all else is fine: hold the stock while the money comes
            allocate_order(actor=actor, order=order, source=source, lines=lines, stock=stock,
                           hold_until=timezone.now() + timedelta(hours=settings.PREPAID_RESERVATION_HOURS))
        return order
    order.hold_reasons = []
    chain = [(role, [reason("approval", w) for w in why])  # each reason stored once, with its Message
             for role, why in approval_chain(order, lines, rules=rules, over=over)]
    order.approval_reasons = [{"role": role, "reasons": why} for role, why in chain]
    save_order(order, ["hold_reasons", "approval_reasons"])
    if chain:
        round_no = (order.approvals.order_by("-round").values_list("round", flat=True).first() or 0) + 1
        OrderApproval.objects.bulk_create([
            OrderApproval(order=order, step=i, role=role, reasons=why, round=round_no)
            for i, (role, why) in enumerate(chain, start=1)
        ])
        transition_order(actor=actor, order=order, to=Status.PENDING_APPROVAL, source=source,
                         message="; ".join(w["message"] for _r, why in chain for w in why),
                         data={"reasons": [w for _r, why in chain for w in why]})
        _ask_approver(order, chain[0][0])
        return order
    transition_order(actor=actor, order=order, to=Status.APPROVED, source=source,
                     message=Message(gettext_noop("Passed review; no approval needed.")))
    allocate_order(actor=actor, order=order, source=source, lines=lines, stock=stock)
    return order


def _ask_approver(order, role):
    _tell(_staff_with_role(role), order,
          format_lazy(gettext_lazy("Approval needed: order {number} ({customer})"), number=order.number, customer=order.company.name),
          kind=Notification.Kind.APPROVAL)


def release_hold(*, actor, order, comment=""):
    """Staff fixed what held the order: review it again."""
    with transaction.atomic():
        order = lock_order(order)
        if order.status != Status.ON_HOLD:
            raise IllegalTransition(order, Status.SUBMITTED)
        transition_order(actor=actor, order=order, to=Status.SUBMITTED,
                         message=comment or Message(gettext_noop("Released from hold.")))
        return submit_order(actor=actor, order=order)


def record_payment_refunded(*, actor, order, unpaid=True):
    """Money paid for the order was refunded (called by payments, with the refund's rows
    locked). `unpaid`: what is still paid no longer covers the order, so it is no longer paid.
    Its loyalty points follow what is still paid on it."""
    with transaction.atomic():
        order = lock_order(order)
        if unpaid and order.is_paid:
            order.is_paid = False
            order.save(update_fields=["is_paid"])
            record_event(order, OrderEvent.Kind.NOTE, actor=actor,
                         message=Message(gettext_noop("Payment refunded: the order is no longer paid.")))
        _points_follow_payment(actor, order, _("Order %(number)s refunded") % {"number": order.number})
        return order


def _points_follow_payment(actor, order, reason):
    """The points an order earned follow what is paid on it: all of them while it is paid,
    else the share of its total still paid (a refund takes some back, paying again returns
    them). Noted on the timeline when they change."""
    if order.is_paid:
        kept = Decimal(1)
    else:
        kept = order.amount_paid / order.total if order.total > 0 else Decimal(0)
    change = follow_order_payment(actor=actor, company=order.company_id, order_number=order.number, kept=kept,
                                  reason=reason)
    if change < 0:
        record_event(order, OrderEvent.Kind.NOTE, actor=actor, data={"points": change},
                     message=Message(gettext_noop("%(points)d loyalty points taken back with the refund."),
                                     points=-change))
    elif change > 0:
        record_event(order, OrderEvent.Kind.NOTE, actor=actor, data={"points": change},
                     message=Message(gettext_noop("%(points)d loyalty points given back: the order is paid again."),
                                     points=change))


def record_payment_received(*, actor, order):
    """A prepaid order's payment arrived (called by payments): re-review if it was waiting."""
    with transaction.atomic():
        order = lock_order(order)
        order.is_paid = True
        order.save(update_fields=["is_paid"])
        record_event(order, OrderEvent.Kind.NOTE, actor=actor, message=Message(gettext_noop("Payment received.")))
        # loyalty points are earned on paid orders (once per order number, by the active rule)
        award_points(company=order.company, order_number=order.number, amount=order.total, currency=order.currency,
                     reason=gettext_noop("Order paid"), actor=actor)  # shown translated (portal_loyalty.html)
        _points_follow_payment(actor, order, _("Order %(number)s paid again") % {"number": order.number})
        if order.status == Status.ON_HOLD and not keep_reservations(ref_type=RESERVATION_REF, ref_id=order.pk):
            _drop_lapsed_allocation(order)  # the unpaid hold had expired: allocate afresh below
        if order.status == Status.ON_HOLD and only_awaiting_payment(order.hold_reasons):
            transition_order(actor=actor, order=order, to=Status.SUBMITTED,
                             message=Message(gettext_noop("Paid: back to review.")))
            submit_order(actor=actor, order=order)
        return order


# --- approval ------------------------------------------------------------------------------

def current_approval(order):
    return order.approvals.filter(decision=OrderApproval.Decision.PENDING).order_by("round", "step").first()


def _decide(*, actor, order, approval_id, approve, comment):
    with transaction.atomic():
        order = lock_order(order)
        step = current_approval(order) if order.status == Status.PENDING_APPROVAL else None
        if step is None or (approval_id is not None and step.pk != int(approval_id)):
            last = order.approvals.exclude(decided_by=None).order_by("-decided_at").select_related("decided_by").first()
            who = last.decided_by if last else _("someone else")
            raise StaleOrder(_("Order %(number)s was already decided by %(who)s; nothing was changed.")
                             % {"number": order.number, "who": who})
        if actor.staff_role not in (step.role, StaffRole.ADMIN):
            raise NotYourTurn(_("This step needs a %(role)s.") % {"role": StaffRole(step.role).label})
        step.decision = OrderApproval.Decision.APPROVED if approve else OrderApproval.Decision.REJECTED
        step.decided_by, step.comment, step.decided_at = actor, comment, timezone.now()
        step.save(update_fields=["decision", "decided_by", "comment", "decided_at"])
        verb = gettext_lazy("approved") if approve else gettext_lazy("rejected")
        record_event(order, OrderEvent.Kind.APPROVAL, actor=actor, data={"step": step.step, "role": step.role, "decision": step.decision},
                     message=Message(gettext_noop("Step %(step)d (%(role)s) %(verb)s. %(comment)s"),
                                     step=step.step, role=StaffRole(step.role).label, verb=verb, comment=comment))
        if not approve:
            order.approvals.filter(decision=OrderApproval.Decision.PENDING).delete()
            order.hold_reasons = [reason("rejected", Message(gettext_noop("Rejected by %(who)s: %(comment)s"),
                                                             who=actor, comment=comment))]
            order.save(update_fields=["hold_reasons"])
            transition_order(actor=actor, order=order, to=Status.ON_HOLD,
                             message=comment or Message(gettext_noop("Rejected.")))
            recipients = [u for u in (order.company.sales_rep, order.placed_by) if u is not None]
            _tell(recipients, order, format_lazy(gettext_lazy("Order {number} was rejected"), number=order.number), comment)
            return order
        nxt = current_approval(order)
        if nxt is not None:
            _ask_approver(order, nxt.role)
            return order
        transition_order(actor=actor, order=order, to=Status.APPROVED,
                         message=Message(gettext_noop("All approvals given.")))
        allocate_order(actor=actor, order=order)
        return order


def approve_order(*, actor, order, approval_id=None, comment=""):
    return _decide(actor=actor, order=order, approval_id=approval_id, approve=True, comment=comment)


def reject_order(*, actor, order, approval_id=None, comment=""):
    if not (comment or "").strip():
        raise ValidationFailed(_("Say why the order is rejected."), field="comment", code="comment_required")
    return _decide(actor=actor, order=order, approval_id=approval_id, approve=False, comment=comment)


def approvals_waiting_for(user):
    """Pending steps whose turn it is, for the user's role (admins see all)."""
    qs = OrderApproval.objects.filter(decision=OrderApproval.Decision.PENDING, order__status=Status.PENDING_APPROVAL)
    if user.staff_role != StaffRole.ADMIN:
        qs = qs.filter(role=user.staff_role)
    earlier_pending = OrderApproval.objects.filter(
        order=OuterRef("order"), round=OuterRef("round"), step__lt=OuterRef("step"),
        decision=OrderApproval.Decision.PENDING)
    return qs.exclude(Exists(earlier_pending)).select_related("order", "order__company").order_by("order__created_at")


# --- allocation ----------------------------------------------------------------------------

def allocate_order(*, actor, order, source="", attempts=3, lines=None, stock=None, hold_until=None):
    """Reserve stock and route the order (see orders.allocation). Lines that cannot be
    served now are backordered and re-tried when stock arrives. Needs the order locked.
    `stock` — (active warehouses, {(product_id, warehouse_id): available}) read a moment
    ago — plans the first attempt; the reservation itself re-checks every row under lock,
    and a failed attempt re-reads. With `hold_until` (a prepaid order on hold for its
    payment) the reservations expire then and the order's status does not change."""
    if lines is None:
        lines = list(order.lines.select_related("product").order_by("line_no"))
    needs = {ln.pk: (ln.product_id, ln.quantity - ln.allocated_quantity) for ln in lines}
    if not any(q for _p, q in needs.values()):  # already holds all its stock (e.g. released from a manual hold)
        if order.status in (Status.APPROVED, Status.BACKORDERED):
            transition_order(actor=actor, order=order, to=Status.ALLOCATED, source=source,
                             message=Message(gettext_noop("Stock is still reserved from before.")))
        return order
    warehouses, available = stock if stock is not None else (None, None)
    if warehouses is None:
        warehouses = active_warehouses()
    ship_complete = order.company.shipping_policy == order.company.ShippingPolicy.SHIP_COMPLETE
    for attempt in range(attempts):
        if available is None or attempt:
            available = {
                (s.product_id, s.warehouse_id): s.on_hand - s.reserved
                for s in Stock.objects.filter(product_id__in=[p for p, _q in needs.values()], warehouse__active=True)
            }
        plan = plan_allocation(needs=needs, warehouses=warehouses, available=available, region=order.ship_region,
                               ship_complete=ship_complete)
        by_line = {ln.pk: ln for ln in lines}
        reserve_lines = [(by_line[k].product_id, wh.pk, q) for wh, picks in plan.picks.items() for k, q in picks.items()]
        if not reserve_lines:
            break
        try:
            reserve_stock(actor=actor, ref_type=RESERVATION_REF, ref_id=order.pk, lines=reserve_lines, expires_at=hold_until)
            break
        except InsufficientStock:
            if attempt == attempts - 1:  # stock kept moving under us: try again later
                plan.picks, plan.backorder = {}, {k: q for k, (_p, q) in needs.items() if q}
                plan.reason = Message(gettext_noop("Stock changed while allocating; will retry."))
    # record the plan, create shipments per warehouse
    pending = {} if is_new(order) or not plan.picks else {
        s.warehouse_id: s for s in Shipment.objects.filter(order=order, status=Shipment.Status.PENDING).order_by("pk")}
    for wh, picks in plan.picks.items():
        shipment = pending.get(wh.pk)
        if shipment is None:
            shipment = Shipment.objects.create(number=sequence_number("shipment", "SH", 7), order=order, warehouse=wh)
            if is_new(order):
                order._new_shipments.append(shipment)
        ShipmentLine.objects.bulk_create([ShipmentLine(shipment=shipment, order_line_id=k, quantity=q) for k, q in picks.items()])
        for k, q in picks.items():
            by_line[k].allocated_quantity += q
    if plan.picks:
        _save_allocated(lines)
    reason_text, reason_data = with_message(plan.reason, {})
    order.allocation = {
        **reason_data,  # the plan's Message, shown in each reader's language
        "reason": reason_text,
        "warehouses": {wh.code: {by_line[k].product.sku: q for k, q in picks.items()} for wh, picks in plan.picks.items()},
        "backordered": {by_line[k].product.sku: q for k, q in plan.backorder.items()},
        "at": timezone.now().isoformat(),
    }
    save_order(order, ["allocation"])
    record_event(order, OrderEvent.Kind.ALLOCATION, actor=actor, message=plan.reason, data=order.allocation, source=source)
    if hold_until is not None:
        if plan.picks:
            record_event(order, OrderEvent.Kind.NOTE, actor=actor, source=source,
                         message=Message(gettext_noop("Stock held until %(when)s while the payment arrives."),
                                         when=timezone.localtime(hold_until).strftime("%Y-%m-%d %H:%M")))
        return order
    fully = all(ln.allocated_quantity == ln.quantity for ln in lines)
    if plan.picks or (fully and order.status == Status.BACKORDERED):
        if order.status in (Status.APPROVED, Status.BACKORDERED):
            transition_order(actor=actor, order=order, to=Status.ALLOCATED, message=plan.reason, source=source)
        _tell(_dealer_contacts(order), order,
              format_lazy(gettext_lazy("Order {number} confirmed"), number=order.number),
              format_lazy(gettext_lazy("Promised delivery: {date}."), date=order.promised_date or "—"))
    elif order.status == Status.APPROVED:
        transition_order(actor=actor, order=order, to=Status.BACKORDERED, message=plan.reason, source=source)
    return order


def _save_allocated(lines):
    """One UPDATE for every line's allocated quantity (bulk_update would build a CASE per line)."""
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {OrderLine._meta.db_table} AS l SET allocated_quantity = v.q "
                       "FROM unnest(%s::bigint[], %s::int[]) AS v(id, q) WHERE l.id = v.id",
                       [[ln.pk for ln in lines], [ln.allocated_quantity for ln in lines]])


def _drop_lapsed_allocation(order):
    """The order's reservations were released (an unpaid hold expired): its lines no longer
    hold stock and its pending shipments have nothing to pick."""
    order.shipments.filter(status=Shipment.Status.PENDING).update(status=Shipment.Status.CANCELLED)
    order.lines.update(allocated_quantity=0)
    order.allocation = {}
    order.save(update_fields=["allocation"])


def expire_unpaid_hold(*, order_id):
    """Inventory released an order's expired reservations (see inventory's
    release_expired_reservations): record it on the order and tell the customer and rep.
    The order stays on hold for its payment; paid later, it is allocated afresh."""
    with transaction.atomic():
        order = lock_order(order_id)
        if order.status not in (Status.ON_HOLD, Status.SUBMITTED) or order.is_paid:
            return order
        _drop_lapsed_allocation(order)
        message = _("Payment did not arrive in time: the reserved stock was released. The order waits for payment.")
        record_event(order, OrderEvent.Kind.NOTE, message=message, source="expiry")
        _tell(_dealer_contacts(order) + ([order.company.sales_rep] if order.company.sales_rep else []), order,
              format_lazy(gettext_lazy("Order {number}: reserved stock released"), number=order.number), message)
        return order


def reallocate_backorders(*, actor=None, limit=200):
    """Try again for orders still waiting for stock, oldest first (Celery beat)."""
    ids = list(
        Order.objects.filter(Q(status=Status.BACKORDERED) | Q(
            status__in=[Status.ALLOCATED, Status.PARTIALLY_SHIPPED], lines__allocated_quantity__lt=F("lines__quantity")))
        .order_by("created_at").values_list("pk", flat=True).distinct()[:limit]
    )
    done = 0
    for pk in ids:
        with transaction.atomic():
            order = lock_order(pk)
            if order.status not in (Status.BACKORDERED, Status.ALLOCATED, Status.PARTIALLY_SHIPPED):
                continue
            before = sum(order.lines.values_list("allocated_quantity", flat=True))
            allocate_order(actor=actor, order=order, source="reallocation")
            if sum(order.lines.values_list("allocated_quantity", flat=True)) > before:
                done += 1
    return done


# --- cancel, tags, notes -------------------------------------------------------------------

def cancel_order(*, actor, order, reason):
    if not (reason or "").strip():
        raise ValidationFailed(_("Give a reason for cancelling."), field="reason", code="reason_required")
    from payments.services import void_for_cancelled_order

    with transaction.atomic():
        # payments' rows first (payments, invoice), then the order: the order payments lock in
        voided, credited = void_for_cancelled_order(actor=actor, order=order, reason=reason)
        order = lock_order(order)
        if order.status not in CANCELLABLE:
            raise IllegalTransition(order, Status.CANCELLED)
        released = release_reservations(actor=actor, ref_type=RESERVATION_REF, ref_id=order.pk, reason=reason)
        points = return_order_points(actor=actor, company=order.company, order_number=order.number, reason=reason)
        if voided is not None:
            msgid = (gettext_noop("Invoice %(number)s is void; %(credited)s paid on it is kept as the customer's credit.")
                     if credited else gettext_noop("Invoice %(number)s is void."))
            record_event(order, OrderEvent.Kind.NOTE, actor=actor, data={"invoice": voided.number, "credited": str(credited)},
                         message=Message(msgid, number=voided.number, credited=format_money(credited, order.currency)))
        if points:
            record_event(order, OrderEvent.Kind.NOTE, actor=actor, data={"points": points},
                         message=Message(gettext_noop("Loyalty points of this order reversed: %(points)s."),
                                         points=f"{points:+d}"))
        order.shipments.filter(status__in=[Shipment.Status.PENDING, Shipment.Status.PICKING]).update(status=Shipment.Status.CANCELLED)
        order.lines.update(allocated_quantity=0)
        order.approvals.filter(decision=OrderApproval.Decision.PENDING).delete()
        transition_order(actor=actor, order=order, to=Status.CANCELLED, message=reason, data={"released_units": released})
        _tell(_dealer_contacts(order) + ([order.company.sales_rep] if order.company.sales_rep else []), order,
              format_lazy(gettext_lazy("Order {number} was cancelled"), number=order.number), reason)
        return order


def set_tags(*, actor, order, tags):
    tags = sorted({Tag(t) for t in tags})
    with transaction.atomic():
        order = lock_order(order)
        if tags != sorted(order.tags):
            record_event(order, OrderEvent.Kind.EDIT, actor=actor, message=Message(gettext_noop("Tags: %(tags)s"),
                                                                                   tags=", ".join(tags) or "—"),
                         data={"from": order.tags, "to": tags})
            order.tags = tags
            order.save(update_fields=["tags", "updated_at"])
        return order


def add_note(*, actor, order, text):
    text = (text or "").strip()
    if not text:
        raise ValidationFailed(_("The note is empty."), field="text", code="empty")
    with transaction.atomic():
        order = lock_order(order)
        return record_event(order, OrderEvent.Kind.NOTE, actor=actor, message=text)
