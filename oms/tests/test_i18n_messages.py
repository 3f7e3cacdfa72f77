"""Timeline entries are read in the reader's language, whoever wrote them and in whatever
language: the event keeps its sentence's msgid and parameters (oms.i18n.Message)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy, gettext_noop

from oms.i18n import Message, event_text
from orders.models import OrderEvent
from orders.selectors import customer_timeline
from orders.services.transitions import record_event
from tests.factories import OrderFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_a_message_is_stored_once_and_read_in_each_language():
    step = Message(gettext_noop("Step %(step)d (%(role)s) %(verb)s. %(comment)s"), step=1,
                   role=gettext_lazy("Finance"), verb=gettext_lazy("approved"), comment="OK")
    with translation.override("en"):
        english, data = str(step), {"msg": step.as_data()}
    assert english == "Step 1 (Finance) approved. OK"
    with translation.override("zh-hans"):
        assert event_text(english, data) == "第 1 步（财务）已批准。OK"
    assert event_text("plain text", {}) == "plain text"  # events written before, or typed by people


def test_a_broken_translation_falls_back_to_english_rather_than_failing():
    data = {"msg": {"id": "Shipment %(number)s packed.", "params": {}}}  # a parameter missing
    assert event_text("Shipment SH-1 packed.", data) == "Shipment SH-1 packed."


def test_the_order_timeline_follows_the_readers_language():
    order = OrderFactory(status="picking")
    warehouse = StaffFactory(staff_role="warehouse", language="en")
    with translation.override("en"):  # written by an English-speaking packer
        record_event(order, OrderEvent.Kind.SHIPMENT, actor=warehouse,
                     message=Message(gettext_noop("Shipment %(number)s packed."), number="SH-0000007"))
        record_event(order, OrderEvent.Kind.SHIPMENT, actor=warehouse,
                     message=Message(gettext_noop("Shipment %(number)s packed."), number="SH-0000008"),
                     data={"customer_visible": True})
    event = order.events.get(message="Shipment SH-0000007 packed.")  # the column keeps the writer's words
    with translation.override("zh-hans"):
        assert event.text == "发货单 SH-0000007 已包装完成。"
        assert customer_timeline(order)[-1].detail == "发货单 SH-0000008 已包装完成。"
    with translation.override("en"):
        assert event.text == "Shipment SH-0000007 packed."


def test_the_console_order_page_shows_the_timeline_in_the_readers_language(client):
    order = OrderFactory(status="picking")
    with translation.override("en"):
        record_event(order, OrderEvent.Kind.SHIPMENT,
                     message=Message(gettext_noop("Shipment %(number)s packed."), number="SH-0000009"))
    manager = StaffFactory(staff_role="manager", language="zh-hans")
    client.force_login(manager)
    page = client.get(f"/console/orders/{order.pk}/", headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "发货单 SH-0000009 已包装完成。" in page


def test_hold_reasons_are_read_in_the_readers_language(shop):
    from orders.services.intake import place_order
    from orders.views.common import hold_reasons_text

    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    company = shop["company"]
    company.payment_terms = "prepaid"
    company.save()
    with translation.override("en"):  # keyed by an English-speaking rep
        order, _created = place_order(actor=shop["sales"], company=company, channel="console",
                                      lines=[{"sku": "VALVE", "quantity": 1}])
    assert order.status == "on_hold" and order.hold_reasons[0]["message"] == "Prepaid order: waiting for payment."
    with translation.override("zh-hans"):  # read by a Chinese-speaking dealer
        text = hold_reasons_text(order)
        assert text and text != "Prepaid order: waiting for payment." and "Prepaid" not in text
        held = order.events.get(to_status="on_hold")
        assert held.text == text  # the timeline entry too


def test_approval_reasons_are_read_in_the_readers_language(shop):
    from decimal import Decimal

    from oms.i18n import reason_text
    from orders.services.intake import place_order
    from tests.factories import ApprovalRuleFactory

    ApprovalRuleFactory(condition="total_above", threshold=Decimal("100"), levels=["sales_manager"])
    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    with translation.override("en"):
        order, _created = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                                      lines=[{"sku": "VALVE", "quantity": 2}])
    step = order.approvals.get()
    english = step.reasons[0]["message"]
    assert english.startswith("Total ") and "is above ¥100.00" in english
    with translation.override("zh-hans"):
        chinese = reason_text(step.reasons[0])
        assert chinese != english and "¥100.00" in chinese
        assert order.events.get(to_status="pending_approval").text == chinese


def test_allocation_plans_and_carrier_tracking_are_read_in_the_readers_language(shop):
    from django.utils import timezone

    from oms.i18n import reason_text
    from orders.services.intake import place_order
    from orders.services.tracking import record_tracking_event
    from tests.factories import ship_order

    shop["stock_of"](shop["products"]["VALVE"], shop["sh"], on_hand=10)
    with translation.override("en"):
        order, _created = place_order(actor=shop["sales"], company=shop["company"], channel="console",
                                      lines=[{"sku": "VALVE", "quantity": 1}])
        [shipment] = ship_order(order, shop["warehouse"])
        record_tracking_event(actor=shop["warehouse"], shipment=shipment, status="in_transit",
                              occurred_at=timezone.now(), location="Guangzhou hub")
    order.refresh_from_db()
    assert order.allocation["reason"].startswith("SH ships everything")
    tracking = order.events.filter(kind="tracking").latest("id")
    assert tracking.message == f"{shipment.number}: In transit — Guangzhou hub"
    with translation.override("zh-hans"):
        assert reason_text(order.allocation).startswith("由 SH 全部发货")
        assert tracking.text == f"{shipment.number}: 运输中 — Guangzhou hub"  # a parcel's transit, not a transfer's


def test_system_notes_on_points_and_transfers_are_translated_for_the_reader(client):
    from django.urls import reverse

    from customers.services import adjust_points
    from customers.models import LoyaltyEntry
    from tests.factories import CompanyFactory, LoyaltyRuleFactory, dealer_user

    LoyaltyRuleFactory()
    company = CompanyFactory()
    entry = adjust_points(actor=None, company=company, points=50, note="welcome")
    LoyaltyEntry.objects.filter(pk=entry.pk).update(note="Order paid")  # as award_points writes it
    client.force_login(dealer_user(company=company, language="zh-hans"))
    page = client.get(reverse("portal:loyalty")).content.decode()
    assert "订单已付款" in page and "Order paid" not in page
