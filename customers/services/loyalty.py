"""Loyalty points: an append-only ledger (LoyaltyEntry) and a balance row per company
(LoyaltyAccount) that every change locks first, so two redemptions at once can never take
the balance below zero (the database's check constraint is the last line)."""

from decimal import ROUND_FLOOR, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from oms import money
from oms.errors import ValidationFailed

from ..errors import InsufficientPoints, LoyaltyUnavailable
from ..models import Company, LoyaltyAccount, LoyaltyEntry
from ..selectors import active_loyalty_rule


def _lock_account(company) -> LoyaltyAccount:
    """The company's balance row, created on first use and locked for this transaction."""
    company_id = company.pk if isinstance(company, Company) else company
    LoyaltyAccount.objects.bulk_create([LoyaltyAccount(company_id=company_id)], ignore_conflicts=True)
    return LoyaltyAccount.objects.select_for_update().get(company_id=company_id)


def _write(account, *, kind, points, **fields) -> LoyaltyEntry:
    account.balance = F("balance") + points
    account.save(update_fields=["balance", "updated_at"])
    account.refresh_from_db(fields=["balance"])
    return LoyaltyEntry.objects.create(company_id=account.company_id, kind=kind, points=points,
                                       balance_after=account.balance, **fields)


def points_value(*, company, points) -> Decimal:
    """What `points` are worth as a discount for `company` today (0 without an active rule)."""
    rule = active_loyalty_rule(company)
    if rule is None or points <= 0:
        return money.quantize(0, company.currency)
    return money.quantize(Decimal(points) * rule.point_value, company.currency)


def points_worth(*, company, amount) -> int:
    """The most points whose value does not exceed `amount` for `company` today (0 without an
    active rule): what an order of that value can take."""
    rule = active_loyalty_rule(company)
    if rule is None or amount <= 0 or rule.point_value <= 0:
        return 0
    return int((Decimal(amount) / rule.point_value).to_integral_value(rounding=ROUND_FLOOR))


def award_points(*, company, order_number, amount, currency, reason="", actor=None):
    """Credit the points an order earns: floor(amount × the active rule's points per unit).

    Idempotent per `order_number`: calling it again for the same order (a retry, a second
    completion) returns the existing entry and awards nothing more — a unique constraint
    backs this up. Returns the LoyaltyEntry, or None when no active rule applies or the
    order earns no points. Call it inside the transaction that completes (later: pays) the
    order, so a rollback takes the points back too."""
    if not order_number:
        raise ValidationFailed(_("An order number is needed to award points."), field="order_number")
    amount = money.quantize(amount, currency)
    with transaction.atomic():
        account = _lock_account(company)
        existing = LoyaltyEntry.objects.filter(kind=LoyaltyEntry.Kind.EARNED, order_number=order_number).first()
        if existing is not None:
            return existing
        company = company if isinstance(company, Company) else Company.objects.get(pk=company)
        rule = active_loyalty_rule(company)
        if rule is None or amount <= 0:
            return None
        points = int((amount * rule.points_per_unit).to_integral_value(rounding=ROUND_FLOOR))
        if points <= 0:
            return None
        try:
            with transaction.atomic():
                return _write(account, kind=LoyaltyEntry.Kind.EARNED, points=points, order_number=order_number,
                              reference=order_number, amount=amount, currency=currency, rule=rule, actor=actor,
                              note=str(reason)[:200])
        except IntegrityError:  # the same order awarded by another company's call at the same moment
            return LoyaltyEntry.objects.get(kind=LoyaltyEntry.Kind.EARNED, order_number=order_number)


def redeem_points(*, actor, company, points, reference) -> Decimal:
    """Spend `points` of `company`'s balance and return the discount they buy, in the company's
    currency (a Decimal quantized by oms.money), e.g. 500 points × ¥0.01 = Decimal("5.00").

    Raises (before writing anything):
    - ValidationFailed (field "points") if points is not a positive whole number;
    - LoyaltyUnavailable if no loyalty rule is active for the company today, or `points` is
      below the rule's minimum redemption;
    - InsufficientPoints if the balance is lower than `points`.
    The balance row is locked, so concurrent redemptions queue and never overdraw. Call it in
    the same transaction as the order it pays for (e.g. inside place_order's atomic block):
    if the order fails, the redemption rolls back with it. `reference` (e.g. the order number
    or the checkout's idempotency key) is stored on the ledger entry."""
    try:
        points = int(points)
    except (TypeError, ValueError):
        raise ValidationFailed(_("Enter a whole number of points."), field="points")
    if points <= 0:
        raise ValidationFailed(_("Enter a positive number of points."), field="points")
    rule = active_loyalty_rule(company)
    if rule is None:
        raise LoyaltyUnavailable(_("Points cannot be redeemed: there is no loyalty programme for your account today."),
                                 field="points")
    if points < rule.min_redeem_points:
        raise LoyaltyUnavailable(_("Redeem at least %(min)d points at a time.") % {"min": rule.min_redeem_points},
                                 field="points")
    with transaction.atomic():
        account = _lock_account(company)
        if account.balance < points:
            raise InsufficientPoints(
                _("You have %(balance)d points; %(points)d cannot be redeemed.") % {"balance": account.balance, "points": points},
                field="points", extra={"balance": account.balance})
        discount = money.quantize(Decimal(points) * rule.point_value, company.currency)
        _write(account, kind=LoyaltyEntry.Kind.REDEEMED, points=-points, reference=str(reference)[:80],
               amount=discount, currency=company.currency, rule=rule, actor=actor)
    return discount


