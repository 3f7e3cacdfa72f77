"""Loyalty points: earned once per paid order, redeemed as a discount, never below zero."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connections
from django.db.models import Sum
from django.utils import timezone

from customers.errors import InsufficientPoints, LoyaltyUnavailable
from customers.models import LoyaltyAccount, LoyaltyEntry, Tier
from customers.selectors import loyalty_balance, promotions_for
from customers.services import adjust_points, award_points, redeem_points
from oms.errors import ValidationFailed
from tests.factories import CompanyFactory, LoyaltyRuleFactory, OrderFactory, PromotionFactory, dealer_user


@pytest.fixture
def gold(db):
    LoyaltyRuleFactory(name="Everyone", points_per_unit=Decimal("1"), point_value=Decimal("0.01"))
    LoyaltyRuleFactory(name="Gold", tier=Tier.GOLD, points_per_unit=Decimal("2"), point_value=Decimal("0.02"),
                       min_redeem_points=100)
    return CompanyFactory(tier=Tier.GOLD, currency="CNY")


def test_completed_order_earns_points_once_however_often_awarded(gold):
    # given a gold dealer (2 points per yuan) and an order of ¥1,234.56
    # when the order's points are awarded twice (a retry)
    first = award_points(company=gold, order_number="SO-0000001", amount=Decimal("1234.56"), currency="CNY", reason="done")
    again = award_points(company=gold, order_number="SO-0000001", amount=Decimal("1234.56"), currency="CNY", reason="done")
    # then the points come once: floor(1234.56 × 2)
    assert first.pk == again.pk and first.points == 2469
    assert loyalty_balance(gold) == 2469
    assert LoyaltyEntry.objects.filter(company=gold).count() == 1


def test_the_tier_rule_beats_the_general_one_and_dates_count(db):
    LoyaltyRuleFactory(points_per_unit=Decimal("1"))
    LoyaltyRuleFactory(tier=Tier.SILVER, points_per_unit=Decimal("5"), valid_to=timezone.localdate() - timedelta(days=1))
    silver = CompanyFactory(tier=Tier.SILVER)
    entry = award_points(company=silver, order_number="SO-1", amount=Decimal("10"), currency="CNY", reason="")
    assert entry.points == 10  # the expired silver rule no longer applies


def test_no_programme_no_points(db):
    company = CompanyFactory()
    assert award_points(company=company, order_number="SO-2", amount=Decimal("500"), currency="CNY", reason="") is None
    assert loyalty_balance(company) == 0


def test_redeeming_points_gives_a_discount_and_lowers_the_balance(gold):
    award_points(company=gold, order_number="SO-3", amount=Decimal("500"), currency="CNY", reason="")  # 1000 points
    buyer = dealer_user(company=gold)
    discount = redeem_points(actor=buyer, company=gold, points=250, reference="CHECKOUT-1")
    assert discount == Decimal("5.00")  # 250 × ¥0.02
    assert loyalty_balance(gold) == 750
    entry = LoyaltyEntry.objects.get(kind="redeemed")
    assert (entry.points, entry.balance_after, entry.reference, entry.actor) == (-250, 750, "CHECKOUT-1", buyer)


def test_cannot_redeem_more_than_the_balance_and_nothing_is_written(gold):
    award_points(company=gold, order_number="SO-4", amount=Decimal("100"), currency="CNY", reason="")  # 200 points
    with pytest.raises(InsufficientPoints) as err:
        redeem_points(actor=None, company=gold, points=201, reference="X")
    assert "200" in str(err.value.message) and err.value.field == "points"
    assert loyalty_balance(gold) == 200 and LoyaltyEntry.objects.count() == 1


@pytest.mark.parametrize("points,error", [(50, LoyaltyUnavailable), (0, ValidationFailed), ("ten", ValidationFailed)])
def test_redemption_below_the_minimum_or_nonsense_is_refused(gold, points, error):
    award_points(company=gold, order_number="SO-5", amount=Decimal("100"), currency="CNY", reason="")
    with pytest.raises(error):
        redeem_points(actor=None, company=gold, points=points, reference="X")


def test_without_a_rule_points_cannot_be_redeemed(db):
    company = CompanyFactory()
    with pytest.raises(LoyaltyUnavailable):
        redeem_points(actor=None, company=company, points=10, reference="X")


def test_manual_adjustment_cannot_go_below_zero(gold):
    adjust_points(actor=None, company=gold, points=30, note="Goodwill")
    with pytest.raises(InsufficientPoints):
        adjust_points(actor=None, company=gold, points=-31, note="Typo")
    adjust_points(actor=None, company=gold, points=-30, note="Expired", kind="expired")
    assert loyalty_balance(gold) == 0


def test_a_paid_order_earns_its_points_once(gold):
    from orders.services.workflow import record_payment_received

    order = OrderFactory(company=gold, status="delivered", total=Decimal("300.00"), currency="CNY")
    record_payment_received(actor=None, order=order)
    record_payment_received(actor=None, order=order)  # a second payment notice for the same order
    assert LoyaltyEntry.objects.get(order_number=order.number).points == 600
    assert loyalty_balance(gold) == 600


def test_promotions_shown_are_those_for_the_company_today(db):
    today = timezone.localdate()
    east_gold = CompanyFactory(tier=Tier.GOLD, region="east")
    PromotionFactory(name="For everyone", starts_on=today, ends_on=today)
    PromotionFactory(name="Gold east", tier=Tier.GOLD, region="east", starts_on=today, ends_on=today)
    PromotionFactory(name="Silver only", tier=Tier.SILVER, starts_on=today, ends_on=today)
    PromotionFactory(name="North only", region="north", starts_on=today, ends_on=today)
    PromotionFactory(name="Over", starts_on=date(2020, 1, 1), ends_on=date(2020, 1, 2))
    assert {p.name for p in promotions_for(east_gold)} == {"For everyone", "Gold east"}


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_redemptions_never_overdraw_the_balance():
    # given 1000 points
    LoyaltyRuleFactory(points_per_unit=Decimal("1"), point_value=Decimal("0.01"))
    company = CompanyFactory()
    award_points(company=company, order_number="SO-RACE", amount=Decimal("1000"), currency="CNY", reason="")
    barrier, outcomes, errors = threading.Barrier(8), [], []

    # when 8 checkouts each redeem 300 points at the same moment
    def redeem(i):
        try:
            barrier.wait()
            outcomes.append(redeem_points(actor=None, company=company, points=300, reference=f"R{i}"))
        except InsufficientPoints:
            outcomes.append(None)
        except Exception as exc:  # a deadlock or constraint error would reach the dealer
            errors.append(repr(exc))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(redeem, range(8)))

    # then exactly three succeed, the rest are refused cleanly, and the ledger adds up
    assert errors == []
    assert sorted(o for o in outcomes if o is not None) == [Decimal("3.00")] * 3
    assert outcomes.count(None) == 5
    assert LoyaltyAccount.objects.get(company=company).balance == 100
    assert LoyaltyEntry.objects.filter(company=company).aggregate(s=Sum("points"))["s"] == 100
    assert not LoyaltyEntry.objects.filter(balance_after__lt=0).exists()