def _paid_reference(order_number):
    return f"paid:{order_number}"[:80]


def follow_order_payment(*, actor, company, order_number, kept, reason) -> int:
    """Points follow the money: after a refund an order keeps the share `kept` (0 to 1) of
    the points it earned, floor(earned × kept); paid again, it gets them back. Each change is
    one adjustment with reference "paid:<order>", never taking the balance below zero. Call
    it with the order locked. Returns the change to the balance."""
    company_id = company.pk if isinstance(company, Company) else company
    entries = list(LoyaltyEntry.objects.filter(company_id=company_id).filter(
        Q(kind=LoyaltyEntry.Kind.EARNED, order_number=order_number)
        | Q(kind=LoyaltyEntry.Kind.ADJUSTED, reference=_paid_reference(order_number))))
    earned = sum(e.points for e in entries if e.kind == LoyaltyEntry.Kind.EARNED)
    if not earned:
        return 0
    kept = min(max(Decimal(kept), Decimal(0)), Decimal(1))
    target = int((earned * kept).to_integral_value(rounding=ROUND_FLOOR))
    held = sum(e.points for e in entries)
    with transaction.atomic():
        account = _lock_account(company_id)
        change = max(target - held, -account.balance)
        if change:
            _write(account, kind=LoyaltyEntry.Kind.ADJUSTED, points=change, reference=_paid_reference(order_number),
                   actor=actor, note=str(reason)[:200])
        return change


def return_order_points(*, actor, company, order_number, reason) -> int:
    """The order was cancelled: the points redeemed on it come back and the points it earned go
    (as far as the balance still holds them), in one adjustment that names the order. Runs
    once per order; call it with the order locked. Returns the change to the balance."""
    reference = f"cancelled:{order_number}"[:80]
    company_id = company.pk if isinstance(company, Company) else company
    entries = list(LoyaltyEntry.objects.filter(company_id=company_id).filter(
        Q(kind=LoyaltyEntry.Kind.REDEEMED, reference=order_number) | Q(kind=LoyaltyEntry.Kind.EARNED, order_number=order_number)
        | Q(kind=LoyaltyEntry.Kind.ADJUSTED, reference__in=[reference, _paid_reference(order_number)])))
    if not entries or any(e.kind == LoyaltyEntry.Kind.ADJUSTED and e.reference == reference for e in entries):
        return 0  # the order used and earned no points (most orders: no balance row is touched), or was reversed
    with transaction.atomic():  # the caller holds the order's lock: no entry of this order appears meanwhile
        account = _lock_account(company_id)
        redeemed = -sum(e.points for e in entries if e.kind == LoyaltyEntry.Kind.REDEEMED)
        earned = sum(e.points for e in entries if e.kind != LoyaltyEntry.Kind.REDEEMED)  # less any refunds took back
        change = redeemed - min(earned, account.balance + redeemed)
        if change:
            _write(account, kind=LoyaltyEntry.Kind.ADJUSTED, points=change, reference=reference, actor=actor,
                   note=(_("Order %(number)s cancelled: %(reason)s") % {"number": order_number, "reason": reason})[:200])
        return change


def adjust_points(*, actor, company, points, note, kind=LoyaltyEntry.Kind.ADJUSTED) -> LoyaltyEntry:
    """A manual correction (+ or −) or an expiry (−), with a reason. Cannot take the balance
    below zero."""
    note = (note or "").strip()
    if not note:
        raise ValidationFailed(_("Say why the points are adjusted."), field="note")
    points = int(points)
    if points == 0:
        raise ValidationFailed(_("Enter a number of points other than zero."), field="points")
    if kind == LoyaltyEntry.Kind.EXPIRED and points > 0:
        points = -points
    with transaction.atomic():
        account = _lock_account(company)
        if account.balance + points < 0:
            raise InsufficientPoints(_("The balance is %(balance)d points; it cannot go below zero.")
                                     % {"balance": account.balance}, field="points")
        return _write(account, kind=kind, points=points, note=note[:200], actor=actor,
                      reference=f"{kind}:{timezone.now():%Y%m%d}")
